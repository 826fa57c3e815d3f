package app

import (
	"context"
	"io/fs"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/paved-dev/paved/internal/core"
)

// wailsEmitter forwards events to the window.
type wailsEmitter struct{ ctx context.Context }

func (w wailsEmitter) Emit(name string, data any) { runtime.EventsEmit(w.ctx, name, data) }

// RunWindow opens the desktop window and blocks until it is closed.
func RunWindow(ctx context.Context, p *core.Paved, assets fs.FS) error {
	a := New(p)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	return wails.Run(&options.App{
		Title:     "Paved",
		Width:     1280,
		Height:    860,
		MinWidth:  900,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		BackgroundColour: &options.RGBA{R: 248, G: 249, B: 251, A: 1},
		OnStartup: func(wctx context.Context) {
			a.attach(wctx, wailsEmitter{ctx: wctx})
			go a.background(ctx)
		},
		OnShutdown: func(context.Context) { cancel() },
		Bind:       []interface{}{a},
	})
}

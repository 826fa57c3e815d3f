// Command paved is the Paved desktop app and CLI in one binary: with no
// arguments it opens the window, with arguments it runs the command line.
// Both build the same platform services from the same state directory.
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/paved-dev/paved/app"
	"github.com/paved-dev/paved/internal/cli"
	"github.com/paved-dev/paved/internal/core"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ui, err := uiAssets()
	if err != nil {
		fmt.Fprintln(os.Stderr, "paved:", err)
		os.Exit(1)
	}
	deps := cli.Deps{
		Version: version,
		Assets:  ui,
		ServeBrowser: func(ctx context.Context, p *core.Paved, addr string, ready func(string), w cli.WarningRelay) error {
			return app.ServeBrowser(ctx, p, ui, addr, ready, app.WithWarnings(w))
		},
	}
	if hasWindow && ui != nil {
		deps.RunWindow = func(ctx context.Context, p *core.Paved, w cli.WarningRelay) error {
			if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
				return errors.New("no display found (DISPLAY is not set): run `paved ui --browser` to use Paved from a web browser")
			}
			return app.RunWindow(ctx, p, ui, app.WithWarnings(w))
		}
	}
	args := os.Args[1:]
	if len(args) == 0 {
		args = []string{"ui"}
	}
	os.Exit(cli.Main(ctx, args, deps))
}

// uiAssets returns the built frontend rooted at its index.html, or nil in
// builds without it.
func uiAssets() (fs.FS, error) {
	if !hasAssets {
		return nil, nil
	}
	sub, err := fs.Sub(frontendDist, "frontend/dist")
	if err != nil {
		return nil, fmt.Errorf("UI assets: %w", err)
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil, fmt.Errorf("UI assets were embedded without frontend/dist/index.html: run `make frontend` before building")
	}
	return sub, nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/spf13/cobra"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/warn"
)

func (e *env) uiCmd() *cobra.Command {
	var browser bool
	var addr string
	c := &cobra.Command{
		Use:   "ui",
		Short: "Open the desktop window, or serve the same UI to a browser with --browser",
		Long: `Open the desktop window (the same as running paved with no arguments).

With --browser, serve the same UI and the same operations over HTTP on a
loopback address instead, for machines without a desktop session and for
end-to-end tests. Only this machine can reach it, and only the browser that
opens the printed URL: it carries a secret made for this launch (other
accounts on this machine can reach 127.0.0.1 too). Keep the URL to
yourself; a new launch makes a new one.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if browser && e.deps.ServeBrowser == nil {
				return errors.New("this build has no browser mode")
			}
			if !browser && e.deps.RunWindow == nil {
				return errors.New("this build has no desktop window: run `paved ui --browser`")
			}
			warnings := newUIWarnings(e.deps.Stderr)
			return e.withUI(c.Context(), warnings, func(p *core.Paved) error {
				if browser {
					return e.deps.ServeBrowser(c.Context(), p, addr, func(url string) {
						// The only place the session's secret is shown.
						fmt.Fprintf(e.deps.Stdout, "Paved is running at %s\n", url)
						fmt.Fprintln(e.deps.Stdout, "Open that URL in a browser on this machine; it is this session's key, keep it to yourself.")
					}, warnings)
				}
				return e.deps.RunWindow(c.Context(), p, warnings)
			})
		},
	}
	c.Flags().BoolVar(&browser, "browser", false, "serve the UI over HTTP on a loopback address")
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:7788", "address for --browser (loopback only; port 0 picks a free one)")
	return c
}

// withUI is env.with for a UI session: the services' warnings go to
// warnings, which a window can take over while it is open.
func (e *env) withUI(ctx context.Context, warnings *uiWarnings, fn func(p *core.Paved) error) error {
	home, err := core.Home()
	if err != nil {
		return err
	}
	p, err := core.Open(ctx, core.Options{Home: home, Warn: warnings})
	if err != nil {
		return err
	}
	defer p.Close()
	if p.PlatformErr != nil {
		warnings.Warn(fmt.Errorf("the platform configuration could not be loaded, showing cached data: %w", p.PlatformErr))
	}
	return fn(p)
}

// uiWarnings is core.Options.Warn for `paved ui`: it prints warnings as
// every command does ("paved: warning: ...") until a UI takes them over
// with Relay (the window shows them as "paved:warning" events), and prints
// again once the UI gives them back. It satisfies app.WarningRelay.
type uiWarnings struct {
	mu     sync.Mutex
	stderr io.Writer
	to     warn.Sink // nil: print
}

func newUIWarnings(stderr io.Writer) *uiWarnings { return &uiWarnings{stderr: stderr} }

// Warn prints err, or hands it to the UI that took the warnings over.
func (w *uiWarnings) Warn(err error) {
	if err == nil {
		return
	}
	w.mu.Lock()
	to := w.to
	if to == nil {
		fmt.Fprintln(w.stderr, "paved: warning:", err)
	}
	w.mu.Unlock()
	if to != nil {
		to.Warn(err)
	}
}

// Relay sends warnings to to until restore is called.
func (w *uiWarnings) Relay(to warn.Sink) (restore func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	prev := w.to
	w.to = to
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.to = prev
	}
}

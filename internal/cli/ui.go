package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/paved-dev/paved/internal/core"
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
end-to-end tests. Only this machine can reach it.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				if browser {
					if e.deps.ServeBrowser == nil {
						return errors.New("this build has no browser mode")
					}
					return e.deps.ServeBrowser(c.Context(), p, addr, func(url string) {
						fmt.Fprintf(e.deps.Stdout, "Paved is running at %s\n", url)
					})
				}
				if e.deps.RunWindow == nil {
					return errors.New("this build has no desktop window: run `paved ui --browser`")
				}
				return e.deps.RunWindow(c.Context(), p)
			})
		},
	}
	c.Flags().BoolVar(&browser, "browser", false, "serve the UI over HTTP on a loopback address")
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:7788", "address for --browser (loopback only; port 0 picks a free one)")
	return c
}

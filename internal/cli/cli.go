// Package cli is the `paved` command line: a thin adapter that maps flags
// onto the platform services' option structs and prints their results as
// tables for people or JSON (-o json) for scripts. The JSON shapes are the
// services' own types, documented in docs/cli.md and kept stable.
//
// Rules: no business logic here; every command builds the services through
// core.Open exactly as the window does; errors go to stderr with exit code 1
// (2 for usage errors).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/warn"
)

// Deps are what the CLI needs from the binary it is built into.
type Deps struct {
	// Version of this build.
	Version string
	// Assets are the built frontend (nil in builds without it).
	Assets fs.FS
	// RunWindow opens the desktop window; nil where the build has none.
	// warnings are the services' warnings, for the UI to take over while
	// it is open (app.WithWarnings).
	RunWindow func(ctx context.Context, p *core.Paved, warnings WarningRelay) error
	// ServeBrowser serves the UI over HTTP on addr until ctx ends, calling
	// ready with the URL once it listens.
	ServeBrowser   func(ctx context.Context, p *core.Paved, addr string, ready func(url string), warnings WarningRelay) error
	Stdout, Stderr io.Writer
}

// WarningRelay hands the services' warnings to a UI while it is open
// (the window and browser mode show them) and back when it closes.
type WarningRelay interface {
	Relay(to warn.Sink) (restore func())
}

// usageError marks errors in how the command was called (exit code 2).
type usageError struct{ error }

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, d Deps) int {
	if d.Stdout == nil {
		d.Stdout = os.Stdout
	}
	if d.Stderr == nil {
		d.Stderr = os.Stderr
	}
	root := newRoot(&d)
	root.SetArgs(args)
	root.SetOut(d.Stdout)
	root.SetErr(d.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(d.Stderr, "paved:", err)
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") {
		return 2
	}
	return 1
}

type env struct {
	deps   *Deps
	output string
}

func newRoot(d *Deps) *cobra.Command {
	e := &env{deps: d}
	root := &cobra.Command{
		Use:   "paved",
		Short: "Paved: your organisation's golden paths, catalog and environments, on your laptop",
		Long: `Paved is a local-first internal developer platform.

With no arguments it opens the desktop window. Every capability is also here,
for scripts: run 'paved <command> --help' for details.

State lives in $PAVED_HOME (default: the user's data directory + /paved).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       d.Version,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		e.uiCmd(),
		e.platformCmd(),
		e.catalogCmd(),
		e.auditCmd(),
		e.envCmd(),
	)
	root.AddCommand(e.goldenPathCmds()...)
	markArgErrors(root)
	return root
}

// markArgErrors makes wrong arguments usage errors (exit code 2): argument
// counts cobra checks, and unknown subcommands of commands that only group
// others (which cobra would answer with help and exit code 0).
func markArgErrors(c *cobra.Command) {
	if c.HasParent() && c.HasSubCommands() && !c.Runnable() {
		c.Args = cobra.NoArgs
		c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	}
	if check := c.Args; check != nil {
		c.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markArgErrors(sub)
	}
}

// open builds the services for one command.
func (e *env) open(ctx context.Context) (*core.Paved, error) {
	home, err := core.Home()
	if err != nil {
		return nil, err
	}
	return core.Open(ctx, core.Options{Home: home, Warn: warn.Func(func(err error) {
		fmt.Fprintln(e.deps.Stderr, "paved: warning:", err)
	})})
}

// with runs fn with opened services and closes them after.
func (e *env) with(ctx context.Context, fn func(p *core.Paved) error) error {
	p, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer p.Close()
	if p.PlatformErr != nil {
		fmt.Fprintln(e.deps.Stderr, "paved: warning: the platform configuration could not be loaded, showing cached data:", p.PlatformErr)
	}
	return fn(p)
}

func (e *env) addOutputFlag(c *cobra.Command, formats ...string) {
	if len(formats) == 0 {
		formats = []string{"table", "json"}
	}
	c.Flags().StringVarP(&e.output, "output", "o", formats[0], "output format: "+strings.Join(formats, "|"))
	c.PreRunE = func(c *cobra.Command, args []string) error {
		for _, f := range formats {
			if e.output == f {
				return nil
			}
		}
		return usageError{fmt.Errorf("--output %q: use one of %s", e.output, strings.Join(formats, ", "))}
	}
}

func (e *env) json() bool { return e.output == "json" }

func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.deps.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (e *env) table(header string, rows [][]string) error {
	tw := tabwriter.NewWriter(e.deps.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

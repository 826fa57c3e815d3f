package cli

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/goldenpath"
	"github.com/paved-dev/paved/internal/progress"
)

// goldenPathCmds are `paved new` and `paved template`.
func (e *env) goldenPathCmds() []*cobra.Command {
	t := &cobra.Command{
		Use:   "template",
		Short: "List golden-path templates, and keep services made from them up to date",
	}
	t.AddCommand(e.templateList(), e.templateShow(), e.templateStatus(), e.templateUpdate())
	return []*cobra.Command{e.newCmd(), t}
}

func (e *env) goldenProgress() progress.Reporter {
	return progress.Func(func(ev progress.Event) {
		if ev.Item != "" && ev.Total > 0 {
			fmt.Fprintf(e.deps.Stderr, "Step %d/%d %s: %s\n", ev.Current, ev.Total, ev.Item, ev.Message)
			return
		}
		fmt.Fprintln(e.deps.Stderr, ev.Message)
	})
}

func (e *env) newCmd() *cobra.Command {
	var o goldenpath.ScaffoldOptions
	var sets []string
	var valuesFile string
	c := &cobra.Command{
		Use:   "new <golden-path|template-dir>",
		Short: "Create a new service from a golden path",
		Long: `Create a new repository from a golden path (see 'paved template list') or
a template directory (a Backstage Software Template: template.yaml).

Values come from --values (a YAML file) and --set name=value (which wins);
every parameter left out takes its default. The repository is rendered in
memory, written next to --out and moved into place, committed with your git
identity, pushed when --push names a remote, and registered in your local
catalog. --dry-run prints the files instead of writing them.`,
		Example: `  paved new go-service --out ./orders-api --set name=orders-api \
    --set owner=group:default/team-a --set description="Takes orders"
  paved new ./my-templates/service --values answers.yaml --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			o.Values = map[string]any{}
			if valuesFile != "" {
				data, err := os.ReadFile(valuesFile)
				if err != nil {
					return err
				}
				if err := yaml.Unmarshal(data, &o.Values); err != nil {
					return fmt.Errorf("--values %s: %w", valuesFile, err)
				}
			}
			o.Set = map[string]string{}
			for _, kv := range sets {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return usageError{fmt.Errorf("--set %q: write name=value", kv)}
				}
				o.Set[k] = v
			}
			// Without --out the service's rule applies: ./<name>, name
			// being one plain folder name.
			return e.with(c.Context(), func(p *core.Paved) error {
				var rep progress.Reporter
				if !e.json() {
					rep = e.goldenProgress()
				}
				res, err := p.GoldenPaths.Scaffold(c.Context(), o, rep)
				if errors.Is(err, goldenpath.ErrNoOutDir) {
					return usageError{fmt.Errorf("say where to create the repository with --out DIR, or give it a name with --set name=NAME")}
				}
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(res)
				}
				e.printScaffold(res)
				return nil
			})
		},
	}
	c.Flags().StringVar(&o.OutDir, "out", "", "directory of the new repository (default: ./<name>, name being one plain folder name); must not exist or be empty")
	c.Flags().StringArrayVar(&sets, "set", nil, "a parameter's value, name=value (repeatable)")
	c.Flags().StringVar(&valuesFile, "values", "", "YAML file with parameter values")
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "print the files that would be written, write nothing")
	c.Flags().StringVar(&o.Push, "push", "", "git remote URL to push the new repository to")
	e.addOutputFlag(c)
	return c
}

func (e *env) printScaffold(res goldenpath.Result) {
	out := e.deps.Stdout
	if res.DryRun {
		fmt.Fprintf(out, "Dry run: %s@%s would write %d files to %s\n\n", res.Template, shortVersion(res.Version), len(res.Files), res.Dir)
		for _, f := range res.Files {
			fmt.Fprintf(out, "  %s (%d bytes)\n", f.Path, f.Size)
		}
		for _, f := range res.Files {
			fmt.Fprintf(out, "\n===== %s =====\n", f.Path)
			switch {
			case f.Binary:
				fmt.Fprintln(out, "(binary)")
			default:
				fmt.Fprint(out, f.Content)
				if !strings.HasSuffix(f.Content, "\n") {
					fmt.Fprintln(out)
				}
			}
		}
		return
	}
	fmt.Fprintf(out, "Created %s from %s@%s (%d files)\n", res.Dir, res.Template, shortVersion(res.Version), len(res.Files))
	if res.Commit != "" {
		fmt.Fprintf(out, "  git:     %s on %s\n", shortCommit(res.Commit), res.Branch)
	}
	if res.Remote != "" {
		fmt.Fprintf(out, "  pushed:  %s\n", res.Remote)
	}
	if res.CatalogRef != "" {
		fmt.Fprintf(out, "  catalog: %s (local until your organisation's catalog has it)\n", res.CatalogRef)
	}
	for _, l := range res.Log {
		fmt.Fprintf(out, "  log:     %s\n", l)
	}
	for _, a := range res.NextActions {
		if a.Command != "" {
			fmt.Fprintf(out, "  next:    %s: cd %s && %s\n", a.Title, a.Dir, a.Command)
		}
	}
}

func shortVersion(v string) string {
	if len(v) == 40 {
		return v[:12]
	}
	return v
}

func (e *env) templateList() *cobra.Command {
	c := &cobra.Command{
		Use:   "list",
		Short: "List the golden paths (the platform's, then the built-in ones)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				list, err := p.GoldenPaths.List(c.Context(), goldenpath.ListOptions{})
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(list)
				}
				rows := make([][]string, 0, len(list))
				for _, t := range list {
					src := t.Source
					if t.Overrides {
						src += " (overrides built-in)"
					}
					rows = append(rows, []string{t.Name, dash(t.Type), src, shortVersion(t.Version), truncate(t.Title, 40)})
				}
				return e.table("NAME\tTYPE\tSOURCE\tVERSION\tTITLE", rows)
			})
		},
	}
	e.addOutputFlag(c)
	return c
}

func (e *env) templateShow() *cobra.Command {
	c := &cobra.Command{
		Use:   "show <golden-path|template-dir>",
		Short: "Show a golden path: its parameters, steps and README",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				d, err := p.GoldenPaths.Get(c.Context(), args[0])
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(d)
				}
				out := e.deps.Stdout
				fmt.Fprintf(out, "%s (%s)\n%s\n\nsource %s, version %s, %s\n\n", d.Title, d.Name, d.Description, d.Location, shortVersion(d.Version), d.CatalogRef)
				var rows [][]string
				for _, page := range d.Parameters {
					props, _ := page.JSONSchema["properties"].(map[string]any)
					for _, name := range slices.Sorted(maps.Keys(props)) {
						ps, _ := props[name].(map[string]any)
						typ, _ := ps["type"].(string)
						def := "-"
						if v, ok := d.Defaults[name]; ok {
							def = fmt.Sprint(v)
							if def == "" {
								def = `""`
							}
						} else if slices.Contains(d.Required, name) {
							def = "(required)"
						}
						desc, _ := ps["description"].(string)
						rows = append(rows, []string{name, dash(typ), def, truncate(desc, 60)})
					}
				}
				if err := e.table("PARAMETER\tTYPE\tDEFAULT\tDESCRIPTION", rows); err != nil {
					return err
				}
				fmt.Fprintln(out, "\nSteps:")
				for i, st := range d.Steps {
					fmt.Fprintf(out, "  %d. %s (%s) %s\n", i+1, st.ID, st.Action, st.Name)
				}
				if d.README != "" {
					fmt.Fprintf(out, "\n%s", d.README)
				}
				return nil
			})
		},
	}
	e.addOutputFlag(c)
	return c
}

func (e *env) templateStatus() *cobra.Command {
	c := &cobra.Command{
		Use:   "status [DIR...]",
		Short: "Say whether services made from golden paths are behind their template",
		RunE: func(c *cobra.Command, args []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				st, err := p.GoldenPaths.Status(c.Context(), goldenpath.StatusOptions{Dirs: args})
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(st)
				}
				rows := make([][]string, 0, len(st))
				for _, s := range st {
					behind := "-"
					if s.CommitsBehind > 0 {
						behind = strconv.Itoa(s.CommitsBehind)
					}
					rows = append(rows, []string{relDir(s.Dir), dash(s.Template), s.State, dash(shortVersion(s.Version)), dash(shortVersion(s.Latest)), behind})
				}
				if err := e.table("DIR\tTEMPLATE\tSTATE\tVERSION\tLATEST\tCOMMITS BEHIND", rows); err != nil {
					return err
				}
				for _, s := range st {
					if s.State == goldenpath.StateBehind {
						fmt.Fprintf(e.deps.Stderr, "update with: paved template update %s\n", relDir(s.Dir))
					}
				}
				return nil
			})
		},
	}
	e.addOutputFlag(c)
	return c
}

func relDir(dir string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return dir
}

func (e *env) templateUpdate() *cobra.Command {
	var o goldenpath.UpdateOptions
	c := &cobra.Command{
		Use:   "update [DIR]",
		Short: "Bring a service up to its golden path's newer version (three-way merge on a new branch)",
		Long: `Render the template at the version the service was made from and at the new
one, with the recorded answers, and merge the difference into the service on
a new branch (paved/update-<template>-<version>) with one commit. Your
changes are kept; where you and the template changed the same lines, the
file gets git's conflict markers and is listed. The working tree must be
clean.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Dir = args[0]
			}
			return e.with(c.Context(), func(p *core.Paved) error {
				var rep progress.Reporter
				if !e.json() {
					rep = e.goldenProgress()
				}
				res, err := p.GoldenPaths.Update(c.Context(), o, rep)
				if err != nil {
					return err
				}
				if e.json() {
					if err := e.printJSON(res); err != nil {
						return err
					}
				} else if res.UpToDate {
					fmt.Fprintf(e.deps.Stdout, "%s is up to date with %s@%s\n", res.Dir, res.Template, shortVersion(res.To))
				} else {
					out := e.deps.Stdout
					fmt.Fprintf(out, "Updated %s from %s %s to %s on branch %s (commit %s)\n", res.Dir, res.Template, shortVersion(res.From), shortVersion(res.To), res.Branch, shortCommit(res.Commit))
					for _, l := range []struct {
						what  string
						files []string
					}{{"changed", res.Changed}, {"added", res.Added}, {"deleted", res.Deleted}, {"CONFLICT", res.Conflicts}} {
						for _, f := range l.files {
							fmt.Fprintf(out, "  %-8s %s\n", l.what, f)
						}
					}
				}
				if len(res.Conflicts) > 0 {
					return fmt.Errorf("%d files have conflicts: resolve the <<<<<<< markers on branch %s, then commit", len(res.Conflicts), res.Branch)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&o.To, "to", "", "template version to update to: a commit, branch or tag of the template's repository (default: the latest)")
	e.addOutputFlag(c)
	return c
}

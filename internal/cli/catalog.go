package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/progress"
)

func (e *env) catalogCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "catalog",
		Short: "Browse and sync the service catalog (works offline)",
	}
	c.AddCommand(e.catalogSync(), e.catalogAddSource(), e.catalogRemoveSource(), e.catalogSearch(),
		e.catalogShow(), e.catalogGraph(), e.catalogStatus())
	return c
}

// stderrProgress prints sync progress for people.
func (e *env) stderrProgress() progress.Reporter {
	return progress.Func(func(ev progress.Event) {
		if ev.Stage == "write" {
			return
		}
		fmt.Fprintf(e.deps.Stderr, "%s: %s\n", ev.Source, ev.Message)
	})
}

// ensureSynced fills a fresh cache so the first look is never empty.
func (e *env) ensureSynced(ctx context.Context, p *core.Paved) error {
	return p.Catalog.EnsureSynced(ctx, e.stderrProgress())
}

func (e *env) catalogSync() *cobra.Command {
	var o catalog.SyncOptions
	c := &cobra.Command{
		Use:   "sync",
		Short: "Read the catalog sources into the local cache (only what changed)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				var rep progress.Reporter
				if !e.json() {
					rep = e.stderrProgress()
				}
				res, refreshErr, err := p.SyncCatalog(c.Context(), o, rep)
				if refreshErr != nil {
					fmt.Fprintln(e.deps.Stderr, "paved: warning: platform repository not refreshed:", refreshErr)
				}
				if err != nil {
					return err
				}
				if e.json() {
					if err := e.printJSON(res); err != nil {
						return err
					}
				} else {
					e.printSyncResults(res)
				}
				return syncFailed(res)
			})
		},
	}
	c.Flags().StringVar(&o.Source, "source", "", "sync only this source")
	c.Flags().BoolVar(&o.Full, "full", false, "re-read every file, not just changed ones")
	e.addOutputFlag(c)
	return c
}

func (e *env) printSyncResults(res []catalog.SyncResult) {
	rows := make([][]string, 0, len(res))
	for _, r := range res {
		state := "synced"
		switch {
		case r.Error != "":
			state = "FAILED"
		case r.Unchanged:
			state = "unchanged"
		}
		rows = append(rows, []string{r.Source, state, shortCommit(r.Commit), strconv.Itoa(r.FilesRead), strconv.Itoa(r.Entities),
			strconv.Itoa(len(r.Errors)), fmt.Sprintf("%.0fms", r.DurationMs)})
	}
	_ = e.table("SOURCE\tSTATE\tCOMMIT\tFILES READ\tENTITIES\tPROBLEMS\tTIME", rows)
	for _, r := range res {
		if r.Error != "" {
			fmt.Fprintf(e.deps.Stderr, "%s: %s\n", r.Source, r.Error)
		}
		for _, p := range r.Errors {
			fmt.Fprintf(e.deps.Stderr, "%s: %s\n", r.Source, p)
		}
	}
}

// syncFailed is the error of a command whose syncs did not all succeed:
// their previous cache is kept. Its exit code is 1 in every output mode.
func syncFailed(res []catalog.SyncResult) error {
	failed := 0
	for _, r := range res {
		if r.Error != "" {
			failed++
		}
	}
	if failed == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d sources failed to sync; their previous cache is kept (see `paved catalog status`)", failed, len(res))
}

// addSourceResult is the -o json output of add-source: the source added
// and its first sync (empty with --no-sync).
type addSourceResult struct {
	Source catalog.Source       `json:"source"`
	Sync   []catalog.SyncResult `json:"sync"`
}

func nonNilResults(res []catalog.SyncResult) []catalog.SyncResult {
	if res == nil {
		return []catalog.SyncResult{}
	}
	return res
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return dash(c)
}

func (e *env) catalogAddSource() *cobra.Command {
	var o catalog.AddSourceOptions
	var noSync bool
	c := &cobra.Command{
		Use:   "add-source <git-url|path>",
		Short: "Add a catalog source: a git repository or a local directory",
		Long: `Add a catalog source and sync it.

A git URL (https://, ssh://, git://, file:// or user@host:path) is cloned and
its committed tree is read; credentials come from ssh-agent, git credential
helpers or PAVED_GIT_TOKEN. A local directory is read as it is on disk, so
edits show up at the next sync. Use --git to read a local repository's
committed HEAD instead.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Target = args[0]
			return e.with(c.Context(), func(p *core.Paved) error {
				src, err := p.Catalog.AddSource(c.Context(), o)
				if err != nil {
					return err
				}
				var res []catalog.SyncResult
				if !noSync {
					var rep progress.Reporter
					if !e.json() {
						rep = e.stderrProgress()
					}
					if res, err = p.Catalog.Sync(c.Context(), catalog.SyncOptions{Source: src.Name}, rep); err != nil {
						return err
					}
				}
				if e.json() {
					if err := e.printJSON(addSourceResult{Source: src, Sync: nonNilResults(res)}); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(e.deps.Stdout, "Added source %s (%s %s)\n", src.Name, src.Kind, src.Target)
					if len(res) > 0 {
						e.printSyncResults(res)
					}
				}
				if syncFailed(res) != nil {
					// The JSON above says so too (sync[0].error); the exit code
					// is the same as for people.
					return fmt.Errorf("the source was added but its first sync failed: fix the cause and run `paved catalog sync --source %s`", src.Name)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&o.Name, "name", "", "source name (default: from the repository or directory name)")
	c.Flags().StringVar(&o.Ref, "ref", "", "git branch or tag (default: the remote's default branch)")
	c.Flags().StringVar(&o.Subdir, "subdir", "", "directory inside the repository to read from")
	c.Flags().StringVar(&o.Glob, "glob", "", "descriptor files to read, e.g. '**/catalog-info.yaml' (default: catalog-info.yaml at the root)")
	c.Flags().BoolVar(&o.Git, "git", false, "read a local path as a git repository (its committed HEAD)")
	c.Flags().BoolVar(&noSync, "no-sync", false, "do not sync after adding")
	e.addOutputFlag(c)
	return c
}

func (e *env) catalogRemoveSource() *cobra.Command {
	return &cobra.Command{
		Use:   "remove-source <name>",
		Short: "Remove a source you added, and its entities from the cache",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				if err := p.Catalog.RemoveSource(c.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(e.deps.Stdout, "Removed source %s\n", args[0])
				return nil
			})
		},
	}
}

func (e *env) catalogSearch() *cobra.Command {
	var q catalog.SearchQuery
	c := &cobra.Command{
		Use:   "search [QUERY]",
		Short: "Search the catalog: words match as prefixes; filters narrow",
		Example: `  paved catalog search pay
  paved catalog search "payments api" --kind api
  paved catalog search --owner team-payments --tag go -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				q.Query = args[0]
			}
			return e.with(c.Context(), func(p *core.Paved) error {
				if err := e.ensureSynced(c.Context(), p); err != nil {
					return err
				}
				res, err := p.Catalog.Search(c.Context(), q)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(res)
				}
				rows := make([][]string, 0, len(res.Items))
				for _, it := range res.Items {
					rows = append(rows, []string{it.Ref, dash(it.Type), dash(shortRef(it.Owner)), dash(it.Lifecycle), truncate(it.Description, 60)})
				}
				if err := e.table("REF\tTYPE\tOWNER\tLIFECYCLE\tDESCRIPTION", rows); err != nil {
					return err
				}
				fmt.Fprintf(e.deps.Stderr, "%d of %d matches (%.1f ms)\n", len(res.Items), res.Total, res.TookMs)
				return nil
			})
		},
	}
	c.Flags().StringSliceVar(&q.Kinds, "kind", nil, "only these kinds (repeatable)")
	c.Flags().StringSliceVar(&q.Types, "type", nil, "only these spec.type values")
	c.Flags().StringSliceVar(&q.Owners, "owner", nil, "only entities owned by these (team-a, group:ns/team-a)")
	c.Flags().StringSliceVar(&q.Lifecycles, "lifecycle", nil, "only these lifecycles")
	c.Flags().StringSliceVar(&q.Systems, "system", nil, "only entities of these systems")
	c.Flags().StringSliceVar(&q.Tags, "tag", nil, "only entities with one of these tags")
	c.Flags().IntVar(&q.Limit, "limit", 50, "maximum results")
	c.Flags().IntVar(&q.Offset, "offset", 0, "skip this many results")
	c.Flags().BoolVar(&q.Facets, "facets", false, "include counts per kind, type, owner, lifecycle, system and tag (JSON output)")
	e.addOutputFlag(c)
	return c
}

func shortRef(ref string) string {
	if i := strings.Index(ref, "/"); i >= 0 && strings.Contains(ref[:i], ":default") {
		return ref[:strings.Index(ref, ":")+1] + ref[i+1:]
	}
	return ref
}

func (e *env) catalogShow() *cobra.Command {
	c := &cobra.Command{
		Use:   "show <ref>",
		Short: "Show an entity, its relations and where it is defined",
		Long:  "Show an entity. Refs may be short where unambiguous: payments-api, group:team-a, component:default/payments-api.",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				if err := e.ensureSynced(c.Context(), p); err != nil {
					return err
				}
				d, err := p.Catalog.Entity(c.Context(), args[0])
				if err != nil {
					return err
				}
				switch e.output {
				case "json":
					return e.printJSON(d)
				case "yaml":
					_, err := fmt.Fprint(e.deps.Stdout, d.RawYAML)
					return err
				}
				e.printEntity(d)
				return nil
			})
		},
	}
	e.addOutputFlag(c, "table", "json", "yaml")
	return c
}

func (e *env) printEntity(d catalog.EntityDetail) {
	w := e.deps.Stdout
	title := d.Ref
	if d.Title != "" {
		title += "  (" + d.Title + ")"
	}
	fmt.Fprintln(w, title)
	if d.Description != "" {
		fmt.Fprintln(w, "  "+d.Description)
	}
	fmt.Fprintln(w)
	rows := [][]string{}
	add := func(k, v string) {
		if v != "" {
			rows = append(rows, []string{k, v})
		}
	}
	add("kind", d.Kind)
	add("type", d.Type)
	add("lifecycle", d.Lifecycle)
	add("owner", d.Owner)
	add("system", d.System)
	add("tags", strings.Join(d.Tags, ", "))
	add("source", fmt.Sprintf("%s: %s:%d", d.SourceFile.Source, d.SourceFile.Path, d.SourceFile.Line))
	for _, l := range d.Links {
		add("link", strings.TrimSpace(l.Title+" "+l.URL))
	}
	_ = e.table("FIELD\tVALUE", rows)
	if len(d.Relations) > 0 {
		fmt.Fprintln(w)
		rel := make([][]string, 0, len(d.Relations))
		for _, r := range d.Relations {
			note := ""
			if r.Target == nil {
				note = "(not in catalog)"
			}
			rel = append(rel, []string{r.Type, r.TargetRef, note})
		}
		_ = e.table("RELATION\tTARGET\t", rel)
	}
}

func (e *env) catalogGraph() *cobra.Command {
	var o catalog.GraphOptions
	c := &cobra.Command{
		Use:   "graph <ref>",
		Short: "Show what an entity depends on and what depends on it",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				if err := e.ensureSynced(c.Context(), p); err != nil {
					return err
				}
				g, err := p.Catalog.Graph(c.Context(), args[0], o)
				if err != nil {
					return err
				}
				switch e.output {
				case "json":
					return e.printJSON(g)
				case "dot":
					_, err := fmt.Fprint(e.deps.Stdout, g.DOT())
					return err
				}
				rows := make([][]string, 0, len(g.Edges))
				for _, ed := range g.Edges {
					rows = append(rows, []string{ed.From, ed.Type, ed.To})
				}
				fmt.Fprintf(e.deps.Stdout, "%s: %d entities, %d relations\n", g.Root, len(g.Nodes), len(g.Edges))
				return e.table("FROM\tRELATION\tTO", rows)
			})
		},
	}
	c.Flags().IntVar(&o.Depth, "depth", 2, "hops to follow (1-10)")
	c.Flags().StringVar(&o.Direction, "direction", "both", "down (dependencies), up (dependents) or both")
	e.addOutputFlag(c, "table", "json", "dot")
	return c
}

func (e *env) catalogStatus() *cobra.Command {
	c := &cobra.Command{
		Use:   "status",
		Short: "Show each source's last sync, commit, entity count and problems",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				st, err := p.Catalog.Status(c.Context())
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(st)
				}
				rows := make([][]string, 0, len(st))
				for _, s := range st {
					last := "never"
					if s.LastSyncAt != nil {
						last = s.LastSyncAt.Local().Format(time.DateTime)
					}
					rows = append(rows, []string{s.Name, s.Kind, s.Origin, truncate(s.Target, 50), last, shortCommit(s.Commit),
						strconv.Itoa(s.Entities), strconv.Itoa(len(s.Errors))})
				}
				if err := e.table("SOURCE\tKIND\tORIGIN\tTARGET\tLAST SYNC\tCOMMIT\tENTITIES\tPROBLEMS", rows); err != nil {
					return err
				}
				for _, s := range st {
					if s.LastError != "" {
						fmt.Fprintf(e.deps.Stdout, "\n%s: last sync failed: %s\n", s.Name, s.LastError)
					}
					if len(s.Errors) > 0 {
						fmt.Fprintf(e.deps.Stdout, "\n%s problems:\n", s.Name)
						for _, p := range s.Errors {
							fmt.Fprintln(e.deps.Stdout, "  "+p.String())
						}
					}
				}
				return nil
			})
		},
	}
	e.addOutputFlag(c)
	return c
}

package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/paved-dev/paved/internal/core"
)

func (e *env) platformCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "platform",
		Short: "Choose and inspect the platform configuration (platform.yaml)",
	}
	c.AddCommand(e.platformUse(), e.platformShow())
	return c
}

func (e *env) platformUse() *cobra.Command {
	var ref string
	var noSync bool
	c := &cobra.Command{
		Use:   "use <git-url|path|demo>",
		Short: "Use the platform repository at a git URL or local directory ('demo' for the built-in one)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				res, err := p.UsePlatform(c.Context(), core.UsePlatformOptions{Target: args[0], Ref: ref, NoSync: noSync}, nil)
				if err != nil {
					return err
				}
				info := res.Platform
				if e.json() {
					return e.printJSON(res)
				}
				fmt.Fprintf(e.deps.Stdout, "Using platform %s (%s)\n", info.Title, info.Name)
				if len(res.Sync) > 0 {
					e.printSyncResults(res.Sync)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&ref, "ref", "", "git branch or tag")
	c.Flags().BoolVar(&noSync, "no-sync", false, "do not sync the catalog after switching")
	e.addOutputFlag(c)
	return c
}

func (e *env) platformShow() *cobra.Command {
	c := &cobra.Command{
		Use:   "show",
		Short: "Show the platform in use and what it configures",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				cur, err := p.Platform.Current(c.Context())
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(map[string]any{"platform": cur.Info, "config": cur.Config})
				}
				i := cur.Info
				rows := [][]string{{"name", i.Name}, {"title", i.Title}, {"origin", i.Origin}}
				if i.Location != "" {
					rows = append(rows, []string{"location", i.Location})
				}
				if i.Commit != "" {
					rows = append(rows, []string{"commit", shortCommit(i.Commit)})
				}
				for _, l := range cur.Config.Spec.Catalog.Locations {
					rows = append(rows, []string{"catalog location", l.Name + " → " + l.Target})
				}
				for _, cl := range cur.Config.Spec.Clusters {
					rows = append(rows, []string{"cluster", cl.Name + " (" + dash(cl.Environment) + ", context " + cl.Context + ")"})
				}
				if v := cur.Config.Spec.Vault; v != nil {
					rows = append(rows, []string{"vault", v.Address})
				}
				return e.table("FIELD\tVALUE", rows)
			})
		},
	}
	e.addOutputFlag(c)
	return c
}

package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/core"
)

func (e *env) auditCmd() *cobra.Command {
	var o audit.ListOptions
	c := &cobra.Command{
		Use:   "audit",
		Short: "List the audit log of every action Paved performed (newest first)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				entries, err := p.Audit.List(c.Context(), o)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(entries)
				}
				rows := make([][]string, 0, len(entries))
				for _, en := range entries {
					rows = append(rows, []string{en.At.Local().Format(time.DateTime), en.Actor, en.Action, en.Target, en.Outcome, truncate(en.Detail, 70)})
				}
				return e.table("WHEN\tWHO\tACTION\tTARGET\tOUTCOME\tDETAIL", rows)
			})
		},
	}
	c.Flags().IntVar(&o.Limit, "limit", 100, "maximum entries")
	c.Flags().StringVar(&o.Action, "action", "", "only actions starting with this, e.g. catalog.")
	e.addOutputFlag(c)
	return c
}

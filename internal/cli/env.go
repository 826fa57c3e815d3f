package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/progress"
)

func (e *env) envCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "env",
		Short: "Run a service and what it needs as Docker containers on this machine",
		Long: `Local environments: a service's workload spec (score.yaml, or compose.yaml)
with its resources (postgres, redis, ... from the platform's provisioners)
and, with --deps, the catalog components it depends on, as Docker containers
on one network with ports on 127.0.0.1.

DIR|ENTITY is a directory with score.yaml or compose.yaml (default: the
current directory), a catalog component, or an environment name from
'paved env ls'.`,
	}
	c.AddCommand(e.envUp(), e.envDown(), e.envPs(), e.envLogs(), e.envRestart(), e.envLs(), e.envExport())
	return c
}

// envTarget is the optional DIR|ENTITY argument.
func envTarget(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// envProgress prints progress for people: one line per step, prefixed
// with the service it is about. Raw build and pull output (Detail) is left
// out but for the go build command line.
func (e *env) envProgress() progress.Reporter {
	return progress.Func(func(ev progress.Event) {
		switch {
		case ev.Stage == "network" || ev.Stage == "resolve":
			return
		case ev.Message == "":
			if strings.HasPrefix(ev.Detail, "go build") {
				fmt.Fprintln(e.deps.Stderr, prefixItem(ev.Item, ev.Detail))
			}
			return
		}
		fmt.Fprintln(e.deps.Stderr, prefixItem(ev.Item, ev.Message))
	})
}

func prefixItem(item, msg string) string {
	if item == "" {
		return msg
	}
	return item + ": " + msg
}

// interruptible cancels ctx on Ctrl-C so a follow or an up ends cleanly.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

func (e *env) envUp() *cobra.Command {
	var o devenv.UpOptions
	c := &cobra.Command{
		Use:   "up [DIR|ENTITY]",
		Short: "Start (or update) an environment: only what changed is recreated",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Target = envTarget(args)
			ctx, cancel := interruptible(c.Context())
			defer cancel()
			return e.with(ctx, func(p *core.Paved) error {
				var rep progress.Reporter
				if !e.json() {
					rep = e.envProgress()
				}
				env, err := p.Env.Up(ctx, o, rep)
				if err != nil {
					if e.json() && env.Name != "" {
						_ = e.printJSON(env)
					}
					return err
				}
				if e.json() {
					return e.printJSON(env)
				}
				e.printEnvironment(env, true)
				return nil
			})
		},
	}
	c.Flags().StringVar(&o.Deps, "deps", devenv.DepsNone, "catalog dependencies to start too: none|direct|all")
	c.Flags().BoolVar(&o.Build, "build", false, "rebuild images built from source")
	c.Flags().BoolVar(&o.Wait, "wait", false, "return only once every service is ready (dependencies are always waited for)")
	c.Flags().DurationVar(&o.Timeout, "timeout", 3*time.Minute, "how long to wait for readiness")
	e.addOutputFlag(c)
	return c
}

func (e *env) envDown() *cobra.Command {
	var o devenv.DownOptions
	c := &cobra.Command{
		Use:   "down [DIR|ENTITY]",
		Short: "Stop an environment and remove its containers and network",
		Long:  "Stop an environment and remove its containers and network. Named volumes (databases) survive unless --volumes.",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Target = envTarget(args)
			return e.with(c.Context(), func(p *core.Paved) error {
				var rep progress.Reporter
				if !e.json() {
					rep = progress.Func(func(ev progress.Event) {
						if ev.Stage == "done" {
							fmt.Fprintln(e.deps.Stderr, ev.Message)
						}
					})
				}
				res, err := p.Env.Down(c.Context(), o, rep)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(res)
				}
				fmt.Fprintf(e.deps.Stdout, "removed %d containers, %d networks", len(res.Containers), len(res.Networks))
				if o.Volumes {
					fmt.Fprintf(e.deps.Stdout, ", %d volumes", len(res.Volumes))
				} else if len(res.KeptVolumes) > 0 {
					fmt.Fprintf(e.deps.Stdout, "; kept volumes %s (remove them with --volumes)", strings.Join(res.KeptVolumes, ", "))
				}
				fmt.Fprintln(e.deps.Stdout)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&o.Volumes, "volumes", false, "also remove the environment's named volumes (and forget its ports)")
	e.addOutputFlag(c)
	return c
}

func (e *env) envPs() *cobra.Command {
	c := &cobra.Command{
		Use:   "ps [DIR|ENTITY]",
		Short: "Show an environment's containers: state, health, ports",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			t := envTarget(args)
			return e.with(c.Context(), func(p *core.Paved) error {
				env, err := p.Env.Ps(c.Context(), devenv.PsOptions{Target: t})
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(env)
				}
				e.printEnvironment(env, false)
				return nil
			})
		},
	}
	e.addOutputFlag(c)
	return c
}

func (e *env) printEnvironment(env devenv.Environment, withAction bool) {
	header := "SERVICE\tROLE\tSTATE\tHEALTH\tREADY\tPORTS"
	if withAction {
		header += "\tACTION"
	}
	rows := make([][]string, 0, len(env.Services))
	for _, s := range env.Services {
		var ports []string
		for _, p := range s.Ports {
			ports = append(ports, fmt.Sprintf("127.0.0.1:%d->%d/%s", p.HostPort, p.ContainerPort, p.Protocol))
		}
		role := s.Role
		if s.Resource != "" {
			role += " (" + s.Resource + ")"
		}
		r := []string{s.Name, role, s.State, s.Health, strconv.FormatBool(s.Ready), dash(strings.Join(ports, ", "))}
		if withAction {
			r = append(r, dash(s.Action))
		}
		rows = append(rows, r)
	}
	fmt.Fprintf(e.deps.Stdout, "environment %s: %s\n", env.Name, env.State)
	_ = e.table(header, rows)
	for _, n := range env.Notes {
		fmt.Fprintln(e.deps.Stderr, "note:", n)
	}
}

func (e *env) envLogs() *cobra.Command {
	var o devenv.LogsOptions
	var format string
	c := &cobra.Command{
		Use:   "logs [DIR|ENTITY]",
		Short: "Print an environment's logs (all services, or one with --service)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Target = envTarget(args)
			ctx, cancel := interruptible(c.Context())
			defer cancel()
			return e.with(ctx, func(p *core.Paved) error {
				width := 0
				return p.Env.Logs(ctx, o, func(l devenv.LogLine) {
					if format == "json" {
						_ = e.printJSONLine(l)
						return
					}
					if len(l.Service) > width {
						width = len(l.Service)
					}
					fmt.Fprintf(e.deps.Stdout, "%-*s | %s\n", width, l.Service, l.Text)
				})
			})
		},
	}
	c.Flags().BoolVarP(&o.Follow, "follow", "f", false, "keep printing new lines")
	c.Flags().StringVar(&o.Service, "service", "", "only this service")
	c.Flags().IntVar(&o.Tail, "tail", 200, "lines per service to start with (-1 = all)")
	localOutputFlag(c, &format, "text", "json")
	return c
}

func (e *env) envRestart() *cobra.Command {
	var o devenv.RestartOptions
	c := &cobra.Command{
		Use:   "restart [DIR|ENTITY] --service S",
		Short: "Restart one service and wait until it is ready",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Target = envTarget(args)
			if o.Service == "" {
				return usageError{fmt.Errorf("--service is required: which service to restart (see `paved env ps`)")}
			}
			return e.with(c.Context(), func(p *core.Paved) error {
				var rep progress.Reporter
				if !e.json() {
					rep = e.envProgress()
				}
				env, err := p.Env.Restart(c.Context(), o, rep)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(env)
				}
				e.printEnvironment(env, false)
				return nil
			})
		},
	}
	c.Flags().StringVar(&o.Service, "service", "", "the service to restart")
	e.addOutputFlag(c)
	return c
}

func (e *env) envLs() *cobra.Command {
	c := &cobra.Command{
		Use:   "ls",
		Short: "List every environment on this machine",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return e.with(c.Context(), func(p *core.Paved) error {
				list, err := p.Env.List(c.Context(), devenv.ListOptions{})
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(list)
				}
				rows := make([][]string, 0, len(list))
				for _, s := range list {
					rows = append(rows, []string{s.Name, s.State, fmt.Sprintf("%d/%d", s.Running, s.Services), dash(s.Entity), dash(s.Dir)})
				}
				return e.table("NAME\tSTATE\tRUNNING\tENTITY\tDIR", rows)
			})
		},
	}
	e.addOutputFlag(c)
	return c
}

func (e *env) envExport() *cobra.Command {
	var o devenv.ExportOptions
	var file, format string
	c := &cobra.Command{
		Use:   "export [DIR|ENTITY]",
		Short: "Write the environment as an equivalent compose.yaml (the escape hatch)",
		Long: `Write the environment as a compose file that 'docker compose' runs the same
way. Without --file it goes to stdout. Generated secrets are compose
variables; with --file a .env beside the file defines them with fresh
values (never the running environment's).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Target = envTarget(args)
			return e.with(c.Context(), func(p *core.Paved) error {
				res, err := p.Env.Export(c.Context(), o)
				if err != nil {
					return err
				}
				if format == "json" {
					return e.printJSON(res)
				}
				if file == "" || file == "-" {
					_, err := fmt.Fprint(e.deps.Stdout, res.Compose)
					return err
				}
				if err := os.WriteFile(file, []byte(res.Compose), 0o644); err != nil {
					return err
				}
				envFile := filepath.Join(filepath.Dir(file), ".env")
				if err := os.WriteFile(envFile, []byte(res.DotEnv), 0o600); err != nil {
					return err
				}
				fmt.Fprintf(e.deps.Stderr, "wrote %s and %s\n", file, envFile)
				return nil
			})
		},
	}
	c.Flags().StringVar(&o.Deps, "deps", "", "catalog dependencies to include: none|direct|all (default: as at the last up)")
	c.Flags().StringVarP(&file, "file", "f", "", "write to this file (and .env beside it) instead of stdout")
	localOutputFlag(c, &format, "yaml", "json")
	return c
}

// printJSONLine prints one compact JSON value per line (streams).
func (e *env) printJSONLine(v any) error {
	enc := jsonEncoder(e.deps.Stdout)
	return enc.Encode(v)
}

func jsonEncoder(w io.Writer) *json.Encoder { return json.NewEncoder(w) }

// localOutputFlag is an -o flag whose formats differ from the shared
// table|json (the shared flag's variable is common to every command).
func localOutputFlag(c *cobra.Command, v *string, formats ...string) {
	c.Flags().StringVarP(v, "output", "o", formats[0], "output format: "+strings.Join(formats, "|"))
	c.PreRunE = func(c *cobra.Command, args []string) error {
		for _, f := range formats {
			if *v == f {
				return nil
			}
		}
		return usageError{fmt.Errorf("--output %q: use one of %s", *v, strings.Join(formats, ", "))}
	}
}

package devenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/devenv/plan"
	"github.com/paved-dev/paved/internal/devenv/provision"
	"github.com/paved-dev/paved/internal/devenv/spec"
	"github.com/paved-dev/paved/internal/platform"
)

func getenv(k string) string { return os.Getenv(k) }

func statFile(p string) (os.FileInfo, error) {
	st, err := os.Stat(p)
	if err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file", p)
	}
	return st, err
}

// findGoMod looks for go.mod in dir and its parents.
func findGoMod(dir string) (string, error) {
	for d := dir; ; {
		if _, err := statFile(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.mod")
		}
		d = parent
	}
}

// provisioners reads the current platform's provisioners.
func (s *Service) provisioners(ctx context.Context) ([]provision.Definition, error) {
	if s.platform == nil {
		return nil, nil
	}
	cur, err := s.platform.Current(ctx)
	if err != nil {
		// Cached platforms keep working; without one, the built-ins do.
		return nil, nil
	}
	if cur.Config.Spec.Environments == nil {
		return nil, nil
	}
	return Definitions(cur.Config.Spec.Environments.Provisioners)
}

// Definitions converts platform.yaml provisioners.
func Definitions(ps []platform.Provisioner) ([]provision.Definition, error) {
	var out []provision.Definition
	for i, p := range ps {
		where := fmt.Sprintf("%s: spec.environments.provisioners[%d] (%s)", platform.FileName, i, p.Type)
		d := provision.Definition{Type: p.Type, Class: p.Class, Image: p.Image, Command: p.Command, Env: p.Env, Ports: p.Ports,
			Volumes: p.Volumes, Outputs: p.Outputs, Source: platform.FileName}
		var err error
		if d.StopGrace, err = parseDur(p.StopGracePeriod); err != nil {
			return nil, fmt.Errorf("%s: stopGracePeriod: %w", where, err)
		}
		if h := p.HealthCheck; h != nil {
			if len(h.Command) > 0 {
				test := h.Command
				if test[0] != "CMD" && test[0] != "CMD-SHELL" {
					test = append([]string{"CMD"}, test...)
				}
				hh := &spec.Health{Test: test, Retries: h.Retries}
				if hh.Interval, err = parseDur(h.Interval); err != nil {
					return nil, fmt.Errorf("%s: healthCheck.interval: %w", where, err)
				}
				if hh.Timeout, err = parseDur(h.Timeout); err != nil {
					return nil, fmt.Errorf("%s: healthCheck.timeout: %w", where, err)
				}
				if hh.StartPeriod, err = parseDur(h.StartPeriod); err != nil {
					return nil, fmt.Errorf("%s: healthCheck.startPeriod: %w", where, err)
				}
				d.Health = hh
			}
			switch {
			case h.Probe == "" || h.Probe == "tcp":
			case strings.HasPrefix(h.Probe, "http:"):
				if len(p.Ports) == 0 {
					return nil, fmt.Errorf("%s: healthCheck.probe %s needs a port", where, h.Probe)
				}
				d.Probe = &spec.Probe{Kind: spec.ProbeHTTP, Port: p.Ports[0], Path: strings.TrimPrefix(h.Probe, "http:")}
			default:
				return nil, fmt.Errorf("%s: healthCheck.probe %q: use tcp or http:/PATH", where, h.Probe)
			}
		}
		if d.Image == "" && len(d.Ports)+len(d.Volumes)+len(d.Env) > 0 {
			return nil, fmt.Errorf("%s: ports, volumes and env need an image", where)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseDur(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

// dependencyWorkloads loads the workloads of the components entity depends
// on (direct: one level; all: transitively), keyed by component ref. The
// catalog walks the dependsOn relations in one query per level; only
// components are followed (resources come from the workload spec), and
// dependencies that are not in the catalog are noted and skipped.
func (s *Service) dependencyWorkloads(ctx context.Context, entity, deps string) (map[string]*spec.Workload, []string, error) {
	depth := 0 // all: as far as the relations go
	if deps == DepsDirect {
		depth = 1
	}
	g, err := s.catalog.Dependencies(ctx, entity, catalog.DependencyOptions{
		Direction: catalog.Down,
		Depth:     depth,
		Relations: []string{model.RelDependsOn},
		Kinds:     []string{"component"},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("dependencies of %s: %w", entity, err)
	}
	out := map[string]*spec.Workload{}
	var notes []string
	for _, n := range g.Nodes { // by depth, then ref
		switch {
		case n.Depth == 0:
			continue // the entity itself
		case n.Missing:
			notes = append(notes, fmt.Sprintf("dependency %s is not in the catalog: skipped", n.Ref))
			continue
		}
		info, err := s.workloadOf(ctx, n.Ref)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case info.Dir != "":
			w, err := spec.LoadDir(info.Dir)
			if err != nil {
				return nil, nil, fmt.Errorf("dependency %s: %w", n.Ref, err)
			}
			out[n.Ref] = w
		case info.Image != "":
			w, err := s.imageWorkload(ctx, n.Ref, info.Image)
			if err != nil {
				return nil, nil, err
			}
			out[n.Ref] = w
		default:
			notes = append(notes, fmt.Sprintf("dependency %s skipped: %s", n.Ref, info.Reason))
		}
	}
	return out, notes, nil
}

// imageWorkload is a dependency that runs from its image annotation.
func (s *Service) imageWorkload(ctx context.Context, ref, image string) (*spec.Workload, error) {
	d, err := s.catalog.Entity(ctx, ref)
	if err != nil {
		return nil, err
	}
	name := plan.Sanitize(d.Name)
	svc := spec.Service{Name: name, Image: image, Env: map[string]string{}}
	if ps := strings.TrimSpace(d.Annotations[AnnotationPorts]); ps != "" {
		for _, f := range strings.Split(ps, ",") {
			p, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || p <= 0 || p > 65535 {
				return nil, fmt.Errorf("%s: annotation %s: %q is not a port", ref, AnnotationPorts, f)
			}
			svc.Ports = append(svc.Ports, spec.Port{Container: p, Protocol: "tcp"})
		}
		svc.Probe = &spec.Probe{Kind: spec.ProbeTCP, Port: svc.Ports[0].Container}
	}
	return &spec.Workload{Name: name, Format: spec.FormatCompose, Metadata: map[string]any{"name": name}, Services: []spec.Service{svc}}, nil
}

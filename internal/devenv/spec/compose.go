package spec

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	ctypes "github.com/compose-spec/compose-go/v2/types"
)

// probeExtension carries a readiness probe through compose files
// (x-paved-probe: "http:8080/healthz" or "tcp:5432").
const probeExtension = "x-paved-probe"

// LoadCompose loads a compose.yaml with compose-go (interpolation from the
// environment and a .env beside it, as docker compose does).
func LoadCompose(file string) (*Workload, error) {
	file, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	if _, err := readSpec(file); err != nil {
		return nil, err
	}
	dir := filepath.Dir(file)
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(dir), cli.WithOsEnv, cli.WithEnvFiles(), cli.WithDotEnv, cli.WithResolvedPaths(true))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid compose file: %w", file, err)
	}
	return FromCompose(p, file)
}

// FromCompose converts a loaded compose project.
func FromCompose(p *ctypes.Project, file string) (*Workload, error) {
	w := &Workload{Name: p.Name, Dir: filepath.Dir(file), File: file, Format: FormatCompose, Metadata: map[string]any{"name": p.Name}}
	names := slices.Sorted(maps.Keys(p.Services))
	for _, n := range names {
		s := p.Services[n]
		svc := Service{Name: n, Image: s.Image, Entrypoint: s.Entrypoint, Command: s.Command, Env: map[string]string{},
			User: s.User, WorkingDir: s.WorkingDir}
		if s.Build != nil {
			ctxDir := s.Build.Context
			if ctxDir == "" {
				ctxDir = w.Dir
			} else if !filepath.IsAbs(ctxDir) {
				ctxDir = filepath.Join(w.Dir, ctxDir)
			}
			df := s.Build.Dockerfile
			if filepath.IsAbs(df) {
				if rel, err := filepath.Rel(ctxDir, df); err == nil && !strings.HasPrefix(rel, "..") {
					df = rel
				}
			}
			svc.Build = &Build{Context: ctxDir, Dockerfile: df}
			// compose names built images; ours are named by the environment.
			if strings.HasPrefix(s.Image, p.Name+"-") {
				svc.Image = ""
			}
		}
		for k, v := range s.Environment {
			if v != nil {
				svc.Env[k] = *v
			}
		}
		for _, pc := range s.Ports {
			host := 0
			if pc.Published != "" {
				h, err := strconv.Atoi(pc.Published)
				if err != nil {
					return nil, fmt.Errorf("%s: services.%s.ports: published %q: port ranges are not supported; publish one port", file, n, pc.Published)
				}
				host = h
			}
			proto := pc.Protocol
			if proto == "" {
				proto = "tcp"
			}
			svc.Ports = append(svc.Ports, Port{Name: pc.Name, Container: int(pc.Target), Host: host, Protocol: proto})
		}
		for _, v := range s.Volumes {
			m := Mount{Kind: v.Type, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly}
			switch v.Type {
			case ctypes.VolumeTypeVolume:
				m.Kind = MountVolume
				if m.Source != "" && !Contains(w.Volumes, m.Source) {
					w.Volumes = append(w.Volumes, m.Source)
				}
			case ctypes.VolumeTypeBind:
				m.Kind = MountBind
			case ctypes.VolumeTypeTmpfs:
				m.Kind = MountTmpfs
			default:
				return nil, fmt.Errorf("%s: services.%s.volumes: type %q is not supported locally (use volume, bind or tmpfs)", file, n, v.Type)
			}
			svc.Mounts = append(svc.Mounts, m)
		}
		svc.DependsOn = append(svc.DependsOn, slices.Sorted(maps.Keys(s.DependsOn))...)
		if hc := s.HealthCheck; hc != nil && !hc.Disable && len(hc.Test) > 0 && hc.Test[0] != "NONE" {
			h := &Health{Test: []string(hc.Test)}
			if h.Test[0] != "CMD" && h.Test[0] != "CMD-SHELL" {
				h.Test = append([]string{"CMD"}, h.Test...)
			}
			h.Interval, h.Timeout, h.StartPeriod = dur(hc.Interval), dur(hc.Timeout), dur(hc.StartPeriod)
			if hc.Retries != nil {
				h.Retries = int(*hc.Retries)
			}
			svc.Health = h
		}
		if s.StopGracePeriod != nil {
			svc.StopGrace = time.Duration(*s.StopGracePeriod)
		}
		var probe string
		if ok, _ := s.Extensions.Get(probeExtension, &probe); ok {
			pr, err := ParseProbe(probe)
			if err != nil {
				return nil, fmt.Errorf("%s: services.%s.%s: %w", file, n, probeExtension, err)
			}
			svc.Probe = pr
		} else if len(svc.Ports) > 0 && svc.Ports[0].Protocol == "tcp" {
			svc.Probe = &Probe{Kind: ProbeTCP, Port: svc.Ports[0].Container}
		}
		w.Services = append(w.Services, svc)
	}
	sort.Strings(w.Volumes)
	return w, nil
}

// ParseProbe reads "tcp:PORT" or "http:PORT/PATH".
func ParseProbe(s string) (*Probe, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("probe %q: want tcp:PORT or http:PORT/PATH", s)
	}
	portStr, path, _ := strings.Cut(rest, "/")
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("probe %q: %q is not a port", s, portStr)
	}
	switch kind {
	case ProbeTCP:
		return &Probe{Kind: ProbeTCP, Port: port}, nil
	case ProbeHTTP:
		return &Probe{Kind: ProbeHTTP, Port: port, Path: "/" + path}, nil
	}
	return nil, fmt.Errorf("probe %q: kind %q: want tcp or http", s, kind)
}

// String formats a probe as ParseProbe reads it.
func (p *Probe) String() string {
	if p == nil {
		return ""
	}
	if p.Kind == ProbeHTTP {
		return fmt.Sprintf("http:%d%s", p.Port, p.Path)
	}
	return fmt.Sprintf("tcp:%d", p.Port)
}

func dur(d *ctypes.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(*d)
}

// Contains reports whether ss holds s.
func Contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

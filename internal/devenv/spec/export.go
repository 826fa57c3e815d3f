package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	ctypes "github.com/compose-spec/compose-go/v2/types"
)

// ExportOptions tunes Export.
type ExportOptions struct {
	// Vars maps placeholder strings found in values to compose variable
	// names: each occurrence becomes ${NAME} (used for generated secrets).
	Vars map[string]string
}

// Export writes a resolved workload (resources already turned into
// services, placeholders resolved) as a compose file that `docker compose`
// runs the same way: same images, environment, ports on 127.0.0.1, named
// volumes, health checks, and depends_on that waits for health where there
// is a health check.
func Export(w *Workload, o ExportOptions) ([]byte, error) {
	p := &ctypes.Project{Name: w.Name, Services: ctypes.Services{}}
	healthy := map[string]bool{}
	for _, s := range w.Services {
		healthy[s.Name] = s.Health != nil
	}
	val := func(s string) string {
		s = strings.ReplaceAll(s, "$", "$$")
		for ph, name := range o.Vars {
			s = strings.ReplaceAll(s, strings.ReplaceAll(ph, "$", "$$"), "${"+name+"}")
		}
		return s
	}
	vals := func(ss []string) ctypes.ShellCommand {
		if len(ss) == 0 {
			return nil
		}
		out := make(ctypes.ShellCommand, len(ss))
		for i, s := range ss {
			out[i] = val(s)
		}
		return out
	}
	for _, s := range w.Services {
		if len(s.Files) > 0 {
			return nil, fmt.Errorf("service %s: files written into containers have no compose equivalent yet; mount them instead", s.Name)
		}
		cs := ctypes.ServiceConfig{Name: s.Name}
		cs.Image = s.Image
		if s.Build != nil && s.Build.Dockerfile != "" {
			cs.Build = &ctypes.BuildConfig{Context: s.Build.Context, Dockerfile: s.Build.Dockerfile}
		}
		cs.Entrypoint, cs.Command = vals(s.Entrypoint), vals(s.Command)
		if len(s.Env) > 0 {
			cs.Environment = ctypes.MappingWithEquals{}
			for k, v := range s.Env {
				v := val(v)
				cs.Environment[k] = &v
			}
		}
		cs.User, cs.WorkingDir = s.User, s.WorkingDir
		for _, pt := range s.Ports {
			pc := ctypes.ServicePortConfig{Name: pt.Name, HostIP: "127.0.0.1", Target: uint32(pt.Container), Protocol: pt.Protocol, Mode: "ingress"}
			if pt.Host > 0 {
				pc.Published = strconv.Itoa(pt.Host)
			}
			cs.Ports = append(cs.Ports, pc)
		}
		for _, m := range s.Mounts {
			cs.Volumes = append(cs.Volumes, ctypes.ServiceVolumeConfig{Type: m.Kind, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
		}
		if len(s.DependsOn) > 0 {
			cs.DependsOn = ctypes.DependsOnConfig{}
			for _, d := range s.DependsOn {
				cond := ctypes.ServiceConditionStarted
				if healthy[d] {
					cond = ctypes.ServiceConditionHealthy
				}
				cs.DependsOn[d] = ctypes.ServiceDependency{Condition: cond, Required: true}
			}
		}
		if h := s.Health; h != nil {
			hc := &ctypes.HealthCheckConfig{Test: ctypes.HealthCheckTest(vals(h.Test))}
			if h.Interval > 0 {
				d := ctypes.Duration(h.Interval)
				hc.Interval = &d
			}
			if h.Timeout > 0 {
				d := ctypes.Duration(h.Timeout)
				hc.Timeout = &d
			}
			if h.StartPeriod > 0 {
				d := ctypes.Duration(h.StartPeriod)
				hc.StartPeriod = &d
			}
			if h.Retries > 0 {
				r := uint64(h.Retries)
				hc.Retries = &r
			}
			cs.HealthCheck = hc
		}
		if s.StopGrace > 0 {
			d := ctypes.Duration(s.StopGrace)
			cs.StopGracePeriod = &d
		}
		if s.Probe != nil {
			cs.Extensions = ctypes.Extensions{probeExtension: s.Probe.String()}
		}
		p.Services[s.Name] = cs
	}
	if len(w.Volumes) > 0 {
		p.Volumes = ctypes.Volumes{}
		vols := append([]string(nil), w.Volumes...)
		sort.Strings(vols)
		for _, v := range vols {
			p.Volumes[v] = ctypes.VolumeConfig{}
		}
	}
	out, err := p.MarshalYAML()
	if err != nil {
		return nil, fmt.Errorf("write compose file: %w", err)
	}
	return out, nil
}

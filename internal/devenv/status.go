package devenv

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/devenv/plan"
	"github.com/paved-dev/paved/internal/devenv/spec"
	"github.com/paved-dev/paved/internal/progress"
)

// Ps reports an environment's containers from Docker's labels: state,
// health, readiness and ports.
func (s *Service) Ps(ctx context.Context, o PsOptions) (Environment, error) {
	l, err := s.locate(ctx, o.Target, false)
	if err != nil {
		return Environment{}, err
	}
	eng, err := s.engine(ctx)
	if err != nil {
		return Environment{}, err
	}
	env, err := s.status(ctx, eng, l.Name, nil)
	if err != nil {
		return Environment{}, err
	}
	if env.Dir == "" {
		env.Dir = l.Dir
	}
	if env.Entity == "" {
		env.Entity = l.Entity
	}
	return env, nil
}

// status reads an environment's state from Docker and the store. ready,
// when given, says which services are known to be ready (no need to probe
// them again); otherwise services without a healthy health check are probed.
func (s *Service) status(ctx context.Context, eng *engine.Engine, name string, ready map[string]bool) (Environment, error) {
	env := Environment{Name: name, Network: plan.NetworkName(name), Deps: DepsNone, Services: []ServiceStatus{}, Volumes: []string{}, Notes: []string{}}
	if row, ok, err := s.getEnv(ctx, name); err != nil {
		return env, err
	} else if ok {
		env.Dir, env.Spec, env.Entity, env.Deps = row.Dir, row.Spec, row.Entity, row.Deps
	}
	cs, err := eng.List(ctx, plan.LabelEnv+"="+name)
	if err != nil {
		return env, err
	}
	statuses := make([]*ServiceStatus, len(cs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, c := range cs {
		g.Go(func() error {
			ins, ok, err := eng.Inspect(gctx, c.ID)
			if err != nil || !ok {
				return err // a container removed meanwhile is left out
			}
			ss := serviceStatus(gctx, ins, ready)
			statuses[i] = &ss
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return env, err
	}
	for i, ss := range statuses {
		if ss == nil {
			continue
		}
		env.Services = append(env.Services, *ss)
		if env.Dir == "" {
			env.Dir = cs[i].Labels[plan.LabelDir]
		}
	}
	sort.Slice(env.Services, func(i, j int) bool { return env.Services[i].Name < env.Services[j].Name })
	vols, err := eng.Volumes(ctx, plan.LabelEnv+"="+name)
	if err != nil {
		return env, err
	}
	env.Volumes = append(env.Volumes, vols...)
	env.State = stateOf(env.Services)
	return env, nil
}

func stateOf(ss []ServiceStatus) string {
	if len(ss) == 0 {
		return StateStopped
	}
	st := StateRunning
	for _, s := range ss {
		switch {
		case s.State != "running":
			return StatePartial
		case !s.Ready:
			st = StateStarting
		}
	}
	return st
}

func serviceStatus(ctx context.Context, c engine.Container, ready map[string]bool) ServiceStatus {
	l := c.Labels
	ss := ServiceStatus{Name: l[plan.LabelService], Role: l[plan.LabelRole], Component: l[plan.LabelComponent], Resource: l[plan.LabelResource],
		Image: c.Image, Container: c.Name, ContainerID: c.ID, State: c.State, Health: c.Health, Ports: []PortBinding{}, DependsOn: []string{}}
	if ss.Health == "" {
		ss.Health = "none"
	}
	if !c.StartedAt.IsZero() && c.StartedAt.Year() > 1 {
		t := c.StartedAt.UTC()
		ss.StartedAt = &t
	}
	if d := l[plan.LabelDependsOn]; d != "" {
		ss.DependsOn = strings.Split(d, ",")
	}
	if o := l[plan.LabelOutputs]; o != "" {
		_ = json.Unmarshal([]byte(o), &ss.Outputs)
	}
	names := map[string]string{}
	for _, kv := range strings.Split(l[plan.LabelPortNames], ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			names[k] = v
		}
	}
	for _, p := range c.Ports {
		pb := PortBinding{Name: names[fmt.Sprintf("%d/%s", p.Container, p.Protocol)], ContainerPort: p.Container, HostPort: p.Host, Protocol: p.Protocol}
		if p.Protocol == "tcp" && p.Host > 0 {
			pb.URL = fmt.Sprintf("http://127.0.0.1:%d", p.Host)
		}
		ss.Ports = append(ss.Ports, pb)
	}
	switch {
	case c.State != "running":
	case c.Health == "healthy":
		ss.Ready = true
	case ready != nil:
		ss.Ready = ready[ss.Name]
	case l[plan.LabelProbe] != "":
		if pr, err := spec.ParseProbe(l[plan.LabelProbe]); err == nil {
			for _, p := range c.Ports {
				if p.Container == pr.Port && p.Protocol == "tcp" && p.Host > 0 {
					pctx, cancel := context.WithTimeout(ctx, time.Second)
					ss.Ready = probeOnce(pctx, pr, p.Host)
					cancel()
				}
			}
		}
	case c.Health == "":
		ss.Ready = true
	}
	return ss
}

// List reports every environment on this machine: those Paved remembers
// and any others Docker's labels show (e.g. from another Paved home).
func (s *Service) List(ctx context.Context, o ListOptions) ([]Summary, error) {
	rows, err := s.listEnvs(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]*Summary{}
	for _, r := range rows {
		t := r.UpdatedAt
		out[r.Name] = &Summary{Name: r.Name, Dir: r.Dir, Entity: r.Entity, State: StateStopped, UpdatedAt: &t}
	}
	eng, err := s.engine(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := eng.List(ctx, plan.LabelEnv)
	if err != nil {
		return nil, err
	}
	byEnv := map[string][]engine.Container{}
	for _, c := range cs {
		n := c.Labels[plan.LabelEnv]
		byEnv[n] = append(byEnv[n], c)
		if _, ok := out[n]; !ok {
			out[n] = &Summary{Name: n, Dir: c.Labels[plan.LabelDir], Entity: c.Labels[plan.LabelComponent]}
		}
	}
	res := make([]Summary, 0, len(out))
	for n, sm := range out {
		sm.State = summarize(byEnv[n])
		sm.Services = len(byEnv[n])
		for _, c := range byEnv[n] {
			if c.State == "running" {
				sm.Running++
			}
		}
		res = append(res, *sm)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].Name < res[j].Name })
	return res, nil
}

// Restart restarts one service's container and waits until it is ready.
func (s *Service) Restart(ctx context.Context, o RestartOptions, rep progress.Reporter) (Environment, error) {
	rep = progress.OrDiscard(rep)
	if o.Service == "" {
		return Environment{}, fmt.Errorf("which service? give --service (see `paved env ps`)")
	}
	l, err := s.locate(ctx, o.Target, false)
	if err != nil {
		return Environment{}, err
	}
	defer s.lock(l.Name)()
	eng, err := s.engine(ctx)
	if err != nil {
		return Environment{}, err
	}
	cs, err := eng.List(ctx, plan.LabelEnv+"="+l.Name, plan.LabelService+"="+o.Service)
	if err != nil {
		return Environment{}, err
	}
	if len(cs) == 0 {
		return Environment{}, fmt.Errorf("environment %s has no service %s running: see `paved env ps %s`", l.Name, o.Service, l.Name)
	}
	c := cs[0]
	report(rep, l.Name, o.Service, "stop", "restarting", 0, 0)
	if err := eng.Restart(ctx, c.ID, stopGrace(c.Labels)); err != nil {
		return Environment{}, err
	}
	ins, _, err := eng.Inspect(ctx, c.ID)
	if err != nil {
		return Environment{}, err
	}
	d := &plan.Container{Name: ins.Name}
	for _, p := range ins.Ports {
		d.Ports = append(d.Ports, plan.Binding{Container: p.Container, Host: p.Host, Protocol: p.Protocol})
	}
	var probe *spec.Probe
	if pl := ins.Labels[plan.LabelProbe]; pl != "" {
		probe, _ = spec.ParseProbe(pl)
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	report(rep, l.Name, o.Service, "wait", "waiting until ready", 0, 0)
	how, err := waitReady(wctx, eng, d, probe)
	if err != nil {
		return Environment{}, fmt.Errorf("service %s: %w", o.Service, err)
	}
	report(rep, l.Name, o.Service, "ready", "ready ("+how+")", 1, 1)
	s.audit.Note(ctx, "env.restart", l.Name, o.Service, nil)
	return s.status(ctx, eng, l.Name, nil)
}

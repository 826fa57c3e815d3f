package devenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/devenv/plan"
	"github.com/paved-dev/paved/internal/devenv/provision"
	"github.com/paved-dev/paved/internal/devenv/spec"
	"github.com/paved-dev/paved/internal/progress"
)

// defaultTimeout bounds waiting for readiness.
const defaultTimeout = 3 * time.Minute

// unit is one container of the environment being brought up.
type unit struct {
	provision.Unit
	// Component is the catalog component (workloads and dependencies).
	Component string
	// Desired is the container to run.
	Desired plan.Container
	// Existing is the container that runs now, if any.
	Existing *engine.Container
}

// environment is a resolved environment: what Up runs and Export writes.
type environment struct {
	notesMu sync.Mutex
	Name    string
	Main    *spec.Workload
	Units   []*unit
	Volumes []string
	Notes   []string
	Deps    string
	Entity  string
}

func checkDeps(d string) (string, error) {
	switch d {
	case "":
		return DepsNone, nil
	case DepsNone, DepsDirect, DepsAll:
		return d, nil
	}
	return "", fmt.Errorf("--deps %q: use none, direct or all", d)
}

// Up starts an environment, or brings a running one in line with its spec:
// unchanged containers are left alone, changed ones recreated, missing ones
// created, stopped ones started, and containers no longer in the spec
// removed. Dependencies start first and are waited for until ready.
func (s *Service) Up(ctx context.Context, o UpOptions, rep progress.Reporter) (env Environment, err error) {
	rep = progress.OrDiscard(rep)
	start := time.Now()
	target := o.Target
	detail := ""
	var secrets []string
	defer func() {
		// Container output in an error could quote a generated password.
		err = redact(err, secrets)
		name := env.Name
		if name == "" {
			name = target
		}
		s.audit.Note(ctx, "env.up", name, detail, err)
	}()
	deps, err := checkDeps(o.Deps)
	if err != nil {
		return Environment{}, err
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	l, err := s.locate(ctx, o.Target, true)
	if err != nil {
		return Environment{}, err
	}
	target = l.Name
	defer s.lock(l.Name)()
	report(rep, l.Name, "", "resolve", "reading "+filepath.Base(l.Workload.File), 0, 0)
	eng, err := s.engine(ctx)
	if err != nil {
		return Environment{Name: l.Name}, err
	}
	existing, err := s.existing(ctx, eng, l.Name)
	if err != nil {
		return Environment{Name: l.Name}, err
	}
	secret := func(svc, name string) string {
		if c, ok := existing[svc]; ok {
			if v, ok := envValue(c.Env, provision.SecretEnvPrefix+strings.ToUpper(name)); ok {
				return v
			}
		}
		return provision.NewSecret()
	}
	e, err := s.resolve(ctx, l, deps, secret)
	if err != nil {
		return Environment{Name: l.Name}, err
	}
	for _, u := range e.Units {
		for _, v := range u.Secrets {
			secrets = append(secrets, v)
		}
	}
	// Remember the environment before touching Docker, so that a killed up
	// is found again by ls and cleaned by the next up or down.
	if err := s.saveEnv(ctx, envRow{Name: l.Name, Dir: l.Dir, Spec: l.Workload.File, Entity: l.Entity, Deps: deps}); err != nil {
		return Environment{Name: l.Name}, err
	}
	if err := s.allocatePorts(ctx, e, existing); err != nil {
		return Environment{Name: l.Name}, err
	}
	if err := s.images(ctx, eng, e, o.Build, rep); err != nil {
		return Environment{Name: l.Name}, err
	}
	netName := plan.NetworkName(l.Name)
	labels := map[string]string{plan.LabelEnv: l.Name}
	report(rep, l.Name, "", "network", "network "+netName, 0, 0)
	if err := eng.EnsureNetwork(ctx, netName, labels); err != nil {
		return Environment{Name: l.Name}, err
	}
	for _, v := range e.Volumes {
		if err := eng.EnsureVolume(ctx, plan.VolumeName(l.Name, v), labels); err != nil {
			return Environment{Name: l.Name}, err
		}
	}
	for _, u := range e.Units {
		s.desire(e, u, l)
		if c, ok := existing[u.Name]; ok {
			cc := c
			u.Existing = &cc
		}
	}
	// Containers of services that are no longer in the spec go.
	inPlan := map[string]bool{}
	for _, u := range e.Units {
		inPlan[u.Name] = true
	}
	var orphans []engine.Container
	for svc, c := range existing {
		if !inPlan[svc] {
			orphans = append(orphans, c)
		}
	}
	if err := s.removeAll(ctx, eng, l.Name, orphans, rep); err != nil {
		return Environment{Name: l.Name}, err
	}
	actions, readySet, err := s.run(ctx, eng, e, o.Wait, timeout, rep)
	counts := map[string]int{}
	for _, a := range actions {
		counts[a]++
	}
	var parts []string
	for _, a := range []string{ActionCreated, ActionRecreated, ActionStarted, ActionUnchanged} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	detail = fmt.Sprintf("%s (deps %s): %s", l.Dir, deps, strings.Join(parts, ", "))
	_ = s.touchEnv(ctx, l.Name)
	st, serr := s.status(ctx, eng, l.Name, readySet)
	if serr == nil {
		env = st
	} else {
		env = Environment{Name: l.Name}
	}
	env.Notes = append(env.Notes, e.Notes...)
	for i := range env.Services {
		env.Services[i].Action = actions[env.Services[i].Name]
	}
	env.DurationMs = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		report(rep, l.Name, "", "error", redact(err, secrets).Error(), 0, 0)
		return env, err
	}
	report(rep, l.Name, "", "done", fmt.Sprintf("%s is up in %.1f s", l.Name, time.Since(start).Seconds()), len(e.Units), len(e.Units))
	return env, serr
}

// existing lists the environment's containers by service, inspected.
func (s *Service) existing(ctx context.Context, eng *engine.Engine, name string) (map[string]engine.Container, error) {
	list, err := eng.List(ctx, plan.LabelEnv+"="+name)
	if err != nil {
		return nil, err
	}
	out := map[string]engine.Container{}
	for _, c := range list {
		ins, ok, err := eng.Inspect(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		svc := ins.Labels[plan.LabelService]
		if prev, dup := out[svc]; dup {
			// Two containers for one service (e.g. a killed recreate): keep
			// the one with our name, the other is an orphan.
			if prev.Name == plan.ContainerName(name, svc) {
				svc = svc + "\x00" + ins.ID
			} else {
				out[svc+"\x00"+prev.ID] = prev
			}
		}
		out[svc] = ins
	}
	return out, nil
}

func envValue(env []string, key string) (string, bool) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// resolve reads the dependencies and provisions every resource.
func (s *Service) resolve(ctx context.Context, l *located, deps string, secret func(svc, name string) string) (*environment, error) {
	e := &environment{Name: l.Name, Main: l.Workload, Deps: deps, Entity: l.Entity}
	workloads := []*spec.Workload{l.Workload}
	components := map[string]string{l.Workload.Name: l.Entity}
	if deps != DepsNone {
		if l.Entity == "" {
			e.Notes = append(e.Notes, fmt.Sprintf("--deps %s: %s is not in the catalog, so it has no known dependencies", deps, l.Name))
		} else {
			dws, notes, err := s.dependencyWorkloads(ctx, l.Entity, deps)
			if err != nil {
				return nil, err
			}
			e.Notes = append(e.Notes, notes...)
			for ref, w := range dws {
				if w.Name == l.Workload.Name {
					continue
				}
				workloads = append(workloads, w)
				components[w.Name] = ref
			}
			sort.Slice(workloads[1:], func(i, j int) bool { return workloads[1+i].Name < workloads[1+j].Name })
		}
	}
	defs, err := s.provisioners(ctx)
	if err != nil {
		return nil, err
	}
	res, err := provision.Resolve(provision.Input{Workloads: workloads, Definitions: defs, Secret: secret, Getenv: getenv})
	if err != nil {
		return nil, err
	}
	for _, u := range res.Units {
		if err := plan.CheckName("service", u.Name); err != nil {
			return nil, fmt.Errorf("%s: %w", l.Workload.File, err)
		}
		uu := &unit{Unit: u, Component: components[u.Workload]}
		if u.Role == RoleWorkload && u.Workload != l.Workload.Name {
			uu.Role = RoleDependency
		}
		e.Units = append(e.Units, uu)
	}
	e.Volumes = res.Volumes
	return e, nil
}

// allocatePorts gives every published port a host port and remembers it.
func (s *Service) allocatePorts(ctx context.Context, e *environment, existing map[string]engine.Container) error {
	remembered, err := s.rememberedPorts(ctx, e.Name)
	if err != nil {
		return err
	}
	held := map[plan.PortKey]int{}
	for svc, c := range existing {
		if c.State != "running" {
			continue
		}
		for _, p := range c.Ports {
			held[plan.PortKey{Service: svc, Container: p.Container, Protocol: p.Protocol}] = p.Host
		}
	}
	var reqs []plan.PortRequest
	for _, u := range e.Units {
		for _, p := range u.Ports {
			reqs = append(reqs, plan.PortRequest{PortKey: plan.PortKey{Service: u.Name, Container: p.Container, Protocol: p.Protocol}, Explicit: p.Host})
		}
	}
	got, notes := plan.Allocator{Remembered: remembered, Held: held, Free: portFree, Env: e.Name}.Allocate(reqs)
	e.Notes = append(e.Notes, notes...)
	for _, u := range e.Units {
		for i, p := range u.Ports {
			k := plan.PortKey{Service: u.Name, Container: p.Container, Protocol: p.Protocol}
			hp, ok := got[k]
			if !ok {
				return fmt.Errorf("service %s: no free host port for container port %d", u.Name, p.Container)
			}
			u.Ports[i].Host = hp
		}
	}
	return s.rememberPorts(ctx, e.Name, got)
}

// portFree reports whether 127.0.0.1:port can be bound.
func portFree(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// images makes sure every unit's image is present: built from source
// (always with --build, else when missing) or pulled.
func (s *Service) images(ctx context.Context, eng *engine.Engine, e *environment, rebuild bool, rep progress.Reporter) error {
	// Every unit is tried, three at a time; every failure is reported.
	var g errgroup.Group
	g.SetLimit(3)
	var mu sync.Mutex
	var errs []error
	ids := map[string]string{}
	pulled := map[string]chan struct{}{}
	for _, u := range e.Units {
		g.Go(func() error {
			var id string
			var err error
			if u.Build != nil {
				tag := plan.ImageTag(e.Name, u.Name)
				if !rebuild {
					id, err = eng.ImageID(ctx, tag)
				}
				if err == nil && id == "" {
					report(rep, e.Name, u.Name, "build", "building "+tag, 0, 0)
					id, err = s.build(ctx, eng, u, tag, func(line string) { reportOutput(rep, e.Name, u.Name, "build", line) })
				}
				u.Image = tag
			} else {
				mu.Lock()
				ch, started := pulled[u.Image]
				if !started {
					ch = make(chan struct{})
					pulled[u.Image] = ch
				}
				mu.Unlock()
				if started {
					<-ch
					mu.Lock()
					id = ids[u.Image]
					mu.Unlock()
					if id == "" {
						return nil // the other pull failed and reported it
					}
				} else {
					report(rep, e.Name, u.Name, "image", "image "+u.Image, 0, 0)
					id, err = eng.EnsureImage(ctx, u.Image, func(m string) { reportOutput(rep, e.Name, u.Name, "image", m) })
					mu.Lock()
					ids[u.Image] = id
					mu.Unlock()
					close(ch)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("service %s: %w", u.Name, err))
				return nil
			}
			u.Desired.ImageID = id
			return nil
		})
	}
	_ = g.Wait() // the goroutines return nil: failures are collected in errs
	return errors.Join(errs...)
}

// build builds a unit's image: its Dockerfile, or a Go build without one.
func (s *Service) build(ctx context.Context, eng *engine.Engine, u *unit, tag string, progress func(string)) (string, error) {
	labels := map[string]string{"dev.paved.built-for": u.Workload}
	df := u.Build.Dockerfile
	if df == "" {
		if _, err := statFile(filepath.Join(u.Build.Context, "Dockerfile")); err == nil {
			df = "Dockerfile"
		}
	}
	if df != "" {
		return eng.Build(ctx, engine.BuildOptions{Context: u.Build.Context, Dockerfile: df, Tag: tag, Labels: labels, Progress: progress})
	}
	if _, err := statFile(filepath.Join(u.Build.Context, "go.mod")); err != nil {
		if _, err2 := findGoMod(u.Build.Context); err2 != nil {
			return "", fmt.Errorf("build %s: no Dockerfile in %s and it is not a Go module: add a Dockerfile, or set an image in the spec", u.Name, u.Build.Context)
		}
	}
	out := filepath.Join(s.cacheDir, "devenv", "build", plan.Sanitize(u.Workload), u.Name)
	return eng.BuildGo(ctx, engine.GoBuildOptions{Dir: u.Build.Context, Out: out, Tag: tag, Labels: labels, Progress: progress})
}

// desire fills in the container a unit should run as.
func (s *Service) desire(e *environment, u *unit, l *located) {
	d := &u.Desired
	d.Name = plan.ContainerName(e.Name, u.Name)
	d.ImageRef = u.Image
	d.Entrypoint, d.Cmd = u.Entrypoint, u.Command
	d.User, d.WorkingDir = u.User, u.WorkingDir
	d.Network = plan.NetworkName(e.Name)
	d.Aliases = []string{u.Name}
	d.StopGrace = u.StopGrace
	d.Env = d.Env[:0]
	for k, v := range u.Env {
		d.Env = append(d.Env, k+"="+v)
	}
	sort.Strings(d.Env)
	d.Ports = nil
	for _, p := range u.Ports {
		d.Ports = append(d.Ports, plan.Binding{Name: p.Name, Container: p.Container, Host: p.Host, Protocol: p.Protocol})
	}
	d.Mounts = nil
	for _, m := range u.Mounts {
		src := m.Source
		if m.Kind == spec.MountVolume {
			src = plan.VolumeName(e.Name, m.Source)
		}
		d.Mounts = append(d.Mounts, plan.Mount{Type: m.Kind, Source: src, Target: m.Target, ReadOnly: m.ReadOnly})
	}
	if h := u.Health; h != nil {
		d.Health = &plan.Health{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	d.Files = nil
	for _, f := range u.Files {
		d.Files = append(d.Files, plan.File{Path: f.Target, Content: f.Content, Mode: int64(f.Mode)})
	}
	labels := map[string]string{
		plan.LabelEnv:     e.Name,
		plan.LabelService: u.Name,
		plan.LabelRole:    u.Role,
		plan.LabelDir:     l.Dir,
	}
	if u.Component != "" {
		labels[plan.LabelComponent] = u.Component
	}
	if u.ResourceType != "" {
		labels[plan.LabelResource] = u.ResourceType
	}
	if u.Probe != nil {
		labels[plan.LabelProbe] = u.Probe.String()
	}
	if len(u.DependsOn) > 0 {
		labels[plan.LabelDependsOn] = strings.Join(u.DependsOn, ",")
	}
	if u.StopGrace > 0 {
		labels[plan.LabelGrace] = u.StopGrace.String()
	}
	if len(u.Outputs) > 0 {
		shown := map[string]string{}
		for k, v := range u.Outputs {
			if u.SecretOutputs[k] {
				v = masked
			}
			shown[k] = v
		}
		b, _ := json.Marshal(shown)
		labels[plan.LabelOutputs] = string(b)
	}
	var names []string
	for _, p := range u.Ports {
		if p.Name != "" {
			names = append(names, fmt.Sprintf("%d/%s=%s", p.Container, p.Protocol, p.Name))
		}
	}
	if len(names) > 0 {
		labels[plan.LabelPortNames] = strings.Join(names, ",")
	}
	d.Labels = labels
	d.Labels[plan.LabelHash] = plan.Hash(*d)
}

// masked stands in for secret outputs.
const masked = "********"

// run creates, recreates or starts each unit's container, each once the
// services it depends on are ready, independent ones in parallel.
func (s *Service) run(ctx context.Context, eng *engine.Engine, e *environment, waitAll bool, timeout time.Duration, rep progress.Reporter) (map[string]string, map[string]bool, error) {
	deps := map[string][]string{}
	needed := map[string]bool{}
	byName := map[string]*unit{}
	for _, u := range e.Units {
		deps[u.Name] = u.DependsOn
		byName[u.Name] = u
		for _, d := range u.DependsOn {
			needed[d] = true
		}
	}
	if _, err := plan.Levels(deps); err != nil {
		return nil, nil, err
	}
	// The first failure cancels the others (errgroup); waiting for
	// readiness has its own deadline on top.
	g, ctx := errgroup.WithContext(ctx)
	wctx, wcancel := context.WithTimeout(ctx, timeout)
	defer wcancel()
	ready := map[string]chan struct{}{}
	for n := range byName {
		ready[n] = make(chan struct{})
	}
	var mu sync.Mutex
	actions := map[string]string{}
	readySet := map[string]bool{}
	total := len(e.Units)
	readyCount := 0
	for _, u := range e.Units {
		g.Go(func() error {
			waitDeps := func() error {
				for _, d := range u.DependsOn {
					select {
					case <-ready[d]:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				return nil
			}
			action, err := s.ensure(ctx, eng, e, u, waitDeps, rep)
			mu.Lock()
			actions[u.Name] = action
			mu.Unlock()
			if err != nil {
				return err
			}
			if needed[u.Name] || waitAll {
				report(rep, e.Name, u.Name, "wait", "waiting until ready", 0, 0)
				t0 := time.Now()
				how, err := waitReady(wctx, eng, &u.Desired, u.Probe)
				if err != nil {
					if ctx.Err() != nil && wctx.Err() == nil {
						return ctx.Err() // another service failed first
					}
					return fmt.Errorf("service %s: %w", u.Name, err)
				}
				mu.Lock()
				readyCount++
				n := readyCount
				readySet[u.Name] = true
				mu.Unlock()
				report(rep, e.Name, u.Name, "ready", fmt.Sprintf("ready (%s) after %.1f s", how, time.Since(t0).Seconds()), n, total)
			}
			close(ready[u.Name])
			return nil
		})
	}
	firstErr := g.Wait()
	if !waitAll {
		readySet = nil // not waited for: probe when reporting
	}
	return actions, readySet, firstErr
}

// ensure makes one unit's container match its desired state. The
// container is (re)created at once; waitDeps is called before it starts,
// so a dependent is ready to start the moment its dependencies are.
func (s *Service) ensure(ctx context.Context, eng *engine.Engine, e *environment, u *unit, waitDeps func() error, rep progress.Reporter) (string, error) {
	want := u.Desired.Labels[plan.LabelHash]
	action := ActionCreated
	if c := u.Existing; c != nil {
		sameHash := c.Labels[plan.LabelHash] == want && c.Name == u.Desired.Name
		switch {
		case sameHash && (c.State == "running" || c.State == "restarting"):
			report(rep, e.Name, u.Name, "done", "unchanged", 0, 0)
			return ActionUnchanged, nil
		case sameHash && (c.State == "created" || c.State == "exited"):
			if err := waitDeps(); err != nil {
				return ActionStarted, err
			}
			report(rep, e.Name, u.Name, "start", "starting", 0, 0)
			if err := eng.Start(ctx, c.ID); err == nil {
				return ActionStarted, nil
			} else if !engine.IsPortTaken(err) {
				return ActionStarted, fmt.Errorf("start %s: %w", u.Desired.Name, err)
			}
			// Its port was taken meanwhile: recreate it on a new one.
		}
		report(rep, e.Name, u.Name, "remove", "configuration changed, recreating", 0, 0)
		if err := eng.Remove(ctx, c.ID, stopGrace(c.Labels)); err != nil {
			return ActionRecreated, err
		}
		action = ActionRecreated
	}
	for attempt := 0; ; attempt++ {
		report(rep, e.Name, u.Name, "create", "creating "+u.Desired.Name, 0, 0)
		id, err := eng.Create(ctx, toSpec(u.Desired))
		if engine.IsNameTaken(err) && attempt == 0 {
			// A create of an earlier up that was killed can complete after
			// this up listed the environment: the container is this
			// environment's (its label says so), so it goes and the create
			// is tried again. A container of that name that is not ours is
			// left alone and reported.
			if c, ok, ierr := eng.Inspect(ctx, u.Desired.Name); ierr == nil && ok && c.Labels[plan.LabelEnv] == e.Name {
				if rerr := eng.Remove(ctx, c.ID, 0); rerr == nil {
					continue
				}
			}
		}
		if err != nil {
			if id != "" {
				_ = eng.Remove(context.WithoutCancel(ctx), id, 0)
			}
			return action, err
		}
		if err := waitDeps(); err != nil {
			return action, err
		}
		report(rep, e.Name, u.Name, "start", "starting", 0, 0)
		err = eng.Start(ctx, id)
		if err == nil {
			return action, nil
		}
		_ = eng.Remove(context.WithoutCancel(ctx), id, 0)
		if !engine.IsPortTaken(err) || attempt >= 3 {
			return action, fmt.Errorf("start %s: %w", u.Desired.Name, err)
		}
		// A port was taken between the check and the start: choose again.
		for i, p := range u.Desired.Ports {
			old := p.Host
			np := nextFree(old)
			u.Desired.Ports[i].Host = np
			e.note(fmt.Sprintf("%s: port %d was taken at start, using %d for container port %d", u.Name, old, np, p.Container))
			_ = s.rememberPorts(ctx, e.Name, map[plan.PortKey]int{{Service: u.Name, Container: p.Container, Protocol: p.Protocol}: np})
		}
		u.Desired.Labels[plan.LabelHash] = plan.Hash(u.Desired)
	}
}

func nextFree(from int) int {
	for p := from + 1; p < from+2000 && p < 65535; p++ {
		if portFree(p) {
			return p
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return from
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// stopGrace is a container's stop grace from its label (default 10 s, as
// docker's).
func stopGrace(labels map[string]string) time.Duration {
	if d, err := time.ParseDuration(labels[plan.LabelGrace]); err == nil && d > 0 {
		return d
	}
	return 10 * time.Second
}

func toSpec(d plan.Container) engine.ContainerSpec {
	cs := engine.ContainerSpec{Name: d.Name, Image: d.ImageRef, Entrypoint: d.Entrypoint, Cmd: d.Cmd, Env: d.Env, Labels: d.Labels,
		User: d.User, WorkingDir: d.WorkingDir, Network: d.Network, Aliases: d.Aliases, StopTimeout: d.StopGrace}
	for _, p := range d.Ports {
		cs.Ports = append(cs.Ports, engine.Port{Container: p.Container, Host: p.Host, Protocol: p.Protocol})
	}
	for _, m := range d.Mounts {
		cs.Mounts = append(cs.Mounts, engine.Mount{Type: m.Type, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
	}
	if h := d.Health; h != nil {
		cs.Health = &engine.Health{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	for _, f := range d.Files {
		cs.Files = append(cs.Files, engine.File{Path: f.Path, Content: f.Content, Mode: f.Mode})
	}
	return cs
}

// redact replaces secret values in an error's message.
func redact(err error, secrets []string) error {
	if err == nil || len(secrets) == 0 {
		return err
	}
	msg := err.Error()
	out := msg
	for _, v := range secrets {
		if v != "" {
			out = strings.ReplaceAll(out, v, masked)
		}
	}
	if out == msg {
		return err
	}
	return errors.New(out)
}

// note adds a note (safe from the start goroutines).
func (e *environment) note(n string) {
	e.notesMu.Lock()
	e.Notes = append(e.Notes, n)
	e.notesMu.Unlock()
}

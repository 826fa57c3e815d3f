// Package provision turns the resources a workload declares (postgres,
// redis, volume, ...) into containers and outputs, and fills the
// workload's ${resources.NAME.OUTPUT} and ${metadata.KEY} placeholders with
// them.
//
// Provisioners come from the platform repository (platform.yaml,
// spec.environments.provisioners) and fall back to built-in defaults for
// postgres and redis; a platform entry for the same type (and class)
// replaces the built-in one.
//
// Rules: pure — no Docker, no store; secrets (${secret.NAME}) are generated
// through the caller's functions so the caller can reuse the running
// container's and so they never leave memory except in the container's
// environment; a secret may only appear in a provisioner's env and outputs.
package provision

import (
	"crypto/rand"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/score-spec/score-go/framework"

	"github.com/paved-dev/paved/internal/devenv/spec"
)

// Definition is one provisioner: how to run a resource type locally.
type Definition struct {
	// Type is the score resource type it provisions (postgres, redis, ...).
	Type string
	// Class narrows it to resources of that class ("" = any class).
	Class string
	// Image runs the resource; "" means the resource needs no container
	// (its outputs are computed only).
	Image   string
	Command []string
	// Env is the container's environment; values are templates.
	Env map[string]string
	// Ports are container ports; the first one is ${port}.
	Ports []int
	// Volumes are container paths that each get a named volume, kept
	// across down unless down --volumes.
	Volumes []string
	// Health is the readiness check.
	Health *spec.Health
	// Probe checks readiness from the host ("" = tcp on the first port).
	Probe *spec.Probe
	// Outputs are what ${resources.NAME.KEY} resolves to; values are
	// templates: ${host} ${port} ${name} ${id} ${env} ${type} ${class}
	// ${params.KEY} ${secret.NAME}.
	Outputs map[string]string
	// StopGrace is how long a stop waits before killing.
	StopGrace time.Duration
	// Source says where the definition came from (built-in or platform.yaml).
	Source string
}

// SecretEnvPrefix names the environment variables that keep a resource's
// generated secrets in its container, so a later up can reuse them.
const SecretEnvPrefix = "PAVED_SECRET_"

// Input is what Resolve works on.
type Input struct {
	// Workloads are the environment's workloads: the service first, then its
	// catalog dependencies.
	Workloads []*spec.Workload
	// Definitions are the platform's provisioners; the built-ins are added
	// after them.
	Definitions []Definition
	// Secret returns the value of a resource service's secret: an existing
	// one (from its running container) or a new one. nil = NewSecret.
	Secret func(service, name string) string
	// Getenv reads the host environment for `environment` resources.
	Getenv func(string) string
}

// Unit is one container of the environment.
type Unit struct {
	spec.Service
	// Role is workload or resource; the caller marks dependencies.
	Role string
	// Workload is the name of the workload it belongs to.
	Workload string
	// ResourceType and ResourceName are set for resources.
	ResourceType string
	ResourceName string
	// Outputs of a resource, and which of them are secret.
	Outputs       map[string]string
	SecretOutputs map[string]bool
	// Secrets are the generated secrets placed in its env (resources).
	Secrets map[string]string
}

// Result is the resolved environment.
type Result struct {
	// Units in dependency order: resources first, then workloads.
	Units []Unit
	// Volumes are logical volume names (mount sources).
	Volumes []string
}

// Resolve provisions every resource and resolves placeholders.
func Resolve(in Input) (*Result, error) {
	if in.Secret == nil {
		in.Secret = func(string, string) string { return NewSecret() }
	}
	defs := append(append([]Definition(nil), in.Definitions...), Builtins()...)
	res := &Result{}
	used := map[string]string{} // unit name -> what claimed it
	claim := func(name, what string) error {
		if prev, ok := used[name]; ok {
			return fmt.Errorf("two services would be named %q (%s and %s): rename one", name, prev, what)
		}
		used[name] = what
		return nil
	}
	type sharedRes struct {
		typ     string
		outputs map[string]string
	}
	shared := map[string]sharedRes{} // by resource id
	var workloads []Unit
	for wi, w := range in.Workloads {
		prefix := ""
		if wi > 0 {
			prefix = w.Name + "-"
		}
		lookups := map[string]framework.OutputLookupFunc{}
		volumeOf := map[string]string{} // resource name -> logical volume
		var resourceUnits []string
		for _, r := range w.Resources {
			switch r.Type {
			case "volume":
				v := prefix + r.Name
				if r.ID != "" {
					v = r.ID
				}
				volumeOf[r.Name] = v
				if !spec.Contains(res.Volumes, v) {
					res.Volumes = append(res.Volumes, v)
				}
				lookups[r.Name] = mapLookup(map[string]any{"source": v, "name": v})
				continue
			case "environment":
				getenv := in.Getenv
				lookups[r.Name] = func(keys ...string) (any, error) {
					if len(keys) != 1 {
						return nil, fmt.Errorf("an environment resource has one level: ${resources.%s.VARIABLE}", r.Name)
					}
					if getenv == nil {
						return "", nil
					}
					return getenv(keys[0]), nil
				}
				continue
			case "dns":
				lookups[r.Name] = mapLookup(map[string]any{"host": "localhost"})
				continue
			case "route":
				lookups[r.Name] = mapLookup(map[string]any{})
				continue
			}
			name := prefix + r.Name
			if r.ID != "" {
				name = r.ID
			}
			if u, ok := shared[name]; ok && r.ID != "" {
				if u.typ != r.Type {
					return nil, fmt.Errorf("%s: resources.%s: id %q is already a %s resource", w.File, r.Name, r.ID, u.typ)
				}
				lookups[r.Name] = outputLookup(u.outputs)
				resourceUnits = append(resourceUnits, name)
				continue
			}
			d, err := pick(defs, r)
			if err != nil {
				return nil, fmt.Errorf("%s: resources.%s: %w", w.File, r.Name, err)
			}
			u, err := provisionOne(d, r, name, w, in.Secret)
			if err != nil {
				return nil, fmt.Errorf("%s: resources.%s (%s provisioner from %s): %w", w.File, r.Name, d.Type, d.Source, err)
			}
			lookups[r.Name] = outputLookup(u.Outputs)
			shared[name] = sharedRes{typ: r.Type, outputs: u.Outputs}
			if d.Image == "" {
				continue
			}
			if err := claim(name, "resource "+r.Name+" of "+w.Name); err != nil {
				return nil, err
			}
			for _, m := range u.Mounts {
				if !spec.Contains(res.Volumes, m.Source) {
					res.Volumes = append(res.Volumes, m.Source)
				}
			}
			res.Units = append(res.Units, *u)
			resourceUnits = append(resourceUnits, name)
		}
		subst := framework.BuildSubstitutionFunction(w.Metadata, lookups)
		for _, v := range w.Volumes {
			if !spec.Contains(res.Volumes, prefix+v) {
				res.Volumes = append(res.Volumes, prefix+v)
			}
		}
		for _, s := range w.Services {
			u := Unit{Service: s, Role: "workload", Workload: w.Name}
			u.Env = map[string]string{}
			if w.Format == spec.FormatScore {
				if err := substituteService(&u.Service, s, subst, volumeOf, w); err != nil {
					return nil, err
				}
			} else {
				for k, v := range s.Env {
					u.Env[k] = v
				}
				u.Mounts = nil
				for _, m := range s.Mounts {
					if m.Kind == spec.MountVolume {
						m.Source = prefix + m.Source
					}
					u.Mounts = append(u.Mounts, m)
				}
				u.DependsOn = nil
				for _, d := range s.DependsOn {
					if w.Service(d) == nil {
						return nil, fmt.Errorf("%s: services.%s.depends_on: no service %q", w.File, s.Name, d)
					}
					u.DependsOn = append(u.DependsOn, d)
				}
			}
			u.DependsOn = append(u.DependsOn, resourceUnits...)
			sort.Strings(u.DependsOn)
			if err := claim(u.Name, "service "+s.Name+" of "+w.Name); err != nil {
				return nil, err
			}
			workloads = append(workloads, u)
		}
	}
	// The service waits for its dependencies' containers.
	if len(in.Workloads) > 1 {
		var depNames []string
		for _, u := range workloads {
			if u.Workload != in.Workloads[0].Name {
				depNames = append(depNames, u.Name)
			}
		}
		for i := range workloads {
			if workloads[i].Workload == in.Workloads[0].Name {
				workloads[i].DependsOn = append(workloads[i].DependsOn, depNames...)
				sort.Strings(workloads[i].DependsOn)
			}
		}
	}
	res.Units = append(res.Units, workloads...)
	sort.Strings(res.Volumes)
	return res, nil
}

// substituteService fills score placeholders in a workload service.
func substituteService(dst *spec.Service, s spec.Service, subst func(string) (string, error), volumeOf map[string]string, w *spec.Workload) error {
	var err error
	sub := func(field, v string) string {
		out, e := framework.SubstituteString(v, subst)
		if e != nil && err == nil {
			err = fmt.Errorf("%s: %s: %w", w.File, field, e)
		}
		return out
	}
	for k, v := range s.Env {
		dst.Env[k] = sub("variables."+k, v)
	}
	dst.Entrypoint = subAll(s.Entrypoint, func(v string) string { return sub("command", v) })
	dst.Command = subAll(s.Command, func(v string) string { return sub("args", v) })
	dst.Files = nil
	for _, f := range s.Files {
		f.Content = []byte(sub("files."+f.Target, string(f.Content)))
		dst.Files = append(dst.Files, f)
	}
	dst.Mounts = nil
	for _, m := range s.Mounts {
		src := strings.TrimSpace(m.Source)
		if strings.HasPrefix(src, "${resources.") && strings.HasSuffix(src, "}") {
			rn := strings.TrimSuffix(strings.TrimPrefix(src, "${resources."), "}")
			v, ok := volumeOf[rn]
			if !ok {
				return fmt.Errorf("%s: volume %s: source %s is not a volume resource: declare resources.%s with type: volume", w.File, m.Target, src, rn)
			}
			m.Source = v
		} else {
			return fmt.Errorf("%s: volume %s: source %q: use ${resources.NAME} of a volume resource", w.File, m.Target, m.Source)
		}
		dst.Mounts = append(dst.Mounts, m)
	}
	return err
}

func subAll(ss []string, f func(string) string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// pick finds the provisioner for r: first by type and class, then a
// class-less one of the type.
func pick(defs []Definition, r spec.Resource) (Definition, error) {
	class := r.Class
	if class == "default" {
		class = ""
	}
	for _, d := range defs {
		if d.Type == r.Type && d.Class != "" && d.Class == class {
			return d, nil
		}
	}
	for _, d := range defs {
		if d.Type == r.Type && d.Class == "" {
			return d, nil
		}
	}
	var types []string
	seen := map[string]bool{}
	for _, d := range defs {
		if !seen[d.Type] {
			seen[d.Type] = true
			types = append(types, d.Type)
		}
	}
	sort.Strings(types)
	what := r.Type
	if class != "" {
		what += " (class " + class + ")"
	}
	return Definition{}, fmt.Errorf("no provisioner for resource type %s: add one under spec.environments.provisioners in the platform repository's platform.yaml (known types: %s, volume, environment, dns, route)",
		what, strings.Join(types, ", "))
}

// provisionOne renders a definition for one resource.
func provisionOne(d Definition, r spec.Resource, name string, w *spec.Workload, secret func(service, name string) string) (*Unit, error) {
	u := &Unit{Role: "resource", Workload: w.Name, ResourceType: r.Type, ResourceName: r.Name,
		Outputs: map[string]string{}, SecretOutputs: map[string]bool{}, Secrets: map[string]string{}}
	u.Name = name
	u.Image = d.Image
	port := 0
	if len(d.Ports) > 0 {
		port = d.Ports[0]
	}
	vars := func(key string, allowSecret bool) (string, error) {
		parts := framework.SplitRefParts(key)
		switch {
		case key == "host":
			return name, nil
		case key == "port":
			if port == 0 {
				return "", fmt.Errorf("${port}: the provisioner publishes no ports")
			}
			return fmt.Sprint(port), nil
		case key == "name":
			return r.Name, nil
		case key == "id":
			return r.ID, nil
		case key == "type":
			return r.Type, nil
		case key == "class":
			return r.Class, nil
		case key == "workload":
			return w.Name, nil
		case parts[0] == "params" && len(parts) == 2:
			if v, ok := r.Params[parts[1]]; ok {
				return fmt.Sprint(v), nil
			}
			return "", nil
		case parts[0] == "secret" && len(parts) == 2:
			if !allowSecret {
				return "", fmt.Errorf("${%s}: secrets may only be used in env and outputs (they must not show in commands or health checks)", key)
			}
			v, ok := u.Secrets[parts[1]]
			if !ok {
				v = secret(name, parts[1])
				u.Secrets[parts[1]] = v
			}
			return v, nil
		}
		return "", fmt.Errorf("unknown placeholder ${%s}: use host, port, name, id, type, class, workload, params.KEY or secret.NAME", key)
	}
	render := func(field, tmpl string, allowSecret bool) (string, error) {
		out, err := framework.SubstituteString(tmpl, func(k string) (string, error) { return vars(k, allowSecret) })
		if err != nil {
			return "", fmt.Errorf("%s: %w", field, err)
		}
		return out, nil
	}
	u.Env = map[string]string{}
	for _, k := range sortedKeys(d.Env) {
		v, err := render("env."+k, d.Env[k], true)
		if err != nil {
			return nil, err
		}
		u.Env[k] = v
	}
	for _, k := range sortedKeys(d.Outputs) {
		v, err := render("outputs."+k, d.Outputs[k], true)
		if err != nil {
			return nil, err
		}
		u.Outputs[k] = v
		if strings.Contains(d.Outputs[k], "${secret.") {
			u.SecretOutputs[k] = true
		}
	}
	for _, c := range d.Command {
		v, err := render("command", c, false)
		if err != nil {
			return nil, err
		}
		u.Command = append(u.Command, v)
	}
	for k, v := range u.Secrets {
		u.Env[SecretEnvPrefix+strings.ToUpper(k)] = v
	}
	for _, p := range d.Ports {
		u.Ports = append(u.Ports, spec.Port{Container: p, Protocol: "tcp"})
	}
	for i, path := range d.Volumes {
		v := name + "-data"
		if i > 0 {
			v = fmt.Sprintf("%s-data%d", name, i+1)
		}
		u.Mounts = append(u.Mounts, spec.Mount{Kind: spec.MountVolume, Source: v, Target: path})
	}
	if d.Health != nil {
		h := *d.Health
		h.Test = nil
		for _, t := range d.Health.Test {
			v, err := render("healthCheck.command", t, false)
			if err != nil {
				return nil, err
			}
			h.Test = append(h.Test, v)
		}
		u.Health = &h
	}
	u.Probe = d.Probe
	if u.Probe == nil && port > 0 {
		u.Probe = &spec.Probe{Kind: spec.ProbeTCP, Port: port}
	}
	u.StopGrace = d.StopGrace
	return u, nil
}

func sortedKeys(m map[string]string) []string {
	out := slices.Sorted(maps.Keys(m))
	return out
}

func mapLookup(m map[string]any) framework.OutputLookupFunc {
	return func(keys ...string) (any, error) {
		if len(keys) == 0 {
			if s, ok := m["source"]; ok {
				return s, nil
			}
			return m, nil
		}
		if len(keys) > 1 {
			return nil, fmt.Errorf("outputs have one level")
		}
		v, ok := m[keys[0]]
		if !ok {
			return nil, fmt.Errorf("no output %q (outputs: %s)", keys[0], strings.Join(keysOf(m), ", "))
		}
		return v, nil
	}
}

func outputLookup(out map[string]string) framework.OutputLookupFunc {
	m := make(map[string]any, len(out))
	for k, v := range out {
		m[k] = v
	}
	return mapLookup(m)
}

func keysOf(m map[string]any) []string {
	out := slices.Sorted(maps.Keys(m))
	return out
}

const secretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// NewSecret returns 24 random letters and digits (safe in URLs and shells).
func NewSecret() string {
	b := make([]byte, 24)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(secretAlphabet))))
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		b[i] = secretAlphabet[n.Int64()]
	}
	return string(b)
}

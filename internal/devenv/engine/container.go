package engine

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/go-connections/nat"
)

// ContainerSpec is a container to create.
type ContainerSpec struct {
	Name       string
	Image      string
	Entrypoint []string
	Cmd        []string
	Env        []string
	Labels     map[string]string
	User       string
	WorkingDir string
	// Network is joined with Aliases as host names.
	Network string
	Aliases []string
	Ports   []Port
	Mounts  []Mount
	Health  *Health
	// StopTimeout is the default stop grace (0 = Docker's).
	StopTimeout time.Duration
	// Files are copied into the container before it starts.
	Files []File
}

// Port publishes Container on 127.0.0.1:Host.
type Port struct {
	Container int
	Host      int
	Protocol  string
}

// Mount is a named volume, bind mount or tmpfs.
type Mount struct {
	Type     string // volume, bind, tmpfs
	Source   string
	Target   string
	ReadOnly bool
}

// Health is a Docker health check.
type Health struct {
	Test                           []string
	Interval, Timeout, StartPeriod time.Duration
	Retries                        int
}

// File is written into the container before start.
type File struct {
	Path    string
	Content []byte
	Mode    int64
}

// Container is what the engine reports about one container.
type Container struct {
	ID     string
	Name   string
	Image  string
	Labels map[string]string
	// State is created, running, paused, restarting, removing, exited or dead.
	State string
	// Health is healthy, unhealthy, starting or "" (no health check).
	Health string
	// HealthLog is the last health check's output.
	HealthLog string
	ExitCode  int
	StartedAt time.Time
	Pid       int
	Env       []string
	Ports     []Port
}

// Create creates (but does not start) a container.
func (e *Engine) Create(ctx context.Context, s ContainerSpec) (string, error) {
	cfg := &container.Config{Image: s.Image, Env: s.Env, Labels: s.Labels, User: s.User, WorkingDir: s.WorkingDir,
		ExposedPorts: nat.PortSet{}}
	if s.Entrypoint != nil {
		cfg.Entrypoint = s.Entrypoint
	}
	if s.Cmd != nil {
		cfg.Cmd = s.Cmd
	}
	if s.StopTimeout > 0 {
		t := int(s.StopTimeout.Round(time.Second) / time.Second)
		cfg.StopTimeout = &t
	}
	if h := s.Health; h != nil {
		cfg.Healthcheck = &container.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	hc := &container.HostConfig{PortBindings: nat.PortMap{}, NetworkMode: container.NetworkMode(s.Network)}
	for _, p := range s.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		np := nat.Port(fmt.Sprintf("%d/%s", p.Container, proto))
		cfg.ExposedPorts[np] = struct{}{}
		hc.PortBindings[np] = append(hc.PortBindings[np], nat.PortBinding{HostIP: "127.0.0.1", HostPort: strconv.Itoa(p.Host)})
	}
	for _, m := range s.Mounts {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.Type(m.Type), Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
	}
	var nc *network.NetworkingConfig
	if s.Network != "" {
		nc = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{s.Network: {Aliases: s.Aliases}}}
	}
	resp, err := e.c.ContainerCreate(ctx, cfg, hc, nc, nil, s.Name)
	if err != nil {
		return "", fmt.Errorf("create container %s (image %s): %w", s.Name, s.Image, err)
	}
	if len(s.Files) > 0 {
		if err := e.copyFiles(ctx, resp.ID, s.Files); err != nil {
			return resp.ID, fmt.Errorf("container %s: %w", s.Name, err)
		}
	}
	return resp.ID, nil
}

func (e *Engine) copyFiles(ctx context.Context, id string, files []File) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, f := range files {
		p := strings.TrimPrefix(path.Clean("/"+f.Path), "/")
		for d := path.Dir(p); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	dl := slices.Sorted(maps.Keys(dirs))
	for _, d := range dl {
		if err := tw.WriteHeader(&tar.Header{Name: d + "/", Mode: 0o755, Typeflag: tar.TypeDir, ModTime: time.Now()}); err != nil {
			return err
		}
	}
	for _, f := range files {
		p := strings.TrimPrefix(path.Clean("/"+f.Path), "/")
		if err := tw.WriteHeader(&tar.Header{Name: p, Mode: f.Mode, Size: int64(len(f.Content)), Typeflag: tar.TypeReg, ModTime: time.Now()}); err != nil {
			return err
		}
		if _, err := tw.Write(f.Content); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := e.c.CopyToContainer(ctx, id, "/", &buf, container.CopyToContainerOptions{}); err != nil {
		return fmt.Errorf("write files: %w", err)
	}
	return nil
}

// Start starts a created container.
func (e *Engine) Start(ctx context.Context, id string) error {
	if err := e.c.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return err
	}
	return nil
}

// IsNameTaken reports a create refused because a container of that name
// exists.
func IsNameTaken(err error) bool {
	return err != nil && (cerrdefs.IsConflict(err) || strings.Contains(err.Error(), "is already in use by container"))
}

// IsPortTaken tells whether a start error means a published port is taken.
func IsPortTaken(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "port is already allocated") || strings.Contains(s, "address already in use")
}

// List returns the containers (running or not) carrying every label given
// (key=value, or key alone).
func (e *Engine) List(ctx context.Context, labels ...string) ([]Container, error) {
	f := filters.NewArgs()
	for _, l := range labels {
		f.Add("label", l)
	}
	list, err := e.c.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := make([]Container, 0, len(list))
	for _, c := range list {
		name := ""
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		out = append(out, Container{ID: c.ID, Name: name, Image: c.Image, Labels: c.Labels, State: string(c.State)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Inspect returns a container's details; ok is false when it does not exist.
func (e *Engine) Inspect(ctx context.Context, id string) (Container, bool, error) {
	ins, err := e.c.ContainerInspect(ctx, id)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return Container{}, false, nil
		}
		return Container{}, false, fmt.Errorf("inspect container %s: %w", id, err)
	}
	c := Container{ID: ins.ID, Name: strings.TrimPrefix(ins.Name, "/")}
	if ins.Config != nil {
		c.Image, c.Labels, c.Env = ins.Config.Image, ins.Config.Labels, ins.Config.Env
	}
	if st := ins.State; st != nil {
		c.State, c.ExitCode, c.Pid = string(st.Status), st.ExitCode, st.Pid
		c.StartedAt, _ = time.Parse(time.RFC3339Nano, st.StartedAt)
		if st.Health != nil {
			c.Health = string(st.Health.Status)
			if n := len(st.Health.Log); n > 0 {
				c.HealthLog = strings.TrimSpace(st.Health.Log[n-1].Output)
			}
		}
	}
	if ins.HostConfig != nil {
		for p, bs := range ins.HostConfig.PortBindings {
			for _, b := range bs {
				h, _ := strconv.Atoi(b.HostPort)
				c.Ports = append(c.Ports, Port{Container: p.Int(), Host: h, Protocol: p.Proto()})
			}
		}
	}
	if ins.NetworkSettings != nil {
		// The ports actually bound (equal to the requested ones here: we
		// always ask for a fixed host port).
		for p, bs := range ins.NetworkSettings.Ports {
			for _, b := range bs {
				h, _ := strconv.Atoi(b.HostPort)
				for i := range c.Ports {
					if c.Ports[i].Container == p.Int() && c.Ports[i].Protocol == p.Proto() && c.Ports[i].Host == 0 {
						c.Ports[i].Host = h
					}
				}
			}
		}
	}
	sort.Slice(c.Ports, func(i, j int) bool { return c.Ports[i].Container < c.Ports[j].Container })
	return c, true, nil
}

// Remove stops and removes a container. grace is the longest a stop may
// wait; a main process that cannot act on the stop signal (PID 1 with no
// handler for it, which the kernel never kills) is killed at once instead
// of waited for.
func (e *Engine) Remove(ctx context.Context, id string, grace time.Duration) error {
	ins, err := e.c.ContainerInspect(ctx, id)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("inspect container %s: %w", id, err)
	}
	if ins.State != nil && ins.State.Running && grace > 0 {
		sig := syscall.SIGTERM
		if ins.Config != nil && ins.Config.StopSignal != "" {
			if n, ok := signalNumber(ins.Config.StopSignal); ok {
				sig = n
			} else {
				sig = 0 // unknown: be safe and wait
			}
		}
		if sig != 0 && e.Local && ignoresSignal(ins.State.Pid, ins.ID, sig) {
			grace = 0
		}
		if grace > 0 {
			secs := int((grace + time.Second - 1) / time.Second)
			if err := e.c.ContainerStop(ctx, id, container.StopOptions{Timeout: &secs}); err != nil && !cerrdefs.IsNotFound(err) {
				return fmt.Errorf("stop container %s: %w", strings.TrimPrefix(ins.Name, "/"), err)
			}
		}
	}
	if err := e.c.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
		if strings.Contains(err.Error(), "is already in progress") {
			return nil
		}
		return fmt.Errorf("remove container %s: %w", strings.TrimPrefix(ins.Name, "/"), err)
	}
	return nil
}

// Restart restarts a container with a stop grace (killed at once when its
// PID 1 ignores the stop signal).
func (e *Engine) Restart(ctx context.Context, id string, grace time.Duration) error {
	ins, err := e.c.ContainerInspect(ctx, id)
	if err != nil {
		return fmt.Errorf("inspect container %s: %w", id, err)
	}
	if ins.State != nil && ins.State.Running && e.Local && ignoresSignal(ins.State.Pid, ins.ID, syscall.SIGTERM) {
		grace = 0
	}
	secs := int((grace + time.Second - 1) / time.Second)
	if err := e.c.ContainerRestart(ctx, id, container.StopOptions{Timeout: &secs}); err != nil {
		return fmt.Errorf("restart container %s: %w", strings.TrimPrefix(ins.Name, "/"), err)
	}
	return nil
}

func signalNumber(s string) (syscall.Signal, bool) {
	s = strings.TrimPrefix(strings.ToUpper(s), "SIG")
	switch s {
	case "TERM", "15":
		return syscall.SIGTERM, true
	case "INT", "2":
		return syscall.SIGINT, true
	case "QUIT", "3":
		return syscall.SIGQUIT, true
	case "HUP", "1":
		return syscall.SIGHUP, true
	case "KILL", "9":
		return syscall.SIGKILL, true
	}
	return 0, false
}

// ignoresSignal reports whether the container's main process (host pid)
// has no handler for sig: as PID 1 of its namespace the kernel then drops
// the signal, so waiting for it to stop would only waste the grace period.
// It checks that pid really is the container's (its cgroup names the
// container) and answers false whenever unsure.
func ignoresSignal(pid int, containerID string, sig syscall.Signal) bool {
	if pid <= 0 || sig == syscall.SIGKILL {
		return sig == syscall.SIGKILL
	}
	cg, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil || !bytes.Contains(cg, []byte(containerID)) {
		return false
	}
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	var caught uint64
	found := false
	sc := bufio.NewScanner(bytes.NewReader(st))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "SigCgt:"); ok {
			caught, err = strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			found = err == nil
		}
	}
	if !found {
		return false
	}
	return caught&(1<<(uint(sig)-1)) == 0
}

// Logs streams a container's output.
func (e *Engine) Logs(ctx context.Context, id string, follow bool, tail int, since time.Time) (io.ReadCloser, error) {
	o := container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: follow, Timestamps: true}
	if tail >= 0 {
		o.Tail = strconv.Itoa(tail)
	}
	if !since.IsZero() {
		o.Since = since.Format(time.RFC3339Nano)
	}
	rc, err := e.c.ContainerLogs(ctx, id, o)
	if err != nil {
		return nil, fmt.Errorf("logs of %s: %w", id, err)
	}
	return rc, nil
}

// EnsureNetwork creates a bridge network unless one with that name exists.
func (e *Engine) EnsureNetwork(ctx context.Context, name string, labels map[string]string) error {
	nets, err := e.c.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("name", name))})
	if err != nil {
		return fmt.Errorf("list networks: %w", err)
	}
	for _, n := range nets {
		if n.Name == name {
			return nil
		}
	}
	if _, err := e.c.NetworkCreate(ctx, name, network.CreateOptions{Driver: "bridge", Labels: labels}); err != nil {
		if strings.Contains(err.Error(), "already exists") {
			return nil
		}
		return fmt.Errorf("create network %s: %w", name, err)
	}
	return nil
}

// Networks lists networks carrying label (key=value).
func (e *Engine) Networks(ctx context.Context, label string) ([]string, error) {
	nets, err := e.c.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("label", label))})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	var out []string
	for _, n := range nets {
		out = append(out, n.Name)
	}
	sort.Strings(out)
	return out, nil
}

// RemoveNetwork removes a network; a missing one is not an error.
func (e *Engine) RemoveNetwork(ctx context.Context, name string) error {
	if err := e.c.NetworkRemove(ctx, name); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove network %s: %w", name, err)
	}
	return nil
}

// EnsureVolume creates a named volume unless it exists.
func (e *Engine) EnsureVolume(ctx context.Context, name string, labels map[string]string) error {
	if _, err := e.c.VolumeInspect(ctx, name); err == nil {
		return nil
	}
	if _, err := e.c.VolumeCreate(ctx, volume.CreateOptions{Name: name, Labels: labels}); err != nil {
		return fmt.Errorf("create volume %s: %w", name, err)
	}
	return nil
}

// Volumes lists volumes carrying label (key=value).
func (e *Engine) Volumes(ctx context.Context, label string) ([]string, error) {
	resp, err := e.c.VolumeList(ctx, volume.ListOptions{Filters: filters.NewArgs(filters.Arg("label", label))})
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	var out []string
	for _, v := range resp.Volumes {
		out = append(out, v.Name)
	}
	sort.Strings(out)
	return out, nil
}

// RemoveVolume removes a volume; a missing one is not an error.
func (e *Engine) RemoveVolume(ctx context.Context, name string) error {
	if err := e.c.VolumeRemove(ctx, name, true); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove volume %s: %w", name, err)
	}
	return nil
}

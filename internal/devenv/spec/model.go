// Package spec reads a service's workload spec into one model: score.yaml
// (score.dev/v1b1, validated with score-go) or compose.yaml (loaded with
// compose-go), and writes a model back out as compose.yaml.
//
// Rules: no I/O beyond reading the spec's own directory; no Docker; values
// keep their ${...} placeholders (resolving them is provision's job); every
// error names the file and the fix.
package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Formats of a workload spec.
const (
	FormatScore   = "score"
	FormatCompose = "compose"
)

// File names looked for in a directory, in order: score.yaml wins.
var (
	ScoreFiles   = []string{"score.yaml", "score.yml"}
	ComposeFiles = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}
)

// Workload is one service's spec: the containers it runs and the resources
// it needs.
type Workload struct {
	// Name is the workload's name (score metadata.name, compose project name).
	Name string
	// Dir is the spec's directory (absolute).
	Dir string
	// File is the spec file (absolute).
	File string
	// Format is score or compose.
	Format string
	// Metadata is score's metadata, for ${metadata.*} placeholders.
	Metadata map[string]any
	// Services are the containers, in name order.
	Services []Service
	// Resources are what must be provisioned, in name order.
	Resources []Resource
	// Volumes are named volumes the services mount (compose).
	Volumes []string
}

// Service is one container.
type Service struct {
	Name string
	// Image is the image reference; empty when Build is set and the image is
	// built locally.
	Image string
	// Build, when set, builds the image from source.
	Build      *Build
	Entrypoint []string
	Command    []string
	// Env values may contain ${...} placeholders.
	Env        map[string]string
	Ports      []Port
	Mounts     []Mount
	DependsOn  []string
	Health     *Health
	Probe      *Probe
	User       string
	WorkingDir string
	// StopGrace is how long a stop waits before killing (0 = default).
	StopGrace time.Duration
	// Files are written into the container before it starts (score files).
	Files []File
}

// Build says how to build an image from source.
type Build struct {
	// Context is the build context directory (absolute).
	Context string
	// Dockerfile is relative to Context; "" means Dockerfile when it exists,
	// else a base-image-free Go build.
	Dockerfile string
}

// Port is a container port to publish on 127.0.0.1.
type Port struct {
	Name      string
	Container int
	// Host is the host port the spec asks for (0 = any); kept when free.
	Host     int
	Protocol string
}

// Mount kinds.
const (
	MountVolume = "volume"
	MountBind   = "bind"
	MountTmpfs  = "tmpfs"
)

// Mount is a volume, bind mount or tmpfs.
type Mount struct {
	Kind string
	// Source is a named volume (as named in the spec), a host path (bind,
	// absolute) or, in score, a ${resources.NAME} placeholder.
	Source   string
	Target   string
	ReadOnly bool
}

// Health is a Docker health check.
type Health struct {
	// Test is ["CMD", ...] or ["CMD-SHELL", "..."].
	Test        []string
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	Retries     int
}

// Probe kinds.
const (
	ProbeTCP  = "tcp"
	ProbeHTTP = "http"
)

// Probe checks readiness from the host through a published port.
type Probe struct {
	Kind string
	// Port is the container port whose published port is probed.
	Port int
	// Path is the HTTP path (http probes).
	Path string
}

// File is a file written into a container before it starts.
type File struct {
	Target  string
	Content []byte
	Mode    os.FileMode
}

// Resource is a score resource to provision.
type Resource struct {
	Name   string
	Type   string
	Class  string
	ID     string
	Params map[string]any
}

// ErrNoSpec means a directory has neither score.yaml nor compose.yaml.
var ErrNoSpec = errors.New("no workload spec")

// Find returns the spec file in dir: score.yaml first, then compose.yaml.
func Find(dir string) (string, string, error) {
	for _, n := range ScoreFiles {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, FormatScore, nil
		}
	}
	for _, n := range ComposeFiles {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, FormatCompose, nil
		}
	}
	return "", "", fmt.Errorf("%s: %w: add a score.yaml (score.dev/v1b1) or a compose.yaml", dir, ErrNoSpec)
}

// LoadDir loads the workload spec in dir.
func LoadDir(dir string) (*Workload, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	file, format, err := Find(abs)
	if err != nil {
		return nil, err
	}
	if format == FormatScore {
		return LoadScore(file)
	}
	return LoadCompose(file)
}

// Service returns the named service, or nil.
func (w *Workload) Service(name string) *Service {
	for i := range w.Services {
		if w.Services[i].Name == name {
			return &w.Services[i]
		}
	}
	return nil
}

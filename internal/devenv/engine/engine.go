// Package engine is devenv's only door to Docker: the Engine API through
// github.com/docker/docker/client, with API version negotiation so that
// older engines (Docker 20.10, API 1.41) and newer ones both work.
//
// Rules: the engine is found the way the docker CLI finds it (DOCKER_HOST,
// then DOCKER_CONTEXT or the current context in ~/.docker/config.json, then
// the platform's default socket); every error says which engine, image or
// container it concerns and what to do next; nothing here knows about
// environments beyond the labels callers pass.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/docker/docker/client"
)

// Engine is a connected Docker engine.
type Engine struct {
	c *client.Client
	// Host is the engine's address, e.g. unix:///var/run/docker.sock.
	Host string
	// Context is the Docker context it came from ("" for DOCKER_HOST or the default).
	Context string
	// APIVersion is the negotiated API version.
	APIVersion string

	// Local is true when the engine runs on this machine (a unix socket),
	// so its containers' processes are visible in /proc.
	Local bool
}

// Close releases the connection.
func (e *Engine) Close() error { return e.c.Close() }

// Client is the underlying Docker client (tests use it to look behind the
// service's back).
func (e *Engine) Client() *client.Client { return e.c }

// UnreachableError means no engine answered.
type UnreachableError struct {
	Host, Context string
	Err           error
}

func (e *UnreachableError) Error() string {
	where := e.Host
	if e.Context != "" {
		where += " (docker context " + e.Context + ")"
	}
	return fmt.Sprintf("no Docker engine answers at %s (%v); start Docker (Docker Desktop, `sudo systemctl start docker`, or `dockerd`), or point DOCKER_HOST or `docker context use` at a running engine", where, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Connect finds the engine and checks that it answers.
func Connect(ctx context.Context) (*Engine, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	ctxName := ""
	if os.Getenv("DOCKER_HOST") == "" {
		name, host, err := currentContext()
		if err != nil {
			return nil, err
		}
		if host != "" {
			ctxName = name
			opts = append(opts, client.WithHost(host))
		}
	}
	c, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker engine: %w (check DOCKER_HOST)", err)
	}
	e := &Engine{c: c, Host: c.DaemonHost(), Context: ctxName}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := c.Ping(pctx); err != nil {
		c.Close()
		return nil, &UnreachableError{Host: e.Host, Context: ctxName, Err: err}
	}
	e.APIVersion = c.ClientVersion() // negotiated by the ping
	e.Local = len(e.Host) > 7 && e.Host[:7] == "unix://"
	return e, nil
}

// goArch maps uname -m names to GOARCH.
func goArch(a string) string {
	switch a {
	case "x86_64", "amd64":
		return "amd64"
	case "aarch64", "arm64":
		return "arm64"
	case "armv7l", "arm":
		return "arm"
	case "s390x", "ppc64le", "riscv64":
		return a
	}
	return "amd64"
}

// currentContext reads the docker CLI's current context: DOCKER_CONTEXT, else
// currentContext in config.json. It returns the context's docker endpoint
// ("" for the default context).
func currentContext() (name, host string, err error) {
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		h, herr := os.UserHomeDir()
		if herr != nil {
			return "", "", nil
		}
		dir = filepath.Join(h, ".docker")
	}
	name = os.Getenv("DOCKER_CONTEXT")
	if name == "" {
		data, rerr := os.ReadFile(filepath.Join(dir, "config.json"))
		if rerr != nil {
			return "", "", nil // no config: the default context
		}
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if jerr := json.Unmarshal(data, &cfg); jerr != nil {
			return "", "", fmt.Errorf("read %s: %w", filepath.Join(dir, "config.json"), jerr)
		}
		name = cfg.CurrentContext
	}
	if name == "" || name == "default" {
		return "", "", nil
	}
	sum := sha256.Sum256([]byte(name))
	meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	data, err := os.ReadFile(meta)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", "", fmt.Errorf("docker context %q does not exist (%s missing): run `docker context ls` and `docker context use` one, or unset DOCKER_CONTEXT", name, meta)
		}
		return "", "", fmt.Errorf("docker context %q: %w", name, err)
	}
	var m struct {
		Endpoints map[string]struct {
			Host string `json:"Host"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "", "", fmt.Errorf("docker context %q: %s: %w", name, meta, err)
	}
	host = m.Endpoints["docker"].Host
	if host == "" {
		return "", "", fmt.Errorf("docker context %q has no docker endpoint: run `docker context inspect %s`", name, name)
	}
	return name, host, nil
}

// Arch is the engine's CPU architecture in Go's naming (amd64, arm64).
func (e *Engine) Arch(ctx context.Context) (string, error) {
	info, err := e.c.Info(ctx)
	if err != nil {
		return "", fmt.Errorf("docker engine info: %w", err)
	}
	return goArch(info.Architecture), nil
}

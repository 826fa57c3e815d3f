package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
)

// ImageError is an image that could not be pulled or built.
type ImageError struct {
	Image string
	Op    string // pull or build
	Err   error
}

func (e *ImageError) Error() string {
	hint := ""
	if e.Op == "pull" {
		hint = ": check the image name, that its registry is reachable from this machine, and `docker login` for private registries; or build/import it locally first"
	}
	return fmt.Sprintf("%s image %s: %v%s", e.Op, e.Image, e.Err, hint)
}

func (e *ImageError) Unwrap() error { return e.Err }

// ImageID returns the local image's ID, or "" when it is not present.
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	ins, err := e.c.ImageInspect(ctx, ref)
	if err != nil {
		if cerrdefs.IsNotFound(err) || strings.Contains(strings.ToLower(err.Error()), "no such image") {
			return "", nil
		}
		return "", fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return ins.ID, nil
}

// EnsureImage returns the image's ID, pulling it when it is not present.
func (e *Engine) EnsureImage(ctx context.Context, ref string, progress func(string)) (string, error) {
	id, err := e.ImageID(ctx, ref)
	if err != nil || id != "" {
		return id, err
	}
	if progress != nil {
		progress("pulling " + ref)
	}
	if err := e.Pull(ctx, ref); err != nil {
		return "", err
	}
	id, err = e.ImageID(ctx, ref)
	if err == nil && id == "" {
		err = &ImageError{Image: ref, Op: "pull", Err: errors.New("the engine reported success but the image is not there")}
	}
	return id, err
}

// Pull pulls an image; the error names the image and the cause.
func (e *Engine) Pull(ctx context.Context, ref string) error {
	rc, err := e.c.ImagePull(ctx, ref, image.PullOptions{})
	if err != nil {
		return &ImageError{Image: ref, Op: "pull", Err: err}
	}
	defer rc.Close()
	if _, err := readJSONStream(rc, nil); err != nil {
		return &ImageError{Image: ref, Op: "pull", Err: err}
	}
	return nil
}

// jsonMessage is one line of the engine's pull/build progress stream.
type jsonMessage struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
	Aux json.RawMessage `json:"aux"`
}

// readJSONStream drains a progress stream, returning the last aux ID (the
// built image) and the first error it reports.
func readJSONStream(r io.Reader, onLine func(string)) (string, error) {
	dec := json.NewDecoder(r)
	var id string
	var tail []string
	for {
		var m jsonMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return id, nil
			}
			return id, err
		}
		if m.Error != "" || m.ErrorDetail != nil {
			msg := m.Error
			if msg == "" {
				msg = m.ErrorDetail.Message
			}
			if len(tail) > 0 {
				msg += " (after: " + strings.Join(tail, " | ") + ")"
			}
			return id, errors.New(strings.TrimSpace(msg))
		}
		if len(m.Aux) > 0 {
			var aux struct {
				ID string `json:"ID"`
			}
			if json.Unmarshal(m.Aux, &aux) == nil && aux.ID != "" {
				id = aux.ID
			}
		}
		if s := strings.TrimSpace(m.Stream); s != "" {
			if onLine != nil {
				onLine(s)
			}
			tail = append(tail, s)
			if len(tail) > 3 {
				tail = tail[1:]
			}
		}
	}
}

// BuildOptions describe a Dockerfile build.
type BuildOptions struct {
	// Context is the build context directory; .dockerignore in it is honoured.
	Context string
	// Dockerfile is relative to Context ("" = Dockerfile).
	Dockerfile string
	Tag        string
	Labels     map[string]string
	// Progress receives build output lines.
	Progress func(string)
}

// Build builds an image through the Engine API's build endpoint, sending
// the context as a tar that leaves out what .dockerignore excludes.
func (e *Engine) Build(ctx context.Context, o BuildOptions) (string, error) {
	df := o.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(TarContext(o.Context, df, pw)) }()
	return e.build(ctx, pr, df, o)
}

func (e *Engine) build(ctx context.Context, body io.Reader, dockerfile string, o BuildOptions) (string, error) {
	resp, err := e.c.ImageBuild(ctx, body, build.ImageBuildOptions{
		Tags:        []string{o.Tag},
		Dockerfile:  filepath.ToSlash(dockerfile),
		Remove:      true,
		ForceRemove: true,
		Labels:      o.Labels,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return "", &ImageError{Image: o.Tag, Op: "build", Err: err}
	}
	defer resp.Body.Close()
	if _, err := readJSONStream(resp.Body, o.Progress); err != nil {
		return "", &ImageError{Image: o.Tag, Op: "build", Err: err}
	}
	id, err := e.ImageID(ctx, o.Tag)
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", &ImageError{Image: o.Tag, Op: "build", Err: errors.New("the build finished but the image is not there")}
	}
	return id, nil
}

// GoBuildOptions describe a base-image-free Go build.
type GoBuildOptions struct {
	// Dir is the Go main package's directory (inside a module).
	Dir string
	// Out is a directory for the binary.
	Out    string
	Tag    string
	Labels map[string]string
	// Progress receives output lines.
	Progress func(string)
}

// BuildGo builds a Go service without a Dockerfile and without any base
// image: a static binary (CGO_ENABLED=0, for the engine's architecture)
// layered onto an empty image (FROM scratch), so it runs with no registry.
func (e *Engine) BuildGo(ctx context.Context, o GoBuildOptions) (string, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return "", &ImageError{Image: o.Tag, Op: "build", Err: errors.New("no Dockerfile and no Go toolchain on PATH: add a Dockerfile or install Go")}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return "", err
	}
	arch, err := e.Arch(ctx)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(o.Out, "app")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = o.Dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if o.Progress != nil {
		o.Progress("go build " + o.Dir)
	}
	if err := cmd.Run(); err != nil {
		return "", &ImageError{Image: o.Tag, Op: "build", Err: fmt.Errorf("go build in %s: %v: %s", o.Dir, err, strings.TrimSpace(out.String()))}
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	const dockerfile = "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	// Fixed times so that an unchanged binary gives the same image.
	t0 := time.Unix(0, 0)
	for _, f := range []struct {
		name string
		mode int64
		data []byte
	}{{"Dockerfile", 0o644, []byte(dockerfile)}, {"app", 0o755, data}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: t0, Typeflag: tar.TypeReg}); err != nil {
			return "", err
		}
		if _, err := tw.Write(f.data); err != nil {
			return "", err
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	return e.build(ctx, &buf, "Dockerfile", BuildOptions{Tag: o.Tag, Labels: o.Labels, Progress: o.Progress})
}

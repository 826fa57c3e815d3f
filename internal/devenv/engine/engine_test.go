package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

func TestBuildContextLeavesOutWhatDockerignoreExcludes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile":         "FROM scratch\n",
		".dockerignore":      "# comment\nsecret.txt\nbuild/\n*.log\n!keep.log\nDockerfile\n",
		"main.go":            "package main",
		"secret.txt":         "no",
		"build/out.bin":      "no",
		"debug.log":          "no",
		"keep.log":           "yes",
		"sub/secret.txt":     "yes: only the top-level one is ignored",
		"sub/nested/file.go": "yes",
	}
	for p, c := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644)
	}
	var buf bytes.Buffer
	if err := TarContext(dir, "Dockerfile", &buf); err != nil {
		t.Fatal(err)
	}
	var got []string
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			got = append(got, h.Name)
		}
	}
	sort.Strings(got)
	want := ".dockerignore,Dockerfile,keep.log,main.go,sub/nested/file.go,sub/secret.txt"
	if strings.Join(got, ",") != want {
		t.Fatalf("sent %v, want %s", got, want)
	}
}

func frame(kind byte, s string) []byte {
	h := make([]byte, 8)
	h[0] = kind
	binary.BigEndian.PutUint32(h[4:], uint32(len(s)))
	return append(h, s...)
}

func TestReadLogsSplitsMultiplexedStreamsIntoLines(t *testing.T) {
	var in bytes.Buffer
	in.Write(frame(1, "2024-01-02T03:04:05.000000001Z hello\n2024-01-02T03:04:05.5Z wor"))
	in.Write(frame(2, "2024-01-02T03:04:06Z oops\n"))
	in.Write(frame(1, "ld\n"))
	in.Write(frame(1, "no timestamp, no newline"))
	var got []string
	if err := ReadLogs(&in, func(l LogLine) { got = append(got, l.Stream+":"+l.Text+":"+l.Time.Format("05.0")) }); err != nil {
		t.Fatal(err)
	}
	want := "stdout:hello:05.0|stderr:oops:06.0|stdout:world:05.5|stdout:no timestamp, no newline:00.0"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %v\nwant %s", got, want)
	}
}

func TestNoEngineIsAClearError(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-docker.sock"))
	_, err := Connect(context.Background())
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "no-docker.sock") || !strings.Contains(err.Error(), "start Docker") {
		t.Fatalf("got %v", err)
	}
}

func writeContext(t *testing.T, name, host string) string {
	cfg := t.TempDir()
	sum := sha256.Sum256([]byte(name))
	meta := filepath.Join(cfg, "contexts", "meta", hex.EncodeToString(sum[:]))
	os.MkdirAll(meta, 0o755)
	os.WriteFile(filepath.Join(meta, "meta.json"), []byte(`{"Name":"`+name+`","Endpoints":{"docker":{"Host":"`+host+`","SkipTLSVerify":false}}}`), 0o644)
	os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"currentContext":"`+name+`"}`), 0o644)
	return cfg
}

func TestDockerContextIsHonouredAndDockerHostWins(t *testing.T) {
	sock := "unix://" + filepath.Join(t.TempDir(), "ctx.sock")
	t.Setenv("DOCKER_CONFIG", writeContext(t, "laptop", sock))
	t.Setenv("DOCKER_HOST", "")
	os.Unsetenv("DOCKER_HOST")
	t.Setenv("DOCKER_CONTEXT", "")
	_, err := Connect(context.Background())
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Host != sock || ue.Context != "laptop" || !strings.Contains(err.Error(), "docker context laptop") {
		t.Fatalf("current context: %v", err)
	}
	other := "unix://" + filepath.Join(t.TempDir(), "host.sock")
	t.Setenv("DOCKER_HOST", other)
	if _, err := Connect(context.Background()); !errors.As(err, &ue) || ue.Host != other || ue.Context != "" {
		t.Fatalf("DOCKER_HOST should win: %v", err)
	}
	os.Unsetenv("DOCKER_HOST")
	t.Setenv("DOCKER_CONTEXT", "missing")
	if _, err := Connect(context.Background()); err == nil || !strings.Contains(err.Error(), `docker context "missing" does not exist`) {
		t.Fatalf("missing context: %v", err)
	}
}

func TestSignalHeuristicNeedsTheContainersOwnProcess(t *testing.T) {
	// Our own process is not in a container with that ID: never "ignores".
	if ignoresSignal(os.Getpid(), "0123456789abcdef", syscall.SIGTERM) {
		t.Fatal("a process outside the container must not be judged")
	}
	if ignoresSignal(0, "x", syscall.SIGTERM) {
		t.Fatal("no pid")
	}
	if n, ok := signalNumber("SIGINT"); !ok || n != syscall.SIGINT {
		t.Fatal("SIGINT")
	}
}

func TestImageErrorsNameTheImage(t *testing.T) {
	err := &ImageError{Image: "registry.example/app:1", Op: "pull", Err: errors.New("connection refused")}
	if !strings.Contains(err.Error(), "pull image registry.example/app:1: connection refused") || !strings.Contains(err.Error(), "docker login") {
		t.Fatal(err)
	}
	if _, err := readJSONStream(strings.NewReader(`{"status":"Pulling"}`+"\n"+`{"errorDetail":{"message":"denied"},"error":"denied"}`), nil); err == nil || err.Error() != "denied" {
		t.Fatalf("stream error: %v", err)
	}
}

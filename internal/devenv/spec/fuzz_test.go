package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the workload files a repository brings: score.yaml
// (FuzzParseScore), compose.yaml (FuzzLoadCompose) and the probe strings
// of x-paved-probe (FuzzParseProbe). No panic, no hang, bounded input;
// errors name the file.
// go test -run XXX -fuzz FuzzParseScore -fuzztime 60s ./internal/devenv/spec

// fuzzBound is how long one input may take before it counts as a hang.
const fuzzBound = 20 * time.Second

// readsOtherFiles reports a compose file that asks its loader to read more
// files (env_file, include, extends, file-backed secrets and configs),
// which compose resolves as docker compose does, also outside the project:
// the fuzzer must not read this machine's files.
func readsOtherFiles(data []byte, keys ...string) bool {
	lower := bytes.ToLower(data)
	for _, k := range keys {
		if bytes.Contains(lower, []byte(k)) {
			return true
		}
	}
	return false
}

var composeReads = []string{"env_file", "include", "extends", "file", "label_file"}

// bounded runs fn, failing the test if it takes longer than fuzzBound.
func bounded(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(fuzzBound):
		t.Fatalf("no result after %s", fuzzBound)
	}
}

func FuzzParseScore(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "devenv", "shop", "score.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("apiVersion: score.dev/v1b1\nmetadata: {name: app}\ncontainers:\n  aa: {image: .}\n  bb: {image: 'busybox:1', command: [sh], args: [-c, 'sleep 1']}\n"))
	f.Add([]byte("apiVersion: score.dev/v1b1\nmetadata: {name: app}\nservice: {ports: {web: {port: 80, targetPort: 8080}}}\ncontainers:\n  web:\n    image: nginx\n    variables: {A: b}\n    files: {/etc/x: {content: hi, mode: '0600'}}\n    volumes: {/data: {source: vol}}\n    readinessProbe: {httpGet: {port: 8080, path: /healthz}}\nresources:\n  db: {type: postgres, class: default, params: {x: 1}}\n"))
	f.Add([]byte("a: &a [*a, *a, *a]\nb: &b [*a, *a]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxSpecBytes { // files[].source reads only inside the temp dir
			return
		}
		file := filepath.Join(t.TempDir(), "score.yaml")
		bounded(t, func() {
			w, err := ParseScore(file, data)
			if err != nil {
				if !strings.Contains(err.Error(), file) {
					t.Errorf("the error does not name the file: %v", err)
				}
				return
			}
			if w.File != file || w.Format != FormatScore {
				t.Errorf("workload %+v", w)
			}
			for _, s := range w.Services {
				if s.Name == "" {
					t.Errorf("a service without a name: %+v", s)
				}
			}
		})
	})
}

func FuzzLoadCompose(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "devenv", "composeapp", "compose.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n    x-paved-probe: http:80/healthz\n    healthcheck: {test: [CMD, true], interval: 1s}\n"))
	f.Add([]byte("name: x\nservices:\n  a: {image: busybox, command: sh -c 'echo ${A:-b}', depends_on: [b]}\n  b: {image: busybox, volumes: [data:/d]}\nvolumes: {data: {}}\n"))
	f.Add([]byte("services: {a: {image: '${X:?required}'}}\n"))
	f.Add([]byte("x-a: &a {image: a}\nservices: {a: *a, b: {<<: *a}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxSpecBytes || readsOtherFiles(data, composeReads...) {
			return
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "compose.yaml")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		bounded(t, func() {
			w, err := LoadCompose(file)
			if err != nil {
				if !strings.Contains(err.Error(), file) && !strings.Contains(err.Error(), "compose") {
					t.Errorf("the error says neither the file nor compose: %v", err)
				}
				return
			}
			if w.Format != FormatCompose || w.Dir != dir {
				t.Errorf("workload %+v", w)
			}
			for _, s := range w.Services {
				if s.Name == "" {
					t.Errorf("a service without a name: %+v", s)
				}
			}
		})
	})
}

func FuzzParseProbe(f *testing.F) {
	for _, s := range []string{"tcp:5432", "http:8080/healthz", "http:80", "udp:1", "tcp:0", "tcp:65536", "http:1/a/b?c", ":", "tcp:+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProbe(s)
		if err != nil {
			if p != nil {
				t.Fatalf("a probe and an error for %q", s)
			}
			return
		}
		if p.Port <= 0 || p.Port > 65535 {
			t.Fatalf("%q: port %d", s, p.Port)
		}
		again, err := ParseProbe(p.String())
		if err != nil || *again != *p {
			t.Fatalf("%q => %+v => %q => %+v, %v", s, p, p.String(), again, err)
		}
	})
}

// Command goldenpath measures scaffolding the go-service golden path
// (render in memory, write, git init and commit with go-git; no push) side
// by side with the baseline the issue names: copying the already-rendered
// tree and committing it with the git command line. It prints a Markdown
// table for docs/benchmarks.md.
//
//	go run ./build/bench/goldenpath [-n 30]
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"
	"time"

	"github.com/paved-dev/paved/goldenpaths"
	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/goldenpath"
	"github.com/paved-dev/paved/internal/store"
)

func main() {
	n := flag.Int("n", 30, "runs of each")
	flag.Parse()
	if err := run(*n); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// withoutRegister is the built-in templates with go-service's
// catalog:register step removed: the benchmark measures render + git init
// + commit, as the issue asks.
func withoutRegister() (fs.FS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(goldenpaths.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(goldenpaths.FS(), p)
		if err != nil {
			return err
		}
		if p == "go-service/template.yaml" {
			s := string(b)
			i := strings.Index(s, "    - id: register")
			j := strings.Index(s, "  output:")
			if i < 0 || j < i {
				return fmt.Errorf("go-service/template.yaml changed shape: update the benchmark")
			}
			b = []byte(s[:i] + s[j:])
		}
		out[p] = &fstest.MapFile{Data: b, Mode: 0o644}
		return nil
	})
	return out, err
}

func run(n int) error {
	ctx := context.Background()
	work, err := os.MkdirTemp("", "paved-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	home := filepath.Join(work, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	// Same identity and no user configuration for both sides.
	for k, v := range map[string]string{"HOME": home, "XDG_CONFIG_HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@paved.invalid", "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@paved.invalid"} {
		os.Setenv(k, v)
	}
	st, err := store.Open(ctx, filepath.Join(work, "paved.db"), audit.Schema(), catalog.Schema())
	if err != nil {
		return err
	}
	defer st.Close()
	log := audit.New(st, nil)
	builtin, err := withoutRegister()
	if err != nil {
		return err
	}
	svc := goldenpath.New(goldenpath.Options{Audit: log, Catalog: catalog.New(catalog.Options{Store: st, Audit: log, CacheDir: work}),
		Builtin: builtin, BuiltinVersion: goldenpaths.Version})
	opts := func(dir string) goldenpath.ScaffoldOptions {
		return goldenpath.ScaffoldOptions{Template: "go-service", OutDir: dir,
			Values: map[string]any{"name": "orders-api", "owner": "group:default/team-a", "description": "Takes orders"}}
	}
	// The rendered tree the baseline copies.
	rendered := filepath.Join(work, "rendered")
	if _, err := svc.Scaffold(ctx, opts(rendered), nil); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(rendered, ".git")); err != nil {
		return err
	}
	files, bytes, err := count(rendered)
	if err != nil {
		return err
	}

	var paved, git []time.Duration
	for i := 0; i < n; i++ {
		// Alternate so neither side always runs on a warmer cache.
		dir := filepath.Join(work, fmt.Sprintf("paved-%d", i))
		start := time.Now()
		if _, err := svc.Scaffold(ctx, opts(dir), nil); err != nil {
			return err
		}
		paved = append(paved, time.Since(start))

		dir = filepath.Join(work, fmt.Sprintf("git-%d", i))
		start = time.Now()
		if err := copyTree(rendered, dir); err != nil {
			return err
		}
		for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "Initial commit"}} {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		git = append(git, time.Since(start))
	}
	pm, gm := median(paved), median(git)
	fmt.Printf("go-service: %d files, %d KiB; %d runs of each, alternating.\n\n", files, bytes>>10, n)
	fmt.Println("| | median | p90 | min |")
	fmt.Println("| --- | ---: | ---: | ---: |")
	fmt.Printf("| Paved scaffold (render + write + go-git init + commit) | %s | %s | %s |\n", ms(pm), ms(pct(paved, 90)), ms(pct(paved, 0)))
	fmt.Printf("| Baseline: copy the rendered tree + `git init && git add -A && git commit` | %s | %s | %s |\n", ms(gm), ms(pct(git, 90)), ms(pct(git, 0)))
	fmt.Printf("\nRatio (median): %.2f× the git baseline. Targets: ≤ 300 ms and ≤ 2×: %s.\n", float64(pm)/float64(gm),
		verdict(pm <= 300*time.Millisecond && float64(pm) <= 2*float64(gm)))
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func count(dir string) (files int, bytes int64, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		bytes += info.Size()
		return nil
	})
	return
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
}

func median(d []time.Duration) time.Duration { return pct(d, 50) }

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s) - 1) * p / 100
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

package catalog

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog/orggen"
	"github.com/paved-dev/paved/internal/testenv"
)

// BenchmarkColdSync10k syncs a 10,000-entity organisation from a local git
// repository into an empty cache (build/bench/catalog measures the same end
// to end through the binary).
func BenchmarkColdSync10k(b *testing.B) {
	repo := b.TempDir()
	if _, err := orggen.Generate(repo, orggen.Options{Entities: 10000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	testenv.Git(b, repo, "init", "-q")
	testenv.Git(b, repo, "add", "-A")
	testenv.Git(b, repo, "commit", "-qm", "org")
	ctx := context.Background()
	var cpu cpuTimer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, _ := newServiceTB(b, filepath.Join(b.TempDir(), fmt.Sprint(i)))
		if _, err := s.AddSource(ctx, AddSourceOptions{Target: repo, Git: true, Name: "org"}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu.start()
		res, err := s.Sync(ctx, SyncOptions{Source: "org"}, nil)
		cpu.stop()
		if err != nil || res[0].Error != "" || res[0].Entities != 10000 {
			b.Fatalf("sync: %+v %v", res, err)
		}
	}
	cpu.report(b)
}

// BenchmarkResyncAllChanged10k syncs the same 10,000-entity organisation
// when every entity file changed since the last sync (a description edit in
// each): the changed-file path, which must be no slower than a cold sync.
// Iterations alternate the branch between two commits, so each sync
// replaces every file's entities.
func BenchmarkResyncAllChanged10k(b *testing.B) {
	repo := b.TempDir()
	if _, err := orggen.Generate(repo, orggen.Options{Entities: 10000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	testenv.Git(b, repo, "init", "-q", "-b", "main")
	testenv.Git(b, repo, "add", "-A")
	testenv.Git(b, repo, "commit", "-qm", "org")
	first := strings.TrimSpace(testenv.Git(b, repo, "rev-parse", "HEAD"))
	if _, err := orggen.ChangeAll(repo); err != nil {
		b.Fatal(err)
	}
	testenv.Git(b, repo, "commit", "-qam", "edit every file")
	second := strings.TrimSpace(testenv.Git(b, repo, "rev-parse", "HEAD"))
	ctx := context.Background()
	s, _ := newServiceTB(b, b.TempDir())
	if _, err := s.AddSource(ctx, AddSourceOptions{Target: repo, Git: true, Name: "org"}); err != nil {
		b.Fatal(err)
	}
	if res, err := s.Sync(ctx, SyncOptions{Source: "org"}, nil); err != nil || res[0].Error != "" {
		b.Fatalf("first sync: %+v %v", res, err)
	}
	var cpu cpuTimer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		to := first
		if i%2 == 1 {
			to = second
		}
		testenv.Git(b, repo, "update-ref", "refs/heads/main", to)
		b.StartTimer()
		cpu.start()
		res, err := s.Sync(ctx, SyncOptions{Source: "org"}, nil)
		cpu.stop()
		if err != nil || res[0].Error != "" || res[0].Entities != 10000 || res[0].Commit != to || res[0].FilesRead < 900 {
			b.Fatalf("sync: %+v %v", res, err)
		}
	}
	cpu.report(b)
}

// cpuTimer adds up the process's CPU time (user and system, all threads)
// over the timed part of each iteration. On a shared machine wall time
// follows the load; CPU time per sync moves much less, so the two
// benchmarks stay comparable across runs. Reported as cpu-ms/op where the
// platform has getrusage.
type cpuTimer struct {
	total, at time.Duration
}

func (c *cpuTimer) start() { c.at = processCPU() }
func (c *cpuTimer) stop()  { c.total += processCPU() - c.at }

func (c *cpuTimer) report(b *testing.B) {
	if c.total > 0 {
		b.ReportMetric(float64(c.total.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

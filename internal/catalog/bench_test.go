package catalog

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

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
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, _ := newServiceTB(b, filepath.Join(b.TempDir(), fmt.Sprint(i)))
		if _, err := s.AddSource(ctx, AddSourceOptions{Target: repo, Git: true, Name: "org"}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.Sync(ctx, SyncOptions{Source: "org"}, nil)
		if err != nil || res[0].Error != "" || res[0].Entities != 10000 {
			b.Fatalf("sync: %+v %v", res, err)
		}
	}
}

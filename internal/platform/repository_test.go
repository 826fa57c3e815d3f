package platform_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/testenv"
)

// Repository reaches the platform's clone without knowing where it is, reads
// commits other than the current one, and refuses a repository that is not
// the one in use.
func TestRepositoryOpensTheCloneOfTheGitPlatformInUse(t *testing.T) {
	ctx := context.Background()
	srv := testenv.StartGitServer(t)
	repo, c1 := newRepo(t, srv, "platform", gitPlatformFiles("remote-platform", "Remote platform"))
	e := newEnv(t)

	if _, err := e.svc.Repository(ctx, ""); problem.KindOf(err) != problem.NotFound {
		t.Fatalf("Repository on the demo platform = %v, want a not-found error", err)
	}
	if _, err := e.svc.Use(ctx, repo.url, ""); err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{"", repo.url} {
		r, err := e.svc.Repository(ctx, url)
		if err != nil {
			t.Fatalf("Repository(%q): %v", url, err)
		}
		tree, commit, err := r.TreeAt("main")
		if err != nil || commit != c1 {
			t.Fatalf("TreeAt(main) = %s, %v; want %s", commit, err, c1)
		}
		if _, err := fs.Stat(tree, "platform.yaml"); err != nil {
			t.Errorf("platform.yaml at main: %v", err)
		}
	}
	other, _ := newRepo(t, srv, "other", gitPlatformFiles("other", "Other"))
	if _, err := e.svc.Repository(ctx, other.url); problem.KindOf(err) != problem.NotFound {
		t.Fatalf("Repository(another URL) = %v, want a not-found error", err)
	}
}

package goldenpath

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

// A scaffold pushed to a real git server (git daemon on 127.0.0.1) can be
// cloned back with the same files and the same commit.
func TestPushToAGitServerThenCloneBack(t *testing.T) {
	e := newEnv(t)
	g := testenv.StartGitServer(t)
	g.CreateRepo(t, "orders-api.git")
	out := filepath.Join(t.TempDir(), "orders-api")
	res, err := e.s.Scaffold(context.Background(), ScaffoldOptions{Template: "go-service", Values: basicValues("orders-api"),
		OutDir: out, Push: g.URL("orders-api.git")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Remote != g.URL("orders-api.git") {
		t.Errorf("remote = %q", res.Remote)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	testenv.Git(t, "", "clone", "-q", g.URL("orders-api.git"), clone)
	if head := testenv.Git(t, clone, "rev-parse", "HEAD"); head != res.Commit {
		t.Errorf("cloned HEAD %s, pushed %s", head, res.Commit)
	}
	if b := testenv.Git(t, clone, "rev-parse", "--abbrev-ref", "HEAD"); b != "main" {
		t.Errorf("cloned branch %s", b)
	}
	want, got := readTree(t, out), readTree(t, clone)
	if strings.Join(keys(want), ",") != strings.Join(keys(got), ",") {
		t.Fatalf("clone has %v, scaffold %v", keys(got), keys(want))
	}
	for p := range want {
		if want[p] != got[p] {
			t.Errorf("%s differs between the scaffold and the clone", p)
		}
	}
	// The new repository's origin is the server.
	if o := testenv.Git(t, out, "remote", "get-url", "origin"); o != g.URL("orders-api.git") {
		t.Errorf("origin = %s", o)
	}
}

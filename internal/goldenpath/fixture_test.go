package goldenpath

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Backstage-format fixture uses every supported action; what it
// renders is kept as a golden tree under testdata/goldenpath (refresh with
// go test ./internal/goldenpath -run TestEveryActionRendersTheGoldenTree -update).
func TestEveryActionRendersTheGoldenTree(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "demo-svc")
	res, err := e.s.Scaffold(ctx, ScaffoldOptions{
		Template: filepath.Join(fixtures, "all-actions"),
		Values:   map[string]any{"name": "demo-svc", "owner": "group:default/team-a", "features": []any{"metrics", "tracing", "queues"}},
		OutDir:   out,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := readTree(t, out)
	// The record names where the fixture is on this machine and its hash.
	got[RecordFile] = regexp.MustCompile(`(?m)^(location|version): .*$`).ReplaceAllString(got[RecordFile], "$1: <volatile>")

	golden := filepath.Join(fixtures, "all-actions.golden")
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for p, content := range got {
			dst := filepath.Join(golden, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := readTree(t, golden)
	if strings.Join(keys(got), "\n") != strings.Join(keys(want), "\n") {
		t.Fatalf("files differ from %s (run with -update and review the diff if intended)\ngot:  %v\nwant: %v", golden, keys(got), keys(want))
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s differs from the golden file (run with -update and review the diff if intended):\ngot:\n%s\nwant:\n%s", p, got[p], w)
		}
	}

	// Steps ran in order, conditions held, outputs flowed into later steps.
	var ran []string
	for _, st := range res.Steps {
		if !st.Skipped {
			ran = append(ran, st.ID)
		}
	}
	if strings.Join(ran, ",") != "fetch,licenses,notice,docs,rename,delete,log,publish,register" {
		t.Errorf("steps run = %v", ran)
	}
	if strings.Join(res.Log, "|") != "Rendered demo-svc with 3 features" {
		t.Errorf("log = %q", res.Log)
	}
	if len(res.Links) != 2 || res.Links[0].URL != "file://"+out || res.Links[1].EntityRef != "component:default/demo-svc" {
		t.Errorf("links = %+v", res.Links)
	}
	if n := testGitCount(t, out); n != "1" {
		t.Errorf("commits = %s", n)
	}
}

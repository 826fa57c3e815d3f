package goldenpath

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/goldenpath/gitwork"
	"github.com/paved-dev/paved/internal/testenv"
)

const versionedTemplate = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: versioned}
spec:
  type: service
  parameters: [{required: [name], properties: {name: {type: string}}}]
  steps:
    - {id: fetch, action: fetch:template, input: {url: ./skeleton, values: {name: "${{ parameters.name }}"}}}
    - {id: publish, action: publish:git}
`

var appV1 = "# ${{ values.name }}\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n"

// templateRepo is a template in a git repository at v1.
func templateRepo(t *testing.T) (*testenv.WorkTree, string) {
	t.Helper()
	w := testenv.NewWorkTree(t, "")
	w.Write(t, map[string]string{
		"tpl/template.yaml":       versionedTemplate,
		"tpl/skeleton/app.txt":    appV1,
		"tpl/skeleton/config.txt": "timeout = 10\nretries = 3\n",
		"tpl/skeleton/old.txt":    "going away\n",
	})
	return w, w.Commit(t, "template v1")
}

func TestUpdateMergesCleanlyAndMarksConflicts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tplRepo, v1 := templateRepo(t)
	tpl := filepath.Join(tplRepo.Dir, "tpl")
	svc := filepath.Join(t.TempDir(), "svc")
	res, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: tpl, Values: map[string]any{"name": "svc"}, OutDir: svc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != v1 {
		t.Fatalf("scaffolded version %s, want the template's commit %s", res.Version, v1)
	}

	// The service changes: one line the template will not touch, one it
	// will, and a file of its own.
	testenv.WriteFiles(t, svc, map[string]string{
		"app.txt":    strings.Replace(strings.ReplaceAll(appV1, "${{ values.name }}", "svc"), "line 2", "line 2 (service's change)", 1),
		"config.txt": "timeout = 30\nretries = 3\n",
		"mine.txt":   "the service's own file\n",
	})
	testenv.Git(t, svc, "add", "-A")
	testenv.Git(t, svc, "commit", "-q", "-m", "service changes")

	// The template moves to v2.
	tplRepo.Write(t, map[string]string{
		"tpl/skeleton/app.txt":    strings.Replace(appV1, "line 9", "line 9 (template's change)", 1),
		"tpl/skeleton/config.txt": "timeout = 20\nretries = 3\n",
		"tpl/skeleton/old.txt":    testenv.Delete,
		"tpl/skeleton/new.txt":    "new in v2 for ${{ values.name }}\n",
	})
	v2 := tplRepo.Commit(t, "template v2")

	st, err := e.s.Status(ctx, StatusOptions{Dirs: []string{svc}})
	if err != nil {
		t.Fatal(err)
	}
	if st[0].State != StateBehind || st[0].Version != v1 || st[0].Latest != v2 || st[0].CommitsBehind != 1 {
		t.Fatalf("status = %+v", st[0])
	}

	// A dirty work tree is refused, and nothing changes.
	testenv.WriteFiles(t, svc, map[string]string{"mine.txt": "uncommitted\n"})
	_, err = e.s.Update(ctx, UpdateOptions{Dir: svc}, nil)
	var dirty *gitwork.DirtyError
	if !errors.As(err, &dirty) || !strings.Contains(err.Error(), "mine.txt") || !strings.Contains(err.Error(), "commit or stash") {
		t.Fatalf("update of a dirty tree = %v", err)
	}
	if b := testenv.Git(t, svc, "branch", "--list"); strings.Contains(b, "paved/") {
		t.Fatalf("a refused update made a branch: %s", b)
	}
	testenv.Git(t, svc, "checkout", "--", "mine.txt")

	ev := &events{}
	up, err := e.s.Update(ctx, UpdateOptions{Dir: svc}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if up.From != v1 || up.To != v2 || !strings.HasPrefix(up.Branch, "paved/update-versioned-") || up.Commit == "" {
		t.Fatalf("update = %+v", up)
	}
	if strings.Join(up.Changed, ",") != "app.txt" || strings.Join(up.Added, ",") != "new.txt" ||
		strings.Join(up.Deleted, ",") != "old.txt" || strings.Join(up.Conflicts, ",") != "config.txt" {
		t.Fatalf("update = %+v", up)
	}
	files := readTree(t, svc)
	app := files["app.txt"]
	if !strings.Contains(app, "line 2 (service's change)") || !strings.Contains(app, "line 9 (template's change)") || strings.Contains(app, "<<<<<<<") {
		t.Errorf("app.txt not merged cleanly:\n%s", app)
	}
	wantConflict := "<<<<<<< yours\ntimeout = 30\n=======\ntimeout = 20\n>>>>>>> template " + v2[:12] + "\nretries = 3\n"
	if files["config.txt"] != wantConflict {
		t.Errorf("config.txt =\n%s\nwant\n%s", files["config.txt"], wantConflict)
	}
	if files["new.txt"] != "new in v2 for svc\n" || files["mine.txt"] != "the service's own file\n" {
		t.Errorf("new.txt %q, mine.txt %q", files["new.txt"], files["mine.txt"])
	}
	if _, ok := files["old.txt"]; ok {
		t.Errorf("old.txt was not deleted")
	}
	// One commit on the new branch, merging the service and the new render;
	// the work tree is clean and the record moved to v2.
	if b := testenv.Git(t, svc, "rev-parse", "--abbrev-ref", "HEAD"); b != up.Branch {
		t.Errorf("on branch %s, want %s", b, up.Branch)
	}
	if parents := strings.Fields(testenv.Git(t, svc, "log", "-1", "--format=%P")); len(parents) != 2 {
		t.Errorf("update commit parents = %v", parents)
	}
	if s := testenv.Git(t, svc, "status", "--porcelain"); s != "" {
		t.Errorf("work tree after update:\n%s", s)
	}
	testenv.Git(t, svc, "fsck", "--strict")
	if rec, _ := ReadRecord(svc); rec.Version != v2 {
		t.Errorf("recorded version %s, want %s", rec.Version, v2)
	}
	if st, _ := e.s.Status(ctx, StatusOptions{Dirs: []string{svc}}); st[0].State != StateUpToDate {
		t.Errorf("status after update = %+v", st[0])
	}
	if stages := ev.stages(); stages[len(stages)-1] != "done" || !contains(stages, "merge") {
		t.Errorf("progress = %v", stages)
	}
	list, _ := e.audit.List(ctx, audit.ListOptions{Action: "goldenpath.update"})
	if len(list) != 2 || list[0].Outcome != audit.OK || !strings.Contains(list[0].Detail, "1 conflicts") || list[1].Outcome != audit.Error {
		t.Errorf("audit = %+v", list)
	}

	// Already up to date: nothing to do, no branch.
	again, err := e.s.Update(ctx, UpdateOptions{Dir: svc}, nil)
	if err != nil || !again.UpToDate || again.Branch != "" {
		t.Errorf("second update = %+v, %v", again, err)
	}
}

func TestUpdateToAnOlderVersionByCommit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tplRepo, v1 := templateRepo(t)
	tplRepo.Write(t, map[string]string{"tpl/skeleton/new.txt": "v2\n"})
	tplRepo.Commit(t, "template v2")
	tplRepo.Write(t, map[string]string{"tpl/skeleton/newer.txt": "v3\n"})
	tplRepo.Commit(t, "template v3")
	// Scaffold at v1 by checking it out.
	tplRepo.Git(t, "checkout", "-q", v1)
	svc := filepath.Join(t.TempDir(), "svc")
	if _, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: filepath.Join(tplRepo.Dir, "tpl"), Values: map[string]any{"name": "svc"}, OutDir: svc}, nil); err != nil {
		t.Fatal(err)
	}
	tplRepo.Git(t, "checkout", "-q", "main")
	v2 := tplRepo.Git(t, "rev-parse", "HEAD~1")
	up, err := e.s.Update(ctx, UpdateOptions{Dir: svc, To: v2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if up.To != v2 || strings.Join(up.Added, ",") != "new.txt" {
		t.Fatalf("update --to v2 = %+v", up)
	}
	if _, err := e.s.Update(ctx, UpdateOptions{Dir: svc, To: strings.Repeat("0", 40)}, nil); err == nil {
		t.Fatal("update to a commit that does not exist succeeded")
	}
}

// A built-in template's old version is gone once Paved is upgraded; the
// render the scaffold committed stands in for it.
func TestUpdateOfABuiltInUsesTheRenderInHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tpl := func(version, app string) fstest.MapFS {
		return fstest.MapFS{
			"svc-tpl/template.yaml": {Data: []byte(strings.Replace(versionedTemplate, "metadata: {name: versioned}",
				"metadata: {name: svc-tpl, annotations: {paved.dev/version: \""+version+"\"}}", 1))},
			"svc-tpl/skeleton/app.txt": {Data: []byte(app)},
		}
	}
	e.rebuild(func(o *Options) { o.Builtin = tpl("1.0", appV1) })
	svc := filepath.Join(t.TempDir(), "svc")
	if _, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: "svc-tpl", Values: map[string]any{"name": "svc"}, OutDir: svc}, nil); err != nil {
		t.Fatal(err)
	}
	testenv.WriteFiles(t, svc, map[string]string{"app.txt": strings.Replace(strings.ReplaceAll(appV1, "${{ values.name }}", "svc"), "line 2", "line 2 (mine)", 1)})
	testenv.Git(t, svc, "commit", "-qam", "mine")

	// "Upgrade Paved": the built-in is now 2.0 and 1.0 is gone.
	e.rebuild(func(o *Options) { o.Builtin = tpl("2.0", strings.Replace(appV1, "line 9", "line 9 (2.0)", 1)) })
	up, err := e.s.Update(ctx, UpdateOptions{Dir: svc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := os.ReadFile(filepath.Join(svc, "app.txt"))
	if up.From != "1.0" || up.To != "2.0" || len(up.Conflicts) != 0 || !strings.Contains(string(app), "line 2 (mine)") || !strings.Contains(string(app), "line 9 (2.0)") {
		t.Fatalf("update = %+v\n%s", up, app)
	}

	// And again to 3.0: the base is now the 2.0 render the update stored.
	e.rebuild(func(o *Options) {
		o.Builtin = tpl("3.0", strings.Replace(strings.Replace(appV1, "line 9", "line 9 (2.0)", 1), "line 5", "line 5 (3.0)", 1))
	})
	up, err = e.s.Update(ctx, UpdateOptions{Dir: svc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	app, _ = os.ReadFile(filepath.Join(svc, "app.txt"))
	if len(up.Conflicts) != 0 || !strings.Contains(string(app), "line 2 (mine)") || !strings.Contains(string(app), "line 5 (3.0)") || !strings.Contains(string(app), "line 9 (2.0)") {
		t.Fatalf("second update = %+v\n%s", up, app)
	}
}

func TestStatusOfDirectoriesNotMadeByPaved(t *testing.T) {
	e := newEnv(t)
	st, err := e.s.Status(context.Background(), StatusOptions{Dirs: []string{t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	if st[0].State != StateNotRecorded || !strings.Contains(st[0].Message, RecordFile) {
		t.Fatalf("status = %+v", st[0])
	}
}

// `paved template update --to` takes what git users call a version: a tag,
// a branch, an abbreviated commit.
func TestUpdateToATagABranchOrAnAbbreviatedCommit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tplRepo, v1 := templateRepo(t)
	svc := filepath.Join(t.TempDir(), "svc")
	if _, err := e.s.Scaffold(ctx, ScaffoldOptions{Template: filepath.Join(tplRepo.Dir, "tpl"), Values: map[string]any{"name": "svc"}, OutDir: svc}, nil); err != nil {
		t.Fatal(err)
	}
	tplRepo.Write(t, map[string]string{"tpl/skeleton/v2.txt": "v2\n"})
	v2 := tplRepo.Commit(t, "template v2")
	tplRepo.Git(t, "tag", "-a", "-m", "release 2", "v2.0")
	tplRepo.Write(t, map[string]string{"tpl/skeleton/v3.txt": "v3\n"})
	v3 := tplRepo.Commit(t, "template v3")
	tplRepo.Git(t, "branch", "next")
	tplRepo.Write(t, map[string]string{"tpl/skeleton/v4.txt": "v4\n"})
	tplRepo.Commit(t, "template v4")

	steps := []struct {
		to, want string
		added    string
	}{
		{"v2.0", v2, "v2.txt"},
		{"next", v3, "v3.txt"},
		{v2[:9], v2, ""}, // back to v2 from v3: no file added
	}
	from := v1
	for _, s := range steps {
		up, err := e.s.Update(ctx, UpdateOptions{Dir: svc, To: s.to}, nil)
		if err != nil {
			t.Fatalf("update --to %s: %v", s.to, err)
		}
		if up.From != from || up.To != s.want || strings.Join(up.Added, ",") != s.added {
			t.Fatalf("update --to %s = %+v; want %s → %s adding %q", s.to, up, from, s.want, s.added)
		}
		if rec, _ := ReadRecord(svc); rec.Version != s.want {
			t.Fatalf("recorded %s after --to %s, want %s", rec.Version, s.to, s.want)
		}
		from = s.want
	}
	files := readTree(t, svc)
	if _, ok := files["v3.txt"]; ok {
		t.Errorf("going back to v2 kept v3.txt")
	}
	if _, err := e.s.Update(ctx, UpdateOptions{Dir: svc, To: "no-such-tag"}, nil); err == nil || !strings.Contains(err.Error(), "no-such-tag") {
		t.Errorf("update --to no-such-tag = %v", err)
	}
}

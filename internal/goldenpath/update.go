package goldenpath

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/goldenpath/gitwork"
	"github.com/paved-dev/paved/internal/goldenpath/merge"
	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/progress"
)

// renderTrailer marks a commit whose tree is exactly a template's render
// (the scaffold's first commit, the template side of an update's merge).
func renderTrailer(name, version string) string {
	return "Paved-Render: " + name + "@" + version
}

// ReadRecord reads .paved/template.yaml in dir.
func ReadRecord(dir string) (*Recorded, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(RecordFile)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: it was not made from a golden path (or not by Paved)", dir, RecordFile)
	}
	if err != nil {
		return nil, err
	}
	var rec Recorded
	if err := yaml.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s/%s: %w", dir, RecordFile, err)
	}
	if rec.Template == "" || rec.Version == "" || rec.Location == "" {
		return nil, fmt.Errorf("%s/%s: template, location and version are required", dir, RecordFile)
	}
	if rec.Answers == nil {
		rec.Answers = map[string]any{}
	}
	return &rec, nil
}

// current finds the template a record refers to as it is now.
func (s *Service) current(ctx context.Context, rec *Recorded) (*loaded, error) {
	if rec.Source == SourceDir {
		kind, where, _ := strings.Cut(rec.Location, ":")
		switch kind {
		case "dir":
			return s.fromDir(where)
		case "git":
			repo, sub, _ := strings.Cut(where, "//")
			return s.fromDir(filepath.Join(repo, filepath.FromSlash(sub)))
		}
		return nil, fmt.Errorf("recorded location %q is not understood", rec.Location)
	}
	return s.find(ctx, rec.Template)
}

// StatusOptions selects the repositories to check.
type StatusOptions struct {
	// Dirs are generated repositories ("" or none = the current directory).
	Dirs []string
}

// Status reports, for each directory, whether it is behind its template.
func (s *Service) Status(ctx context.Context, o StatusOptions) ([]ServiceStatus, error) {
	dirs := o.Dirs
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	out := make([]ServiceStatus, 0, len(dirs))
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		st := ServiceStatus{Dir: abs}
		rec, err := ReadRecord(abs)
		if err != nil {
			st.State, st.Message = StateNotRecorded, err.Error()
			out = append(out, st)
			continue
		}
		st.Template, st.Source, st.Version = rec.Template, rec.Source, rec.Version
		l, err := s.current(ctx, rec)
		if err != nil {
			st.State, st.Message = StateNoTemplate, err.Error()
			out = append(out, st)
			continue
		}
		st.Latest = l.version
		switch {
		case l.version == rec.Version:
			st.State = StateUpToDate
		default:
			st.State = StateBehind
			if l.repo != nil {
				if n, err := commitsBetween(l.repo, rec.Version, l.version); err == nil {
					st.CommitsBehind = n
				}
			}
			st.Message = fmt.Sprintf("%s is at %s, the template at %s: run `paved template update %s`", rec.Template, shortVersion(rec.Version), shortVersion(l.version), abs)
		}
		out = append(out, st)
	}
	return out, nil
}

// commitsBetween counts the commits after from up to to that change the
// template's directory.
func commitsBetween(g *gitSource, from, to string) (int, error) {
	dir := g.dir
	if dir == "" {
		dir = g.clone
	}
	r, err := git.PlainOpen(dir)
	if err != nil {
		return 0, err
	}
	prefix := g.sub
	iter, err := r.Log(&git.LogOptions{From: plumbing.NewHash(to), PathFilter: func(p string) bool {
		return prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/")
	}})
	if err != nil {
		return 0, err
	}
	defer iter.Close()
	n := 0
	stop := errors.New("stop")
	err = iter.ForEach(func(c *object.Commit) error {
		if c.Hash.String() == from || n >= 10000 {
			return stop
		}
		n++
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return 0, err
	}
	return n, nil
}

// UpdateOptions says which repository to update and to which version.
type UpdateOptions struct {
	// Dir is the generated repository ("" = the current directory).
	Dir string
	// To is the template version to update to ("" = the latest): a commit
	// (or a branch or tag) for templates in git, the version for others.
	To string
}

// fsAt returns the template directory at version: a commit of its
// repository, or the current one when version is the current version.
func (s *Service) fsAt(l *loaded, version string) (fs.FS, string, error) {
	if version == "" || version == l.version {
		return l.fsys, l.version, nil
	}
	if l.repo != nil {
		r, err := l.repo.open()
		if err != nil {
			return nil, "", err
		}
		h, err := resolveIn(r, version)
		if err != nil {
			return nil, "", err
		}
		fsys, err := l.repo.at(h)
		return fsys, h, err
	}
	return nil, "", fmt.Errorf("version %s of %s is not available: only %s is (built-in templates come with Paved's build)", version, l.tpl.Metadata.Name, l.version)
}

// resolveIn finds a commit, branch or tag of a template repository.
func resolveIn(r interface {
	Commit(plumbing.Hash) (*object.Commit, error)
}, version string) (string, error) {
	if plumbing.IsHash(version) {
		if _, err := r.Commit(plumbing.NewHash(version)); err == nil {
			return version, nil
		}
	}
	return "", fmt.Errorf("the template's repository has no commit %q", version)
}

// oldFS returns the template directory at a recorded version, from its
// recorded location.
func (s *Service) oldFS(rec *Recorded, cur *loaded) (fs.FS, error) {
	kind, where, _ := strings.Cut(rec.Location, ":")
	switch kind {
	case "git":
		repo, sub, _ := strings.Cut(where, "//")
		g := &gitSource{sub: sub}
		if _, ok := localDir(repo); ok {
			g.dir = repo
		} else {
			g.url, g.clone = repo, filepath.Join(s.o.CacheDir, "platform.git")
		}
		return g.at(rec.Version)
	}
	if cur != nil && cur.loc == rec.Location && cur.version == rec.Version {
		return cur.fsys, nil
	}
	return nil, fmt.Errorf("version %s of %s is no longer available from %s", rec.Version, rec.Template, rec.Location)
}

func localDir(p string) (string, bool) {
	if filepath.IsAbs(p) {
		return p, true
	}
	return "", false
}

// renderVersion renders a template directory with recorded answers, in
// memory (effects are not run).
func (s *Service) renderVersion(ctx context.Context, l *loaded, fsys fs.FS, answers map[string]any, final string) (*render.Tree, error) {
	tpl, err := readTemplate(fsys, l.display)
	if err != nil {
		return nil, err
	}
	ld := *l
	ld.tpl, ld.fsys = tpl, fsys
	p := &plan{l: &ld, values: tpl.WithDefaults(answers), final: final}
	r := s.newRun(ctx, p, nil, true)
	if err := r.renderSteps(); err != nil {
		return nil, err
	}
	return r.tree, nil
}

// Update brings a generated repository up to a newer version of its
// template: the recorded and the new version are rendered with the
// recorded answers and the difference is merged into the work tree (a
// three-way merge) on a new branch, committed as a merge of the service and
// the new render. Conflicts are committed with git's markers and listed.
func (s *Service) Update(ctx context.Context, o UpdateOptions, rep progress.Reporter) (res UpdateResult, err error) {
	rep = progress.OrDiscard(rep)
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return res, err
	}
	res = UpdateResult{Dir: abs, Changed: []string{}, Added: []string{}, Deleted: []string{}, Conflicts: []string{}}
	defer func() {
		if res.UpToDate && err == nil {
			return
		}
		detail := fmt.Sprintf("%s %s → %s", res.Template, shortVersion(res.From), shortVersion(res.To))
		if len(res.Conflicts) > 0 {
			detail += fmt.Sprintf(", %d conflicts", len(res.Conflicts))
		}
		s.o.Audit.Note(ctx, "goldenpath.update", abs, detail, err)
	}()
	report := func(stage, msg string) {
		rep.Report(progress.Event{Topic: ProgressTopic, Source: abs, Stage: stage, Message: msg})
	}
	report("validate", "Checking the repository")
	repo, err := gitwork.Open(abs)
	if err != nil {
		return res, err
	}
	if err := gitwork.RequireClean(repo, abs); err != nil {
		return res, err
	}
	rec, err := ReadRecord(abs)
	if err != nil {
		return res, err
	}
	res.Template, res.From = rec.Template, rec.Version
	cur, err := s.current(ctx, rec)
	if err != nil {
		return res, err
	}
	newFS, to, err := s.fsAt(cur, o.To)
	if err != nil {
		return res, err
	}
	res.To = to
	if to == rec.Version {
		res.UpToDate = true
		report("done", "Already up to date")
		return res, nil
	}

	report("render", "Rendering the template at "+shortVersion(rec.Version)+" and "+shortVersion(to))
	name, _ := rec.Answers["name"].(string)
	final := abs
	if name == "" {
		name = filepath.Base(abs)
	}
	var base map[string]gitwork.TreeFile
	var basePure *object.Commit
	pure, _ := gitwork.FindCommit(repo, renderTrailer(rec.Template, rec.Version), 10000)
	if oldFS, ferr := s.oldFS(rec, cur); ferr == nil {
		t, err := s.renderVersion(ctx, cur, oldFS, rec.Answers, final)
		if err != nil {
			return res, fmt.Errorf("render %s at %s: %w", rec.Template, shortVersion(rec.Version), err)
		}
		base = treeFiles(t)
		basePure = pure
	} else if pure != nil {
		// The old version is gone from its source (a built-in template of
		// an older Paved): its render is in the repository's history.
		if base, err = commitFiles(pure); err != nil {
			return res, err
		}
		basePure = pure
	} else {
		return res, fmt.Errorf("%w, and the repository's history has no render of it to merge against", ferr)
	}
	delete(base, RecordFile)
	newTree, err := s.renderVersion(ctx, cur, newFS, rec.Answers, final)
	if err != nil {
		return res, fmt.Errorf("render %s at %s: %w", rec.Template, shortVersion(to), err)
	}
	theirs := treeFiles(newTree)

	report("merge", "Merging the template's changes")
	labels := merge.Labels{Ours: "yours", Theirs: "template " + shortVersion(to)}
	paths := map[string]bool{}
	for p := range base {
		paths[p] = true
	}
	for p := range theirs {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	root, err := os.OpenRoot(abs)
	if err != nil {
		return res, err
	}
	defer root.Close()
	type write struct {
		path string
		data []byte
		exec bool
		del  bool
	}
	var writes []write
	for _, p := range sorted {
		ours, exec, err := readOurs(root, p)
		if err != nil {
			return res, err
		}
		var b, t []byte
		if f, ok := base[p]; ok {
			b = nonNil(f.Data)
		}
		tf, inTheirs := theirs[p]
		if inTheirs {
			t = nonNil(tf.Data)
			exec = exec || tf.Exec
		}
		m := merge.File(b, ours, t, labels)
		if m.Conflict {
			res.Conflicts = append(res.Conflicts, p)
		}
		switch m.Outcome {
		case merge.Write:
			writes = append(writes, write{path: p, data: m.Data, exec: exec})
			if !m.Conflict {
				if ours == nil {
					res.Added = append(res.Added, p)
				} else {
					res.Changed = append(res.Changed, p)
				}
			}
		case merge.Remove:
			writes = append(writes, write{path: p, del: true})
			res.Deleted = append(res.Deleted, p)
		}
	}

	// The template side of the merge: the new render, as a commit whose
	// parent is the previous render.
	id, err := gitwork.UserIdentity(abs)
	if err != nil {
		return res, err
	}
	newRec := *rec
	newRec.Version = to
	newRec.Location = cur.loc
	newRec.Source = cur.source
	recData, err := marshalRecord(newRec)
	if err != nil {
		return res, err
	}
	theirs[RecordFile] = gitwork.TreeFile{Data: recData}
	var parents []plumbing.Hash
	if basePure != nil {
		parents = append(parents, basePure.Hash)
	}
	pureHash, err := gitwork.CommitFiles(repo, theirs, fmt.Sprintf("%s at %s (template render)\n\n%s", rec.Template, shortVersion(to), renderTrailer(rec.Template, to)), id, parents...)
	if err != nil {
		return res, err
	}

	report("git", "Committing on a new branch")
	head, err := repo.Head()
	if err != nil {
		return res, err
	}
	branch, err := gitwork.NewBranch(repo, "paved/update-"+rec.Template+"-"+shortVersion(to))
	if err != nil {
		return res, err
	}
	res.Branch = branch
	writes = append(writes, write{path: RecordFile, data: recData})
	for _, w := range writes {
		if err := applyWrite(root, w.path, w.data, w.exec, w.del); err != nil {
			return res, err
		}
	}
	msg := fmt.Sprintf("Update %s from golden path %s %s → %s", name, rec.Template, shortVersion(rec.Version), shortVersion(to))
	if len(res.Conflicts) > 0 {
		msg += "\n\nConflicts (resolve the <<<<<<< markers, then commit):\n  " + strings.Join(res.Conflicts, "\n  ")
	}
	c, err := gitwork.CommitWorkTree(repo, msg, id, []plumbing.Hash{head.Hash(), pureHash})
	if err != nil {
		return res, err
	}
	res.Commit = c.String()
	report("done", fmt.Sprintf("Updated on branch %s (%d conflicts)", branch, len(res.Conflicts)))
	return res, nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func treeFiles(t *render.Tree) map[string]gitwork.TreeFile {
	out := make(map[string]gitwork.TreeFile, t.Len())
	for _, p := range t.Paths() {
		f := t.Get(p)
		out[p] = gitwork.TreeFile{Data: f.Data, Exec: f.Exec}
	}
	return out
}

// commitFiles reads every file of a commit.
func commitFiles(c *object.Commit) (map[string]gitwork.TreeFile, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	out := map[string]gitwork.TreeFile{}
	var total int64
	err = tree.Files().ForEach(func(f *object.File) error {
		if f.Mode != filemode.Regular && f.Mode != filemode.Executable {
			return nil
		}
		total += f.Size
		if total > render.MaxTreeBytes {
			return fmt.Errorf("the render in commit %s is too large", c.Hash)
		}
		s, err := f.Contents()
		if err != nil {
			return err
		}
		out[f.Name] = gitwork.TreeFile{Data: []byte(s), Exec: f.Mode == filemode.Executable}
		return nil
	})
	return out, err
}

func marshalRecord(rec Recorded) ([]byte, error) {
	b, err := yaml.Marshal(rec)
	if err != nil {
		return nil, err
	}
	head := "# Written by Paved: the golden path this repository was made from, for\n# `paved template status` and `paved template update`. Do not edit.\n"
	return append([]byte(head), b...), nil
}

// readOurs reads the service's file at p (nil when absent). A symbolic link
// or anything but a regular file is never followed or merged into.
func readOurs(root *os.Root, p string) ([]byte, bool, error) {
	st, err := root.Lstat(filepath.FromSlash(p))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !st.Mode().IsRegular() {
		return nil, false, fmt.Errorf("%s is not a regular file in the repository (a link?): the update will not touch it; replace it with a file or remove it from the template", p)
	}
	if st.Size() > render.MaxRenderedBytes {
		return nil, false, fmt.Errorf("%s is larger than %d MiB", p, render.MaxRenderedBytes>>20)
	}
	f, err := root.Open(filepath.FromSlash(p))
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, false, err
	}
	return b, st.Mode()&0o111 != 0, nil
}

func applyWrite(root *os.Root, p string, data []byte, exec, del bool) error {
	name := filepath.FromSlash(p)
	if del {
		if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if d := filepath.Dir(name); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	mode := fs.FileMode(0o644)
	if exec {
		mode = 0o755
	}
	return root.WriteFile(name, data, mode)
}

package goldenpath

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/goldenpath/gitwork"
	"github.com/paved-dev/paved/internal/goldenpath/library"
	"github.com/paved-dev/paved/internal/goldenpath/merge"
	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/progress"
)

// maxHistory bounds the commits searched for a render in a repository's
// history.
const maxHistory = 10000

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
		out = append(out, s.status(ctx, abs))
	}
	return out, nil
}

func (s *Service) status(ctx context.Context, abs string) ServiceStatus {
	st := ServiceStatus{Dir: abs}
	rec, err := ReadRecord(abs)
	if err != nil {
		st.State, st.Message = StateNotRecorded, err.Error()
		return st
	}
	st.Template, st.Source, st.Version = rec.Template, rec.Source, rec.Version
	t, err := s.lib.Recorded(ctx, rec.Source, rec.Template, rec.location())
	if err != nil {
		st.State, st.Message = StateNoTemplate, err.Error()
		return st
	}
	st.Latest = t.Version
	if t.Version == rec.Version {
		st.State = StateUpToDate
		return st
	}
	st.State = StateBehind
	if n, ok := s.lib.CommitsBehind(ctx, t, rec.Version); ok {
		st.CommitsBehind = n
	}
	st.Message = fmt.Sprintf("%s is at %s, the template at %s: run `paved template update %s`", rec.Template, shortVersion(rec.Version), shortVersion(t.Version), abs)
	return st
}

// updateRun is an update ready to render: the repository, its record, and the
// template now and at the target version.
type updateRun struct {
	dir  string
	repo *gitwork.Repo
	rec  *Recorded
	cur  *library.Template // the template as it is now
	to   *library.Template // the template at the version to update to
}

// Update brings a generated repository up to a newer version of its
// template, in four steps: check the repository and find both versions
// (prepareUpdate), render the recorded and the new version with the
// recorded answers (renderSides), merge the template's change into the work
// tree (merge.Tree, pure), and commit it on a new branch as a merge of the
// service and the new render (commitUpdate, through gitwork). Conflicts are
// committed with git's markers and listed.
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
	u, err := s.prepareUpdate(ctx, abs, o.To)
	if u != nil {
		res.Template, res.From = u.rec.Template, u.rec.Version
		if u.to != nil {
			res.To = u.to.Version
		}
	}
	if err != nil {
		return res, err
	}
	if res.To == res.From {
		res.UpToDate = true
		report("done", "Already up to date")
		return res, nil
	}

	report("render", "Rendering the template at "+shortVersion(res.From)+" and "+shortVersion(res.To))
	base, theirs, baseRender, err := s.renderSides(ctx, u)
	if err != nil {
		return res, err
	}

	report("merge", "Merging the template's changes")
	union := maps.Clone(base)
	maps.Copy(union, theirs)
	ours, err := u.repo.ReadFiles(slices.Sorted(maps.Keys(union)), render.MaxRenderedBytes)
	if err != nil {
		return res, err
	}
	m := merge.Tree(base, fromGitwork(ours), theirs, merge.Labels{Ours: "yours", Theirs: "template " + shortVersion(res.To)})
	res.Changed, res.Added, res.Deleted, res.Conflicts = m.Changed, m.Added, m.Deleted, m.Conflicts

	report("git", "Committing on a new branch")
	c, err := s.commitUpdate(u, theirs, baseRender, m)
	res.Branch = c.Branch
	if err != nil {
		return res, err
	}
	res.Commit = c.Commit
	report("done", fmt.Sprintf("Updated on branch %s (%d conflicts)", res.Branch, len(res.Conflicts)))
	return res, nil
}

// prepareUpdate checks that dir is a clean generated repository and finds
// its template now and at version to ("" = the latest). What it found is
// returned with an error too, for the result and the audit entry.
func (s *Service) prepareUpdate(ctx context.Context, dir, to string) (*updateRun, error) {
	repo, err := gitwork.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := repo.RequireClean(); err != nil {
		return nil, err
	}
	rec, err := ReadRecord(dir)
	if err != nil {
		return nil, err
	}
	u := &updateRun{dir: dir, repo: repo, rec: rec}
	if u.cur, err = s.lib.Recorded(ctx, rec.Source, rec.Template, rec.location()); err != nil {
		return u, err
	}
	if u.to, err = s.lib.At(ctx, u.cur, to); err != nil {
		return u, err
	}
	return u, nil
}

// renderSides renders the template at the recorded version (the merge's
// base) and at the new one (theirs), in memory, with the recorded answers.
// When the recorded version is gone from its source (a built-in template of
// an older Paved), the render the repository's history holds stands in for
// it; baseRender is that render's commit ("" = none).
func (s *Service) renderSides(ctx context.Context, u *updateRun) (base, theirs merge.Files, baseRender string, err error) {
	rec := u.rec
	baseRender, _ = u.repo.FindCommit(renderTrailer(rec.Template, rec.Version), maxHistory)
	if past, perr := s.lib.Past(ctx, rec.location(), rec.Version, u.cur); perr == nil {
		t, err := s.renderVersion(ctx, past, rec.Answers, u.dir)
		if err != nil {
			return nil, nil, "", fmt.Errorf("render %s at %s: %w", rec.Template, shortVersion(rec.Version), err)
		}
		base = treeFiles(t)
	} else if baseRender != "" {
		files, err := u.repo.CommitTree(baseRender, render.MaxTreeBytes)
		if err != nil {
			return nil, nil, "", err
		}
		base = fromGitwork(files)
	} else {
		return nil, nil, "", fmt.Errorf("%w, and the repository's history has no render of it to merge against", perr)
	}
	delete(base, RecordFile)
	t, err := s.renderVersion(ctx, u.to, rec.Answers, u.dir)
	if err != nil {
		return nil, nil, "", fmt.Errorf("render %s at %s: %w", rec.Template, shortVersion(u.to.Version), err)
	}
	return base, treeFiles(t), baseRender, nil
}

// renderVersion renders a template with recorded answers, in memory
// (effects are not run).
func (s *Service) renderVersion(ctx context.Context, t *library.Template, answers map[string]any, final string) (*render.Tree, error) {
	p, _, err := prepare(t, answers, true)
	if err != nil {
		return nil, err
	}
	p.final = final
	r := s.newRun(ctx, p, nil, true)
	if err := r.renderSteps(); err != nil {
		return nil, err
	}
	return r.tree, nil
}

// commitUpdate records the new version and commits the merge: the new
// render (with the record) as the template side, the merged changes on a
// new branch.
func (s *Service) commitUpdate(u *updateRun, theirs merge.Files, baseRender string, m merge.TreeResult) (gitwork.Committed, error) {
	rec, to := u.rec, u.to
	id, err := gitwork.UserIdentity(u.dir)
	if err != nil {
		return gitwork.Committed{}, err
	}
	next := *rec
	next.Version, next.Location, next.Source = to.Version, to.Location.String(), to.Source
	recData, err := marshalRecord(next)
	if err != nil {
		return gitwork.Committed{}, err
	}
	renderFiles := toGitwork(theirs)
	renderFiles[RecordFile] = gitwork.TreeFile{Data: recData}
	changes := make([]gitwork.FileChange, 0, len(m.Changes)+1)
	for _, c := range m.Changes {
		changes = append(changes, gitwork.FileChange{Path: c.Path, Delete: c.Delete, Data: c.Data, Exec: c.Exec})
	}
	changes = append(changes, gitwork.FileChange{Path: RecordFile, Data: recData})
	name, _ := rec.Answers[NameParameter].(string)
	if name == "" {
		name = filepath.Base(u.dir)
	}
	msg := fmt.Sprintf("Update %s from golden path %s %s → %s", name, rec.Template, shortVersion(rec.Version), shortVersion(to.Version))
	if len(m.Conflicts) > 0 {
		msg += "\n\nConflicts (resolve the <<<<<<< markers, then commit):\n  " + strings.Join(m.Conflicts, "\n  ")
	}
	return u.repo.CommitUpdate(gitwork.Update{
		Render:        renderFiles,
		RenderMessage: fmt.Sprintf("%s at %s (template render)\n\n%s", rec.Template, shortVersion(to.Version), renderTrailer(rec.Template, to.Version)),
		RenderParent:  baseRender,
		Branch:        "paved/update-" + rec.Template + "-" + shortVersion(to.Version),
		Changes:       changes,
		Message:       msg,
		Identity:      id,
	})
}

func treeFiles(t *render.Tree) merge.Files {
	out := make(merge.Files, t.Len())
	for _, p := range t.Paths() {
		f := t.Get(p)
		out[p] = merge.Blob{Data: f.Data, Exec: f.Exec}
	}
	return out
}

func fromGitwork(files map[string]gitwork.TreeFile) merge.Files {
	out := make(merge.Files, len(files))
	for p, f := range files {
		out[p] = merge.Blob(f)
	}
	return out
}

func toGitwork(files merge.Files) map[string]gitwork.TreeFile {
	out := make(map[string]gitwork.TreeFile, len(files)+1)
	for p, f := range files {
		out[p] = gitwork.TreeFile(f)
	}
	return out
}

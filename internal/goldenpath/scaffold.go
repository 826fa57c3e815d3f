package goldenpath

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paved-dev/paved/internal/goldenpath/actions"
	"github.com/paved-dev/paved/internal/goldenpath/library"
	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/goldenpath/template"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/progress"
)

// plan is a template ready to run with validated values.
type plan struct {
	t      *library.Template
	values map[string]any
	final  string
}

// prepare fills defaults and validates the values and steps of template
// t, before anything is written. Leniently (the preview), values that do
// not fit are returned as problems; otherwise they are an error.
func prepare(t *library.Template, values map[string]any, lenient bool) (*plan, problem.List, error) {
	for _, st := range t.Spec.Spec.Steps {
		if _, ok := actions.Lookup(st.Action); !ok {
			return nil, nil, &actions.UnknownError{Step: st.ID, Action: st.Action}
		}
	}
	vals := t.Spec.WithDefaults(values)
	problems := t.Spec.Validate(vals)
	if problems == nil {
		problems = problem.List{}
	}
	if len(problems) > 0 && !lenient {
		return nil, problems, &template.ValuesError{Template: t.Name(), Problems: problems}
	}
	return &plan{t: t, values: vals}, problems, nil
}

// run is one execution of a template's steps.
type run struct {
	s       *Service
	p       *plan
	rep     progress.Reporter
	tree    *render.Tree
	data    map[string]any
	steps   []StepResult
	log     []string
	effects []effect
	reg     *registrar
	dry     bool
	actx    *actions.Context
}

// effect is a step that runs once the tree is on disk.
type effect struct {
	index int
	step  template.Step
	a     *actions.Action
}

func currentUser() map[string]any {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return map[string]any{"ref": "user:default/" + name, "entity": map[string]any{"metadata": map[string]any{"name": name}}}
}

func (s *Service) newRun(ctx context.Context, p *plan, rep progress.Reporter, dry bool) *run {
	r := &run{s: s, p: p, rep: progress.OrDiscard(rep), tree: render.NewTree(), dry: dry,
		reg: &registrar{s: s, final: p.final}}
	r.data = map[string]any{"parameters": p.values, "steps": map[string]any{}, "user": currentUser()}
	r.actx = &actions.Context{
		Ctx: ctx, Tree: r.tree, TemplateFS: p.t.FS, Budget: &render.ReadBudget{},
		Log:   func(m string) { r.log = append(r.log, m) },
		Final: p.final, Registrar: r.reg,
	}
	return r
}

func (r *run) report(stage, msg string) {
	r.rep.Report(progress.Event{Topic: ProgressTopic, Source: r.p.t.Name(), Stage: stage, Message: msg})
}

// renderSteps runs the in-memory steps in order and sets the effects
// aside; a dry run predicts their outputs.
func (r *run) renderSteps() error {
	steps := r.p.t.Spec.Spec.Steps
	for i, st := range steps {
		a, _ := actions.Lookup(st.Action)
		if a.Phase == actions.Effect && !r.dry {
			// Announced when it runs, once the files are written.
			r.effects = append(r.effects, effect{index: len(r.steps), step: st, a: a})
			r.steps = append(r.steps, StepResult{ID: st.ID, Name: st.Name, Action: st.Action})
			continue
		}
		r.reportStep(i, st)
		res, err := r.runStep(st, a)
		if err != nil {
			return err
		}
		r.steps = append(r.steps, res)
	}
	return nil
}

// reportStep announces step i: its id in Item, its position in
// Current/Total, its name for people in Message.
func (r *run) reportStep(i int, st template.Step) {
	r.rep.Report(progress.Event{Topic: ProgressTopic, Source: r.p.t.Name(), Stage: "step", Item: st.ID,
		Message: cmp.Or(st.Name, st.Action), Current: i + 1, Total: len(r.p.t.Spec.Spec.Steps)})
}

// runStep evaluates a step's condition and input and runs it (effects in a
// dry run only predict their output).
func (r *run) runStep(st template.Step, a *actions.Action) (StepResult, error) {
	res := StepResult{ID: st.ID, Name: st.Name, Action: st.Action}
	if st.If != nil {
		v, err := render.ValueContext(r.actx.Ctx, "steps."+st.ID+".if", st.If, r.data)
		if err != nil {
			return res, fmt.Errorf("step %s: %w", st.ID, err)
		}
		if !render.Truthy(v) {
			res.Skipped = true
			return res, nil
		}
	}
	in, err := render.ValueContext(r.actx.Ctx, "steps."+st.ID+".input", st.Input, r.data)
	if err != nil {
		return res, fmt.Errorf("step %s: %w", st.ID, err)
	}
	input, _ := in.(map[string]any)
	var out map[string]any
	if a.Phase == actions.Effect && r.dry {
		res.Skipped = true
		if a.DryRun != nil {
			out = a.DryRun(r.actx, input)
		}
	} else {
		out, err = a.Run(r.actx, input)
		if err != nil {
			return res, fmt.Errorf("step %s (%s): %w", st.ID, st.Action, err)
		}
	}
	if out == nil {
		out = map[string]any{}
	}
	res.Output = out
	r.data["steps"].(map[string]any)[st.ID] = map[string]any{"output": out}
	return res, nil
}

// record writes .paved/template.yaml into the tree.
func (r *run) record() error {
	secrets := r.p.t.Spec.Secrets()
	answers := map[string]any{}
	for k, v := range r.p.values {
		if !secrets[k] {
			answers[k] = v
		}
	}
	rec := Recorded{APIVersion: "paved.dev/v1alpha1", Kind: "TemplateRecord", Template: r.p.t.Name(),
		Source: r.p.t.Source, Location: r.p.t.Location.String(), Version: r.p.t.Version, Answers: answers}
	b, err := marshalRecord(rec)
	if err != nil {
		return err
	}
	return r.tree.Put(RecordFile, b, false)
}

// links evaluates spec.output.links.
func (r *run) links() []Link {
	out := []Link{}
	for _, l := range r.p.t.Spec.Spec.Output.Links {
		ev := func(s string) string {
			v, err := render.ValueContext(r.actx.Ctx, "output.links", s, r.data)
			if err != nil || v == nil {
				return ""
			}
			return fmt.Sprint(v)
		}
		out = append(out, Link{Title: ev(l.Title), URL: ev(l.URL), EntityRef: ev(l.EntityRef), Icon: ev(l.Icon)})
	}
	return out
}

// files lists the tree; with contents for dry runs and previews.
func (r *run) files(contents bool, limit int) []File {
	out := make([]File, 0, r.tree.Len())
	for _, p := range r.tree.Paths() {
		f := r.tree.Get(p)
		fi := File{Path: p, Size: int64(len(f.Data)), Mode: 0o644}
		if f.Exec {
			fi.Mode = 0o755
		}
		if contents {
			switch {
			case render.IsBinary(f.Data) || !utf8.Valid(f.Data):
				fi.Binary = true
			case limit > 0 && len(f.Data) > limit:
				cut := limit
				for cut > 0 && !utf8.RuneStart(f.Data[cut]) {
					cut--
				}
				fi.Content, fi.Truncated = string(f.Data[:cut]), true
			default:
				fi.Content = string(f.Data)
			}
		}
		out = append(out, fi)
	}
	return out
}

// Preview renders a template in memory for the live preview. Values that
// do not fit yet are Problems; a template that cannot render with them is
// Error. Only an unknown template or action is an error.
func (s *Service) Preview(ctx context.Context, o PreviewOptions) (Preview, error) {
	t, err := s.lib.Find(ctx, o.Template)
	if err != nil {
		return Preview{}, err
	}
	p, problems, err := prepare(t, o.Values, true)
	if err != nil {
		return Preview{}, err
	}
	pv := Preview{Template: t.Name(), Version: t.Version, Problems: problems}
	p.final, err = outDir(o.OutDir, o.Parent, p.values)
	switch {
	case err == nil:
		pv.OutDir = p.final
	case !slices.ContainsFunc(problems, func(q problem.Problem) bool { return q.Field == NameParameter }):
		// Say why there is no folder, unless the name already has a problem.
		pv.Problems = append(pv.Problems, problem.ProblemsOf(err)...)
	}
	if p.final == "" {
		p.final = filepath.Join(os.TempDir(), "preview")
	}
	r := s.newRun(ctx, p, nil, true)
	if err := r.renderSteps(); err != nil {
		pv.Error = err.Error()
	} else if err := r.record(); err != nil {
		pv.Error = err.Error()
	}
	pv.Files = r.files(true, PreviewLimit)
	return pv, nil
}

// outDir is the output folder of a scaffold: the one given, made absolute,
// or the default rule's.
func outDir(given, parent string, values map[string]any) (string, error) {
	if given != "" {
		return filepath.Abs(given)
	}
	return DefaultOutDir(parent, values[NameParameter])
}

// Scaffold creates a new repository from a golden path. The tree is
// rendered in memory, written to a temporary directory beside OutDir,
// published there (publish:git) and renamed into place; then the component
// is registered (catalog:register). Any failure removes everything it made.
func (s *Service) Scaffold(ctx context.Context, o ScaffoldOptions, rep progress.Reporter) (res Result, err error) {
	start := time.Now()
	rep = progress.OrDiscard(rep)
	res = Result{DryRun: o.DryRun, Files: []File{}, Steps: []StepResult{}, Links: []Link{}, NextActions: []NextAction{}, Log: []string{}}
	if !o.DryRun {
		defer func() {
			detail := res.Template
			if res.Version != "" {
				detail += "@" + shortVersion(res.Version)
			}
			if res.CatalogRef != "" {
				detail += " → " + res.CatalogRef
			}
			if res.Remote != "" {
				detail += ", pushed to " + res.Remote
			}
			if detail == "" {
				detail = o.Template
			}
			target := res.Dir
			if target == "" {
				target = o.OutDir
			}
			s.o.Audit.Note(ctx, "goldenpath.scaffold", target, detail, err)
		}()
	}
	report := func(stage, msg string) {
		rep.Report(progress.Event{Topic: ProgressTopic, Source: o.Template, Stage: stage, Message: msg})
	}
	report("validate", "Checking the template and the values")
	t, err := s.lib.Find(ctx, o.Template)
	if err != nil {
		return res, err
	}
	values, err := mergeSet(t, o.Values, o.Set)
	if err != nil {
		return res, err
	}
	// Where it goes is settled before the values are checked: a missing
	// folder is a usage question, not a value problem.
	final, err := outDir(o.OutDir, o.Parent, t.Spec.WithDefaults(values))
	if err != nil {
		return res, err
	}
	res.Dir = final
	p, _, err := prepare(t, values, false)
	if err != nil {
		return res, err
	}
	res.Template, res.Source, res.Version = t.Name(), t.Source, t.Version
	p.final = final
	if err := checkTarget(final); err != nil {
		return res, err
	}
	report("render", "Rendering "+t.Spec.Title())
	r := s.newRun(ctx, p, rep, o.DryRun)
	r.actx.Push = o.Push
	r.actx.Trailer = renderTrailer(t.Name(), t.Version)
	if err := r.renderSteps(); err != nil {
		return res, err
	}
	if err := r.record(); err != nil {
		return res, err
	}
	res.Steps = r.steps
	if o.DryRun {
		res.Files = r.files(true, 0)
		res.Links, res.Log = r.links(), r.log
		res.DurationMs = ms(time.Since(start))
		report("done", "Dry run: nothing was written")
		return res, nil
	}

	report("write", fmt.Sprintf("Writing %d files", r.tree.Len()))
	tmp, err := writeTemp(final, r.tree)
	if err != nil {
		return res, err
	}
	renamed := false
	defer func() {
		if err == nil {
			return
		}
		if !renamed {
			_ = os.RemoveAll(tmp)
			return
		}
		_ = os.RemoveAll(final)
		r.reg.undo(context.WithoutCancel(ctx))
	}()
	r.actx.Dir = tmp
	// Effects that need the files (publish:git) run in the temporary
	// directory; registration waits for the final one.
	for _, e := range r.effects {
		r.reportStep(e.index, e.step)
		sr, err := r.runStep(e.step, e.a)
		if err != nil {
			return res, err
		}
		r.steps[e.index] = sr
	}
	if err := placeDir(tmp, final); err != nil {
		return res, err
	}
	renamed = true
	if len(r.reg.pending) > 0 {
		report("register", "Registering in the local catalog")
	}
	if err := r.reg.commit(ctx); err != nil {
		return res, err
	}
	res.Steps = r.steps
	res.Files = r.files(false, 0)
	res.Links, res.Log = r.links(), r.log
	if pub := r.actx.Published; pub != nil {
		res.Commit, res.Branch, res.Remote = pub.Commit, pub.Branch, pub.Remote
	}
	if len(r.reg.done) > 0 {
		res.CatalogRef, res.CatalogSource = r.reg.done[0].ref, r.reg.done[0].source
	}
	res.NextActions = nextActions(res, r.tree)
	res.DurationMs = ms(time.Since(start))
	report("done", fmt.Sprintf("Created %s", final))
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func shortVersion(v string) string {
	if len(v) == 40 {
		return v[:12]
	}
	return v
}

// mergeSet adds the --set values, typed by the template's parameters.
func mergeSet(t *library.Template, values map[string]any, set map[string]string) (map[string]any, error) {
	out := maps.Clone(values)
	if out == nil {
		out = make(map[string]any, len(set))
	}
	if len(set) == 0 {
		return out, nil
	}
	typed, err := t.Spec.Coerce(set)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, typed)
	return out, nil
}

// checkTarget refuses an output directory that is a symbolic link, a file,
// or a directory with something in it.
func checkTarget(final string) error {
	st, err := os.Lstat(final)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link: choose a real directory for the new repository", final)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s exists and is a file: choose another directory", final)
	}
	ents, err := os.ReadDir(final)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("%s exists and is not empty: choose a new directory (Paved never writes over existing files)", final)
	}
	return nil
}

// writeTemp writes the tree into a new temporary directory beside final,
// through an os.Root so no write can leave it.
func writeTemp(final string, t *render.Tree) (string, error) {
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(final)+".paved-*")
	if err != nil {
		return "", fmt.Errorf("create a temporary directory in %s: %w", parent, err)
	}
	// MkdirTemp makes it private; the repository is an ordinary directory.
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.RemoveAll(tmp)
		return "", err
	}
	if err := writeTree(tmp, t); err != nil {
		_ = os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}

func writeTree(dir string, t *render.Tree) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	made := map[string]bool{}
	for _, p := range t.Paths() {
		f := t.Get(p)
		if d := filepath.Dir(filepath.FromSlash(p)); d != "." && !made[d] {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("write %s: %w", p, err)
			}
			made[d] = true
		}
		mode := fs.FileMode(0o644)
		if f.Exec {
			mode = 0o755
		}
		w, err := root.OpenFile(filepath.FromSlash(p), os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		_, err = w.Write(f.Data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}

// placeDir moves tmp to final (replacing an empty directory).
func placeDir(tmp, final string) error {
	if st, err := os.Lstat(final); err == nil && st.IsDir() {
		if err := os.Remove(final); err != nil {
			return fmt.Errorf("%s: %w (it must be empty)", final, err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("move the new repository into %s: %w", final, err)
	}
	return nil
}

// nextActions suggests what to do next, from what the tree has.
func nextActions(res Result, t *render.Tree) []NextAction {
	out := []NextAction{{ID: "open-folder", Title: "Open the folder", Dir: res.Dir}}
	if mk := t.Get("Makefile"); mk != nil {
		text := string(mk.Data)
		if strings.Contains(text, "\nrun:") || strings.HasPrefix(text, "run:") {
			out = append(out, NextAction{ID: "run-locally", Title: "Run it locally", Command: "make run", Dir: res.Dir})
		}
		if strings.Contains(text, "\ntest:") {
			out = append(out, NextAction{ID: "run-tests", Title: "Run its tests", Command: "make test", Dir: res.Dir})
		}
	}
	if res.CatalogRef != "" {
		out = append(out, NextAction{ID: "view-in-catalog", Title: "See it in the catalog", EntityRef: res.CatalogRef})
	}
	if res.Remote == "" && res.Commit != "" {
		out = append(out, NextAction{ID: "push", Title: "Push it to your git server", Command: "git remote add origin <url> && git push -u origin " + res.Branch, Dir: res.Dir})
	}
	return out
}

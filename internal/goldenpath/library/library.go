// Package library is golden paths' one home for "where a template comes
// from, at which version". It finds the templates a developer can start from
// (the platform repository's spec.goldenPaths.locations first, then the
// built-in ones they do not replace, or a template directory named on the
// command line), gives each its Location (the recorded form of where it is
// read from) and its version, and reads a template at another version: a
// commit, branch or tag of its git repository, or the version a generated
// repository recorded.
//
// Versions: a template in git (the platform's clone, or a repository on this
// machine whose HEAD holds the template directory unchanged) is versioned by
// commit; a built-in one by its paved.dev/version annotation, else the
// build's template version; any other directory by a hash of its content.
//
// Rules:
//   - Templates are parsed once: per (platform commit, location) for the
//     platform's git and demo repositories, once for the built-in ones, and
//     per directory on disk until a file in it changes size, mode or
//     modification time or its repository's HEAD moves. Later List, Find
//     and Preview calls are served from that.
//   - The platform repository is reached only through the platform service
//     (Platform.Repository); go-git stays inside gitrepo and gitwork.
//   - One broken template does not hide the others: it is reported once to
//     the warning sink and left out.
//   - A template that does not exist is an error of kind problem.NotFound.
package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/goldenpath/gitwork"
	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/goldenpath/template"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/warn"
)

// Source kinds of a template: where it is listed from.
const (
	// SourceBuiltin templates are embedded in Paved (goldenpaths/).
	SourceBuiltin = "builtin"
	// SourcePlatform templates come from the platform repository's
	// spec.goldenPaths.locations.
	SourcePlatform = "platform"
	// SourceDir templates are a directory named on the command line.
	SourceDir = "dir"
)

// maxCommitsCounted bounds CommitsBehind's walk.
const maxCommitsCounted = 10000

// maxCachedDirs bounds the directories whose templates are kept.
const maxCachedDirs = 256

// Platform is what the library needs of the platform service.
type Platform interface {
	// Current is the platform in use, with its golden-path locations.
	Current(ctx context.Context) (*platform.Platform, error)
	// Repository is the git platform's clone, for other commits than the
	// current one; url is the repository expected.
	Repository(ctx context.Context, url string) (*gitrepo.Repo, error)
}

// Options configures a Library.
type Options struct {
	// Platform gives the platform repository's templates (nil: built-in
	// templates and directories only).
	Platform Platform
	// Builtin holds the built-in templates, one directory each.
	Builtin fs.FS
	// BuiltinVersion is the version of built-in templates without a
	// paved.dev/version annotation.
	BuiltinVersion string
	// Warn receives the problems of single templates left out (nil:
	// dropped).
	Warn warn.Sink
}

// Template is one template and where it came from. The library hands out
// copies: changing one changes nothing else.
type Template struct {
	// Spec is the parsed template.yaml.
	Spec *template.Template
	// FS is the template directory (template.yaml at its root).
	FS fs.FS
	// Source is SourceBuiltin, SourcePlatform or SourceDir.
	Source string
	// Location is where it is read from, as recorded in generated
	// repositories.
	Location Location
	// Display says where it is for people: "goldenpaths/go-service", the
	// platform location's name and directory, or a directory.
	Display string
	// Version is its current version (see the package doc).
	Version string
	// Overrides is set on a platform template that replaces a built-in one
	// of the same name.
	Overrides bool
}

// Name is the template's metadata.name.
func (t *Template) Name() string { return t.Spec.Metadata.Name }

// NotFoundError is a golden path that no source has.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no golden path named %q: list them with `paved template list`, or give a template directory", e.Name)
}

// ProblemKind says the template does not exist.
func (e *NotFoundError) ProblemKind() problem.Kind { return problem.NotFound }

// Library finds templates and their versions. It is safe for concurrent
// use.
type Library struct {
	o Options

	mu       sync.Mutex
	builtins []*Template // nil until loaded
	trees    map[string][]*Template
	dirs     map[string]dirEntry
}

// dirEntry is a template directory on disk as last read.
type dirEntry struct {
	stamp string
	t     *Template
	err   error
}

// New returns a library.
func New(o Options) *Library {
	o.Warn = warn.OrDiscard(o.Warn)
	return &Library{o: o, trees: map[string][]*Template{}, dirs: map[string]dirEntry{}}
}

// List returns every available template, sorted by name: the platform's
// first, then the built-in ones whose name the platform does not use.
func (l *Library) List(ctx context.Context) ([]*Template, error) {
	plat, err := l.platformTemplates(ctx)
	if err != nil {
		return nil, err
	}
	built, err := l.builtinTemplates()
	if err != nil {
		return nil, err
	}
	byName := map[string]*Template{}
	out := make([]*Template, 0, len(plat)+len(built))
	for _, t := range plat {
		if _, dup := byName[t.Name()]; dup {
			continue
		}
		c := *t
		byName[t.Name()] = &c
		out = append(out, &c)
	}
	for _, b := range built {
		if p, ok := byName[b.Name()]; ok {
			p.Overrides = true
			continue
		}
		c := *b
		byName[b.Name()] = &c
		out = append(out, &c)
	}
	slices.SortStableFunc(out, func(a, b *Template) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// Find returns the template called name, or the template directory name
// when it is a path to one.
func (l *Library) Find(ctx context.Context, name string) (*Template, error) {
	if looksLikePath(name) {
		return l.FromDir(name)
	}
	t, err := l.byName(ctx, name)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		if st, serr := os.Stat(filepath.Join(name, template.FileName)); serr == nil && st.Mode().IsRegular() {
			return l.FromDir(name)
		}
	}
	return t, err
}

func (l *Library) byName(ctx context.Context, name string) (*Template, error) {
	all, err := l.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range all {
		if t.Name() == name {
			return t, nil
		}
	}
	return nil, &NotFoundError{Name: name}
}

func looksLikePath(name string) bool {
	return strings.ContainsAny(name, `/\`) || name == "." || name == ".."
}

// FromDir loads a template directory named on the command line.
func (l *Library) FromDir(dir string) (*Template, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return nil, problem.NotFoundf(fmt.Sprintf("%s is not a template directory", dir))
	}
	t, err := l.loadDir(abs)
	if err != nil {
		return nil, err
	}
	c := *t
	c.Source, c.Display = SourceDir, abs
	return &c, nil
}

// Recorded returns, as it is now, the template a generated repository
// recorded (its source, name and location).
func (l *Library) Recorded(ctx context.Context, source, name string, loc Location) (*Template, error) {
	if source != SourceDir {
		return l.byName(ctx, name)
	}
	switch {
	case loc.Kind == KindDir:
		return l.FromDir(loc.Path)
	case loc.InLocalRepo():
		return l.FromDir(filepath.Join(loc.Repo, filepath.FromSlash(loc.Path)))
	}
	return nil, problem.NotFoundf(fmt.Sprintf("template %s was recorded from %s, which is not a directory on this machine", name, loc))
}

// At returns the template at version ("" = as it is now): for a template
// in git a commit, branch or tag of its repository (Version is then the
// commit); any other template has only its current version.
func (l *Library) At(ctx context.Context, t *Template, version string) (*Template, error) {
	if version == "" || version == t.Version {
		return t, nil
	}
	if t.Location.Kind != KindGit {
		return nil, problem.NotFoundf(fmt.Sprintf("version %s of %s is not available: only %s is (only templates in git have other versions; built-in ones come with Paved's build)", version, t.Name(), t.Version))
	}
	repo, err := l.open(ctx, t.Location)
	if err != nil {
		return nil, err
	}
	tree, commit, err := repo.TreeAt(version)
	if err != nil {
		return nil, problem.Wrap(problem.NotFound, "", fmt.Errorf("template %s: %w", t.Name(), err))
	}
	if commit == t.Version {
		return t, nil
	}
	return t.version(tree, commit)
}

// version is t as its directory is in tree, a commit of its repository.
func (t *Template) version(tree *gitrepo.TreeFS, commit string) (*Template, error) {
	sub, err := tree.Sub(t.Location.Path)
	if err != nil {
		return nil, problem.Wrap(problem.NotFound, "", fmt.Errorf("template %s at %s: %w", t.Name(), commit, err))
	}
	spec, err := readTemplate(sub, t.Display+"@"+shortCommit(commit))
	if err != nil {
		return nil, err
	}
	c := *t
	c.Spec, c.FS, c.Version = spec, sub, commit
	return &c, nil
}

// Past returns the template at a version a generated repository recorded,
// from the location it recorded; cur is the template as it is now, which
// serves when it still is that version. An error means that version cannot
// be read any more (a built-in template of an older Paved, a directory that
// changed, a platform no longer in use).
func (l *Library) Past(ctx context.Context, loc Location, version string, cur *Template) (*Template, error) {
	if cur.Location == loc && cur.Version == version {
		return cur, nil
	}
	if loc.Kind != KindGit {
		return nil, problem.NotFoundf(fmt.Sprintf("version %s is no longer available from %s", version, loc))
	}
	if len(version) != 40 || !isHex(version) {
		return nil, problem.Invalidf(fmt.Sprintf("recorded version %q of a template in git is not a commit hash", version))
	}
	repo, err := l.open(ctx, loc)
	if err != nil {
		return nil, err
	}
	tree, commit, err := repo.TreeAt(version)
	if err != nil {
		return nil, problem.Wrap(problem.NotFound, "", err)
	}
	past := *cur
	past.Location = loc
	return past.version(tree, commit)
}

// CommitsBehind counts the commits that changed the template's directory
// since version from, for templates in git; ok is false when unknown.
func (l *Library) CommitsBehind(ctx context.Context, t *Template, from string) (n int, ok bool) {
	if t.Location.Kind != KindGit || len(from) != 40 || !isHex(from) {
		return 0, false
	}
	repo, err := l.open(ctx, t.Location)
	if err != nil {
		return 0, false
	}
	n, err = repo.CommitsBetween(from, t.Version, t.Location.Path, maxCommitsCounted)
	return n, err == nil
}

// open opens the git repository of a location: in place on this machine,
// or the platform's clone.
func (l *Library) open(ctx context.Context, loc Location) (*gitrepo.Repo, error) {
	if loc.InLocalRepo() {
		r, _, err := gitrepo.Local(loc.Repo, "")
		return r, err
	}
	if l.o.Platform == nil {
		return nil, problem.NotFoundf(fmt.Sprintf("%s is read through the platform repository, and there is none in this build", gitrepo.Redact(loc.Repo)))
	}
	return l.o.Platform.Repository(ctx, loc.Repo)
}

// builtinTemplates loads the templates embedded in Paved, once.
func (l *Library) builtinTemplates() ([]*Template, error) {
	if l.o.Builtin == nil {
		return nil, nil
	}
	l.mu.Lock()
	done := l.builtins
	l.mu.Unlock()
	if done != nil {
		return done, nil
	}
	ents, err := fs.ReadDir(l.o.Builtin, ".")
	if err != nil {
		return nil, fmt.Errorf("read the built-in templates: %w", err)
	}
	out := []*Template{}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		sub, err := fs.Sub(l.o.Builtin, e.Name())
		if err != nil {
			return nil, err
		}
		spec, err := readTemplate(sub, "goldenpaths/"+e.Name())
		if err != nil {
			return nil, err
		}
		v := spec.Metadata.Annotations[template.VersionAnnotation]
		if v == "" {
			v = l.o.BuiltinVersion
		}
		out = append(out, &Template{Spec: spec, FS: sub, Source: SourceBuiltin, Location: Builtin(e.Name()),
			Display: "goldenpaths/" + e.Name(), Version: v})
	}
	l.mu.Lock()
	l.builtins = out
	l.mu.Unlock()
	return out, nil
}

// platformTemplates loads the templates of the platform's
// spec.goldenPaths.locations.
func (l *Library) platformTemplates(ctx context.Context) ([]*Template, error) {
	if l.o.Platform == nil {
		return nil, nil
	}
	p, err := l.o.Platform.Current(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Template
	used := map[string][]*Template{}
	for i, loc := range p.Config.Spec.GoldenPaths.Locations {
		ts, err := l.location(p, i, loc, used)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	l.mu.Lock()
	l.trees = used // only the current platform's locations stay cached
	l.mu.Unlock()
	return out, nil
}

// location loads the templates of one golden-path location.
func (l *Library) location(p *platform.Platform, i int, loc platform.Location, used map[string][]*Template) ([]*Template, error) {
	field := fmt.Sprintf("spec.goldenPaths.locations[%d].target", i)
	bad := func(msg, fix string) error {
		return problem.Invalidf(fmt.Sprintf("golden-path location %q cannot be read", loc.Name),
			problem.Problem{File: platform.FileName, Field: field, Message: msg, Fix: fix})
	}
	pattern := loc.Glob
	if pattern == "" {
		pattern = "{template.yaml,*/template.yaml}"
	}
	switch {
	case gitrepo.IsURL(loc.Target):
		return nil, bad("git URLs are not supported for golden paths yet", "keep the templates in the platform repository and use a relative path")
	case filepath.IsAbs(loc.Target):
		return l.dirTemplates(loc, loc.Target, pattern, bad)
	}
	rel := path.Clean(filepath.ToSlash(loc.Target))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return nil, bad(fmt.Sprintf("target %q leads outside the platform repository", loc.Target), "use a path inside it, or an absolute path")
	}
	if p.Info.Origin == platform.OriginPath {
		return l.dirTemplates(loc, filepath.Join(p.Info.Location, filepath.FromSlash(rel)), pattern, bad)
	}
	key := strings.Join([]string{p.Info.Origin, p.Info.Location, p.Info.Commit, loc.Name, rel, pattern}, "\x00")
	l.mu.Lock()
	cached, ok := l.trees[key]
	l.mu.Unlock()
	if ok {
		used[key] = cached
		return cached, nil
	}
	root, err := fs.Sub(p.FS, rel)
	if err != nil {
		return nil, bad(err.Error(), "")
	}
	matches, err := doublestar.Glob(root, pattern, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
	if err != nil {
		return nil, bad(fmt.Sprintf("glob %q: %v", pattern, err), "")
	}
	slices.Sort(matches)
	out := []*Template{}
	for _, m := range matches {
		dir := path.Dir(m)
		label := loc.Name + "/" + dir
		sub, err := fs.Sub(root, dir)
		if err != nil {
			l.o.Warn.Warn(fmt.Errorf("golden path %s: %w", label, err))
			continue
		}
		spec, err := readTemplate(sub, label)
		if err != nil {
			l.o.Warn.Warn(err)
			continue
		}
		t := &Template{Spec: spec, FS: sub, Source: SourcePlatform, Display: label}
		switch p.Info.Origin {
		case platform.OriginGit:
			t.Location, t.Version = Git(p.Info.Location, cleanSub(path.Join(rel, dir))), p.Info.Commit
		default: // the embedded demo platform
			t.Location, t.Version = Location{Kind: KindPlatform, Path: label}, "demo"
		}
		out = append(out, t)
	}
	used[key] = out
	return out, nil
}

// dirTemplates loads the templates of a location on disk.
func (l *Library) dirTemplates(loc platform.Location, base, pattern string, bad func(msg, fix string) error) ([]*Template, error) {
	matches, err := doublestar.Glob(os.DirFS(base), pattern, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
	if err != nil {
		return nil, bad(fmt.Sprintf("glob %q in %s: %v", pattern, base, err), "")
	}
	slices.Sort(matches)
	out := []*Template{}
	for _, m := range matches {
		dir := path.Dir(m)
		t, err := l.loadDir(filepath.Join(base, filepath.FromSlash(dir)))
		if err != nil {
			continue // reported once, when it was read
		}
		c := *t
		c.Source, c.Display = SourcePlatform, loc.Name+"/"+dir
		out = append(out, &c)
	}
	return out, nil
}

// loadDir reads the template directory abs, or returns it as last read
// when nothing in it changed. A failure is reported to the warning sink
// once.
func (l *Library) loadDir(abs string) (*Template, error) {
	stamp := stampDir(abs)
	l.mu.Lock()
	e, ok := l.dirs[abs]
	l.mu.Unlock()
	if ok && stamp != "" && e.stamp == stamp {
		return e.t, e.err
	}
	t, err := readDir(abs)
	if err != nil {
		l.o.Warn.Warn(err)
	}
	l.mu.Lock()
	if len(l.dirs) >= maxCachedDirs {
		clear(l.dirs)
	}
	l.dirs[abs] = dirEntry{stamp: stamp, t: t, err: err}
	l.mu.Unlock()
	return t, err
}

// readDir reads a template directory on disk and versions it: the commit of
// its repository when it is committed and unchanged there, else a hash of
// its content.
func readDir(abs string) (*Template, error) {
	fsys := os.DirFS(abs)
	spec, err := readTemplate(fsys, abs)
	if err != nil {
		return nil, err
	}
	t := &Template{Spec: spec, FS: fsys, Source: SourceDir, Display: abs}
	if repo, sub, commit, ok := gitwork.CommittedDir(abs, render.MaxFiles); ok {
		t.Location, t.Version = Git(repo, sub), commit
		return t, nil
	}
	h, err := hashDir(fsys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", abs, err)
	}
	t.Location, t.Version = Dir(abs), h
	return t, nil
}

// stampDir sums what tells a directory changed: every entry's path, mode,
// size and modification time, and its repository's HEAD. "" when it cannot
// be read (never cached then).
func stampDir(abs string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", gitwork.HeadOf(abs))
	n := 0
	err := filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if n++; n > 2*render.MaxFiles {
			return errors.New("too many files")
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00", p, info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readTemplate parses template.yaml at the root of fsys; label names the
// directory in errors.
func readTemplate(fsys fs.FS, label string) (*template.Template, error) {
	file := label + "/" + template.FileName
	f, err := fsys.Open(template.FileName)
	if err != nil {
		return nil, problem.Invalidf(fmt.Sprintf("%s is not a template directory", label),
			problem.Problem{File: file, Message: "does not exist", Fix: "a template directory needs a " + template.FileName})
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if !st.Mode().IsRegular() || st.Size() > template.MaxFileBytes {
		return nil, problem.Invalidf(fmt.Sprintf("%s cannot be read", file),
			problem.Problem{File: file, Message: fmt.Sprintf("must be a regular file of at most %d KiB", template.MaxFileBytes>>10)})
	}
	data, err := fs.ReadFile(fsys, template.FileName)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return template.Parse(file, data)
}

// hashDir is a content hash of a template directory (regular files only).
func hashDir(fsys fs.FS) (string, error) {
	h := sha256.New()
	var total int64
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		if total > 64<<20 {
			return errors.New("the template is larger than 64 MiB")
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func shortCommit(c string) string {
	if len(c) == 40 {
		return c[:12]
	}
	return c
}

// cleanSub turns a cleaned slash path into a Location directory ("." is the
// root, "").
func cleanSub(p string) string {
	if p == "." {
		return ""
	}
	return p
}

func isHex(s string) bool {
	return s != "" && strings.Trim(s, "0123456789abcdef") == ""
}

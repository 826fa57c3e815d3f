// Package goldenpath is the golden-path capability: it lists the templates
// a developer can start from (the platform repository's and the ones built
// into Paved), scaffolds a new repository from one (rendered in memory,
// written to a temporary directory beside the target and renamed into
// place, committed with the user's git identity, optionally pushed, and
// registered in the local catalog), records which template version and
// answers made it (.paved/template.yaml), and later brings it up to date
// with a three-way merge on a new branch.
//
// Subpackages, one job each: template (template.yaml and its parameters),
// render (the Nunjucks-compatible engine and the in-memory tree), actions
// (the scaffolder actions), merge (three-way merge), gitwork (commits and
// pushes in working repositories).
//
// Rules:
//   - Templates are untrusted: nothing is written outside the output
//     directory, nothing is executed, sizes are bounded, and a failed
//     scaffold leaves nothing behind.
//   - An unknown action or invalid values fail before anything is written.
//   - Every scaffold and update is an audit entry; recorded answers never
//     hold secrets.
package goldenpath

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
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/goldenpath/template"
	"github.com/paved-dev/paved/internal/platform"
)

// Options configures a Service.
type Options struct {
	// Platform gives the platform repository's golden-path locations (nil:
	// built-in templates only).
	Platform *platform.Service
	// Catalog is where catalog:register registers new components (nil:
	// catalog:register fails).
	Catalog *catalog.Service
	Audit   *audit.Log
	// Builtin holds the built-in templates, one directory each.
	Builtin fs.FS
	// BuiltinVersion is the version of the built-in templates that have no
	// paved.dev/version annotation.
	BuiltinVersion string
	// CacheDir is Paved's cache directory (the platform's clone lives in it).
	CacheDir string
}

// Service is the golden-path capability.
type Service struct {
	o Options
}

// New returns the service.
func New(o Options) *Service { return &Service{o: o} }

// loaded is one template and where it came from.
type loaded struct {
	tpl     *template.Template
	fsys    fs.FS // the template directory
	source  string
	loc     string // recorded location: see locate
	display string // for people
	version string
	// repo, when the template is in git: versions are its commits.
	repo *gitSource
	// overrides marks a platform template replacing a built-in one.
	overrides bool
}

// gitSource is a template directory inside a git repository.
type gitSource struct {
	// dir is a local repository (read in place) or "" with url and clone.
	dir, url, clone string
	sub             string
}

func (g *gitSource) open() (*gitrepo.Repo, error) {
	if g.dir != "" {
		r, _, err := gitrepo.Local(g.dir, "")
		return r, err
	}
	return gitrepo.Open(g.clone, g.url)
}

// at returns the template directory at commit.
func (g *gitSource) at(commit string) (fs.FS, error) {
	r, err := g.open()
	if err != nil {
		return nil, err
	}
	if !plumbing.IsHash(commit) {
		return nil, fmt.Errorf("%q is not a commit", commit)
	}
	t, err := r.Snapshot(plumbing.NewHash(commit))
	if err != nil {
		return nil, err
	}
	return t.Sub(g.sub)
}

// location is the recorded form: git:<repo dir or url>//<subdir>.
func (g *gitSource) location() string {
	where := g.dir
	if where == "" {
		where = g.url
	}
	return "git:" + where + "//" + g.sub
}

// NotFoundError is a golden path that no source has.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no golden path named %q: list them with `paved template list`, or give a template directory", e.Name)
}

// readTemplate parses template.yaml at the root of fsys.
func readTemplate(fsys fs.FS, label string) (*template.Template, error) {
	f, err := fsys.Open(template.FileName)
	if err != nil {
		return nil, fmt.Errorf("%s: no %s: a template directory needs one", label, template.FileName)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > template.MaxFileBytes {
		return nil, fmt.Errorf("%s/%s must be a regular file of at most %d KiB", label, template.FileName, template.MaxFileBytes>>10)
	}
	data, err := fs.ReadFile(fsys, template.FileName)
	if err != nil {
		return nil, err
	}
	return template.Parse(label+"/"+template.FileName, data)
}

// builtins loads the templates embedded in Paved.
func (s *Service) builtins() ([]*loaded, error) {
	if s.o.Builtin == nil {
		return nil, nil
	}
	ents, err := fs.ReadDir(s.o.Builtin, ".")
	if err != nil {
		return nil, err
	}
	var out []*loaded
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		sub, err := fs.Sub(s.o.Builtin, e.Name())
		if err != nil {
			return nil, err
		}
		tpl, err := readTemplate(sub, "goldenpaths/"+e.Name())
		if err != nil {
			return nil, err
		}
		v := tpl.Metadata.Annotations[template.VersionAnnotation]
		if v == "" {
			v = s.o.BuiltinVersion
		}
		out = append(out, &loaded{tpl: tpl, fsys: sub, source: SourceBuiltin, loc: "builtin:" + e.Name(),
			display: "goldenpaths/" + e.Name(), version: v})
	}
	return out, nil
}

// platformTemplates loads the templates of the platform's
// spec.goldenPaths.locations. Problems with single templates are returned
// as warnings so one broken template does not hide the others.
func (s *Service) platformTemplates(ctx context.Context) ([]*loaded, []error, error) {
	if s.o.Platform == nil {
		return nil, nil, nil
	}
	p, err := s.o.Platform.Current(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []*loaded
	var warns []error
	for i, l := range p.Config.Spec.GoldenPaths.Locations {
		where := fmt.Sprintf("%s: spec.goldenPaths.locations[%d] (%s)", platform.FileName, i, l.Name)
		var root fs.FS
		var git *gitSource
		var base string // directory of the location, for dir templates
		switch {
		case gitrepo.IsURL(l.Target):
			return nil, nil, fmt.Errorf("%s: git URLs are not supported for golden paths yet: keep the templates in the platform repository and use a relative path", where)
		case filepath.IsAbs(l.Target):
			base = l.Target
			root = os.DirFS(base)
		default:
			rel := path.Clean(filepath.ToSlash(l.Target))
			if rel == ".." || strings.HasPrefix(rel, "../") {
				return nil, nil, fmt.Errorf("%s: target %q leads outside the platform repository", where, l.Target)
			}
			sub, err := fs.Sub(p.FS, rel)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", where, err)
			}
			root = sub
			switch p.Info.Origin {
			case platform.OriginGit:
				git = &gitSource{url: p.Info.Location, clone: filepath.Join(s.o.CacheDir, "platform.git"), sub: rel}
			case platform.OriginPath:
				base = filepath.Join(p.Info.Location, filepath.FromSlash(rel))
			}
		}
		pattern := l.Glob
		if pattern == "" {
			pattern = "{template.yaml,*/template.yaml}"
		}
		matches, err := doublestar.Glob(root, pattern, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
		if err != nil {
			return nil, nil, fmt.Errorf("%s: glob %q: %w", where, pattern, err)
		}
		sort.Strings(matches)
		for _, m := range matches {
			dir := path.Dir(m)
			sub, err := fs.Sub(root, dir)
			if err != nil {
				warns = append(warns, err)
				continue
			}
			label := l.Name + "/" + dir
			tpl, err := readTemplate(sub, label)
			if err != nil {
				warns = append(warns, err)
				continue
			}
			ld := &loaded{tpl: tpl, fsys: sub, source: SourcePlatform, display: label}
			switch {
			case git != nil:
				g := *git
				g.sub = path.Join(git.sub, dir)
				ld.repo, ld.loc, ld.version = &g, g.location(), p.Info.Commit
			case base != "":
				d := filepath.Join(base, filepath.FromSlash(dir))
				ld.fsys = os.DirFS(d)
				if err := s.versionDir(ld, d); err != nil {
					warns = append(warns, err)
					continue
				}
			default: // the embedded demo platform
				ld.loc, ld.version = "platform:"+label, "demo"
			}
			out = append(out, ld)
		}
	}
	return out, warns, nil
}

// versionDir sets the version of a template directory on disk: the commit
// of its repository when it is committed and unchanged there, else a hash
// of its content.
func (s *Service) versionDir(ld *loaded, dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if g, commit := repoOf(abs); g != nil {
		ld.repo, ld.loc, ld.version = g, g.location(), commit
		return nil
	}
	h, err := hashDir(ld.fsys)
	if err != nil {
		return err
	}
	ld.loc, ld.version = "dir:"+abs, h
	return nil
}

// repoOf finds the git repository holding dir and returns it with its HEAD
// commit when dir's files are exactly those committed there (only dir is
// compared, never the whole work tree).
func repoOf(dir string) (*gitSource, string) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return nil, ""
	}
	w, err := r.Worktree()
	if err != nil {
		return nil, ""
	}
	root := w.Filesystem.Root()
	rel, err := filepath.Rel(root, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, ""
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		rel = ""
	}
	head, err := r.Head()
	if err != nil {
		return nil, ""
	}
	c, err := r.CommitObject(head.Hash())
	if err != nil {
		return nil, ""
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, ""
	}
	if rel != "" {
		if tree, err = tree.Tree(rel); err != nil {
			return nil, ""
		}
	}
	// Every committed file must be on disk unchanged, and nothing more.
	committed := map[string]plumbing.Hash{}
	if err := tree.Files().ForEach(func(f *object.File) error {
		committed[f.Name] = f.Hash
		return nil
	}); err != nil {
		return nil, ""
	}
	n := 0
	same := true
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !same {
			return filepath.SkipAll
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		r, _ := filepath.Rel(dir, p)
		want, ok := committed[filepath.ToSlash(r)]
		n++
		if !ok || n > render.MaxFiles {
			same = false
			return filepath.SkipAll
		}
		data, err := os.ReadFile(p)
		if err != nil || plumbing.ComputeHash(plumbing.BlobObject, data) != want {
			same = false
			return filepath.SkipAll
		}
		return nil
	})
	if !same || n != len(committed) {
		return nil, ""
	}
	return &gitSource{dir: root, sub: rel}, head.Hash().String()
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

// all loads every available template: the platform's first, then the
// built-in ones whose name the platform does not use.
func (s *Service) all(ctx context.Context) ([]*loaded, error) {
	plat, _, err := s.platformTemplates(ctx)
	if err != nil {
		return nil, err
	}
	built, err := s.builtins()
	if err != nil {
		return nil, err
	}
	byName := map[string]*loaded{}
	var out []*loaded
	for _, l := range plat {
		if _, dup := byName[l.tpl.Metadata.Name]; dup {
			continue
		}
		byName[l.tpl.Metadata.Name] = l
		out = append(out, l)
	}
	for _, b := range built {
		if p, ok := byName[b.tpl.Metadata.Name]; ok {
			p.overrides = true
			continue
		}
		byName[b.tpl.Metadata.Name] = b
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].tpl.Metadata.Name < out[j].tpl.Metadata.Name })
	return out, nil
}

// find returns the template called name, or the template directory name
// when it is a path to one.
func (s *Service) find(ctx context.Context, name string) (*loaded, error) {
	if looksLikePath(name) {
		return s.fromDir(name)
	}
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		if l.tpl.Metadata.Name == name {
			return l, nil
		}
	}
	if st, err := os.Stat(filepath.Join(name, template.FileName)); err == nil && st.Mode().IsRegular() {
		return s.fromDir(name)
	}
	return nil, &NotFoundError{Name: name}
}

func looksLikePath(name string) bool {
	return strings.ContainsAny(name, `/\`) || name == "." || name == ".."
}

// fromDir loads a template directory named on the command line.
func (s *Service) fromDir(dir string) (*loaded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s is not a template directory", dir)
	}
	fsys := os.DirFS(abs)
	tpl, err := readTemplate(fsys, abs)
	if err != nil {
		return nil, err
	}
	ld := &loaded{tpl: tpl, fsys: fsys, source: SourceDir, display: abs}
	if err := s.versionDir(ld, abs); err != nil {
		return nil, err
	}
	return ld, nil
}

func (l *loaded) summary() TemplateSummary {
	m := l.tpl.Metadata
	ns := m.Namespace
	if ns == "" {
		ns = "default"
	}
	tags := m.Tags
	if tags == nil {
		tags = []string{}
	}
	return TemplateSummary{
		Name: m.Name, Title: l.tpl.Title(), Description: strings.TrimSpace(m.Description),
		Type: l.tpl.Spec.Type, Tags: tags, Owner: l.tpl.Spec.Owner,
		Source: l.source, Location: l.display, Version: l.version, Overrides: l.overrides,
		CatalogRef: "template:" + ns + "/" + m.Name,
	}
}

// ListOptions filters List (nothing yet: every template is listed).
type ListOptions struct{}

// List returns the golden paths, sorted by name.
func (s *Service) List(ctx context.Context, _ ListOptions) ([]TemplateSummary, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TemplateSummary, 0, len(all))
	for _, l := range all {
		out = append(out, l.summary())
	}
	return out, nil
}

// Get returns one golden path (a name, or a template directory) with its
// README and parameter pages.
func (s *Service) Get(ctx context.Context, name string) (TemplateDetail, error) {
	l, err := s.find(ctx, name)
	if err != nil {
		return TemplateDetail{}, err
	}
	d := TemplateDetail{TemplateSummary: l.summary(), Defaults: l.tpl.Defaults(), Required: l.tpl.Required()}
	if d.Required == nil {
		d.Required = []string{}
	}
	if b, err := readSmall(l.fsys, "README.md", 1<<20); err == nil {
		d.README = string(b)
	}
	d.Parameters = []ParameterPage{}
	for i, p := range l.tpl.Pages {
		js, ui := template.SplitUI(p)
		if _, set := ui["ui:order"]; !set && i < len(l.tpl.PropertyOrder) && len(l.tpl.PropertyOrder[i]) > 0 {
			// Keep the order the template writes its fields in ("*": any others).
			ui["ui:order"] = append(append([]string{}, l.tpl.PropertyOrder[i]...), "*")
		}
		title, _ := p["title"].(string)
		desc, _ := p["description"].(string)
		d.Parameters = append(d.Parameters, ParameterPage{Title: title, Description: desc, Schema: p, JSONSchema: js, UISchema: ui})
	}
	d.Steps = []StepInfo{}
	for _, st := range l.tpl.Spec.Steps {
		cond := ""
		if st.If != nil {
			cond = fmt.Sprint(st.If)
		}
		d.Steps = append(d.Steps, StepInfo{ID: st.ID, Name: st.Name, Action: st.Action, If: cond})
	}
	return d, nil
}

func readSmall(fsys fs.FS, name string, limit int64) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > limit {
		return nil, fmt.Errorf("%s is not a regular file of at most %d bytes", name, limit)
	}
	return fs.ReadFile(fsys, name)
}

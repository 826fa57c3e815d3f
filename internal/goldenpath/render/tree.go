package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Limits on templates and on what they produce.
const (
	// MaxTemplateFileBytes bounds one file read from a template.
	MaxTemplateFileBytes = 4 << 20
	// MaxTemplateBytes bounds everything read from one template.
	MaxTemplateBytes = 64 << 20
	// MaxTreeBytes bounds the files of a rendered tree.
	MaxTreeBytes = 128 << 20
	// MaxFiles bounds the number of files of a template or a tree.
	MaxFiles = 5000
)

// File is one file of a Tree.
type File struct {
	Data []byte
	// Exec marks an executable file (written 0755, else 0644).
	Exec bool
}

// Tree is a directory rendered in memory: slash paths to files.
type Tree struct {
	files map[string]*File
	bytes int64
}

// NewTree returns an empty tree.
func NewTree() *Tree { return &Tree{files: map[string]*File{}} }

// PathError is a path that would leave the output directory or write
// where a template must not.
type PathError struct {
	Path   string
	Reason string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("unsafe path %q: %s", e.Path, e.Reason)
}

// CleanPath checks a slash path a template produced and returns it clean.
// It must be relative, stay inside the output directory without climbing
// (no ".." at all), hold no backslash, NUL or colon (Windows drive letters
// and NTFS streams), and never enter a .git directory (its hooks would run
// code) under any name a file system takes for it: any case, with the
// trailing dots and spaces Windows drops, or its short name GIT~1.
func CleanPath(p string) (string, error) {
	switch {
	case p == "":
		return "", &PathError{p, "the path is empty"}
	case strings.ContainsAny(p, "\x00\\"):
		return "", &PathError{p, "it contains a backslash or NUL"}
	case strings.HasPrefix(p, "/"):
		return "", &PathError{p, "absolute paths are not allowed"}
	case strings.Contains(p, ":"):
		return "", &PathError{p, "a colon is not allowed (a drive letter or a Windows stream)"}
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", &PathError{p, `".." is not allowed: paths stay inside the output directory`}
		}
		if isGitDir(seg) {
			return "", &PathError{p, "templates may not write into .git"}
		}
	}
	c := path.Clean(p)
	if c == "." {
		return "", &PathError{p, "the path names the output directory itself"}
	}
	return c, nil
}

// isGitDir reports a path segment a file system may take for ".git".
func isGitDir(seg string) bool {
	s := strings.TrimRight(seg, ". ")
	return strings.EqualFold(s, ".git") || strings.EqualFold(s, "git~1")
}

// Put adds or replaces a file.
func (t *Tree) Put(p string, data []byte, exec bool) error {
	c, err := CleanPath(p)
	if err != nil {
		return err
	}
	if len(data) > MaxRenderedBytes {
		return fmt.Errorf("%s: %d bytes is more than the %d MiB a rendered file may have", c, len(data), MaxRenderedBytes>>20)
	}
	// A file may not sit where a directory is, or below a file.
	for dir := path.Dir(c); dir != "."; dir = path.Dir(dir) {
		if _, ok := t.files[dir]; ok {
			return fmt.Errorf("%s: %s is a file, not a directory", c, dir)
		}
	}
	prefix := c + "/"
	for q := range t.files {
		if strings.HasPrefix(q, prefix) {
			return fmt.Errorf("%s: it is a directory already (holds %s)", c, q)
		}
	}
	old := t.files[c]
	if old == nil && len(t.files) >= MaxFiles {
		return fmt.Errorf("more than %d files", MaxFiles)
	}
	n := t.bytes + int64(len(data))
	if old != nil {
		n -= int64(len(old.Data))
	}
	if n > MaxTreeBytes {
		return fmt.Errorf("the rendered files exceed %d MiB", MaxTreeBytes>>20)
	}
	t.bytes = n
	t.files[c] = &File{Data: data, Exec: exec}
	return nil
}

// Get returns the file at p, or nil.
func (t *Tree) Get(p string) *File { return t.files[path.Clean(p)] }

// Has reports whether p is a file or a directory of the tree.
func (t *Tree) Has(p string) bool {
	p = path.Clean(p)
	if _, ok := t.files[p]; ok {
		return true
	}
	for q := range t.files {
		if strings.HasPrefix(q, p+"/") {
			return true
		}
	}
	return false
}

// Delete removes the file p, or every file under the directory p; it
// returns how many files went.
func (t *Tree) Delete(p string) int {
	p = path.Clean(p)
	n := 0
	for q, f := range t.files {
		if q == p || strings.HasPrefix(q, p+"/") || p == "." {
			t.bytes -= int64(len(f.Data))
			delete(t.files, q)
			n++
		}
	}
	return n
}

// Rename moves the file or directory from to to. Without overwrite, an
// existing destination is an error.
func (t *Tree) Rename(from, to string, overwrite bool) error {
	from = path.Clean(from)
	cto, err := CleanPath(to)
	if err != nil {
		return err
	}
	moves := map[string]string{}
	for q := range t.files {
		switch {
		case q == from:
			moves[q] = cto
		case strings.HasPrefix(q, from+"/"):
			moves[q] = cto + strings.TrimPrefix(q, from)
		}
	}
	if len(moves) == 0 {
		return fmt.Errorf("%s does not exist", from)
	}
	if !overwrite && t.Has(cto) {
		return fmt.Errorf("%s exists already (set overwrite: true to replace it)", cto)
	}
	if overwrite {
		t.Delete(cto)
	}
	moved := map[string]*File{}
	for q := range moves {
		moved[q] = t.files[q]
		t.bytes -= int64(len(t.files[q].Data))
		delete(t.files, q)
	}
	for q, dst := range moves {
		if err := t.Put(dst, moved[q].Data, moved[q].Exec); err != nil {
			return err
		}
	}
	return nil
}

// Paths lists the files, sorted.
func (t *Tree) Paths() []string {
	return slices.Sorted(maps.Keys(t.files))
}

// Len is the number of files; Bytes their total size.
func (t *Tree) Len() int     { return len(t.files) }
func (t *Tree) Bytes() int64 { return t.bytes }

// Glob lists the files matching a doublestar pattern, sorted.
func (t *Tree) Glob(pattern string) ([]string, error) {
	if !doublestar.ValidatePattern(pattern) {
		return nil, fmt.Errorf("%q is not a valid glob pattern", pattern)
	}
	var out []string
	for _, p := range t.Paths() {
		if ok, _ := doublestar.Match(pattern, p); ok {
			out = append(out, p)
			continue
		}
		// A pattern naming a directory takes everything in it.
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			if ok, _ := doublestar.Match(pattern, dir); ok {
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}

// DirOptions tune RenderDir.
type DirOptions struct {
	// Values are the template's values (`${{ values.x }}`).
	Values map[string]any
	// TargetPath is the directory inside the tree to render into.
	TargetPath string
	// CopyWithoutRender globs: matching files are copied as they are, name
	// and content (Backstage's copyWithoutRender).
	CopyWithoutRender []string
	// CopyWithoutTemplating globs: matching files' content is copied as it
	// is, their names are rendered.
	CopyWithoutTemplating []string
	// TemplateFileExtension, when set (".njk"), restricts content rendering
	// to files with that extension, which is removed from their names.
	TemplateFileExtension string
	// Plain copies everything without rendering anything (fetch:plain).
	Plain bool
	// Replace overwrites files already in the tree; without it they are
	// kept (as Backstage does).
	Replace bool
	Options
}

// ReadBudget counts what is read from one template across RenderDir calls.
type ReadBudget struct{ bytes, files int64 }

// RenderDir renders the directory dir of fsys into t. Symbolic links and
// other special files are refused, names are rendered and checked with
// CleanPath, and reads are bounded by the limits above.
func RenderDir(fsys fs.FS, dir string, t *Tree, o DirOptions, budget *ReadBudget) error {
	return RenderDirContext(context.Background(), fsys, dir, t, o, budget)
}

// skeletonFile is one file of a skeleton on its way into the tree.
type skeletonFile struct {
	rel     string
	content []byte
	exec    bool
	// name is the rendered name ("" drops the file); body the content.
	name string
	body []byte
	// segs are the indexes of name segments to render; nameJobs and
	// bodyJob index the render requests (-1: none).
	segs     []int
	nameJobs []int
	bodyJob  int
}

// RenderDirContext is RenderDir, stopped when ctx is cancelled. The names
// of all files are rendered in one request to the render worker, then the
// contents in another; errors are reported for the first file, in walk
// order, that has one.
func RenderDirContext(ctx context.Context, fsys fs.FS, dir string, t *Tree, o DirOptions, budget *ReadBudget) error {
	if budget == nil {
		budget = &ReadBudget{}
	}
	target := ""
	if o.TargetPath != "" && o.TargetPath != "." {
		c, err := CleanPath(o.TargetPath)
		if err != nil {
			return fmt.Errorf("targetPath: %w", err)
		}
		target = c
	}
	data := map[string]any{"values": o.Values}
	if o.Syntax == Cookiecutter {
		data = map[string]any{"cookiecutter": o.Values}
	}
	files, err := readSkeleton(fsys, dir, budget)
	if err != nil {
		return err
	}
	// Names.
	var jobs []job
	for _, f := range files {
		f.name, f.bodyJob = f.rel, -1
		if o.Plain || matchAny(o.CopyWithoutRender, f.rel) {
			f.body = f.content
			continue
		}
		for i, seg := range strings.Split(f.rel, "/") {
			if !templatedName(seg, o.Options) {
				continue
			}
			f.segs = append(f.segs, i)
			f.nameJobs = append(f.nameJobs, len(jobs))
			jobs = append(jobs, job{Name: "the name " + f.rel, Src: seg, Opts: o.Options})
		}
	}
	names, err := runJobs(ctx, data, jobs)
	if err != nil {
		return err
	}
	// Contents.
	jobs = jobs[:0]
	for _, f := range files {
		if len(f.segs) > 0 {
			segs := strings.Split(f.rel, "/")
			for k, i := range f.segs {
				if names[f.nameJobs[k]].Err != nil {
					break // reported below, in walk order
				}
				segs[i] = strings.TrimSpace(names[f.nameJobs[k]].Text)
				if segs[i] == "" {
					// A name that renders empty (a conditional file) drops
					// the file.
					f.name = ""
					break
				}
			}
			if f.name != "" {
				f.name = strings.Join(segs, "/")
			}
		}
		if f.body != nil || f.name == "" {
			continue
		}
		render := !matchAny(o.CopyWithoutTemplating, f.rel) && !isBinary(f.content)
		if o.TemplateFileExtension != "" {
			if strings.HasSuffix(f.name, o.TemplateFileExtension) {
				f.name = strings.TrimSuffix(f.name, o.TemplateFileExtension)
			} else {
				render = false
			}
		}
		if !render || plainText(string(f.content), o.Options) {
			f.body = f.content
			continue
		}
		f.bodyJob = len(jobs)
		jobs = append(jobs, job{Name: f.rel, Src: string(f.content), Opts: o.Options})
	}
	bodies, err := runJobs(ctx, data, jobs)
	if err != nil {
		return err
	}
	// Into the tree, in walk order.
	for _, f := range files {
		for _, j := range f.nameJobs {
			if _, err := names[j].text(); err != nil {
				return err
			}
		}
		if f.name == "" {
			continue
		}
		if f.bodyJob >= 0 {
			out, err := bodies[f.bodyJob].text()
			if err != nil {
				return err
			}
			f.body = []byte(out)
		}
		// The rendered name on its own must be a path inside the target
		// ("/", "", "." or "a/.." would be the target directory itself).
		name, err := CleanPath(f.name)
		if err != nil {
			return fmt.Errorf("%s: the file name renders to %q: %w", f.rel, f.name, err)
		}
		if target != "" {
			name = target + "/" + name
		}
		clean, err := CleanPath(name)
		if err != nil {
			return fmt.Errorf("%s: %w", f.rel, err)
		}
		if t.Get(clean) != nil && !o.Replace {
			continue
		}
		if err := t.Put(clean, f.body, f.exec); err != nil {
			return err
		}
	}
	return nil
}

// templatedName reports a name segment that is rendered: one with an
// expression or a block tag.
func templatedName(seg string, o Options) bool {
	start := "${{"
	if o.Syntax == Cookiecutter {
		start = "{{"
	}
	return strings.Contains(seg, start) || strings.Contains(seg, "{%")
}

// runJobs renders jobs in one request (none: no request).
func runJobs(ctx context.Context, data map[string]any, jobs []job) ([]result, error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	return defaultSandbox().run(ctx, data, jobs)
}

// readSkeleton reads the regular files under dir, within the budget.
func readSkeleton(fsys fs.FS, dir string, budget *ReadBudget) ([]*skeletonFile, error) {
	var files []*skeletonFile
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
		if d.Type()&fs.ModeSymlink != 0 {
			return &PathError{rel, "templates may not contain symbolic links"}
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return &PathError{rel, "templates may only contain regular files and directories"}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > MaxTemplateFileBytes {
			return fmt.Errorf("%s: %d bytes is more than the %d MiB a template file may have", rel, info.Size(), MaxTemplateFileBytes>>20)
		}
		budget.bytes += info.Size()
		budget.files++
		if budget.bytes > MaxTemplateBytes || budget.files > MaxFiles {
			return fmt.Errorf("the template is larger than %d MiB or %d files", MaxTemplateBytes>>20, MaxFiles)
		}
		content, err := readLimited(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, &skeletonFile{rel: rel, content: content, exec: info.Mode()&0o111 != 0})
		return nil
	})
	return files, err
}

func readLimited(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxTemplateFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxTemplateFileBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB", p, MaxTemplateFileBytes>>20)
	}
	return b, nil
}

func matchAny(globs []string, p string) bool {
	for _, g := range globs {
		g = strings.TrimPrefix(g, "./")
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
		if ok, _ := doublestar.Match(strings.TrimSuffix(g, "/")+"/**", p); ok {
			return true
		}
	}
	return false
}

// isBinary reports content that is not text (it has a NUL byte early on).
func isBinary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	return bytes.IndexByte(b, 0) >= 0
}

// IsBinary reports whether data looks binary (for previews).
func IsBinary(data []byte) bool { return isBinary(data) }

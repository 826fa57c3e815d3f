package actions

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/paved-dev/paved/internal/goldenpath/render"
)

func init() {
	register(&Action{Name: "fetch:template", Run: fetchTemplate})
	register(&Action{Name: "fetch:plain", Run: fetchPlain})
	register(&Action{Name: "fetch:plain:file", Run: fetchPlainFile})
	register(&Action{Name: "fs:rename", Run: fsRename})
	register(&Action{Name: "fs:delete", Run: fsDelete})
	register(&Action{Name: "debug:log", Run: debugLog})
}

// fetchTemplate renders a skeleton directory of the template
// (Backstage's fetch:template).
func fetchTemplate(c *Context, in Input) (map[string]any, error) {
	url, err := in.String("url")
	if err != nil {
		return nil, err
	}
	dir, err := templatePath(url)
	if err != nil {
		return nil, err
	}
	o := render.DirOptions{}
	if o.TargetPath, err = in.String("targetPath"); err != nil {
		return nil, err
	}
	if o.Values, err = in.Map("values"); err != nil {
		return nil, err
	}
	if o.CopyWithoutRender, err = in.Strings("copyWithoutRender"); err != nil {
		return nil, err
	}
	if o.CopyWithoutTemplating, err = in.Strings("copyWithoutTemplating"); err != nil {
		return nil, err
	}
	if len(o.CopyWithoutRender) > 0 && len(o.CopyWithoutTemplating) > 0 {
		return nil, fmt.Errorf("copyWithoutRender and copyWithoutTemplating cannot both be set")
	}
	cookie, err := in.Bool("cookiecutterCompat")
	if err != nil {
		return nil, err
	}
	if cookie {
		o.Syntax = render.Cookiecutter
	}
	switch ext := in["templateFileExtension"].(type) {
	case nil, bool:
		if ext == true {
			o.TemplateFileExtension = ".njk"
		}
	case string:
		if ext != "" && !strings.HasPrefix(ext, ".") {
			ext = "." + ext
		}
		o.TemplateFileExtension = ext
	default:
		return nil, fmt.Errorf("input templateFileExtension must be true or an extension such as .njk")
	}
	if o.Replace, err = in.Bool("replace"); err != nil {
		return nil, err
	}
	if o.TrimBlocks, err = in.Bool("trimBlocks"); err != nil {
		return nil, err
	}
	if o.LStripBlocks, err = in.Bool("lstripBlocks"); err != nil {
		return nil, err
	}
	if err := requireDir(c.TemplateFS, dir, url); err != nil {
		return nil, err
	}
	return nil, render.RenderDirContext(c.context(), c.TemplateFS, dir, c.Tree, o, c.Budget)
}

func requireDir(fsys fs.FS, dir, url string) error {
	st, err := fs.Stat(fsys, dir)
	if err != nil {
		return fmt.Errorf("url %q: no such directory in the template", url)
	}
	if !st.IsDir() {
		return fmt.Errorf("url %q is a file: fetch it with fetch:plain:file", url)
	}
	return nil
}

// fetchPlain copies a directory of the template as it is.
func fetchPlain(c *Context, in Input) (map[string]any, error) {
	url, err := in.String("url")
	if err != nil {
		return nil, err
	}
	dir, err := templatePath(url)
	if err != nil {
		return nil, err
	}
	target, err := in.String("targetPath")
	if err != nil {
		return nil, err
	}
	if err := requireDir(c.TemplateFS, dir, url); err != nil {
		return nil, err
	}
	return nil, render.RenderDirContext(c.context(), c.TemplateFS, dir, c.Tree, render.DirOptions{Plain: true, TargetPath: target, Replace: true}, c.Budget)
}

// fetchPlainFile copies one file of the template to targetPath.
func fetchPlainFile(c *Context, in Input) (map[string]any, error) {
	url, err := in.String("url")
	if err != nil {
		return nil, err
	}
	src, err := templatePath(url)
	if err != nil {
		return nil, err
	}
	target, err := in.String("targetPath")
	if err != nil {
		return nil, err
	}
	if target == "" {
		return nil, fmt.Errorf("input targetPath is required")
	}
	tmp := render.NewTree()
	dir, base := path.Dir(src), path.Base(src)
	sub, err := fs.Sub(c.TemplateFS, dir)
	if err != nil {
		return nil, err
	}
	st, err := fs.Lstat(sub, base)
	if err != nil || st.IsDir() {
		return nil, fmt.Errorf("url %q: no such file in the template", url)
	}
	if err := render.RenderDirContext(c.context(), onlyFile{sub, base}, ".", tmp, render.DirOptions{Plain: true}, c.Budget); err != nil {
		return nil, err
	}
	f := tmp.Get(base)
	if f == nil {
		return nil, fmt.Errorf("url %q: no such file in the template", url)
	}
	return nil, c.Tree.Put(target, f.Data, f.Exec)
}

// onlyFile shows one file of a directory.
type onlyFile struct {
	fs.FS
	name string
}

func (o onlyFile) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(o.FS, name)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if e.Name() == o.name {
			return []fs.DirEntry{e}, nil
		}
	}
	return nil, nil
}

// fsRename moves files of the output (Backstage's fs:rename).
func fsRename(c *Context, in Input) (map[string]any, error) {
	files, ok := in["files"].([]any)
	if !ok {
		return nil, fmt.Errorf("input files must be a list of {from, to, overwrite}")
	}
	for i, x := range files {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("files[%d] must be {from, to, overwrite}", i)
		}
		fi := Input(m)
		from, err := fi.String("from")
		if err != nil {
			return nil, err
		}
		to, err := fi.String("to")
		if err != nil {
			return nil, err
		}
		overwrite, err := fi.Bool("overwrite")
		if err != nil {
			return nil, err
		}
		if from == "" || to == "" {
			return nil, fmt.Errorf("files[%d]: from and to are required", i)
		}
		cfrom, err := render.CleanPath(from)
		if err != nil {
			return nil, fmt.Errorf("files[%d].from: %w", i, err)
		}
		if err := c.Tree.Rename(cfrom, to, overwrite); err != nil {
			return nil, fmt.Errorf("files[%d]: %w", i, err)
		}
	}
	return nil, nil
}

// fsDelete removes files of the output; entries may be globs.
func fsDelete(c *Context, in Input) (map[string]any, error) {
	files, err := in.Strings("files")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		p := strings.TrimPrefix(f, "./")
		if strings.ContainsAny(p, "*?[{") {
			if strings.HasPrefix(p, "/") || strings.Contains(p, "..") {
				return nil, &render.PathError{Path: f, Reason: "globs must stay inside the output directory"}
			}
			matches, err := c.Tree.Glob(p)
			if err != nil {
				return nil, err
			}
			for _, m := range matches {
				c.Tree.Delete(m)
			}
			continue
		}
		cp, err := render.CleanPath(p)
		if err != nil {
			return nil, err
		}
		c.Tree.Delete(cp)
	}
	return nil, nil
}

// debugLog writes a message (and optionally the workspace's files).
func debugLog(c *Context, in Input) (map[string]any, error) {
	msg, err := in.String("message")
	if err != nil {
		return nil, err
	}
	if msg != "" {
		c.Log(msg)
	}
	list, _ := in.Bool("listWorkspace")
	if list || in["listWorkspace"] == "with-filenames" {
		c.Log("workspace: " + strings.Join(c.Tree.Paths(), ", "))
	}
	return nil, nil
}

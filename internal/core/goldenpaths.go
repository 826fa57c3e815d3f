package core

import (
	"bytes"
	"io/fs"
	"path"
	"slices"
	"testing/fstest"
	"time"
)

// demoTemplates is the demo catalog's template file.
const demoTemplates = "catalog/templates/go-service.yaml"

// demoWithGoldenPaths returns the demo platform with the built-in golden
// paths as its catalog's Template entities: the demo's sample template file
// is served as the built-in templates' template.yaml documents, so the
// templates the gallery offers are the ones the catalog shows. (Real
// platforms list their own templates in their catalog, as Backstage does.)
func demoWithGoldenPaths(demoFS, builtin fs.FS) fs.FS {
	out := fstest.MapFS{}
	err := fs.WalkDir(demoFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(demoFS, p)
		if err != nil {
			return err
		}
		out[p] = &fstest.MapFile{Data: data, Mode: 0o444}
		return nil
	})
	if err != nil {
		return demoFS
	}
	dirs, err := fs.ReadDir(builtin, ".")
	if err != nil {
		return demoFS
	}
	var names []string
	for _, d := range dirs {
		if d.IsDir() {
			names = append(names, d.Name())
		}
	}
	slices.Sort(names)
	var b bytes.Buffer
	b.WriteString("# The golden paths built into Paved (goldenpaths/), one document each.\n")
	for _, n := range names {
		data, err := fs.ReadFile(builtin, path.Join(n, "template.yaml"))
		if err != nil {
			continue
		}
		b.WriteString("---\n")
		b.Write(data)
	}
	out[demoTemplates] = &fstest.MapFile{Data: b.Bytes(), Mode: 0o444, ModTime: time.Time{}}
	return out
}

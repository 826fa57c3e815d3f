package goldenpath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/goldenpath/library"
	"github.com/paved-dev/paved/internal/problem"
)

// renderTrailer marks a commit whose tree is exactly a template's render
// (the scaffold's first commit, the template side of an update's merge).
func renderTrailer(name, version string) string {
	return "Paved-Render: " + name + "@" + version
}

// ReadRecord reads .paved/template.yaml in dir.
func ReadRecord(dir string) (*Recorded, error) {
	file := filepath.Join(dir, filepath.FromSlash(RecordFile))
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, problem.Wrap(problem.NotFound, fmt.Sprintf("%s has no %s: it was not made from a golden path (or not by Paved)", dir, RecordFile), err)
	}
	if err != nil {
		return nil, err
	}
	var rec Recorded
	if err := yaml.Unmarshal(data, &rec); err != nil {
		return nil, problem.Invalidf(fmt.Sprintf("%s cannot be read", file), problem.Problem{File: file, Message: err.Error(), Fix: "restore it from git history"})
	}
	var missing problem.List
	for _, f := range []struct{ name, v string }{{"template", rec.Template}, {"location", rec.Location}, {"version", rec.Version}} {
		if f.v == "" {
			missing = append(missing, problem.Problem{File: file, Field: f.name, Message: "is required", Fix: "restore it from git history"})
		}
	}
	if len(missing) > 0 {
		return nil, problem.Invalidf(fmt.Sprintf("%s: template, location and version are required", file), missing...)
	}
	if _, err := library.ParseLocation(rec.Location); err != nil {
		return nil, problem.Invalidf(fmt.Sprintf("%s cannot be read", file), problem.Problem{File: file, Field: "location", Message: err.Error(), Fix: "restore it from git history"})
	}
	if rec.Answers == nil {
		rec.Answers = map[string]any{}
	}
	return &rec, nil
}

// location is the record's location (ReadRecord checked it).
func (r *Recorded) location() library.Location {
	l, _ := library.ParseLocation(r.Location)
	return l
}

func marshalRecord(rec Recorded) ([]byte, error) {
	b, err := yaml.Marshal(rec)
	if err != nil {
		return nil, err
	}
	head := "# Written by Paved: the golden path this repository was made from, for\n# `paved template status` and `paved template update`. Do not edit.\n"
	return append([]byte(head), b...), nil
}

// Package goldenpath is the golden-path capability: it lists the templates
// a developer can start from (the platform repository's and the ones built
// into Paved), scaffolds a new repository from one (rendered in memory,
// written to a temporary directory beside the target and renamed into
// place, committed with the user's git identity, optionally pushed, and
// registered in the local catalog), records which template version and
// answers made it (.paved/template.yaml), and later brings it up to date
// with a three-way merge on a new branch. Its API (operations, options,
// results) is api.go.
//
// Subpackages, one job each: library (where a template comes from, at which
// version), template (template.yaml and its parameters), render (the
// Nunjucks-compatible engine and the in-memory tree), actions (the
// scaffolder actions), merge (three-way merge of files and trees), gitwork
// (commits and pushes in working repositories).
//
// Rules:
//   - Templates are untrusted: nothing is written outside the output
//     directory, nothing is executed, sizes are bounded, and a failed
//     scaffold leaves nothing behind.
//   - An unknown action or invalid values fail before anything is written.
//   - A value never steers where a repository is created: the default
//     output folder is one plain folder name inside its parent
//     (DefaultOutDir), or the scaffold is refused.
//   - Every scaffold and update is an audit entry; recorded answers never
//     hold secrets.
//   - go-git stays in gitwork and gitrepo; where templates come from stays
//     in library.
package goldenpath

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/paved-dev/paved/internal/goldenpath/library"
	"github.com/paved-dev/paved/internal/goldenpath/template"
)

func summary(t *library.Template) TemplateSummary {
	m := t.Spec.Metadata
	ns := m.Namespace
	if ns == "" {
		ns = "default"
	}
	tags := m.Tags
	if tags == nil {
		tags = []string{}
	}
	return TemplateSummary{
		Name: m.Name, Title: t.Spec.Title(), Description: strings.TrimSpace(m.Description),
		Type: t.Spec.Spec.Type, Tags: tags, Owner: t.Spec.Spec.Owner,
		Source: t.Source, Location: t.Display, Version: t.Version, Overrides: t.Overrides,
		CatalogRef: "template:" + ns + "/" + m.Name,
	}
}

// List returns the golden paths, sorted by name.
func (s *Service) List(ctx context.Context, _ ListOptions) ([]TemplateSummary, error) {
	all, err := s.lib.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TemplateSummary, 0, len(all))
	for _, t := range all {
		out = append(out, summary(t))
	}
	return out, nil
}

// Get returns one golden path (a name, or a template directory) with its
// README and parameter pages.
func (s *Service) Get(ctx context.Context, name string) (TemplateDetail, error) {
	t, err := s.lib.Find(ctx, name)
	if err != nil {
		return TemplateDetail{}, err
	}
	d := TemplateDetail{TemplateSummary: summary(t), Defaults: t.Spec.Defaults(), Required: t.Spec.Required()}
	if d.Required == nil {
		d.Required = []string{}
	}
	if b, err := readSmall(t.FS, "README.md", 1<<20); err == nil {
		d.README = string(b)
	}
	d.Parameters = []ParameterPage{}
	for i, p := range t.Spec.Pages {
		js, ui := template.SplitUI(p)
		if _, set := ui["ui:order"]; !set && i < len(t.Spec.PropertyOrder) && len(t.Spec.PropertyOrder[i]) > 0 {
			// Keep the order the template writes its fields in ("*": any others).
			ui["ui:order"] = append(append([]string{}, t.Spec.PropertyOrder[i]...), "*")
		}
		title, _ := p["title"].(string)
		desc, _ := p["description"].(string)
		d.Parameters = append(d.Parameters, ParameterPage{Title: title, Description: desc, Schema: p, JSONSchema: js, UISchema: ui})
	}
	d.Steps = []StepInfo{}
	for _, st := range t.Spec.Spec.Steps {
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

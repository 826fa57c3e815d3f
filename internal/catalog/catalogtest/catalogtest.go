// Package catalogtest holds test helpers over Paved's real catalog model:
// it reads a catalog snapshot with source.Walk, the way a sync does, and
// indexes what it decoded with package model, so that tests assert on the
// real entities, references and relations instead of parsing descriptors
// themselves.
//
// It is imported by tests only.
package catalogtest

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/catalog/source"
)

// Entity is one valid entity of a Tree and the file that defines it.
type Entity struct {
	*model.Entity
	// File is the descriptor's slash path inside the snapshot.
	File string
}

// Key is the entity's identity (model.Ref.Key).
func (e Entity) Key() string { return e.Ref().Key() }

// Where names the entity for messages: "file:line: kind:namespace/name".
func (e Entity) Where() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Ref())
}

// LowerKind is the entity's kind in lower case ("component", "api", ...).
func (e Entity) LowerKind() string { return strings.ToLower(e.Kind) }

// AsWritten decodes the entity's own YAML again without resolving its
// $text/$json/$yaml placeholders, so a test can see which fields were
// written as placeholders (source.Walk has substituted them in e.Spec).
func (e Entity) AsWritten() (*model.Entity, error) {
	docs, err := model.Decode([]byte(e.RawYAML))
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 || docs[0].Entity == nil {
		return nil, fmt.Errorf("%s: re-decoding the entity gave %d documents: %v", e.Where(), len(docs), docs)
	}
	return docs[0].Entity, nil
}

// edge is one relation of the tree: from declares a relation of typ.
type edge struct {
	from Entity
	typ  string
}

// Tree is everything a walk of one snapshot reached.
type Tree struct {
	// Entities are the valid entities, by file (sorted) then document order.
	Entities []Entity
	// ByKey indexes Entities by model.Ref.Key.
	ByKey map[string]Entity
	// Files are the descriptor files reached from the root, sorted.
	Files []string
	// Documents are each reached file's documents, rejected ones included.
	Documents map[string][]model.Document
	// Targets are each reached file's Location targets, resolved to
	// snapshot paths (or glob patterns), in the order written.
	Targets map[string][]string
	// Deps are the files read for $text/$json/$yaml placeholders, sorted.
	Deps []string
	// Problems are everything wrong, as "file:line: message": files that do
	// not decode, documents the model rejects, unresolvable placeholders,
	// missing or escaping Location targets, and entities defined twice.
	Problems []string

	incoming map[string][]edge
}

// Load walks snap from its root catalog-info.yaml, following Location
// targets, and returns what it reached. It fails the test only when the
// walk cannot start (no root file); everything else is in Tree.Problems.
func Load(t testing.TB, snap source.Snapshot) *Tree {
	t.Helper()
	res, err := source.Walk(context.Background(), snap, source.Options{})
	if err != nil {
		t.Fatalf("catalogtest: walking the snapshot: %v", err)
	}
	tr := &Tree{
		ByKey:     map[string]Entity{},
		Files:     res.Reached,
		Documents: map[string][]model.Document{},
		Targets:   res.Targets,
		incoming:  map[string][]edge{},
	}
	deps := map[string]bool{}
	for _, f := range res.Read {
		tr.Documents[f.Path] = f.Docs
		for _, p := range f.Problems {
			tr.Problems = append(tr.Problems, p.String())
		}
		for d := range f.Deps {
			deps[d] = true
		}
		for _, d := range f.Docs {
			if d.Entity == nil {
				continue
			}
			e := Entity{Entity: d.Entity, File: f.Path}
			if first, dup := tr.ByKey[e.Key()]; dup {
				tr.Problems = append(tr.Problems, fmt.Sprintf("%s:%d: %s is already defined at %s:%d", e.File, e.Line, e.Ref(), first.File, first.Line))
				continue
			}
			tr.ByKey[e.Key()] = e
			tr.Entities = append(tr.Entities, e)
		}
	}
	for _, p := range res.Problems {
		tr.Problems = append(tr.Problems, p.String())
	}
	tr.Deps = slices.Sorted(maps.Keys(deps))
	for _, e := range tr.Entities {
		for _, r := range e.Relations {
			k := r.Target.Key()
			tr.incoming[k] = append(tr.incoming[k], edge{from: e, typ: r.Type})
		}
	}
	return tr
}

// LoadDir is Load over the directory dir (source.OpenDir), closed when the
// test ends.
func LoadDir(t testing.TB, dir string) *Tree {
	t.Helper()
	d, err := source.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	return Load(t, d)
}

// LoadFS is Load over an fs.FS such as an embed.FS (source.Embedded).
func LoadFS(t testing.TB, fsys fs.FS) *Tree {
	t.Helper()
	return Load(t, source.Embedded{FS: fsys})
}

// ReportProblems fails the test with every problem of the tree.
func (tr *Tree) ReportProblems(t testing.TB) {
	t.Helper()
	for _, p := range tr.Problems {
		t.Error(p)
	}
}

// Get returns the entity a reference denotes, if the tree defines it.
func (tr *Tree) Get(r model.Ref) (Entity, bool) {
	e, ok := tr.ByKey[r.Key()]
	return e, ok
}

// Related returns the relations of type relType that e declares, with
// their targets; a target the tree does not define has ok false.
func (tr *Tree) Related(e Entity, relType string) []Target {
	var out []Target
	for _, r := range e.Relations {
		if r.Type != relType {
			continue
		}
		te, ok := tr.Get(r.Target)
		out = append(out, Target{Ref: r.Target, Entity: te, OK: ok})
	}
	return out
}

// Target is the far end of a relation.
type Target struct {
	Ref    model.Ref
	Entity Entity // zero unless OK
	OK     bool   // the tree defines Ref
}

// Incoming returns the entities that declare a relation of type relType
// to e, in tree order.
func (tr *Tree) Incoming(e Entity, relType string) []Entity {
	var out []Entity
	for _, ed := range tr.incoming[e.Key()] {
		if ed.typ == relType {
			out = append(out, ed.from)
		}
	}
	return out
}

// DanglingRelations lists, as "file:line: kind:ns/name relType target",
// every relation whose target the tree does not define. Targets are
// resolved with Backstage's default kinds, as the model does.
func (tr *Tree) DanglingRelations() []string {
	var out []string
	for _, e := range tr.Entities {
		for _, r := range e.Relations {
			if _, ok := tr.Get(r.Target); !ok {
				out = append(out, fmt.Sprintf("%s %s %s: not defined in the catalog", e.Where(), r.Type, r.Target))
			}
		}
	}
	return out
}

// Asymmetric lists every relation of type relType (between entities the
// tree defines) whose target does not declare the inverse relation
// (model.Inverse) back, e.g. a group's childOf its parent without the
// parent's parentOf the group.
func (tr *Tree) Asymmetric(relType string) []string {
	inv := model.Inverse(relType)
	var out []string
	for _, e := range tr.Entities {
		for _, t := range tr.Related(e, relType) {
			if !t.OK {
				continue
			}
			back := false
			for _, r := range t.Entity.Relations {
				back = back || r.Type == inv && r.Target.Key() == e.Key()
			}
			if !back {
				out = append(out, fmt.Sprintf("%s %s %s, but %s does not declare %s it", e.Where(), relType, t.Ref, t.Entity.Where(), inv))
			}
		}
	}
	return out
}

// CountByKind counts the entities per lower-case kind.
func (tr *Tree) CountByKind() map[string]int {
	out := map[string]int{}
	for _, e := range tr.Entities {
		out[e.LowerKind()]++
	}
	return out
}

// OfKind returns the entities of a kind (compared case-insensitively).
func (tr *Tree) OfKind(kind string) []Entity {
	var out []Entity
	for _, e := range tr.Entities {
		if strings.EqualFold(e.Kind, kind) {
			out = append(out, e)
		}
	}
	return out
}

// FilesNotReached lists the files of fsys matching the doublestar pattern
// (e.g. "**/*.yaml") that are neither a descriptor reached from the root
// nor read for a placeholder. fsys must be the snapshot the tree was
// loaded from.
func (tr *Tree) FilesNotReached(fsys fs.FS, pattern string) ([]string, error) {
	matches, err := doublestar.Glob(fsys, pattern, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, f := range tr.Files {
		known[f] = true
	}
	for _, f := range tr.Deps {
		known[f] = true
	}
	var out []string
	for _, m := range matches {
		if !known[path.Clean(m)] {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Rules says, per lower-case kind, which relation types its entities may
// declare and the lower-case kinds each relation may point at, e.g.
// {"component": {model.RelOwnedBy: {"group"}}}.
type Rules map[string]map[string][]string

// TeamOwnedRules are the rules of an organisation where teams (groups) own
// everything: the relations each kind may declare from its spec fields with
// Backstage's default kinds (spec.dependsOn names its kind). It returns a
// fresh copy that a caller may adjust.
func TeamOwnedRules() Rules {
	return Rules{
		"component": {
			model.RelOwnedBy:     {"group"},
			model.RelPartOf:      {"system", "component"}, // spec.system, spec.subcomponentOf
			model.RelProvidesAPI: {"api"},
			model.RelConsumesAPI: {"api"},
			model.RelDependsOn:   {"component", "resource"},
		},
		"api":      {model.RelOwnedBy: {"group"}, model.RelPartOf: {"system"}},
		"resource": {model.RelOwnedBy: {"group"}, model.RelPartOf: {"system"}, model.RelDependsOn: {"component", "resource"}},
		"system":   {model.RelOwnedBy: {"group"}, model.RelPartOf: {"domain"}},
		"domain":   {model.RelOwnedBy: {"group"}},
		"group":    {model.RelChildOf: {"group"}, model.RelParentOf: {"group"}, model.RelHasMember: {"user"}},
		"user":     {model.RelMemberOf: {"group"}},
	}
}

// WrongTargetKinds lists every relation that rules do not allow: a
// relation type the entity's kind may not declare, or a target of a kind
// the relation may not point at.
func (tr *Tree) WrongTargetKinds(rules Rules) []string {
	var out []string
	for _, e := range tr.Entities {
		for _, r := range e.Relations {
			allowed, ok := rules[e.LowerKind()][r.Type]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s: a %s may not declare %s (%s)", e.Where(), e.Kind, r.Type, r.Target))
			case !slices.Contains(allowed, strings.ToLower(r.Target.Kind)):
				out = append(out, fmt.Sprintf("%s %s %s: target kind must be one of %v", e.Where(), r.Type, r.Target, allowed))
			}
		}
	}
	return out
}

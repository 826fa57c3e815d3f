package model

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
)

// addFixtures seeds f with every descriptor fixture of the package.
func addFixtures(f *testing.F) {
	for _, dir := range []string{"valid", "invalid", "bench"} {
		paths, err := filepath.Glob(filepath.Join(fixtureDir, dir, "*.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// FuzzDecode feeds Decode arbitrary bytes: it must never panic, and what it
// returns must keep its contract: either a rejection of the whole file (one
// problem, no documents) or documents that each hold an entity or the
// problems that rejected it, within the limits, with lines inside the file.
func FuzzDecode(f *testing.F) {
	addFixtures(f)
	for _, s := range []string{
		"", "---\n", "a: [1, 2\n", "kind: Group\n\tname: x\n", "a: &x [*x]\n",
		"a: &a [&b [&c [1, 2], *c], *b]\nb: *a\n", "<<: {a: 1}\n", "--- !tag\n{a: 1}\n...\n",
		billionLaughs(4, 10), entityYAML("x") + "---\n" + entityYAML("x"),
		"\xEF\xBB\xBF" + entityYAML("bom"), "kind: Group\nmetadata: {name: \xff}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Decode(data)
		lines := bytes.Count(data, []byte("\n")) + 1
		if err != nil {
			var l problem.List
			if !errors.As(err, &l) || len(l) != 1 || docs != nil {
				t.Fatalf("rejection = %v (%T) with %d documents; want one problem and none", err, err, len(docs))
			}
			if l[0].Line < 0 || l[0].Line > lines || l[0].Message == "" {
				t.Fatalf("rejection at line %d of %d: %q", l[0].Line, lines, l[0].Message)
			}
			return
		}
		if len(docs) > lines {
			t.Fatalf("%d documents from %d lines", len(docs), lines)
		}
		for i, d := range docs {
			if d.Index != i || d.Line < 1 || d.Line > lines {
				t.Fatalf("document %d: index %d, line %d of %d", i, d.Index, d.Line, lines)
			}
			if (d.Entity == nil) == (len(d.Problems) == 0) {
				t.Fatalf("document %d: entity %v with %d problems", i, d.Entity != nil, len(d.Problems))
			}
			if len(d.Problems) > MaxProblems+1 {
				t.Fatalf("document %d: %d problems, over the cap", i, len(d.Problems))
			}
			for _, p := range d.Problems {
				if p.Line < 0 || p.Line > lines || p.Message == "" || p.File != "" {
					t.Fatalf("document %d: problem %+v (file has %d lines)", i, p, lines)
				}
			}
			if e := d.Entity; e != nil {
				if !strings.Contains(string(data), e.RawYAML) {
					t.Fatalf("document %d: RawYAML is not text of the file", i)
				}
				// A valid entity's own ref is a valid ref.
				if r, err := ParseRef(e.Ref().String(), RefDefaults{}); err != nil || r.Key() != e.Ref().Key() {
					t.Fatalf("document %d: own ref %s does not parse back: %v", i, e.Ref(), err)
				}
			}
		}
	})
}

// FuzzRefRoundTrip: whatever ParseRef accepts, its string form parses back
// to the same reference, and formatting is stable.
func FuzzRefRoundTrip(f *testing.F) {
	for _, s := range []string{
		"payments-api", "component:payments-api", "group:default/team-a", "Component:Default/Payments_API",
		"api:ns/name", "user:a.b", "resource:my-ns/db-1", "x:y/z", "a/b", ":x", "k:", "k:/n", "/n", "k:ns/",
		"component:default/a:b", "ns/k:name", "kind:ns/na/me", "KIND:NS/NAME", "a" + strings.Repeat("b", 70),
	} {
		f.Add(s, "")
		f.Add(s, "Group")
	}
	f.Fuzz(func(t *testing.T, s, defKind string) {
		r, err := ParseRef(s, RefDefaults{Kind: defKind})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		back, err := ParseRef(r.String(), RefDefaults{})
		if err != nil {
			t.Fatalf("ParseRef(%q) = %+v, but its string %q does not parse: %v", s, r, r.String(), err)
		}
		if back.Key() != r.Key() || back.Namespace != r.Namespace || back.Name != r.Name || !strings.EqualFold(back.Kind, r.Kind) {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v", s, r, r.String(), back)
		}
		if back.String() != r.String() {
			t.Fatalf("format is not stable: %q then %q", r.String(), back.String())
		}
	})
}

package merge

import (
	"reflect"
	"strings"
	"testing"
)

var labels = Labels{Ours: "yours", Theirs: "template v2"}

func lines(s ...string) []byte { return []byte(strings.Join(s, "\n") + "\n") }

func TestTextTakesChangesFromEitherSide(t *testing.T) {
	base := lines("a", "b", "c", "d", "e", "f", "g")
	ours := lines("a", "B (yours)", "c", "d", "e", "f", "g")
	theirs := lines("a", "b", "c", "d", "e", "F (template)", "g", "h")
	out, n := Text(base, ours, theirs, labels)
	want := lines("a", "B (yours)", "c", "d", "e", "F (template)", "g", "h")
	if n != 0 || string(out) != string(want) {
		t.Fatalf("merge = %d conflicts\n%s", n, out)
	}
}

func TestTextConflictsWhereBothSidesChangeTheSameLines(t *testing.T) {
	base := lines("a", "b", "c")
	ours := lines("a", "mine", "c")
	theirs := lines("a", "template's", "c")
	out, n := Text(base, ours, theirs, labels)
	want := "a\n<<<<<<< yours\nmine\n=======\ntemplate's\n>>>>>>> template v2\nc\n"
	if n != 1 || string(out) != want {
		t.Fatalf("merge = %d conflicts\n%s", n, out)
	}
}

func TestTextIdenticalChangesOnBothSidesAreNoConflict(t *testing.T) {
	base := lines("a", "b", "c")
	same := lines("a", "x", "c")
	out, n := Text(base, same, same, labels)
	if n != 0 || string(out) != string(same) {
		t.Fatalf("merge = %d conflicts\n%s", n, out)
	}
}

func TestTextInsertionsAtTheSamePlaceConflict(t *testing.T) {
	base := lines("a", "b")
	ours := lines("a", "ours", "b")
	theirs := lines("a", "theirs", "b")
	if out, n := Text(base, ours, theirs, labels); n != 1 || !strings.Contains(string(out), "<<<<<<< yours\nours\n=======\ntheirs\n>>>>>>> template v2\n") {
		t.Fatalf("merge = %d conflicts\n%s", n, out)
	}
}

func TestTextWithoutTrailingNewlineKeepsMarkersOnTheirOwnLines(t *testing.T) {
	out, n := Text([]byte("a\nb"), []byte("a\nmine"), []byte("a\ntheirs"), labels)
	if n != 1 || string(out) != "a\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> template v2\n" {
		t.Fatalf("merge = %d conflicts\n%q", n, out)
	}
}

func TestFileOutcomes(t *testing.T) {
	b, o, x := []byte("base\n"), []byte("ours\n"), []byte("theirs\n")
	cases := []struct {
		name               string
		base, ours, theirs []byte
		want               Outcome
		conflict           bool
	}{
		{"template unchanged", b, o, b, Keep, false},
		{"service unchanged", b, b, x, Write, false},
		{"added by the template", nil, nil, x, Write, false},
		{"deleted by the template, untouched", b, b, nil, Remove, false},
		{"deleted by the template, changed by you", b, o, nil, Keep, true},
		{"deleted by you, changed by the template", b, nil, x, Keep, true},
		{"added on both sides differently", nil, o, x, Write, true},
		{"binary on both sides", []byte("a\x00"), []byte("b\x00"), []byte("c\x00"), Keep, true},
	}
	for _, c := range cases {
		r := File(c.base, c.ours, c.theirs, labels)
		if r.Outcome != c.want || r.Conflict != c.conflict {
			t.Errorf("%s: outcome %d conflict %v, want %d %v", c.name, r.Outcome, r.Conflict, c.want, c.conflict)
		}
	}
}

func TestTreeMergesEachPathAndSaysWhatItDid(t *testing.T) {
	blob := func(s string) Blob { return Blob{Data: []byte(s)} }
	base10 := lines("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
	cases := []struct {
		name               string
		base, ours, theirs Files
		changes            []Change
		changed, added     []string
		deleted, conflicts []string
	}{
		{
			name:    "clean merge: each side changed other lines",
			base:    Files{"app.txt": {Data: base10}},
			ours:    Files{"app.txt": {Data: []byte(strings.Replace(string(base10), "2\n", "two (yours)\n", 1))}},
			theirs:  Files{"app.txt": {Data: []byte(strings.Replace(string(base10), "9\n", "nine (template)\n", 1))}},
			changes: []Change{{Path: "app.txt", Data: []byte(strings.Replace(strings.Replace(string(base10), "2\n", "two (yours)\n", 1), "9\n", "nine (template)\n", 1))}},
			changed: []string{"app.txt"},
		},
		{
			name:      "both changed the same line: markers",
			base:      Files{"conf": blob("timeout = 10\n")},
			ours:      Files{"conf": blob("timeout = 30\n")},
			theirs:    Files{"conf": blob("timeout = 20\n")},
			changes:   []Change{{Path: "conf", Data: []byte("<<<<<<< yours\ntimeout = 30\n=======\ntimeout = 20\n>>>>>>> template v2\n"), Conflict: true}},
			conflicts: []string{"conf"},
		},
		{
			name:    "added by the template",
			base:    Files{},
			ours:    Files{},
			theirs:  Files{"new.sh": {Data: []byte("#!/bin/sh\n"), Exec: true}},
			changes: []Change{{Path: "new.sh", Data: []byte("#!/bin/sh\n"), Exec: true}},
			added:   []string{"new.sh"},
		},
		{
			name:    "deleted by the template, untouched by you",
			base:    Files{"old.txt": blob("old\n")},
			ours:    Files{"old.txt": blob("old\n")},
			theirs:  Files{},
			changes: []Change{{Path: "old.txt", Delete: true}},
			deleted: []string{"old.txt"},
		},
		{
			name:      "deleted by the template, changed by you: kept, a conflict",
			base:      Files{"old.txt": blob("old\n")},
			ours:      Files{"old.txt": blob("mine\n")},
			theirs:    Files{},
			conflicts: []string{"old.txt"},
		},
		{
			name:   "deleted by you, unchanged by the template: stays deleted",
			base:   Files{"gone.txt": blob("x\n")},
			ours:   Files{},
			theirs: Files{"gone.txt": blob("x\n")},
		},
		{
			name:   "added by you only: the service's own file is not touched",
			base:   Files{},
			ours:   Files{"mine.txt": blob("mine\n")},
			theirs: Files{},
		},
		{
			name:      "binary changed on both sides: yours kept, a conflict",
			base:      Files{"logo.png": blob("\x89PNG\x00a")},
			ours:      Files{"logo.png": blob("\x89PNG\x00b")},
			theirs:    Files{"logo.png": blob("\x89PNG\x00c")},
			conflicts: []string{"logo.png"},
		},
		{
			name:    "binary changed by the template only: taken",
			base:    Files{"logo.png": blob("\x89PNG\x00a")},
			ours:    Files{"logo.png": blob("\x89PNG\x00a")},
			theirs:  Files{"logo.png": blob("\x89PNG\x00c")},
			changes: []Change{{Path: "logo.png", Data: []byte("\x89PNG\x00c")}},
			changed: []string{"logo.png"},
		},
		{
			name:    "your executable bit survives the template's change",
			base:    Files{"run.sh": blob("echo 1\n")},
			ours:    Files{"run.sh": {Data: []byte("echo 1\n"), Exec: true}},
			theirs:  Files{"run.sh": blob("echo 2\n")},
			changes: []Change{{Path: "run.sh", Data: []byte("echo 2\n"), Exec: true}},
			changed: []string{"run.sh"},
		},
		{
			name:    "an empty file is a file",
			base:    Files{},
			ours:    Files{},
			theirs:  Files{".keep": {}},
			changes: []Change{{Path: ".keep", Data: []byte{}}},
			added:   []string{".keep"},
		},
	}
	norm := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Tree(c.base, c.ours, c.theirs, labels)
			if !reflect.DeepEqual(r.Changes, c.changes) {
				t.Errorf("changes = %+v\nwant      %+v", r.Changes, c.changes)
			}
			for _, l := range []struct {
				what      string
				got, want []string
			}{{"changed", r.Changed, c.changed}, {"added", r.Added, c.added}, {"deleted", r.Deleted, c.deleted}, {"conflicts", r.Conflicts, c.conflicts}} {
				if !reflect.DeepEqual(l.got, norm(l.want)) {
					t.Errorf("%s = %q, want %q", l.what, l.got, l.want)
				}
			}
			for _, p := range r.Conflicts {
				if r.Reasons[p] == "" {
					t.Errorf("conflict %s has no reason", p)
				}
			}
		})
	}
}

// Changes come sorted by path whatever the maps' order, and a merge of
// three equal trees changes nothing.
func TestTreeIsSortedAndIdentityChangesNothing(t *testing.T) {
	base, theirs := Files{}, Files{}
	for _, p := range []string{"z", "a/b", "m", "a", "b/c/d"} {
		base[p] = Blob{Data: []byte(p + "\n")}
		theirs[p] = Blob{Data: []byte(p + " v2\n")}
	}
	r := Tree(base, base, theirs, labels)
	var got []string
	for _, c := range r.Changes {
		got = append(got, c.Path)
	}
	if strings.Join(got, ",") != "a,a/b,b/c/d,m,z" {
		t.Errorf("order = %v", got)
	}
	if same := Tree(base, base, base, labels); len(same.Changes) != 0 || len(same.Conflicts) != 0 {
		t.Errorf("merge of equal trees = %+v", same)
	}
}

package merge

import (
	"bytes"
	"maps"
	"slices"
	"testing"
)

// FuzzText and FuzzTree check the three-way merge on arbitrary inputs: no
// panic; a merge where nothing changed, or only one side changed, or both
// made the same change, has no conflict and gives the changed side.
// go test -run XXX -fuzz FuzzText -fuzztime 60s ./internal/goldenpath/merge

var fuzzLabels = Labels{Ours: "ours", Theirs: "theirs"}

func FuzzText(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"), []byte("a\nb\nC\n"))
	f.Add([]byte("a\nb\n"), []byte("a\nx\n"), []byte("a\ny\n"))
	f.Add([]byte(""), []byte("new\n"), []byte("other\n"))
	f.Add([]byte("no newline"), []byte("no newline\n"), []byte("no newline"))
	f.Add([]byte("x\n\x00bin"), []byte("x\n"), []byte("\n\n\n"))
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		if len(base)+len(ours)+len(theirs) > 1<<16 {
			return
		}
		out, n := Text(base, ours, theirs, fuzzLabels)
		if n < 0 || (n == 0 && bytes.Contains(out, []byte("<<<<<<< ours\n")) && !bytes.Contains(base, []byte("<<<<<<< ours\n")) &&
			!bytes.Contains(ours, []byte("<<<<<<< ours\n")) && !bytes.Contains(theirs, []byte("<<<<<<< ours\n"))) {
			t.Fatalf("%d conflicts, markers in %q", n, out)
		}
		for _, c := range []struct {
			name             string
			b, o, th, result []byte
		}{
			{"identical", base, base, base, base},
			{"only ours changed", base, ours, base, ours},
			{"only theirs changed", base, base, theirs, theirs},
			{"the same change", base, ours, ours, ours},
		} {
			if got, n := Text(c.b, c.o, c.th, fuzzLabels); n != 0 || !bytes.Equal(got, c.result) {
				t.Fatalf("%s: %q with %d conflicts, want %q", c.name, got, n, c.result)
			}
		}
		r := File(base, ours, theirs, fuzzLabels)
		if r.Outcome == Write && r.Data == nil {
			t.Fatalf("write without data: %+v", r)
		}
		if r.Conflict && r.Reason == "" {
			t.Fatalf("a conflict without a reason: %+v", r)
		}
	})
}

func FuzzTree(f *testing.F) {
	f.Add([]byte("a\n"), []byte("a\nb\n"), []byte("c\na\n"), true, false)
	f.Add([]byte(""), []byte("x"), []byte("\x00"), false, true)
	f.Fuzz(func(t *testing.T, a, b, c []byte, drop, exec bool) {
		if len(a)+len(b)+len(c) > 1<<16 {
			return
		}
		base := Files{"f": {Data: a}, "g/h": {Data: b}}
		ours := Files{"f": {Data: b}, "g/h": {Data: b}, "mine": {Data: c}}
		theirs := Files{"f": {Data: c, Exec: exec}, "new": {Data: a}}
		if !drop {
			theirs["g/h"] = Blob{Data: c}
		}
		_ = Tree(base, ours, theirs, fuzzLabels) // no panic on any mix
		// Nothing changed: nothing to do.
		if r := Tree(ours, ours, ours, fuzzLabels); len(r.Changes) != 0 || len(r.Conflicts) != 0 {
			t.Fatalf("identical trees: %+v", r)
		}
		// The template did not change: the service stays as it is.
		if r := Tree(base, ours, base, fuzzLabels); len(r.Changes) != 0 || len(r.Conflicts) != 0 {
			t.Fatalf("an unchanged template: %+v", r)
		}
		// The service did not change: it becomes the template's new tree.
		r := Tree(base, base, theirs, fuzzLabels)
		if len(r.Conflicts) != 0 {
			t.Fatalf("an unchanged service conflicts: %+v", r)
		}
		got := maps.Clone(base)
		for _, ch := range r.Changes {
			if ch.Delete {
				delete(got, ch.Path)
				continue
			}
			got[ch.Path] = Blob{Data: ch.Data, Exec: ch.Exec}
		}
		if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(theirs))) {
			t.Fatalf("paths %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(theirs)))
		}
		for p, want := range theirs {
			if !bytes.Equal(got[p].Data, want.Data) {
				t.Fatalf("%s = %q, want %q", p, got[p].Data, want.Data)
			}
		}
	})
}

package merge

import (
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

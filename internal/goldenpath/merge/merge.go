// Package merge is the three-way merge behind golden-path updates: the
// template as it was (base), the service as it is now (ours) and the
// template as it is now (theirs). Changes on one side only are taken;
// changes on both sides that differ become a conflict written with git's
// standard markers (<<<<<<< ours, =======, >>>>>>> theirs), as `git merge`
// would leave it.
//
// Three levels: Text merges lines, File decides one path's outcome (keep,
// write, remove, conflict), Tree merges whole trees of files and says what
// to write, what to remove and what conflicts.
//
// Rules: pure functions of their inputs, no I/O; changes that overlap or
// touch conflict, as in git; binary files never get markers.
package merge

import (
	"bytes"
	"maps"
	"slices"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Labels name the two sides in conflict markers.
type Labels struct {
	Ours, Theirs string
}

// hunk is a change from base: base lines [b0,b1) became side lines [s0,s1).
type hunk struct {
	b0, b1, s0, s1 int
	side           int // 0 ours, 1 theirs
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// diff returns the hunks that turn base into side.
func diff(base, side []string, which int) []hunk {
	dmp := diffmatchpatch.New()
	// Map each distinct line to one rune so the diff runs over lines.
	index := map[string]rune{}
	enc := func(lines []string) []rune {
		out := make([]rune, len(lines))
		for i, l := range lines {
			r, ok := index[l]
			if !ok {
				r = rune(len(index) + 1)
				index[l] = r
			}
			out[i] = r
		}
		return out
	}
	a, b := enc(base), enc(side)
	diffs := dmp.DiffMainRunes(a, b, false)
	var out []hunk
	i, j := 0, 0
	var cur *hunk
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for _, d := range diffs {
		n := len([]rune(d.Text))
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			flush()
			i += n
			j += n
		case diffmatchpatch.DiffDelete:
			if cur == nil {
				cur = &hunk{b0: i, b1: i, s0: j, s1: j, side: which}
			}
			i += n
			cur.b1 = i
		case diffmatchpatch.DiffInsert:
			if cur == nil {
				cur = &hunk{b0: i, b1: i, s0: j, s1: j, side: which}
			}
			j += n
			cur.s1 = j
		}
	}
	flush()
	return out
}

// Text merges three versions of a text line by line; conflicts is the
// number of conflict blocks written.
func Text(base, ours, theirs []byte, l Labels) (out []byte, conflicts int) {
	bl, ol, tl := splitLines(base), splitLines(ours), splitLines(theirs)
	hunks := append(diff(bl, ol, 0), diff(bl, tl, 1)...)
	sortHunks(hunks)
	sides := [2][]string{ol, tl}
	var buf bytes.Buffer
	pos := 0 // next base line to copy
	for k := 0; k < len(hunks); {
		// A region is a run of hunks that overlap or touch.
		r0, r1 := hunks[k].b0, hunks[k].b1
		var first, last [2]*hunk
		for start := k; k < len(hunks); k++ {
			h := &hunks[k]
			if k > start && h.b0 > r1 {
				break
			}
			if h.b1 > r1 {
				r1 = h.b1
			}
			if first[h.side] == nil {
				first[h.side] = h
			}
			last[h.side] = h
		}
		for _, line := range bl[pos:r0] {
			buf.WriteString(line)
		}
		pos = r1
		var text [2][]string
		for s := 0; s < 2; s++ {
			if first[s] == nil {
				text[s] = bl[r0:r1]
				continue
			}
			s0 := first[s].s0 - (first[s].b0 - r0)
			s1 := last[s].s1 + (r1 - last[s].b1)
			text[s] = sides[s][s0:s1]
		}
		switch {
		case first[1] == nil:
			writeLines(&buf, text[0])
		case first[0] == nil:
			writeLines(&buf, text[1])
		case equal(text[0], text[1]):
			writeLines(&buf, text[0])
		default:
			conflicts++
			buf.WriteString("<<<<<<< " + l.Ours + "\n")
			writeLinesNL(&buf, text[0])
			buf.WriteString("=======\n")
			writeLinesNL(&buf, text[1])
			buf.WriteString(">>>>>>> " + l.Theirs + "\n")
		}
	}
	for _, line := range bl[pos:] {
		buf.WriteString(line)
	}
	return buf.Bytes(), conflicts
}

func sortHunks(h []hunk) {
	// Insertion sort: hunks come as two sorted runs and are few.
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && (h[j].b0 < h[j-1].b0 || (h[j].b0 == h[j-1].b0 && h[j].b1 < h[j-1].b1)); j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

func writeLines(b *bytes.Buffer, lines []string) {
	for _, l := range lines {
		b.WriteString(l)
	}
}

// writeLinesNL writes lines and makes sure the last one ends with a
// newline, so a marker never lands at the end of a line.
func writeLinesNL(b *bytes.Buffer, lines []string) {
	writeLines(b, lines)
	if n := len(lines); n > 0 && len(lines[n-1]) > 0 && lines[n-1][len(lines[n-1])-1] != '\n' {
		b.WriteByte('\n')
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Outcome is what to do with one file of the service.
type Outcome int

const (
	// Keep leaves the service's file as it is (or absent).
	Keep Outcome = iota
	// Write writes Result.Data.
	Write
	// Remove deletes the service's file.
	Remove
)

// Result is the merge of one file.
type Result struct {
	Outcome Outcome
	Data    []byte
	// Conflict is set when both sides changed the file in ways that do not
	// combine; Reason says how, for people.
	Conflict bool
	Reason   string
}

// File merges one path. A nil slice means the file does not exist in that
// version.
func File(base, ours, theirs []byte, l Labels) Result {
	same := func(a, b []byte) bool { return (a == nil) == (b == nil) && bytes.Equal(a, b) }
	switch {
	case same(base, theirs), same(ours, theirs):
		return Result{Outcome: Keep}
	case same(base, ours):
		if theirs == nil {
			return Result{Outcome: Remove}
		}
		return Result{Outcome: Write, Data: theirs}
	case theirs == nil:
		return Result{Outcome: Keep, Conflict: true, Reason: "the template deleted this file, which you changed: kept your version"}
	case ours == nil:
		return Result{Outcome: Keep, Conflict: true, Reason: "you deleted this file, which the template changed: left deleted"}
	case binary(base) || binary(ours) || binary(theirs):
		return Result{Outcome: Keep, Conflict: true, Reason: "binary file changed on both sides: kept your version"}
	}
	out, n := Text(base, ours, theirs, l)
	if n > 0 {
		return Result{Outcome: Write, Data: out, Conflict: true, Reason: "changed on both sides: resolve the conflict markers"}
	}
	if bytes.Equal(out, ours) {
		return Result{Outcome: Keep}
	}
	return Result{Outcome: Write, Data: out}
}

func binary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	return bytes.IndexByte(b, 0) >= 0
}

// Blob is one file of a tree.
type Blob struct {
	Data []byte
	// Exec is set for an executable file.
	Exec bool
}

// Files is a tree of files keyed by slash-separated path. A path that is
// not a key does not exist in that tree (an empty file is a key with empty
// Data).
type Files map[string]Blob

// Change is what a tree merge does to one path of the service.
type Change struct {
	Path string
	// Delete removes the file; otherwise Data is written, executable when
	// Exec is set.
	Delete bool
	Data   []byte
	Exec   bool
	// Conflict is set when the file holds conflict markers.
	Conflict bool
}

// TreeResult is a tree merge: the changes to make to the service's tree
// and, for people, which paths they touch.
type TreeResult struct {
	// Changes are the writes and removals to make, sorted by path.
	Changes []Change
	// Changed are files merged cleanly or taken from the template, Added
	// new ones, Deleted removed ones; all sorted and never nil.
	Changed, Added, Deleted []string
	// Conflicts are files both sides changed in ways that do not combine:
	// written with conflict markers, or kept as the service has them (see
	// Reasons).
	Conflicts []string
	// Reasons says, for each conflict, what happened to it.
	Reasons map[string]string
}

// Tree merges the template's change from base to theirs into ours, path by
// path (File for each path of base or theirs; paths only ours has are the
// service's own and are left alone). An executable bit on either the
// service's or the template's side is kept.
func Tree(base, ours, theirs Files, l Labels) TreeResult {
	res := TreeResult{Changed: []string{}, Added: []string{}, Deleted: []string{}, Conflicts: []string{}, Reasons: map[string]string{}}
	union := make(Files, len(base)+len(theirs))
	maps.Copy(union, base)
	maps.Copy(union, theirs)
	present := func(f Files, p string) []byte {
		b, ok := f[p]
		if !ok {
			return nil
		}
		if b.Data == nil {
			return []byte{}
		}
		return b.Data
	}
	for _, p := range slices.Sorted(maps.Keys(union)) {
		o, t := present(ours, p), present(theirs, p)
		exec := ours[p].Exec || theirs[p].Exec
		m := File(present(base, p), o, t, l)
		if m.Conflict {
			res.Conflicts = append(res.Conflicts, p)
			res.Reasons[p] = m.Reason
		}
		switch m.Outcome {
		case Write:
			res.Changes = append(res.Changes, Change{Path: p, Data: m.Data, Exec: exec, Conflict: m.Conflict})
			switch {
			case m.Conflict:
			case o == nil:
				res.Added = append(res.Added, p)
			default:
				res.Changed = append(res.Changed, p)
			}
		case Remove:
			res.Changes = append(res.Changes, Change{Path: p, Delete: true})
			res.Deleted = append(res.Deleted, p)
		}
	}
	return res
}

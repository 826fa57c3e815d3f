package model

import (
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/problem"
)

// Descriptor files are untrusted: these tests feed Decode hostile input and
// check that it is rejected as a whole with a problem that says what to do,
// quickly and in bounded memory.

// rejection is the one problem a rejected file carries: its line, and its
// message and fix as one text.
type rejection struct {
	Line    int
	Message string
}

// decodeFileError decodes data and returns the problem it must be rejected
// with as a whole.
func decodeFileError(t *testing.T, data []byte) rejection {
	t.Helper()
	docs, err := Decode(data)
	var l problem.List
	if !errors.As(err, &l) || len(l) != 1 {
		t.Fatalf("Decode = %d docs, %v (%T); want a problem.List of one", len(docs), err, err)
	}
	if docs != nil {
		t.Errorf("documents returned along with a rejected file")
	}
	if problem.KindOf(err) != problem.Invalid {
		t.Errorf("kind = %q, want invalid", problem.KindOf(err))
	}
	msg := l[0].Message
	if l[0].Fix != "" {
		msg += "; " + l[0].Fix
	}
	return rejection{Line: l[0].Line, Message: msg}
}

// measure runs f and returns the bytes it allocated and the time it took.
func measure(f func()) (uint64, time.Duration) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, elapsed
}

const memBudget = 64 << 20 // bytes a hostile file may make Decode allocate

func TestSizeLimit(t *testing.T) {
	entity := []byte(entityYAML("big"))
	// Exactly at the limit is fine (padding with a comment).
	atLimit := append([]byte("#"+strings.Repeat("x", MaxDescriptorBytes-len(entity)-2)+"\n"), entity...)
	if len(atLimit) != MaxDescriptorBytes {
		t.Fatalf("fixture is %d bytes", len(atLimit))
	}
	docs, err := Decode(atLimit)
	if err != nil || len(docs) != 1 || docs[0].Entity == nil {
		t.Fatalf("file of exactly MaxDescriptorBytes: %v %+v", err, docs)
	}
	// One byte more is rejected before parsing.
	over := append([]byte(" "), atLimit...)
	var fe rejection
	alloc, _ := measure(func() { fe = decodeFileError(t, over) })
	if !strings.Contains(fe.Message, "1048577 bytes") || !strings.Contains(fe.Message, "1 MiB") || !strings.Contains(fe.Message, "split it") {
		t.Errorf("message = %q", fe.Message)
	}
	if alloc > 1<<20 {
		t.Errorf("rejecting an oversized file allocated %d bytes", alloc)
	}
}

func TestInvalidUTF8(t *testing.T) {
	tests := []struct {
		in         string
		line, byte int
	}{
		{"apiVersion: backstage.io/v1alpha1\nkind: \xff\n", 2, 40},
		{"\xEF\xBB\xBFapiVersion: backstage.io/v1alpha1\nkind: \xff\n", 2, 43}, // offset in the file as given
		{"a: b\n# \xc3\x28 broken two-byte sequence\n", 2, 7},
		{"\xed\xa0\x80: surrogate\n", 1, 0},
	}
	for _, tt := range tests {
		fe := decodeFileError(t, []byte(tt.in))
		if fe.Line != tt.line || !strings.Contains(fe.Message, "invalid UTF-8 at byte offset "+itoa(tt.byte)+";") || !strings.Contains(fe.Message, "re-save the file with UTF-8") {
			t.Errorf("%q: line %d %q; want line %d, offset %d", tt.in, fe.Line, fe.Message, tt.line, tt.byte)
		}
	}
	// Valid multi-byte UTF-8 is fine.
	docs, err := Decode([]byte(strings.Replace(entityYAML("utf8"), "spec:", "  title: Zahlungen für Kunden – 支付 🚀\nspec:", 1)))
	if err != nil || docs[0].Entity == nil || docs[0].Entity.Metadata.Title != "Zahlungen für Kunden – 支付 🚀" {
		t.Errorf("valid UTF-8: %v %+v", err, docs)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestControlCharacters(t *testing.T) {
	fe := decodeFileError(t, []byte("apiVersion: backstage.io/v1alpha1\nkind: \x00Component\n"))
	if !strings.Contains(fe.Message, "YAML syntax error: control characters are not allowed") {
		t.Errorf("message = %q", fe.Message)
	}
}

// billionLaughs builds the classic alias bomb: levels of lists that each
// repeat the previous level's anchor width times.
func billionLaughs(levels, width int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [\"lol\"]\n")
	for i := 1; i <= levels; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [")
		for j := 0; j < width; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestAliasBomb(t *testing.T) {
	bomb := billionLaughs(9, 9) // 9^9 ≈ 387 million strings if expanded
	inEntity := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bomb\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  lol:\n    " +
		strings.ReplaceAll(strings.TrimSuffix(bomb, "\n"), "\n", "\n    ") + "\n"
	for name, in := range map[string]string{"bare": bomb, "in entity": inEntity, "after a valid document": entityYAML("ok") + "---\n" + inEntity} {
		t.Run(name, func(t *testing.T) {
			var fe rejection
			alloc, elapsed := measure(func() { fe = decodeFileError(t, []byte(in)) })
			if !strings.Contains(fe.Message, "alias bomb") || !strings.Contains(fe.Message, "remove the nested anchors and aliases") || fe.Line == 0 {
				t.Errorf("error = %v", fe)
			}
			if alloc >= memBudget {
				t.Errorf("alias bomb allocated %d MiB, want < %d MiB", alloc>>20, memBudget>>20)
			}
			if elapsed > 2*time.Second {
				t.Errorf("alias bomb took %v", elapsed)
			}
			t.Logf("rejected in %v after allocating %.1f MiB", elapsed, float64(alloc)/(1<<20))
		})
	}
}

func TestAliasReuseWithinBudget(t *testing.T) {
	// An anchor of ~100 values reused 50 times (5,000 expanded values) is
	// legitimate and accepted.
	var b strings.Builder
	b.WriteString(entityYAML("reuse"))
	b.WriteString("x-shared: &shared {")
	for i := 0; i < 50; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("k" + itoa(i) + ": v")
	}
	b.WriteString("}\nx-uses: [")
	for i := 0; i < 50; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*shared")
	}
	b.WriteString("]\n")
	docs, err := Decode([]byte(b.String()))
	if err != nil || docs[0].Entity == nil {
		t.Fatalf("%v %+v", err, docs)
	}
	if uses := docs[0].Entity.Raw["x-uses"].([]any); len(uses) != 50 || len(uses[49].(map[string]any)) != 50 {
		t.Errorf("x-uses not expanded")
	}
}

func TestRecursiveAlias(t *testing.T) {
	for _, in := range []string{"a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a {<<: *a}\n"} {
		fe := decodeFileError(t, []byte(entityYAML("rec")+in))
		if fe.Line == 0 {
			t.Errorf("%q: no line in %v", in, fe)
		}
	}
}

func TestDeepNesting(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"flow lists past MaxDepth", entityYAML("deep") + "x: " + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "\n", 6, "nested more than 100 levels deep; flatten the structure"},
		{"block mappings past MaxDepth", entityYAML("deep") + nestedBlock(120), 0, "nested more than 100 levels deep"},
		{"flow past the parser's limit", "x: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", 1, "exceeded max depth"},
		{"aliases of deep values", "a: &a " + strings.Repeat("[", 60) + strings.Repeat("]", 60) + "\nb: " + strings.Repeat("[", 50) + "*a" + strings.Repeat("]", 50) + "\n", 1, "nested more than 100 levels deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fe rejection
			alloc, elapsed := measure(func() { fe = decodeFileError(t, []byte(tt.in)) })
			if (tt.line != 0 && fe.Line != tt.line) || fe.Line == 0 || !strings.Contains(fe.Message, tt.msg) {
				t.Errorf("error = line %d %q; want line %d containing %q", fe.Line, fe.Message, tt.line, tt.msg)
			}
			if alloc >= memBudget || elapsed > 2*time.Second {
				t.Errorf("deep nesting used %d MiB in %v", alloc>>20, elapsed)
			}
		})
	}
	// MaxDepth itself is accepted.
	ok := entityYAML("deep-ok") + "x: " + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + "\n"
	if docs, err := Decode([]byte(ok)); err != nil || docs[0].Entity == nil {
		t.Errorf("nesting of exactly MaxDepth: %v", err)
	}
}

func nestedBlock(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	b.WriteString(strings.Repeat(" ", depth) + "v\n")
	return b.String()
}

func TestTooManyNodes(t *testing.T) {
	in := entityYAML("many") + "x: [" + strings.Repeat("0,", MaxNodes) + "0]\n"
	if len(in) > MaxDescriptorBytes {
		t.Fatalf("fixture too large: %d", len(in))
	}
	var fe rejection
	alloc, elapsed := measure(func() { fe = decodeFileError(t, []byte(in)) })
	if fe.Line != 6 || !strings.Contains(fe.Message, "more than 250000 YAML values; split it") {
		t.Errorf("error = %v", fe)
	}
	t.Logf("%d-value file rejected in %v after allocating %.1f MiB", MaxNodes+1, elapsed, float64(alloc)/(1<<20))
}

func TestProblemsPerDocumentAreCapped(t *testing.T) {
	in := entityYAML("noisy") + "x: {" + strings.Repeat("? ,", 100000) + "}\n"
	var docs []Document
	alloc, elapsed := measure(func() {
		var err error
		if docs, err = Decode([]byte(in)); err != nil {
			t.Fatal(err)
		}
	})
	ps := docs[0].Problems
	if len(ps) != MaxProblems+1 || !strings.Contains(ps[MaxProblems].Message, "more than 20 problems") || ps[0].Line != 6 || ps[0].Field != `x[""]` {
		t.Errorf("problems (%d):%s", len(ps), problemStrings(ps[:min(len(ps), 3)]))
	}
	t.Logf("100,000 duplicate keys rejected in %v after allocating %.1f MiB", elapsed, float64(alloc)/(1<<20))
}

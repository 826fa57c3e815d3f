package tsgen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite "+OutFile+" from the Go types")

// TestGeneratedTypesAreCurrent is the CI check: the checked-in TypeScript
// types must be what the Go types of *app.App say today.
func TestGeneratedTypesAreCurrent(t *testing.T) {
	src, err := NewSource(".")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(Paved(src))
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	path := filepath.Join(src.Root(), filepath.FromSlash(OutFile))
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run `make types` (%s)", err, Command)
	}
	if !bytes.Equal(have, want) {
		t.Fatalf("%s is not what the Go types say (first difference: %s): run `make types` (%s), check the frontend still compiles (npx tsc --noEmit) and commit it",
			OutFile, firstDiff(have, want), Command)
	}
}

// firstDiff describes the first line where have and want differ.
func firstDiff(have, want []byte) string {
	h := strings.Split(string(have), "\n")
	w := strings.Split(string(want), "\n")
	for i := range max(len(h), len(w)) {
		var hl, wl string
		if i < len(h) {
			hl = h[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if hl != wl {
			return "line " + strconv.Itoa(i+1) + ": have " + quote(hl) + ", want " + quote(wl)
		}
	}
	return "none"
}

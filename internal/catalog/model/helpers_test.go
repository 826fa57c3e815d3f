package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
)

// fixtureDir holds this package's test fixtures.
const fixtureDir = "../../../testdata/catalog/model"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

// decodeFixture decodes a fixture that must be readable as a file.
func decodeFixture(t testing.TB, name string) []Document {
	t.Helper()
	docs, err := Decode(readFixture(t, name))
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	return docs
}

// relStrings renders relations as "type target" for compact comparison.
func relStrings(rels []Relation) []string {
	out := make([]string, 0, len(rels))
	for _, r := range rels {
		out = append(out, r.Type+" "+r.Target.String())
	}
	return out
}

func problemStrings(ps []problem.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

func equalStrings(a, b []string) bool {
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

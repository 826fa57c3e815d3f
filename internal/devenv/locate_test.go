package devenv

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/store"
)

func TestEntityRefsAreNotMistakenForPaths(t *testing.T) {
	for in, want := range map[string]bool{
		"component:default/shop": false,
		"component:shop":         false,
		"shop":                   false,
		"./shop":                 true,
		"services/shop":          true,
		"/abs/shop":              true,
		"~/shop":                 true,
		`C:\src\shop`:            true,
	} {
		if got := looksLikePath(in); got != want {
			t.Errorf("looksLikePath(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestUnknownTargetsAreNotFound(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName), Schema())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := New(Options{Store: st, CacheDir: t.TempDir()})
	defer s.Close()
	for _, target := range []string{"./no-such-dir", "no-such-env"} {
		_, err := s.locate(context.Background(), target, false)
		if k := problem.KindOf(err); k != problem.NotFound {
			t.Errorf("locate(%q) = %v (kind %q), want a not_found error", target, err, k)
		}
	}
}

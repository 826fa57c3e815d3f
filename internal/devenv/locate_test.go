package devenv

import "testing"

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

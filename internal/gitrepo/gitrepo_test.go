package gitrepo

import "testing"

func TestIsURLTellsRemotesFromPaths(t *testing.T) {
	tests := []struct {
		target string
		want   bool
	}{
		{"https://github.com/acme/platform.git", true},
		{"http://git.internal/acme/platform", true},
		{"git://127.0.0.1:9418/platform.git", true},
		{"ssh://git@github.com/acme/platform.git", true},
		{"ssh://git@github.com:2222/acme/platform.git", true},
		{"file:///srv/git/platform.git", true},
		{"git@github.com:acme/platform.git", true},
		{"first.last@git.example.com:team/repo", true},
		{"git@example.com:/srv/git/platform.git", true},
		{"/home/me/platform", false},
		{"./platform", false},
		{"../platform", false},
		{"platform", false},
		{"demo", false},
		{"dir/with:colon", false},
		{`C:\Users\me\platform`, false},
		{"me@laptop", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsURL(tt.target); got != tt.want {
			t.Errorf("IsURL(%q) = %v, want %v", tt.target, got, tt.want)
		}
	}
}

func TestLocalPathResolvesFileURLsAndPaths(t *testing.T) {
	tests := []struct {
		target    string
		wantPath  string
		wantLocal bool
	}{
		{"file:///srv/git/platform.git", "/srv/git/platform.git", true},
		{"file://localhost/srv/git/platform.git", "/srv/git/platform.git", true},
		{"file:///tmp/with%20space", "/tmp/with space", true},
		{"/home/me/catalog", "/home/me/catalog", true},
		{"./catalog", "./catalog", true},
		{"catalog", "catalog", true},
		{"https://github.com/acme/catalog.git", "", false},
		{"git://127.0.0.1/catalog.git", "", false},
		{"ssh://git@github.com/acme/catalog.git", "", false},
		{"git@github.com:acme/catalog.git", "", false},
	}
	for _, tt := range tests {
		p, ok := LocalPath(tt.target)
		if p != tt.wantPath || ok != tt.wantLocal {
			t.Errorf("LocalPath(%q) = %q, %v; want %q, %v", tt.target, p, ok, tt.wantPath, tt.wantLocal)
		}
	}
}

package library

import (
	"strings"
	"testing"
)

func TestLocationTextRoundTrips(t *testing.T) {
	cases := []struct {
		text string
		want Location
	}{
		{"builtin:go-service", Builtin("go-service")},
		{"platform:templates/go-service", Location{Kind: KindPlatform, Path: "templates/go-service"}},
		{"dir:/home/dev/templates/svc", Dir("/home/dev/templates/svc")},
		{"git:/home/dev/platform//templates/svc", Git("/home/dev/platform", "templates/svc")},
		{"git:/home/dev/tpl//", Git("/home/dev/tpl", "")},
		// A URL has "//" of its own: the directory is after the last one.
		{"git:https://git.example.com/acme/platform.git//templates/go-service", Git("https://git.example.com/acme/platform.git", "templates/go-service")},
		{"git:ssh://git@git.example.com/acme/platform.git//", Git("ssh://git@git.example.com/acme/platform.git", "")},
		{"git:git@github.com:acme/platform.git//t", Git("git@github.com:acme/platform.git", "t")},
		{"git:file:///srv/git/platform.git//a/b", Git("file:///srv/git/platform.git", "a/b")},
		{"git:///", Git("/", "")},
	}
	for _, c := range cases {
		got, err := ParseLocation(c.text)
		if err != nil || got != c.want {
			t.Errorf("ParseLocation(%q) = %+v, %v; want %+v", c.text, got, err, c.want)
			continue
		}
		if s := got.String(); s != c.text {
			t.Errorf("%+v.String() = %q, want %q", got, s, c.text)
		}
	}
	if !Git("/home/dev/tpl", "").InLocalRepo() || Git("https://h/p.git", "t").InLocalRepo() || Dir("/x").InLocalRepo() {
		t.Error("InLocalRepo tells local repositories from URLs wrongly")
	}
}

func TestParseLocationRefusesWhatPavedNeverWrites(t *testing.T) {
	for _, text := range []string{
		"", "go-service", "builtin:", "builtin:a/b", "builtin:..", `builtin:a\b`, "platform:",
		"dir:relative/path", "dir:/a/../b", "dir:/a/", "git:/repo", "git://templates", "git:relative//t",
		"git:/repo//../escape", "git:/repo//a/../b", "git:/repo//.", "git:/repo///abs", "git:/repo//a//b", "git:/a///x",
		"nope:/x", "dir:/a\x00b", "builtin:a\nb", "dir:/" + strings.Repeat("a", 5000),
	} {
		if l, err := ParseLocation(text); err == nil {
			t.Errorf("ParseLocation(%q) = %+v, want an error", text, l)
		} else if !strings.Contains(err.Error(), "template location") {
			t.Errorf("ParseLocation(%q): %v does not say what it read", text, err)
		}
	}
}

// Whatever the text, an accepted location prints back exactly as read and
// reads back as itself.
func FuzzParseLocation(f *testing.F) {
	for _, s := range []string{"builtin:go-service", "git:/a//b", "git:https://h/p.git//t/x", "dir:/x", "platform:l/t", "git:///", "git:https://h//x", "dir:C:\\x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLocation(s)
		if err != nil {
			return
		}
		if l.String() != s {
			t.Fatalf("ParseLocation(%q).String() = %q", s, l.String())
		}
		again, err := ParseLocation(l.String())
		if err != nil || again != l {
			t.Fatalf("ParseLocation(%q) = %+v, %v; want %+v", l.String(), again, err, l)
		}
		if l.Kind == KindGit && (strings.HasPrefix(l.Path, "/") || strings.Contains(l.Path, "..")) && l.Path != "" {
			for _, seg := range strings.Split(l.Path, "/") {
				if seg == ".." || seg == "" {
					t.Fatalf("ParseLocation(%q): directory %q leaves the repository", s, l.Path)
				}
			}
		}
	})
}

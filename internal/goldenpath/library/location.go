package library

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/paved-dev/paved/internal/gitrepo"
)

// Kind says what a Location points into.
type Kind string

// Location kinds, with the text form of each.
const (
	// KindBuiltin is a template built into Paved: "builtin:<directory in
	// goldenpaths/>".
	KindBuiltin Kind = "builtin"
	// KindPlatform is a template of the embedded demo platform:
	// "platform:<location name>/<directory>".
	KindPlatform Kind = "platform"
	// KindGit is a template directory in a git repository:
	// "git:<repository>//<directory in it>", the repository being an
	// absolute directory on this machine or the platform's git URL, the
	// directory "" for the repository's root.
	KindGit Kind = "git"
	// KindDir is a template directory outside any git repository (or with
	// changes not committed): "dir:<absolute directory>".
	KindDir Kind = "dir"
)

// Location is where a template is read from, as recorded in a generated
// repository's .paved/template.yaml. Its text form is made by String and
// read by ParseLocation, and nowhere else: ParseLocation(l.String()) == l
// for every valid l, and ParseLocation(s).String() == s for every s it
// accepts.
type Location struct {
	Kind Kind
	// Repo is the git repository (KindGit only).
	Repo string
	// Path is, by kind: the built-in's directory name, the demo platform's
	// label, the directory in Repo (slash-separated, "" = root), or the
	// absolute directory.
	Path string
}

// Builtin is the location of a built-in template.
func Builtin(name string) Location { return Location{Kind: KindBuiltin, Path: name} }

// Git is the location of directory dir (slash-separated, "" = root) in
// repository repo (an absolute directory or a git URL).
func Git(repo, dir string) Location { return Location{Kind: KindGit, Repo: repo, Path: dir} }

// Dir is the location of a template directory given by its absolute path.
func Dir(abs string) Location { return Location{Kind: KindDir, Path: abs} }

// String is the text form (see the Kind constants).
func (l Location) String() string {
	if l.Kind == KindGit {
		return string(l.Kind) + ":" + l.Repo + "//" + l.Path
	}
	return string(l.Kind) + ":" + l.Path
}

// IsZero reports whether l is the zero Location (no location).
func (l Location) IsZero() bool { return l == Location{} }

// InLocalRepo reports whether l is a directory of a git repository on this
// machine (not of the platform's clone).
func (l Location) InLocalRepo() bool { return l.Kind == KindGit && filepath.IsAbs(l.Repo) }

// LocationError is a location text that cannot be read.
type LocationError struct {
	Text   string
	Reason string
}

func (e *LocationError) Error() string {
	return fmt.Sprintf("template location %q: %s (it is written by Paved as builtin:<name>, git:<repository>//<directory> or dir:<directory>)", e.Text, e.Reason)
}

// ParseLocation reads a location's text form. It accepts only what String
// writes: the canonical form of a valid Location.
func ParseLocation(s string) (Location, error) {
	bad := func(reason string) (Location, error) { return Location{}, &LocationError{Text: s, Reason: reason} }
	if len(s) > 4096 {
		return bad("longer than 4096 characters")
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return bad("holds control characters")
	}
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return bad("no kind before a colon")
	}
	var l Location
	switch Kind(kind) {
	case KindBuiltin:
		if rest == "" || rest == "." || rest == ".." || strings.ContainsAny(rest, `/\`) {
			return bad("a built-in template is one directory name")
		}
		l = Builtin(rest)
	case KindPlatform:
		if rest == "" {
			return bad("no demo platform template named")
		}
		l = Location{Kind: KindPlatform, Path: rest}
	case KindDir:
		if !filepath.IsAbs(rest) || filepath.Clean(rest) != rest {
			return bad("a template directory is an absolute, clean path")
		}
		l = Dir(rest)
	case KindGit:
		i := strings.LastIndex(rest, "//")
		if i < 0 {
			return bad(`no "//" between the repository and the directory`)
		}
		repo, dir := rest[:i], rest[i+2:]
		if repo == "" || !gitrepo.IsURL(repo) && (!filepath.IsAbs(repo) || filepath.Clean(repo) != repo) {
			return bad("the repository is a git URL or an absolute, clean directory")
		}
		if dir == "." || (dir != "" && !fs.ValidPath(dir)) {
			return bad("the directory in the repository is a clean relative path")
		}
		l = Git(repo, dir)
	default:
		return bad("unknown kind " + fmt.Sprintf("%q", kind))
	}
	return l, nil
}

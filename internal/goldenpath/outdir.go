package goldenpath

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paved-dev/paved/internal/problem"
)

// NameParameter is the template parameter that names the new repository's
// folder when no output folder is given.
const NameParameter = "name"

// ErrNoOutDir is (in the chain of) the error of a scaffold that has neither
// an output folder nor a name to make one from.
var ErrNoOutDir = errors.New("no output folder")

// maxFolderName bounds a folder name, in bytes (most file systems' limit).
const maxFolderName = 255

// DefaultOutDir is the one rule for where a new repository goes when no
// output folder is given: parent/<name>, name being the template's name
// parameter and parent "" the current directory. It returns an absolute
// path that is always directly inside parent.
//
// The name is used as it is or refused, never cleaned or shortened, so
// that the folder created is exactly the one asked for: it must be one
// folder name on every operating system. Refused, each with a problem on
// the name parameter: a missing or empty name (ErrNoOutDir), ".", "..",
// path separators (/ and \ on every system), absolute paths and drive
// letters (":"), NUL and other control characters, the characters Windows
// forbids in names (< > " | ? *), leading or trailing spaces and trailing
// dots (which Windows strips: ".. " would become ".."), Windows device
// names (CON, NUL, COM1, LPT1...) and names over 255 bytes.
func DefaultOutDir(parent string, name any) (string, error) {
	s, _ := name.(string)
	if s == "" {
		return "", &problem.Error{Kind: problem.Invalid, Err: ErrNoOutDir,
			Message:  "say where to create the new repository: choose its folder, or give the parameter name a value",
			Problems: problem.List{{Field: NameParameter, Message: "is needed to name the new repository's folder", Fix: "fill in name, or choose the output folder"}}}
	}
	if reason := folderNameProblem(s); reason != "" {
		return "", problem.Invalidf(fmt.Sprintf("parameter name %q cannot be the new repository's folder name: %s", s, reason),
			problem.Problem{Field: NameParameter, Message: "cannot be a folder name: " + reason, Fix: "use a plain name such as orders-api, or choose the output folder"})
	}
	if parent == "" {
		parent = "."
	}
	base, err := filepath.Abs(parent)
	if err != nil {
		return "", fmt.Errorf("the folder new repositories go in: %w", err)
	}
	out := filepath.Join(base, s)
	if filepath.Dir(out) != base || !filepath.IsLocal(s) {
		// folderNameProblem is meant to make this unreachable.
		return "", problem.Invalidf(fmt.Sprintf("parameter name %q would leave %s", s, base),
			problem.Problem{Field: NameParameter, Message: "cannot be a folder name", Fix: "use a plain name such as orders-api, or choose the output folder"})
	}
	return out, nil
}

// folderNameProblem says why s is not one portable folder name ("" = it is).
func folderNameProblem(s string) string {
	switch {
	case len(s) > maxFolderName:
		return fmt.Sprintf("it is longer than %d bytes", maxFolderName)
	case !utf8.ValidString(s):
		return "it is not valid UTF-8"
	case s == "." || s == "..":
		return "it names the current or the parent folder"
	case strings.ContainsAny(s, `/\`):
		return "it holds a path separator"
	case strings.ContainsRune(s, ':'):
		return "it holds a colon (a drive letter)"
	case strings.ContainsFunc(s, unicode.IsControl):
		return "it holds a control character"
	case strings.ContainsAny(s, `<>"|?*`):
		return `it holds one of < > " | ? *`
	case strings.TrimSpace(s) != s:
		return "it starts or ends with a space"
	case strings.HasSuffix(s, "."):
		return "it ends with a dot"
	case windowsDevice(s):
		return "it is a Windows device name"
	}
	return ""
}

// windowsDevice reports whether s is (or starts, before a dot, with) one of
// the names Windows reserves for devices.
func windowsDevice(s string) bool {
	stem, _, _ := strings.Cut(s, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT") {
		switch stem[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

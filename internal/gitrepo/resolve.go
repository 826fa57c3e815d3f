package gitrepo

// Revisions: what a person types for "a version" of a repository (a commit,
// an abbreviated commit, a branch, a tag, main~2) turned into one commit, and
// how far apart two commits are for one directory. Golden paths use it for
// `paved template update --to` and `paved template status`.

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxRevisionLen bounds a revision: git's own limits are far larger, but no
// branch, tag or expression a person types is longer.
const maxRevisionLen = 256

// Resolve returns the commit (40 hex digits) rev names: a commit hash, a
// unique abbreviation of one (at least 4 digits), a branch, a tag (an
// annotated tag is peeled to its commit), or any of these followed by git's
// ~N and ^N suffixes (v1.2~1, main^2). In Paved's clones a branch name is the
// remote's branch as last fetched (refs/remotes/origin/<name>), never the
// clone's stale local copy; in a repository read in place (Local) its own
// branches come first. As in git, a tag wins over a branch of the same name
// and a name wins over an abbreviated hash it looks like.
func (rp *Repo) Resolve(rev string) (string, error) {
	if err := checkRevision(rev); err != nil {
		return "", err
	}
	base, suffix := splitSuffix(rev)
	if !validSuffix(suffix) {
		return "", fmt.Errorf("revision %q: only ~N and ^N may follow a commit, branch or tag", rev)
	}
	h, err := rp.resolveBase(base)
	if err != nil {
		return "", err
	}
	if suffix == "" {
		return h.String(), nil
	}
	got, err := rp.r.ResolveRevision(plumbing.Revision(h.String() + suffix))
	if err != nil || got == nil || got.IsZero() {
		return "", fmt.Errorf("%s: %q goes past the history of %s", Redact(rp.url), rev, base)
	}
	return got.String(), nil
}

// resolveBase resolves a revision without suffix.
func (rp *Repo) resolveBase(base string) (plumbing.Hash, error) {
	notFound := fmt.Errorf("%s has no commit, branch or tag %q: give a commit hash, a branch or a tag of it", Redact(rp.url), base)
	if plumbing.IsHash(base) {
		if h, ok := rp.peelHash(plumbing.NewHash(base)); ok {
			return h, nil
		}
		return plumbing.ZeroHash, notFound
	}
	for _, name := range rp.refCandidates(base) {
		if h, ok := rp.peel(name); ok {
			return h, nil
		}
	}
	if len(base) >= 4 && isHex(base) {
		return rp.expandAbbrev(base, notFound)
	}
	return plumbing.ZeroHash, notFound
}

// refCandidates are the references a name may mean, in order.
func (rp *Repo) refCandidates(name string) []plumbing.ReferenceName {
	if strings.HasPrefix(name, "refs/") {
		return []plumbing.ReferenceName{plumbing.ReferenceName(name)}
	}
	if name == "HEAD" {
		// A clone's HEAD names the default branch, whose fresh copy is
		// the remote-tracking one.
		if head, err := rp.r.Reference(plumbing.HEAD, false); err == nil && head.Type() == plumbing.SymbolicReference && !rp.local {
			return []plumbing.ReferenceName{plumbing.NewRemoteReferenceName("origin", head.Target().Short()), plumbing.HEAD}
		}
		return []plumbing.ReferenceName{plumbing.HEAD}
	}
	tag, head := plumbing.NewTagReferenceName(name), plumbing.NewBranchReferenceName(name)
	remote := plumbing.NewRemoteReferenceName("origin", name)
	other := plumbing.ReferenceName("refs/remotes/" + name) // origin/main
	if rp.local {
		return []plumbing.ReferenceName{tag, head, other, remote}
	}
	return []plumbing.ReferenceName{tag, remote, head, other}
}

// expandAbbrev finds the one commit whose hash starts with prefix.
func (rp *Repo) expandAbbrev(prefix string, notFound error) (plumbing.Hash, error) {
	prefix = strings.ToLower(prefix)
	var found []plumbing.Hash
	add := func(h plumbing.Hash) {
		if !strings.HasPrefix(h.String(), prefix) {
			return
		}
		if c, ok := rp.peelHash(h); ok && !slices.Contains(found, c) {
			found = append(found, c)
		}
	}
	type prefixer interface {
		HashesWithPrefix(prefix []byte) ([]plumbing.Hash, error)
	}
	if fi, ok := rp.r.Storer.(prefixer); ok {
		b, err := hex.DecodeString(prefix[:len(prefix)&^1])
		if err != nil {
			return plumbing.ZeroHash, notFound
		}
		hs, err := fi.HashesWithPrefix(b)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("look up %s in %s: %w", prefix, Redact(rp.url), err)
		}
		for _, h := range hs {
			add(h)
		}
	} else {
		iter, err := rp.r.CommitObjects()
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("look up %s in %s: %w", prefix, Redact(rp.url), err)
		}
		_ = iter.ForEach(func(c *object.Commit) error { add(c.Hash); return nil })
	}
	switch len(found) {
	case 0:
		return plumbing.ZeroHash, notFound
	case 1:
		return found[0], nil
	}
	return plumbing.ZeroHash, fmt.Errorf("%s: %q is the start of %d commits: give more of the hash", Redact(rp.url), prefix, len(found))
}

// checkRevision refuses what cannot be a revision before it reaches the
// parser: empty, overlong, control characters and spaces (git refuses them
// in ref names too).
func checkRevision(rev string) error {
	if rev == "" {
		return errors.New("no revision given: give a commit hash, a branch or a tag")
	}
	if len(rev) > maxRevisionLen {
		return fmt.Errorf("revision %.20q... is longer than %d characters: give a commit hash, a branch or a tag", rev, maxRevisionLen)
	}
	for _, r := range rev {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return fmt.Errorf("revision %q holds a space or a control character: give a commit hash, a branch or a tag", rev)
		}
	}
	return nil
}

// splitSuffix cuts rev before its first ~ or ^.
func splitSuffix(rev string) (base, suffix string) {
	if i := strings.IndexAny(rev, "~^"); i >= 0 {
		return rev[:i], rev[i:]
	}
	return rev, ""
}

// validSuffix accepts a run of ~, ~N, ^ and ^N (N at most 4 digits).
func validSuffix(s string) bool {
	for s != "" {
		if s[0] != '~' && s[0] != '^' {
			return false
		}
		s = s[1:]
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n > 4 {
			return false
		}
		s = s[n:]
	}
	return true
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// peel returns the commit a reference points to, through annotated tags.
func (rp *Repo) peel(name plumbing.ReferenceName) (plumbing.Hash, bool) {
	ref, err := rp.r.Reference(name, true)
	if err != nil {
		return plumbing.ZeroHash, false
	}
	return rp.peelHash(ref.Hash())
}

// peelHash returns h when it is a commit, or the commit an annotated tag h
// points to (through tags of tags, a few levels deep).
func (rp *Repo) peelHash(h plumbing.Hash) (plumbing.Hash, bool) {
	for range 10 {
		tag, err := rp.r.TagObject(h)
		if err != nil {
			break
		}
		h = tag.Target
	}
	if _, err := rp.r.CommitObject(h); err != nil {
		return plumbing.ZeroHash, false
	}
	return h, true
}

// TreeAt resolves rev (see Resolve) and returns that commit's tree as a
// read-only file system, with the commit.
func (rp *Repo) TreeAt(rev string) (*TreeFS, string, error) {
	commit, err := rp.Resolve(rev)
	if err != nil {
		return nil, "", err
	}
	t, err := rp.Snapshot(plumbing.NewHash(commit))
	if err != nil {
		return nil, "", err
	}
	return t, commit, nil
}

// ErrTooFarApart is returned by CommitsBetween when counting would walk
// more than its limit of commits.
var ErrTooFarApart = errors.New("the commits are too far apart to count")

// CommitsBetween counts the commits reachable from to but not from from
// that change dir (a slash path in the repository, "" = anything), as
// `git rev-list --count from..to -- dir` does with the first parent as the
// reference for each commit. It walks at most limit commits on each side and
// returns ErrTooFarApart beyond. from and to are commit hashes.
func (rp *Repo) CommitsBetween(from, to, dir string, limit int) (int, error) {
	if !plumbing.IsHash(from) || !plumbing.IsHash(to) {
		return 0, fmt.Errorf("count commits %q..%q: both must be commit hashes", from, to)
	}
	dir = strings.Trim(dir, "/")
	seen, err := rp.ancestors(plumbing.NewHash(from), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	queue := []plumbing.Hash{plumbing.NewHash(to)}
	for walked := 0; len(queue) > 0; walked++ {
		if walked >= limit {
			return 0, ErrTooFarApart
		}
		h := queue[0]
		queue = queue[1:]
		if seen[h] {
			continue
		}
		seen[h] = true
		c, err := rp.r.CommitObject(h)
		if err != nil {
			return 0, fmt.Errorf("read commit %s of %s: %w", h, Redact(rp.url), err)
		}
		changed, err := rp.changes(c, dir)
		if err != nil {
			return 0, err
		}
		if changed {
			n++
		}
		queue = append(queue, c.ParentHashes...)
	}
	return n, nil
}

// ancestors is from and every commit reachable from it (at most limit).
func (rp *Repo) ancestors(from plumbing.Hash, limit int) (map[plumbing.Hash]bool, error) {
	seen := map[plumbing.Hash]bool{}
	queue := []plumbing.Hash{from}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		if seen[h] {
			continue
		}
		if len(seen) >= limit {
			return nil, ErrTooFarApart
		}
		seen[h] = true
		c, err := rp.r.CommitObject(h)
		if err != nil {
			return nil, fmt.Errorf("read commit %s of %s: %w", h, Redact(rp.url), err)
		}
		queue = append(queue, c.ParentHashes...)
	}
	return seen, nil
}

// changes reports whether c changed dir compared with its first parent (a
// root commit changes dir when it has it).
func (rp *Repo) changes(c *object.Commit, dir string) (bool, error) {
	mine, err := dirHash(c, dir)
	if err != nil {
		return false, err
	}
	if len(c.ParentHashes) == 0 {
		return !mine.IsZero(), nil
	}
	p, err := rp.r.CommitObject(c.ParentHashes[0])
	if err != nil {
		return false, fmt.Errorf("read commit %s of %s: %w", c.ParentHashes[0], Redact(rp.url), err)
	}
	theirs, err := dirHash(p, dir)
	if err != nil {
		return false, err
	}
	return mine != theirs, nil
}

// dirHash is the hash of dir's tree (or file) in c; zero when c has none.
func dirHash(c *object.Commit, dir string) (plumbing.Hash, error) {
	t, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read tree of %s: %w", c.Hash, err)
	}
	if dir == "" {
		return t.Hash, nil
	}
	e, err := t.FindEntry(dir)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("find %s in %s: %w", dir, c.Hash, err)
	}
	return e.Hash, nil
}

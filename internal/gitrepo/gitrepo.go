// Package gitrepo owns Paved's clones of remote git repositories (catalog
// sources, the platform repo): clone once, fetch after, read a commit's tree
// without a working copy.
//
// Rules:
//   - Clones are bare and live under a directory the caller owns; nothing
//     outside it is written.
//   - Credentials come from where git users keep them (ssh-agent, git
//     credential helpers, tokens in the environment) and never appear in
//     errors or logs: URLs are redacted before they are shown.
//   - A credential goes only where it belongs. Clone, fetch and push all get
//     theirs from credentialsFor (auth.go), the one place that decides:
//     PAVED_GIT_TOKEN only to the hosts PAVED_GIT_TOKEN_HOSTS lists,
//     GITHUB_TOKEN only to github.com, GITLAB_TOKEN only to gitlab.com, a
//     credential helper's answer only to the host:port it was asked for;
//     only over https (or ssh keys over ssh), never over http://; and bound
//     to the remote's origin, so a redirect to another host, port or scheme
//     never carries it.
//   - A failed fetch leaves the previous clone usable (offline is normal).
//   - A file read from a tree is bounded by MaxBlobBytes, checked against
//     the object's header before any of it is inflated (ErrTooLarge).
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Repo is a bare clone of one remote.
type Repo struct {
	r   *git.Repository
	url string
	// local is set for repositories read in place (not our clones): their
	// own branches come before remote-tracking ones.
	local bool
}

// Update makes dir a bare clone of remoteURL (cloning it the first time,
// fetching after) and returns the commit that ref points to. An empty ref
// means the remote's default branch as of the first clone.
//
// When the fetch fails but an earlier clone exists, Update returns the clone
// and the error wrapped in ErrStale, so callers can keep serving the old
// commit and report the failure.
func Update(ctx context.Context, dir, remoteURL, ref string) (*Repo, plumbing.Hash, error) {
	creds, err := credentialsFor(remoteURL)
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	r, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		r, err = cloneBare(ctx, dir, remoteURL, ref, creds)
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, plumbing.ZeroHash, err
		}
		repo := &Repo{r: r, url: remoteURL}
		h, err := repo.resolve(ref)
		return repo, h, err
	}
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("open clone of %s at %s: %w", Redact(remoteURL), dir, err)
	}
	repo := &Repo{r: r, url: remoteURL}
	ferr := fetch(ctx, r, remoteURL, creds)
	h, rerr := repo.resolve(ref)
	if rerr != nil {
		return nil, plumbing.ZeroHash, errors.Join(ferr, rerr)
	}
	if ferr != nil {
		return repo, h, &StaleError{Err: ferr}
	}
	return repo, h, nil
}

// StaleError reports that a fetch failed and the returned commit is the one
// fetched earlier.
type StaleError struct{ Err error }

func (e *StaleError) Error() string {
	return e.Err.Error() + " (using the last fetched commit)"
}
func (e *StaleError) Unwrap() error { return e.Err }

func cloneBare(ctx context.Context, dir, remoteURL, ref string, creds credentials) (*git.Repository, error) {
	opts := &git.CloneOptions{URL: remoteURL, Auth: creds.auth, Tags: git.NoTags}
	if ref != "" {
		opts.ReferenceName = plumbing.NewBranchReferenceName(ref)
		opts.SingleBranch = true
	}
	r, err := git.PlainCloneContext(ctx, dir, true, opts)
	if err != nil && ref != "" && (errors.Is(err, plumbing.ErrReferenceNotFound) || errors.Is(err, git.NoMatchingRefSpecError{})) {
		// Not a branch: try a tag.
		_ = os.RemoveAll(dir)
		opts.ReferenceName = plumbing.NewTagReferenceName(ref)
		r, err = git.PlainCloneContext(ctx, dir, true, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("clone %s: %w", Redact(remoteURL), explain(err, creds.why))
	}
	return r, nil
}

func fetch(ctx context.Context, r *git.Repository, remoteURL string, creds credentials) error {
	err := r.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin",
		RemoteURL:  remoteURL,
		Auth:       creds.auth,
		RefSpecs: []config.RefSpec{
			"+refs/heads/*:refs/remotes/origin/*",
			"+refs/tags/*:refs/tags/*",
		},
		Force: true,
	})
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return fmt.Errorf("fetch %s: %w", Redact(remoteURL), explain(err, creds.why))
}

// resolve finds the commit for ref: a branch (remote-tracking first, as
// fetches update those), a tag, or a commit hash; "" is the clone's HEAD branch.
func (rp *Repo) resolve(ref string) (plumbing.Hash, error) {
	if ref == "" {
		head, err := rp.r.Reference(plumbing.HEAD, false)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read HEAD of clone of %s: %w", Redact(rp.url), err)
		}
		ref = head.Target().Short()
	}
	candidates := []plumbing.ReferenceName{
		plumbing.NewRemoteReferenceName("origin", ref),
		plumbing.NewBranchReferenceName(ref),
		plumbing.NewTagReferenceName(ref),
	}
	if rp.local {
		candidates[0], candidates[1] = candidates[1], candidates[0]
	}
	for _, name := range candidates {
		r, err := rp.r.Reference(name, true)
		if err != nil {
			continue
		}
		h := r.Hash()
		if tag, err := rp.r.TagObject(h); err == nil { // annotated tag
			c, err := tag.Commit()
			if err != nil {
				return plumbing.ZeroHash, fmt.Errorf("tag %s of %s: %w", ref, Redact(rp.url), err)
			}
			return c.Hash, nil
		}
		return h, nil
	}
	if plumbing.IsHash(ref) {
		if _, err := rp.r.CommitObject(plumbing.NewHash(ref)); err == nil {
			return plumbing.NewHash(ref), nil
		}
	}
	return plumbing.ZeroHash, fmt.Errorf("%s has no branch, tag or commit %q: check the ref in your configuration", Redact(rp.url), ref)
}

// Snapshot returns the tree of commit as a read-only file system.
func (rp *Repo) Snapshot(commit plumbing.Hash) (*TreeFS, error) {
	c, err := rp.r.CommitObject(commit)
	if err != nil {
		return nil, fmt.Errorf("read commit %s of %s: %w", commit, Redact(rp.url), err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s in %s: %w", commit, Redact(rp.url), err)
	}
	return newTreeFS(rp.r, t), nil
}

// Commit returns the commit object for h.
func (rp *Repo) Commit(h plumbing.Hash) (*object.Commit, error) { return rp.r.CommitObject(h) }

// explain turns transport errors into messages that say what to do. why,
// when set, says why no credential was sent to this remote.
func explain(err error, why string) error {
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired):
		if why != "" {
			return fmt.Errorf("%w: %s", err, why)
		}
		return fmt.Errorf("%w: set %s and list the host in %s (sent over https only), configure a git credential helper, or use an ssh URL with ssh-agent running", err, TokenEnv, TokenHostsEnv)
	case errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("%w: the credentials found were refused; check their scope", err)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%w: check the URL", err)
	}
	return errors.New(redactText(err.Error()))
}

// userinfoRE finds the user info of a URL in text: after scheme:// (or a
// leading // of a scheme-relative URL), up to the last "@" of the authority
// (which ends at "/", "?", "#" or a space), as URL parsers read it.
var userinfoRE = regexp.MustCompile(`(^//|[a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#\s]*)@`)

// Redact removes credentials from a URL so it can be shown, leaving the
// rest as written: any user info with a password, and any user info at all
// except an ssh user name (for http(s) a pasted token is often the user
// name; an ssh user name is not a secret).
func Redact(raw string) string { return redactText(raw) }

// redactText removes the user info of every URL in s, keeping ssh user
// names that come without a password.
func redactText(s string) string {
	return userinfoRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfoRE.FindStringSubmatch(m)
		if strings.EqualFold(sub[1], "ssh://") && !strings.Contains(sub[2], ":") && !strings.Contains(sub[2], "@") {
			return m // an ssh user name is not a secret
		}
		return sub[1]
	})
}

// IsURL reports whether target names a git remote rather than a local path:
// scheme://... or scp-like user@host:path.
func IsURL(target string) bool {
	if strings.Contains(target, "://") {
		return true
	}
	return scpLike.MatchString(target)
}

// scpLike matches git's scp-like syntax: user@host:path and user@host:/abs/path.
var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(/?[^/])`)

// Open opens an existing clone without touching the network.
func Open(dir, remoteURL string) (*Repo, error) {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return nil, fmt.Errorf("open clone of %s: %w", Redact(remoteURL), err)
	}
	return &Repo{r: r, url: remoteURL}, nil
}

// LocalPath returns the directory a file:// URL or plain path names, and
// whether target is one (rather than a network URL).
func LocalPath(target string) (string, bool) {
	if strings.HasPrefix(target, "file://") {
		u, err := url.Parse(target)
		if err != nil {
			return "", false
		}
		return u.Path, true
	}
	if IsURL(target) {
		return "", false
	}
	return target, true
}

// Local opens the repository at dir in place, read-only: nothing is cloned
// or fetched (it is on this machine already), and ref resolves against its
// own branches first ("" = its HEAD).
func Local(dir, ref string) (*Repo, plumbing.Hash, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: false})
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	repo := &Repo{r: r, url: dir, local: true}
	h, err := repo.resolve(ref)
	return repo, h, err
}

// ChangedPaths lists the files that differ between two commits (added,
// modified, deleted or renamed, by either name), relative to the repository
// root. Only subtrees whose hashes differ are visited, so it is cheap when
// little changed.
func (rp *Repo) ChangedPaths(from, to plumbing.Hash) (map[string]bool, error) {
	a, err := rp.r.CommitObject(from)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", from, err)
	}
	b, err := rp.r.CommitObject(to)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", to, err)
	}
	ta, err := a.Tree()
	if err != nil {
		return nil, err
	}
	tb, err := b.Tree()
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTree(ta, tb)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", from, to, err)
	}
	out := make(map[string]bool, len(changes))
	for _, c := range changes {
		if c.From.Name != "" {
			out[c.From.Name] = true
		}
		if c.To.Name != "" {
			out[c.To.Name] = true
		}
	}
	return out, nil
}

// HasPassword reports whether a URL carries a credential in its user info:
// a password (https://user:token@host/...) or, for http(s), any user info at
// all (https://TOKEN@host/... is how tokens are often pasted). Such URLs
// must never be stored. A URL that does not parse but looks like it has
// user info is treated as carrying one.
func HasPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return userinfoRE.MatchString(raw)
	}
	if u.User == nil {
		return false
	}
	if _, ok := u.User.Password(); ok {
		return true
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

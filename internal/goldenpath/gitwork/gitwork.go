// Package gitwork makes commits in working repositories on the user's
// behalf (a new service's first commit, a template update's branch), with
// go-git and the user's own git identity, and pushes them with the
// credentials git users already have (internal/gitrepo).
//
// Rules: the identity is read the way git reads it (environment, then
// repository, global and system configuration) and a missing one is an
// error that says how to set it; remote URLs never carry credentials and
// never appear unredacted in errors.
package gitwork

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/paved-dev/paved/internal/gitrepo"
)

// Identity is who commits.
type Identity struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// ErrNoIdentity is returned when git has no user.name or user.email.
var ErrNoIdentity = errors.New(`git does not know who you are: run
  git config --global user.name "Your Name"
  git config --global user.email "you@example.com"
(or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL)`)

// configFiles lists git's configuration files from lowest to highest
// precedence: system, XDG, global, then the repository's own.
func configFiles(repoDir string) []string {
	var files []string
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		files = append(files, "/etc/gitconfig")
	}
	home, _ := os.UserHomeDir()
	if g := os.Getenv("GIT_CONFIG_GLOBAL"); g != "" {
		files = append(files, g)
	} else {
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			files = append(files, filepath.Join(xdg, "git", "config"))
		}
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
	}
	if repoDir != "" {
		files = append(files, filepath.Join(repoDir, ".git", "config"))
	}
	return files
}

// UserIdentity reads the author identity as git would for a repository in
// repoDir ("" = outside any repository).
func UserIdentity(repoDir string) (Identity, error) {
	var id Identity
	for _, f := range configFiles(repoDir) {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		cfg := config.NewConfig()
		if err := cfg.Unmarshal(data); err != nil {
			return Identity{}, fmt.Errorf("read git configuration %s: %w", f, err)
		}
		if cfg.User.Name != "" {
			id.Name = cfg.User.Name
		}
		if cfg.User.Email != "" {
			id.Email = cfg.User.Email
		}
	}
	if v := os.Getenv("EMAIL"); v != "" && id.Email == "" {
		id.Email = v
	}
	if v := os.Getenv("GIT_AUTHOR_NAME"); v != "" {
		id.Name = v
	}
	if v := os.Getenv("GIT_AUTHOR_EMAIL"); v != "" {
		id.Email = v
	}
	if strings.TrimSpace(id.Name) == "" || strings.TrimSpace(id.Email) == "" {
		return Identity{}, ErrNoIdentity
	}
	return id, nil
}

func (id Identity) signature() *object.Signature {
	return &object.Signature{Name: id.Name, Email: id.Email, When: time.Now()}
}

// InitCommit makes dir a new repository on branch with every file in it
// committed, and returns the commit.
func InitCommit(dir, branch, msg string, id Identity) (string, error) {
	if branch == "" {
		branch = "main"
	}
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)},
	})
	if err != nil {
		return "", fmt.Errorf("git init %s: %w", dir, err)
	}
	w, err := r.Worktree()
	if err != nil {
		return "", err
	}
	if err := w.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", fmt.Errorf("git add in %s: %w", dir, err)
	}
	h, err := w.Commit(msg, &git.CommitOptions{Author: id.signature(), Committer: id.signature()})
	if err != nil {
		return "", fmt.Errorf("git commit in %s: %w", dir, err)
	}
	return h.String(), nil
}

// Push sets remoteURL as origin of the repository in dir and pushes
// branch to it, with the credentials git would use.
func Push(ctx context.Context, dir, remoteURL, branch string) error {
	if gitrepo.HasPassword(remoteURL) {
		return fmt.Errorf("push to %s: the URL contains a password or token; remove it and use PAVED_GIT_TOKEN, a git credential helper or ssh-agent instead", gitrepo.Redact(remoteURL))
	}
	r, err := git.PlainOpen(dir)
	if err != nil {
		return err
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{remoteURL}}); err != nil && !errors.Is(err, git.ErrRemoteExists) {
		return fmt.Errorf("add remote origin: %w", err)
	}
	auth, err := gitrepo.AuthFor(remoteURL)
	if err != nil {
		return err
	}
	ref := plumbing.NewBranchReferenceName(branch)
	err = r.PushContext(ctx, &git.PushOptions{
		RemoteName: "origin",
		Auth:       auth,
		RefSpecs:   []config.RefSpec{config.RefSpec(ref + ":" + ref)},
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("push to %s: %w", gitrepo.Redact(remoteURL), gitrepo.Explain(err))
	}
	return nil
}

// DirtyError lists the changes that keep an update from starting.
type DirtyError struct {
	Dir   string
	Files []string
}

func (e *DirtyError) Error() string {
	list := e.Files
	more := ""
	if len(list) > 5 {
		list, more = list[:5], fmt.Sprintf(" and %d more", len(e.Files)-5)
	}
	return fmt.Sprintf("%s has uncommitted changes (%s%s): commit or stash them first, then run the update again", e.Dir, strings.Join(list, ", "), more)
}

// Open opens the repository whose work tree is dir.
func Open(dir string) (*git.Repository, error) {
	r, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s is not a git repository: golden-path updates need the repository a scaffold created", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	return r, nil
}

// RequireClean fails with a *DirtyError when tracked files are modified,
// staged or deleted, or untracked files that are not ignored exist.
func RequireClean(r *git.Repository, dir string) error {
	w, err := r.Worktree()
	if err != nil {
		return err
	}
	st, err := w.Status()
	if err != nil {
		return fmt.Errorf("git status in %s: %w", dir, err)
	}
	var files []string
	for f, s := range st {
		if s.Staging != git.Unmodified || s.Worktree != git.Unmodified {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil
	}
	sort.Strings(files)
	return &DirtyError{Dir: dir, Files: files}
}

// TreeFile is one file for CommitFiles.
type TreeFile struct {
	Data []byte
	Exec bool
}

// CommitFiles stores files as a commit object in r without touching any
// branch, index or work tree, and returns it. parents may be empty.
func CommitFiles(r *git.Repository, files map[string]TreeFile, msg string, id Identity, parents ...plumbing.Hash) (plumbing.Hash, error) {
	st := r.Storer
	type dir struct {
		files map[string]TreeFile
		dirs  map[string]*dir
	}
	newDir := func() *dir { return &dir{files: map[string]TreeFile{}, dirs: map[string]*dir{}} }
	root := newDir()
	for p, f := range files {
		parts := strings.Split(p, "/")
		d := root
		for _, seg := range parts[:len(parts)-1] {
			if d.dirs[seg] == nil {
				d.dirs[seg] = newDir()
			}
			d = d.dirs[seg]
		}
		d.files[parts[len(parts)-1]] = f
	}
	var write func(d *dir) (plumbing.Hash, error)
	write = func(d *dir) (plumbing.Hash, error) {
		var entries []object.TreeEntry
		for name, f := range d.files {
			obj := st.NewEncodedObject()
			obj.SetType(plumbing.BlobObject)
			w, err := obj.Writer()
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if _, err := w.Write(f.Data); err != nil {
				return plumbing.ZeroHash, err
			}
			if err := w.Close(); err != nil {
				return plumbing.ZeroHash, err
			}
			h, err := st.SetEncodedObject(obj)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			mode := filemode.Regular
			if f.Exec {
				mode = filemode.Executable
			}
			entries = append(entries, object.TreeEntry{Name: name, Mode: mode, Hash: h})
		}
		for name, sub := range d.dirs {
			h, err := write(sub)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
		// git orders entries by name, directories as if they ended in "/".
		key := func(e object.TreeEntry) string {
			if e.Mode == filemode.Dir {
				return e.Name + "/"
			}
			return e.Name
		}
		sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
		obj := st.NewEncodedObject()
		if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
			return plumbing.ZeroHash, err
		}
		return st.SetEncodedObject(obj)
	}
	tree, err := write(root)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store tree: %w", err)
	}
	sig := id.signature()
	c := &object.Commit{Author: *sig, Committer: *sig, Message: msg, TreeHash: tree, ParentHashes: parents}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// FindCommit walks the history of HEAD (every parent, newest first, at
// most limit commits) for the first commit whose message contains needle.
func FindCommit(r *git.Repository, needle string, limit int) (*object.Commit, error) {
	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	start, err := r.CommitObject(head.Hash())
	if err != nil {
		return nil, err
	}
	seen := map[plumbing.Hash]bool{}
	queue := []*object.Commit{start}
	for n := 0; len(queue) > 0 && n < limit; n++ {
		c := queue[0]
		queue = queue[1:]
		if seen[c.Hash] {
			continue
		}
		seen[c.Hash] = true
		if strings.Contains(c.Message, needle) {
			return c, nil
		}
		for _, ph := range c.ParentHashes {
			if p, err := r.CommitObject(ph); err == nil {
				queue = append(queue, p)
			}
		}
	}
	return nil, nil
}

// CommitWorkTree stages every change in the work tree (additions and
// deletions) and commits it with the given parents (nil = HEAD).
func CommitWorkTree(r *git.Repository, msg string, id Identity, parents []plumbing.Hash) (plumbing.Hash, error) {
	w, err := r.Worktree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("git add: %w", err)
	}
	return w.Commit(msg, &git.CommitOptions{Author: id.signature(), Committer: id.signature(), Parents: parents, AllowEmptyCommits: true})
}

// NewBranch creates branch (made unique with -2, -3... when taken) at HEAD
// and checks it out, keeping the work tree; it returns the name used.
func NewBranch(r *git.Repository, branch string) (string, error) {
	head, err := r.Head()
	if err != nil {
		return "", err
	}
	name := branch
	for n := 2; ; n++ {
		if _, err := r.Reference(plumbing.NewBranchReferenceName(name), false); err != nil {
			break
		}
		name = fmt.Sprintf("%s-%d", branch, n)
	}
	w, err := r.Worktree()
	if err != nil {
		return "", err
	}
	if err := w.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name), Hash: head.Hash(), Create: true, Keep: true}); err != nil {
		return "", fmt.Errorf("create branch %s: %w", name, err)
	}
	return name, nil
}

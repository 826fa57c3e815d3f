// Package gitwork is golden paths' access to the user's working
// repositories, with go-git: a new service's first commit and push, a
// template update (its files read and written in the work tree, the
// template's render stored as a commit, a new branch, a merge commit), and
// whether a template directory on disk is exactly what its repository's HEAD
// holds. Commits carry the user's own git identity; pushes use the
// credentials git users already have (internal/gitrepo). No other golden
// path package imports go-git: commits cross this API as hex strings.
//
// Rules: the identity is read the way git reads it (environment, then
// repository, global and system configuration) and a missing one is an
// error that says how to set it; remote URLs never carry credentials and
// never appear unredacted in errors; work-tree files are read and written
// through an os.Root and never through a symbolic link.
package gitwork

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/problem"
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

// ProblemKind classifies a dirty work tree for the UI: the request clashes
// with the repository's state.
func (e *DirtyError) ProblemKind() problem.Kind { return problem.Conflict }

// Repo is a working repository: a work tree and its .git.
type Repo struct {
	r   *git.Repository
	dir string
}

// Open opens the repository whose work tree is dir.
func Open(dir string) (*Repo, error) {
	r, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, problem.Invalidf(fmt.Sprintf("%s is not a git repository: golden-path updates need the repository a scaffold created", dir))
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	return &Repo{r: r, dir: dir}, nil
}

// Dir is the work tree.
func (r *Repo) Dir() string { return r.dir }

// RequireClean fails with a *DirtyError when tracked files are modified,
// staged or deleted, or untracked files that are not ignored exist.
func (r *Repo) RequireClean() error {
	w, err := r.r.Worktree()
	if err != nil {
		return err
	}
	st, err := w.Status()
	if err != nil {
		return fmt.Errorf("git status in %s: %w", r.dir, err)
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
	slices.Sort(files)
	return &DirtyError{Dir: r.dir, Files: files}
}

// TreeFile is one file of a tree given to or read from a repository.
type TreeFile struct {
	Data []byte
	Exec bool
}

// Head is the commit HEAD points to.
func (r *Repo) Head() (string, error) {
	h, err := r.r.Head()
	if err != nil {
		return "", fmt.Errorf("read HEAD of %s: %w", r.dir, err)
	}
	return h.Hash().String(), nil
}

func hashes(hs []string) ([]plumbing.Hash, error) {
	out := make([]plumbing.Hash, 0, len(hs))
	for _, h := range hs {
		if !plumbing.IsHash(h) {
			return nil, fmt.Errorf("%q is not a commit hash", h)
		}
		out = append(out, plumbing.NewHash(h))
	}
	return out, nil
}

// CommitFiles stores files as a commit object without touching any branch,
// index or work tree, and returns it. parents may be empty.
func (r *Repo) CommitFiles(files map[string]TreeFile, msg string, id Identity, parents ...string) (string, error) {
	ps, err := hashes(parents)
	if err != nil {
		return "", err
	}
	h, err := commitFiles(r.r, files, msg, id, ps)
	if err != nil {
		return "", fmt.Errorf("store a commit in %s: %w", r.dir, err)
	}
	return h.String(), nil
}

func commitFiles(r *git.Repository, files map[string]TreeFile, msg string, id Identity, parents []plumbing.Hash) (plumbing.Hash, error) {
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
		slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
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
// most limit commits) for the first commit whose message contains needle;
// "" when there is none.
func (r *Repo) FindCommit(needle string, limit int) (string, error) {
	c, err := r.findCommit(needle, limit)
	if err != nil || c == nil {
		return "", err
	}
	return c.Hash.String(), nil
}

func (r *Repo) findCommit(needle string, limit int) (*object.Commit, error) {
	head, err := r.r.Head()
	if err != nil {
		return nil, err
	}
	start, err := r.r.CommitObject(head.Hash())
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
			if p, err := r.r.CommitObject(ph); err == nil {
				queue = append(queue, p)
			}
		}
	}
	return nil, nil
}

// CommitTree reads every regular and executable file of commit (links and
// submodules are left out), refusing more than maxBytes in all.
func (r *Repo) CommitTree(commit string, maxBytes int64) (map[string]TreeFile, error) {
	if !plumbing.IsHash(commit) {
		return nil, fmt.Errorf("%q is not a commit hash", commit)
	}
	c, err := r.r.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, fmt.Errorf("read commit %s in %s: %w", commit, r.dir, err)
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	out := map[string]TreeFile{}
	var total int64
	err = tree.Files().ForEach(func(f *object.File) error {
		if f.Mode != filemode.Regular && f.Mode != filemode.Executable {
			return nil
		}
		total += f.Size
		if total > maxBytes {
			return fmt.Errorf("the files of commit %s are larger than %d MiB", commit, maxBytes>>20)
		}
		s, err := f.Contents()
		if err != nil {
			return err
		}
		out[f.Name] = TreeFile{Data: []byte(s), Exec: f.Mode == filemode.Executable}
		return nil
	})
	return out, err
}

// NewBranch creates branch (made unique with -2, -3... when taken) at HEAD
// and checks it out, keeping the work tree; it returns the name used.
func (r *Repo) NewBranch(branch string) (string, error) {
	head, err := r.r.Head()
	if err != nil {
		return "", err
	}
	name := branch
	for n := 2; ; n++ {
		if _, err := r.r.Reference(plumbing.NewBranchReferenceName(name), false); err != nil {
			break
		}
		name = fmt.Sprintf("%s-%d", branch, n)
	}
	w, err := r.r.Worktree()
	if err != nil {
		return "", err
	}
	if err := w.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name), Hash: head.Hash(), Create: true, Keep: true}); err != nil {
		return "", fmt.Errorf("create branch %s: %w", name, err)
	}
	return name, nil
}

// CommitWorkTree stages every change in the work tree (additions and
// deletions) and commits it with the given parents (none = HEAD).
func (r *Repo) CommitWorkTree(msg string, id Identity, parents ...string) (string, error) {
	ps, err := hashes(parents)
	if err != nil {
		return "", err
	}
	w, err := r.r.Worktree()
	if err != nil {
		return "", err
	}
	if err := w.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", fmt.Errorf("git add in %s: %w", r.dir, err)
	}
	if len(ps) == 0 {
		ps = nil
	}
	h, err := w.Commit(msg, &git.CommitOptions{Author: id.signature(), Committer: id.signature(), Parents: ps, AllowEmptyCommits: true})
	if err != nil {
		return "", fmt.Errorf("git commit in %s: %w", r.dir, err)
	}
	return h.String(), nil
}

// ReadFiles reads the work tree's files at paths (slash-separated); a path
// that does not exist is left out. A symbolic link or anything but a
// regular file is an error: it is never followed, merged into or replaced.
func (r *Repo) ReadFiles(paths []string, maxBytes int64) (map[string]TreeFile, error) {
	root, err := os.OpenRoot(r.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	out := make(map[string]TreeFile, len(paths))
	for _, p := range paths {
		st, err := root.Lstat(filepath.FromSlash(p))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file in the repository (a link?): the update will not touch it; replace it with a file or remove it from the template", p)
		}
		if st.Size() > maxBytes {
			return nil, fmt.Errorf("%s is larger than %d MiB", p, maxBytes>>20)
		}
		f, err := root.Open(filepath.FromSlash(p))
		if err != nil {
			return nil, err
		}
		b := make([]byte, st.Size())
		_, err = io.ReadFull(f, b)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		out[p] = TreeFile{Data: b, Exec: st.Mode()&0o111 != 0}
	}
	return out, nil
}

// FileChange is one change to make in the work tree.
type FileChange struct {
	Path string
	// Delete removes the file; otherwise Data is written.
	Delete bool
	Data   []byte
	Exec   bool
}

// Apply makes the changes in the work tree, through an os.Root so that no
// path leaves it.
func (r *Repo) Apply(changes []FileChange) error {
	root, err := os.OpenRoot(r.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, c := range changes {
		name := filepath.FromSlash(c.Path)
		if c.Delete {
			if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("delete %s: %w", c.Path, err)
			}
			continue
		}
		if d := filepath.Dir(name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("write %s: %w", c.Path, err)
			}
		}
		mode := fs.FileMode(0o644)
		if c.Exec {
			mode = 0o755
		}
		if err := root.WriteFile(name, c.Data, mode); err != nil {
			return fmt.Errorf("write %s: %w", c.Path, err)
		}
	}
	return nil
}

// Update is a template update to commit.
type Update struct {
	// Render is every file of the template's new render, stored as a commit
	// of its own (the template's side of the merge) whose parent is
	// RenderParent ("" = none), with RenderMessage.
	Render        map[string]TreeFile
	RenderMessage string
	RenderParent  string
	// Branch is the new branch's name (made unique with -2, -3...).
	Branch string
	// Changes are made in the work tree on the new branch, then committed
	// with Message as a merge of HEAD and the render commit.
	Changes []FileChange
	Message string
	// Identity is the author and committer.
	Identity Identity
}

// Committed is what CommitUpdate made.
type Committed struct {
	// Branch is the branch created (checked out), Commit the merge commit
	// on it and Render the render commit.
	Branch, Commit, Render string
}

// CommitUpdate commits a template update: the render commit, a new branch
// at HEAD, the changes in the work tree and the merge commit. The work tree
// should be clean (RequireClean) so that the merge holds only the update.
func (r *Repo) CommitUpdate(u Update) (Committed, error) {
	var parents []string
	if u.RenderParent != "" {
		parents = append(parents, u.RenderParent)
	}
	render, err := r.CommitFiles(u.Render, u.RenderMessage, u.Identity, parents...)
	if err != nil {
		return Committed{}, err
	}
	head, err := r.Head()
	if err != nil {
		return Committed{}, err
	}
	branch, err := r.NewBranch(u.Branch)
	if err != nil {
		return Committed{}, err
	}
	if err := r.Apply(u.Changes); err != nil {
		return Committed{Branch: branch, Render: render}, err
	}
	c, err := r.CommitWorkTree(u.Message, u.Identity, head, render)
	if err != nil {
		return Committed{Branch: branch, Render: render}, err
	}
	return Committed{Branch: branch, Commit: c, Render: render}, nil
}

// CommittedDir reports whether dir (a directory inside a git work tree)
// holds exactly the files HEAD has there: nothing changed, added or
// removed, at most maxFiles files. Then it returns the repository's work
// tree, dir's slash path in it ("" = the root) and the HEAD commit; ok is
// false otherwise, and for a directory in no repository.
func CommittedDir(dir string, maxFiles int) (repoDir, sub, commit string, ok bool) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return "", "", "", false
	}
	w, err := r.Worktree()
	if err != nil {
		return "", "", "", false
	}
	root := w.Filesystem.Root()
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", "", "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		rel = ""
	}
	head, err := r.Head()
	if err != nil {
		return "", "", "", false
	}
	c, err := r.CommitObject(head.Hash())
	if err != nil {
		return "", "", "", false
	}
	tree, err := c.Tree()
	if err != nil {
		return "", "", "", false
	}
	if rel != "" {
		if tree, err = tree.Tree(rel); err != nil {
			return "", "", "", false
		}
	}
	// Every committed file must be on disk unchanged, and nothing more.
	committed := map[string]plumbing.Hash{}
	if err := tree.Files().ForEach(func(f *object.File) error {
		committed[f.Name] = f.Hash
		return nil
	}); err != nil {
		return "", "", "", false
	}
	n := 0
	same := true
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !same {
			same = false
			return filepath.SkipAll
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		r, _ := filepath.Rel(dir, p)
		want, ok := committed[filepath.ToSlash(r)]
		n++
		if !ok || n > maxFiles || !d.Type().IsRegular() {
			same = false
			return filepath.SkipAll
		}
		data, err := os.ReadFile(p)
		if err != nil || plumbing.ComputeHash(plumbing.BlobObject, data) != want {
			same = false
			return filepath.SkipAll
		}
		return nil
	})
	if !same || n != len(committed) {
		return "", "", "", false
	}
	return root, rel, head.Hash().String(), true
}

// HeadOf is the HEAD commit of the repository whose work tree holds dir
// ("" when there is none): a cheap way to notice a new commit.
func HeadOf(dir string) string {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return ""
	}
	h, err := r.Head()
	if err != nil {
		return ""
	}
	return h.Hash().String()
}

package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// MaxBlobBytes bounds any single file read from a tree.
const MaxBlobBytes = 8 << 20

// TreeFS is a read-only fs.FS over one commit's tree. Symbolic links and
// submodules are not followed: opening one is an error, so a tree can never
// point a reader outside itself. Safe for concurrent use.
type TreeFS struct {
	repo *git.Repository
	root *object.Tree

	mu    sync.Mutex
	trees map[string]*object.Tree // directory path ("." = root) -> tree
}

func newTreeFS(r *git.Repository, root *object.Tree) *TreeFS {
	return &TreeFS{repo: r, root: root, trees: map[string]*object.Tree{".": root}}
}

// tree returns the tree of directory dir, decoding and caching each level once.
func (t *TreeFS) tree(dir string) (*object.Tree, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.treeLocked(dir)
}

func (t *TreeFS) treeLocked(dir string) (*object.Tree, error) {
	if tr, ok := t.trees[dir]; ok {
		return tr, nil
	}
	parent, err := t.treeLocked(path.Dir(dir))
	if err != nil {
		return nil, err
	}
	e, err := findEntry(parent, path.Base(dir))
	if err != nil {
		return nil, err
	}
	if e.Mode != filemode.Dir {
		return nil, fs.ErrNotExist
	}
	tr, err := t.repo.TreeObject(e.Hash)
	if err != nil {
		// %v, not %w: a pack file gone in the middle of a gc is an I/O
		// failure, never "no such file".
		return nil, fmt.Errorf("read the tree of %s (%s): %v", dir, e.Hash, err)
	}
	t.trees[dir] = tr
	return tr, nil
}

func findEntry(tr *object.Tree, name string) (*object.TreeEntry, error) {
	// Entries are sorted by git's rules; a linear scan is simple and trees are small.
	for i := range tr.Entries {
		if tr.Entries[i].Name == name {
			return &tr.Entries[i], nil
		}
	}
	return nil, fs.ErrNotExist
}

// entry returns the tree entry at name (not for the root).
func (t *TreeFS) entry(name string) (*object.TreeEntry, error) {
	parent, err := t.tree(path.Dir(name))
	if err != nil {
		return nil, err
	}
	return findEntry(parent, path.Base(name))
}

// Fingerprint returns the blob hash of the file at name: equal fingerprints
// mean equal content.
func (t *TreeFS) Fingerprint(name string) (string, error) {
	if !fs.ValidPath(name) || name == "." {
		return "", &fs.PathError{Op: "fingerprint", Path: name, Err: fs.ErrInvalid}
	}
	e, err := t.entry(name)
	if err != nil {
		return "", &fs.PathError{Op: "fingerprint", Path: name, Err: lookupErr(err)}
	}
	if !isRegular(e.Mode) {
		return "", &fs.PathError{Op: "fingerprint", Path: name, Err: errNotRegular(e.Mode)}
	}
	return e.Hash.String(), nil
}

// isRegular reports whether m is a file with content of its own.
// filemode.IsFile also accepts symbolic links, which are never opened.
func isRegular(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

// lookupErr is the error of a failed path lookup: fs.ErrNotExist when the
// tree has no such entry, else the read failure itself (which a caller must
// treat as I/O, not as a missing file).
func lookupErr(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fs.ErrNotExist
	}
	return err
}

func errNotRegular(m filemode.FileMode) error {
	switch m {
	case filemode.Symlink:
		return errors.New("symbolic links are not followed")
	case filemode.Submodule:
		return errors.New("submodules are not followed")
	case filemode.Dir:
		return errors.New("is a directory")
	}
	return fmt.Errorf("unsupported file mode %v", m)
}

// Open implements fs.FS.
func (t *TreeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &treeDir{fs: t, name: ".", tree: t.root}, nil
	}
	e, err := t.entry(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: lookupErr(err)}
	}
	switch {
	case e.Mode == filemode.Dir:
		tr, err := t.tree(name)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &treeDir{fs: t, name: name, tree: tr}, nil
	case isRegular(e.Mode):
		data, err := t.readBlob(e.Hash)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &treeFile{info: entryInfo{name: path.Base(name), mode: e.Mode, size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	default:
		return nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular(e.Mode)}
	}
}

// ErrTooLarge is wrapped by the error of a read of a file over
// MaxBlobBytes. It is a property of the file, not an I/O failure.
var ErrTooLarge = errors.New("file too large")

// readBlob reads blob h. Its size comes from the object's header first (a
// loose object's zlib header, a packed object's entry), so a file over
// MaxBlobBytes is refused before any of it is inflated.
func (t *TreeFS) readBlob(h plumbing.Hash) ([]byte, error) {
	size, err := t.repo.Storer.EncodedObjectSize(h)
	if err != nil {
		return nil, fmt.Errorf("read the size of blob %s: %v", h, err)
	}
	if size > MaxBlobBytes {
		return nil, fmt.Errorf("%w: %d bytes, over the %d-byte (%d MiB) limit for a file read from git", ErrTooLarge, size, MaxBlobBytes, MaxBlobBytes>>20)
	}
	b, err := t.repo.BlobObject(h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %v", h, err)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %v", h, err)
	}
	defer rd.Close()
	data := make([]byte, size)
	if _, err := io.ReadFull(rd, data); err != nil {
		return nil, fmt.Errorf("read blob %s: %v", h, err)
	}
	return data, nil
}

// Stat implements fs.StatFS without reading the file: a regular file's
// size comes from its object's header. Like Open, it refuses symbolic links
// and submodules.
func (t *TreeFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return entryInfo{name: ".", mode: filemode.Dir}, nil
	}
	e, err := t.entry(name)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: lookupErr(err)}
	}
	switch {
	case e.Mode == filemode.Dir:
		if _, err := t.tree(name); err != nil {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		return entryInfo{name: path.Base(name), mode: e.Mode}, nil
	case isRegular(e.Mode):
		info, err := dirEntry{fs: t, e: *e}.Info()
		if err != nil {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		return info, nil
	default:
		return nil, &fs.PathError{Op: "stat", Path: name, Err: errNotRegular(e.Mode)}
	}
}

// ReadDir implements fs.ReadDirFS.
func (t *TreeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	tr, err := t.tree(name)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: lookupErr(err)}
	}
	return t.dirEntries(tr), nil
}

func (t *TreeFS) dirEntries(tr *object.Tree) []fs.DirEntry {
	out := make([]fs.DirEntry, 0, len(tr.Entries))
	for _, e := range tr.Entries {
		out = append(out, dirEntry{fs: t, e: e})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// dirEntry is a tree entry; Info looks the file's size up only when asked.
type dirEntry struct {
	fs *TreeFS
	e  object.TreeEntry
}

func (d dirEntry) Name() string      { return d.e.Name }
func (d dirEntry) IsDir() bool       { return d.e.Mode == filemode.Dir }
func (d dirEntry) Type() fs.FileMode { return entryInfo{mode: d.e.Mode}.Mode().Type() }
func (d dirEntry) Info() (fs.FileInfo, error) {
	info := entryInfo{name: d.e.Name, mode: d.e.Mode}
	if isRegular(d.e.Mode) {
		n, err := d.fs.repo.Storer.EncodedObjectSize(d.e.Hash)
		if err != nil {
			return nil, err
		}
		info.size = n
	}
	return info, nil
}
func (d dirEntry) String() string { return fs.FormatDirEntry(d) }

type entryInfo struct {
	name string
	mode filemode.FileMode
	size int64
}

func (i entryInfo) Name() string { return i.name }
func (i entryInfo) Size() int64  { return i.size }
func (i entryInfo) Mode() fs.FileMode {
	switch i.mode {
	case filemode.Dir:
		return fs.ModeDir | 0o555
	case filemode.Symlink:
		return fs.ModeSymlink | 0o444
	case filemode.Submodule:
		return fs.ModeIrregular
	case filemode.Executable:
		return 0o555
	}
	return 0o444
}
func (i entryInfo) ModTime() time.Time { return time.Time{} }
func (i entryInfo) IsDir() bool        { return i.mode == filemode.Dir }
func (i entryInfo) Sys() any           { return nil }

type treeFile struct {
	info entryInfo
	r    *bytes.Reader
}

func (f *treeFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *treeFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *treeFile) Close() error               { return nil }

type treeDir struct {
	fs   *TreeFS
	name string
	tree *object.Tree
	off  int
}

func (d *treeDir) Stat() (fs.FileInfo, error) {
	return entryInfo{name: path.Base(d.name), mode: filemode.Dir}, nil
}
func (d *treeDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *treeDir) Close() error { return nil }
func (d *treeDir) ReadDir(n int) ([]fs.DirEntry, error) {
	all := d.fs.dirEntries(d.tree)
	rest := all[d.off:]
	if n <= 0 {
		d.off = len(all)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}

// Sub returns the subtree at dir as its own TreeFS ("" or "." = whole tree).
func (t *TreeFS) Sub(dir string) (*TreeFS, error) {
	dir = strings.Trim(path.Clean("/"+dir), "/")
	if dir == "" {
		return t, nil
	}
	tr, err := t.tree(dir)
	if err != nil {
		return nil, fmt.Errorf("directory %q not found in the repository", dir)
	}
	return newTreeFS(t.repo, tr), nil
}

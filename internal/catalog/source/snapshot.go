// Package source reads catalog descriptor files out of a source: a local
// directory, a commit of a git repository, or an embedded file system.
//
// It starts from the source's root catalog-info.yaml (or the glob the source
// names), follows Location entities to their targets, and resolves
// $text/$json/$yaml placeholders. It knows nothing of SQLite: it returns what
// it read and the catalog package stores it.
//
// Rules:
//   - Source content is untrusted. Every path stays inside the source: targets
//     that climb out ("../..", absolute paths) are refused, symbolic links are
//     not followed out of a directory source nor at all in a git tree, and only
//     regular files are read, each up to a size limit.
//   - A bad file never stops the rest; its problems are returned with it.
//     A file that cannot be read (an I/O error, a repository repacked
//     underneath) is not a bad file: the walk fails with a *ReadError, so the
//     caller keeps what it had instead of losing that file's entities.
//   - Files whose fingerprint (and whose placeholder files' fingerprints) match
//     what the caller already has are not read again.
package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// Snapshot is one readable state of a source.
type Snapshot interface {
	fs.FS
	// Fingerprint identifies the content of the regular file at name cheaply:
	// equal fingerprints mean the file need not be read again.
	Fingerprint(name string) (string, error)
}

// ErrNotRegular is the error of opening something that is not a regular file
// or directory (a device, a socket, a pipe).
var ErrNotRegular = errors.New("not a regular file")

// Dir is a directory on disk, confined with os.Root so that symbolic links
// cannot lead outside it. Close it when done.
type Dir struct {
	root *os.Root
	fsys fs.FS
}

// OpenDir opens the directory at path as a snapshot.
func OpenDir(path string) (*Dir, error) {
	r, err := os.OpenRoot(path)
	if err != nil {
		return nil, fmt.Errorf("open directory %s: %w", path, err)
	}
	return &Dir{root: r, fsys: r.FS()}, nil
}

// Open implements fs.FS. Only regular files and directories can be opened.
func (d *Dir) Open(name string) (fs.File, error) {
	f, err := d.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	return f, nil
}

// ReadDir implements fs.ReadDirFS.
func (d *Dir) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.fsys, name) }

// Stat implements fs.StatFS without opening the file.
func (d *Dir) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.fsys, name) }

// Fingerprint is the file's size and modification time, as git's index uses.
func (d *Dir) Fingerprint(name string) (string, error) {
	st, err := fs.Stat(d.fsys, name)
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", &fs.PathError{Op: "fingerprint", Path: name, Err: ErrNotRegular}
	}
	return strconv.FormatInt(st.Size(), 10) + ":" + strconv.FormatInt(st.ModTime().UnixNano(), 10), nil
}

// Close releases the directory handle.
func (d *Dir) Close() error { return d.root.Close() }

// Embedded wraps a read-only fs.FS (such as an embed.FS) whose files carry no
// useful modification times: fingerprints are content hashes.
type Embedded struct{ fs.FS }

// Fingerprint hashes the file's content.
func (e Embedded) Fingerprint(name string) (string, error) {
	f, err := e.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, maxFileBytes+1)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

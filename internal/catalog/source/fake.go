package source

import (
	"io/fs"
)

// Faulty is a test double: a Snapshot that fails the operations Fail picks,
// the way a disk with bad sectors or a git repository repacked underneath a
// read does. It stands in for the real snapshots in tests of what a walk
// and a sync do when a source cannot be read.
type Faulty struct {
	Snapshot
	// Fail returns the error for op on name, or nil to let it through. Ops
	// are "fingerprint", "stat" (of the file system or an opened file),
	// "open", "read" (of an opened file) and "readdir".
	Fail func(op, name string) error
}

func (f Faulty) fail(op, name string) error {
	if f.Fail == nil {
		return nil
	}
	if err := f.Fail(op, name); err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	return nil
}

// Fingerprint implements Snapshot.
func (f Faulty) Fingerprint(name string) (string, error) {
	if err := f.fail("fingerprint", name); err != nil {
		return "", err
	}
	return f.Snapshot.Fingerprint(name)
}

// Open implements fs.FS; reads of the opened file go through Fail too.
func (f Faulty) Open(name string) (fs.File, error) {
	if err := f.fail("open", name); err != nil {
		return nil, err
	}
	fh, err := f.Snapshot.Open(name)
	if err != nil {
		return nil, err
	}
	return &faultyFile{File: fh, fail: func(op string) error { return f.fail(op, name) }}, nil
}

// Stat implements fs.StatFS.
func (f Faulty) Stat(name string) (fs.FileInfo, error) {
	if err := f.fail("stat", name); err != nil {
		return nil, err
	}
	return fs.Stat(f.Snapshot, name)
}

// ReadDir implements fs.ReadDirFS.
func (f Faulty) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.fail("readdir", name); err != nil {
		return nil, err
	}
	return fs.ReadDir(f.Snapshot, name)
}

type faultyFile struct {
	fs.File
	fail func(op string) error
}

func (f *faultyFile) Stat() (fs.FileInfo, error) {
	if err := f.fail("stat"); err != nil {
		return nil, err
	}
	return f.File.Stat()
}

func (f *faultyFile) Read(p []byte) (int, error) {
	if err := f.fail("read"); err != nil {
		return 0, err
	}
	return f.File.Read(p)
}

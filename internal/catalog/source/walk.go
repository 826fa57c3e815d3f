package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/sync/errgroup"
	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/problem"
)

const (
	// RootFile is read when a source names no glob.
	RootFile = "catalog-info.yaml"
	// maxFileBytes bounds a descriptor file.
	maxFileBytes = model.MaxDescriptorBytes
	// maxPlaceholderBytes bounds a file pulled in by $text/$json/$yaml (API
	// definitions can be larger than descriptors).
	maxPlaceholderBytes = 4 << 20
	// maxFiles bounds how many descriptor files one source may reach.
	maxFiles = 200_000
)

// Known is what the caller kept about a file from an earlier read.
type Known struct {
	// Fingerprint is the file's fingerprint when it was read.
	Fingerprint string
	// Deps are its placeholder files and their fingerprints then.
	Deps map[string]string
	// Targets are its Location targets then.
	Targets []string
}

// File is one descriptor file that was read.
type File struct {
	// Path is the file's slash path inside the source.
	Path string
	// Fingerprint identifies the content that was read.
	Fingerprint string
	// Deps are the files its placeholders read, with their fingerprints.
	Deps map[string]string
	// Targets are its Location entities' targets as source-relative paths or
	// glob patterns.
	Targets []string
	// Docs are its documents; rejected ones have a nil Entity.
	Docs []model.Document
	// Problems are everything wrong with the file or its documents; each
	// names the file (File is Path).
	Problems []problem.Problem
}

// ReadError is a failure to read a source, as opposed to a problem with what
// it holds: an I/O error, or a git repository changing underneath the read
// (a `git gc` repacking it). It fails the whole walk, so that no file's
// entities are dropped because of it; a later walk may well succeed.
type ReadError struct {
	// Path is the file or directory that could not be read.
	Path string
	// Err is the cause.
	Err error
}

func (e *ReadError) Error() string {
	cause := e.Err
	if pe, ok := cause.(*fs.PathError); ok && pe.Path == e.Path {
		cause = pe.Err
	}
	return fmt.Sprintf("cannot read %s: %v (nothing was changed; sync again once the source is readable)", e.Path, cause)
}

// Unwrap returns the cause.
func (e *ReadError) Unwrap() error { return e.Err }

// ProblemKind classifies the error: the source was unavailable.
func (e *ReadError) ProblemKind() problem.Kind { return problem.Unavailable }

// Options tunes Walk.
type Options struct {
	// Glob selects the root descriptor files ("" = catalog-info.yaml at the root).
	Glob string
	// Known lists files read before; unchanged ones are not read again.
	Known map[string]Known
	// Workers parallelises reading and decoding (0 = GOMAXPROCS).
	Workers int
	// Changed, when not nil, is the complete set of paths that changed since
	// Known was recorded (git sources know it from a tree diff): known files
	// outside it are taken as unchanged without fingerprinting them.
	Changed map[string]bool
}

// Result is what a walk found.
type Result struct {
	// Read are the files read this time: new or changed, sorted by path.
	Read []File
	// Reached are all descriptor files reached (read or unchanged), sorted.
	Reached []string
	// Targets of every reached file (from Read or from Known).
	Targets map[string][]string
	// Problems are problems of the walk itself (missing targets), not of a file's content.
	Problems []problem.Problem
}

// Walk reads a source snapshot from its roots, following Location targets.
// Problems with what the source holds (bad files, missing targets) are
// returned as Problems. It fails when the roots cannot be found, when ctx
// ends, and with a *ReadError when any file or directory it needs cannot be
// read: the result is complete or there is none.
func Walk(ctx context.Context, snap Snapshot, o Options) (Result, error) {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	roots, err := rootFiles(snap, o.Glob)
	if err != nil {
		return Result{}, err
	}
	res := Result{Targets: map[string][]string{}}
	visited := map[string]bool{}
	referrer := map[string]string{}
	frontier := roots
	for _, r := range roots {
		visited[r] = true
	}
	for len(frontier) > 0 {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		var toRead []string
		fps := map[string]string{}
		for _, p := range frontier {
			if k, ok := o.Known[p]; ok && o.Changed != nil && !o.Changed[p] && !anyChanged(o.Changed, k.Deps) {
				res.Reached = append(res.Reached, p)
				res.Targets[p] = k.Targets
				continue
			}
			fp, notFile, err := fingerprint(snap, p)
			if err != nil {
				return Result{}, err
			}
			if notFile != nil {
				res.Problems = append(res.Problems, missing(p, referrer[p], notFile))
				continue
			}
			res.Reached = append(res.Reached, p)
			if k, ok := o.Known[p]; ok && k.Fingerprint == fp && depsUnchanged(snap, k.Deps) {
				res.Targets[p] = k.Targets
				continue
			}
			fps[p] = fp
			toRead = append(toRead, p)
		}
		read, err := readAll(ctx, snap, toRead, fps, o.Workers)
		if err != nil {
			return Result{}, err
		}
		for _, f := range read {
			res.Targets[f.Path] = f.Targets
		}
		res.Read = append(res.Read, read...)
		var next []string
		for _, p := range frontier {
			for _, t := range res.Targets[p] {
				matches, prob, err := expand(snap, p, t)
				if err != nil {
					return Result{}, err
				}
				if prob != nil {
					res.Problems = append(res.Problems, *prob)
				}
				for _, m := range matches {
					if visited[m] {
						continue
					}
					visited[m] = true
					referrer[m] = p
					next = append(next, m)
				}
			}
		}
		if len(visited) > maxFiles {
			return Result{}, fmt.Errorf("source reaches more than %d descriptor files: split it into several sources", maxFiles)
		}
		slices.Sort(next)
		frontier = next
	}
	slices.Sort(res.Reached)
	slices.SortFunc(res.Read, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return res, nil
}

// fingerprint fingerprints the file p. When the answer is about the file
// itself (it does not exist, is not a regular file, has a bad name, may not
// be read) it comes back as notFile; a failure to read the source is err, a
// *ReadError.
func fingerprint(snap Snapshot, p string) (fp string, notFile, err error) {
	fp, err = snap.Fingerprint(p)
	switch {
	case err == nil:
		return fp, nil, nil
	case isFileProblem(snap, p, err):
		return "", err, nil
	}
	return "", nil, &ReadError{Path: p, Err: err}
}

// isFileProblem reports whether err, met looking at p, says something about
// p itself rather than that the source could not be read.
func isFileProblem(snap Snapshot, p string, err error) bool {
	for _, target := range []error{fs.ErrNotExist, fs.ErrInvalid, fs.ErrPermission, ErrNotRegular} {
		if errors.Is(err, target) {
			return true
		}
	}
	// Symbolic links, directories and submodules are refused with errors of
	// their own: the listing of the parent directory says what p is.
	entries, lerr := fs.ReadDir(snap, path.Dir(p))
	if lerr != nil {
		return false
	}
	i := slices.IndexFunc(entries, func(e fs.DirEntry) bool { return e.Name() == path.Base(p) })
	return i < 0 || !entries[i].Type().IsRegular()
}

func missing(p, from string, err error) problem.Problem {
	msg := "cannot be read: " + err.Error()
	var pe *fs.PathError
	if errors.Is(err, fs.ErrNotExist) {
		msg = "does not exist"
	} else if errors.As(err, &pe) {
		msg = "cannot be read: " + pe.Err.Error()
	}
	if from != "" {
		return problem.Problem{File: from, Message: fmt.Sprintf("Location target %s %s", p, msg), Fix: "fix the target or add the file"}
	}
	return problem.Problem{File: p, Message: msg}
}

func rootFiles(snap Snapshot, glob string) ([]string, error) {
	if glob == "" {
		_, notFile, err := fingerprint(snap, RootFile)
		if err != nil {
			return nil, err
		}
		if notFile != nil {
			return nil, fmt.Errorf("no %s at the root of the source: add one (a Location listing your descriptor files is enough) or give the source a glob such as '**/catalog-info.yaml'", RootFile)
		}
		return []string{RootFile}, nil
	}
	pattern := strings.TrimPrefix(path.Clean("/"+glob), "/")
	if !doublestar.ValidatePattern(pattern) {
		return nil, fmt.Errorf("glob %q is not a valid pattern", glob)
	}
	m, err := globFiles(snap, pattern)
	if err != nil {
		var re *ReadError
		if errors.As(err, &re) {
			return nil, err
		}
		return nil, fmt.Errorf("glob %q: %w", glob, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("glob %q matches no files in the source: check the pattern (it is relative to the source root)", glob)
	}
	return m, nil
}

// globFiles lists the regular files matching pattern, sorted, without
// following symbolic links. A directory that cannot be listed fails it
// with a *ReadError; other errors are about the pattern or what it names.
func globFiles(snap Snapshot, pattern string) ([]string, error) {
	m, err := doublestar.Glob(snap, pattern, doublestar.WithFilesOnly(), doublestar.WithNoFollow(), doublestar.WithFailOnIOErrors())
	var pe *fs.PathError
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrInvalid), errors.Is(err, fs.ErrPermission), !errors.As(err, &pe):
		return nil, err
	default:
		return nil, &ReadError{Path: pe.Path, Err: err}
	}
	slices.Sort(m)
	return m, nil
}

func anyChanged(changed map[string]bool, deps map[string]string) bool {
	for p := range deps {
		if changed[p] {
			return true
		}
	}
	return false
}

// depsUnchanged reports whether every placeholder file still has its
// fingerprint; any doubt (an error) means the file is read again, which
// reports the error if there is one.
func depsUnchanged(snap Snapshot, deps map[string]string) bool {
	for p, fp := range deps {
		now, err := snap.Fingerprint(p)
		if err != nil || now != fp {
			return false
		}
	}
	return true
}

// resolveTarget turns a Location target written in file into a
// source-relative path or pattern.
func resolveTarget(file, target string) (string, error) {
	t := strings.TrimSpace(target)
	switch {
	case t == "":
		return "", errors.New("target is empty")
	case strings.Contains(t, "://"):
		return "", fmt.Errorf("target %s is a URL: Paved reads each repository as its own source; add it with `paved catalog add-source <repository URL>` and point this Location at a relative path", t)
	case strings.HasPrefix(t, "/"):
		return "", fmt.Errorf("target %s is an absolute path: write it relative to this file", t)
	}
	p := path.Join(path.Dir(file), t)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("target %s leads outside the source: targets must stay inside the repository or directory", t)
	}
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("target %q is not a valid path: write it as a relative path with / between names", t)
	}
	return p, nil
}

// expand lists the files a resolved target names. A pattern that cannot be
// expanded is a problem of the file from; a directory that cannot be read
// is err, a *ReadError.
func expand(snap Snapshot, from, target string) ([]string, *problem.Problem, error) {
	if !strings.ContainsAny(target, "*?[{") {
		return []string{target}, nil, nil
	}
	m, err := globFiles(snap, target)
	if err != nil {
		var re *ReadError
		if errors.As(err, &re) {
			return nil, nil, err
		}
		return nil, &problem.Problem{File: from, Message: fmt.Sprintf("Location target %s: %v", target, err)}, nil
	}
	return m, nil, nil
}

// readAll reads and decodes paths, workers at a time. The first file that
// cannot be read stops the others and is the error.
func readAll(ctx context.Context, snap Snapshot, paths []string, fps map[string]string, workers int) ([]File, error) {
	out := make([]File, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, p := range paths {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			f, err := readFile(snap, p, fps[p])
			out[i] = f
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// readFile reads and decodes one descriptor file. Its error is a
// *ReadError: the file or a placeholder file it names could not be read.
func readFile(snap Snapshot, p, fp string) (File, error) {
	f := File{Path: p, Fingerprint: fp, Deps: map[string]string{}}
	data, tooLarge, err := readLimited(snap, p, maxFileBytes)
	if err != nil {
		return File{}, err
	}
	if tooLarge != "" {
		f.Problems = append(f.Problems, problem.Problem{File: p, Message: tooLarge + " for descriptor files", Fix: "split it into several files"})
		return f, nil
	}
	docs, err := model.Decode(data)
	if err != nil {
		for _, pr := range problem.ProblemsOf(err) {
			f.Problems = append(f.Problems, pr.In(p))
		}
		return f, nil
	}
	var readErr error
	for i := range docs {
		d := &docs[i]
		if d.Entity != nil {
			if probs := model.ResolvePlaceholders(d.Entity, placeholderReader(snap, p, f.Deps, &readErr)); len(probs) > 0 {
				d.Problems = append(d.Problems, probs...)
				d.Entity = nil
			}
			if readErr != nil {
				return File{}, readErr
			}
		}
		if d.Entity != nil && strings.EqualFold(d.Entity.Kind, "Location") {
			for _, t := range d.Entity.LocationTargets() {
				rt, err := resolveTarget(p, t.Target)
				if err != nil {
					f.Problems = append(f.Problems, problem.Problem{File: p, Line: d.Line, Field: "spec.target", Message: err.Error()})
					continue
				}
				f.Targets = append(f.Targets, rt)
			}
		}
		for _, pr := range d.Problems {
			if pr.Line == 0 {
				pr.Line = d.Line
			}
			f.Problems = append(f.Problems, pr.In(p))
		}
	}
	f.Docs = docs
	return f, nil
}

// readLimited reads the file p, which was just fingerprinted. A file over
// limit is not read: tooLarge says so. Any other failure to read it is err,
// a *ReadError: p was there a moment ago.
func readLimited(snap Snapshot, p string, limit int64) (data []byte, tooLarge string, err error) {
	fh, err := snap.Open(p)
	if err != nil {
		// A git tree refuses to open a blob over its own limit: that is
		// the file's size, not a failed read. Stat reads only the header.
		if st, serr := fs.Stat(snap, p); serr == nil && st.Mode().IsRegular() && st.Size() > limit {
			return nil, overLimit(st.Size(), limit), nil
		}
		return nil, "", &ReadError{Path: p, Err: err}
	}
	defer fh.Close()
	// A directory's file is opened without reading it, so a huge one costs
	// nothing before this.
	st, err := fh.Stat()
	if err != nil {
		return nil, "", &ReadError{Path: p, Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, "", &ReadError{Path: p, Err: fmt.Errorf("%w (it changed while being read)", ErrNotRegular)}
	}
	if st.Size() > limit {
		return nil, overLimit(st.Size(), limit), nil
	}
	data, err = io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, "", &ReadError{Path: p, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, fmt.Sprintf("file is over the %d byte limit", limit), nil
	}
	return data, "", nil
}

func overLimit(size, limit int64) string {
	return fmt.Sprintf("file is %d bytes, over the %d byte limit", size, limit)
}

// placeholderReader resolves $text/$json/$yaml targets relative to file,
// recording each file read in deps. A placeholder file that cannot be read
// (as opposed to one that is missing or bad) is recorded in *readErr.
func placeholderReader(snap Snapshot, file string, deps map[string]string, readErr *error) func(kind, target string) (any, error) {
	return func(kind, target string) (any, error) {
		p, err := resolveTarget(file, target)
		if err != nil {
			return nil, fmt.Errorf("$%s %s", kind, strings.TrimPrefix(err.Error(), "target "))
		}
		fp, notFile, err := fingerprint(snap, p)
		if err != nil {
			*readErr = err
			return nil, err
		}
		if notFile != nil {
			return nil, fmt.Errorf("$%s %s: file %s not found in the source", kind, target, p)
		}
		data, tooLarge, err := readLimited(snap, p, maxPlaceholderBytes)
		if err != nil {
			*readErr = err
			return nil, err
		}
		if tooLarge != "" {
			return nil, fmt.Errorf("$%s %s: %s for placeholder files", kind, target, tooLarge)
		}
		deps[p] = fp
		switch kind {
		case "text":
			return string(data), nil
		case "json":
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, fmt.Errorf("$json %s: not valid JSON: %v", target, err)
			}
			return v, nil
		case "yaml":
			var v any
			if err := yaml.Unmarshal(data, &v); err != nil {
				return nil, fmt.Errorf("$yaml %s: not valid YAML: %v", target, err)
			}
			return v, nil
		}
		return nil, fmt.Errorf("unknown placeholder $%s", kind)
	}
}

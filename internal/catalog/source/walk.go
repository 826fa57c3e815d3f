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
	"sort"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/catalog/model"
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
	Fingerprint string
	Deps        map[string]string
	Targets     []string
}

// File is one descriptor file that was read.
type File struct {
	Path        string
	Fingerprint string
	// Deps are the files its placeholders read, with their fingerprints.
	Deps map[string]string
	// Targets are its Location entities' targets as source-relative paths or
	// glob patterns.
	Targets []string
	// Docs are its documents; rejected ones have a nil Entity.
	Docs []model.Document
	// Problems are everything wrong with the file or its documents.
	Problems []Problem
}

// Problem is one thing wrong in a file.
type Problem struct {
	Path    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Message)
	}
	return p.Path + ": " + p.Message
}

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
	// Read are the files read this time: new or changed.
	Read []File
	// Reached are all descriptor files reached (read or unchanged), sorted.
	Reached []string
	// Targets of every reached file (from Read or from Known).
	Targets map[string][]string
	// Problems are problems of the walk itself (missing targets), not of a file's content.
	Problems []Problem
}

// Walk reads a source snapshot from its roots, following Location targets.
// It fails only when the roots cannot be found or ctx ends; everything else is
// a Problem.
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
			fp, err := snap.Fingerprint(p)
			if err != nil {
				res.Problems = append(res.Problems, missing(p, referrer[p], err))
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
		read := readAll(ctx, snap, toRead, fps, o.Workers)
		for _, f := range read {
			res.Targets[f.Path] = f.Targets
		}
		res.Read = append(res.Read, read...)
		var next []string
		for _, p := range frontier {
			for _, t := range res.Targets[p] {
				matches, prob := expand(snap, p, t)
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
		sort.Strings(next)
		frontier = next
	}
	sort.Strings(res.Reached)
	sort.Slice(res.Read, func(i, j int) bool { return res.Read[i].Path < res.Read[j].Path })
	return res, nil
}

func missing(p, from string, err error) Problem {
	msg := "cannot be read: " + err.Error()
	var pe *fs.PathError
	if errors.Is(err, fs.ErrNotExist) {
		msg = "does not exist"
	} else if errors.As(err, &pe) {
		msg = "cannot be read: " + pe.Err.Error()
	}
	if from != "" {
		return Problem{Path: from, Message: fmt.Sprintf("Location target %s %s: fix the target or add the file", p, msg)}
	}
	return Problem{Path: p, Message: msg}
}

func rootFiles(snap Snapshot, glob string) ([]string, error) {
	if glob == "" {
		if _, err := snap.Fingerprint(RootFile); err != nil {
			return nil, fmt.Errorf("no %s at the root of the source: add one (a Location listing your descriptor files is enough) or give the source a glob such as '**/catalog-info.yaml'", RootFile)
		}
		return []string{RootFile}, nil
	}
	pattern := strings.TrimPrefix(path.Clean("/"+glob), "/")
	if !doublestar.ValidatePattern(pattern) {
		return nil, fmt.Errorf("glob %q is not a valid pattern", glob)
	}
	m, err := doublestar.Glob(snap, pattern, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
	if err != nil {
		return nil, fmt.Errorf("glob %q: %w", glob, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("glob %q matches no files in the source: check the pattern (it is relative to the source root)", glob)
	}
	sort.Strings(m)
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
	return p, nil
}

// expand lists the files a resolved target names.
func expand(snap Snapshot, from, target string) ([]string, *Problem) {
	if !strings.ContainsAny(target, "*?[{") {
		return []string{target}, nil
	}
	m, err := doublestar.Glob(snap, target, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
	if err != nil {
		return nil, &Problem{Path: from, Message: fmt.Sprintf("Location target %s: %v", target, err)}
	}
	sort.Strings(m)
	return m, nil
}

func readAll(ctx context.Context, snap Snapshot, paths []string, fps map[string]string, workers int) []File {
	out := make([]File, len(paths))
	if len(paths) == 0 {
		return out
	}
	if workers > len(paths) {
		workers = len(paths)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = readFile(snap, paths[i], fps[paths[i]])
			}
		}()
	}
	for i := range paths {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// readFile reads and decodes one descriptor file.
func readFile(snap Snapshot, p, fp string) File {
	f := File{Path: p, Fingerprint: fp, Deps: map[string]string{}}
	data, err := readLimited(snap, p, maxFileBytes)
	if err != nil {
		f.Problems = append(f.Problems, Problem{Path: p, Message: err.Error()})
		return f
	}
	docs, err := model.Decode(data)
	if err != nil {
		line := 0
		var fe *model.FileError
		if errors.As(err, &fe) {
			line = fe.Line
		}
		f.Problems = append(f.Problems, Problem{Path: p, Line: line, Message: err.Error()})
		return f
	}
	for i := range docs {
		d := &docs[i]
		if d.Entity != nil {
			if probs := model.ResolvePlaceholders(d.Entity, placeholderReader(snap, p, f.Deps)); len(probs) > 0 {
				d.Problems = append(d.Problems, probs...)
				d.Entity = nil
			}
		}
		if d.Entity != nil && strings.EqualFold(d.Entity.Kind, "Location") {
			for _, t := range d.Entity.LocationTargets() {
				rt, err := resolveTarget(p, t.Target)
				if err != nil {
					f.Problems = append(f.Problems, Problem{Path: p, Line: d.Line, Message: "spec.target: " + err.Error()})
					continue
				}
				f.Targets = append(f.Targets, rt)
			}
		}
		for _, pr := range d.Problems {
			line := pr.Line
			if line == 0 {
				line = d.Line
			}
			msg := pr.Message
			if pr.Field != "" {
				msg = pr.Field + ": " + msg
			}
			f.Problems = append(f.Problems, Problem{Path: p, Line: line, Message: msg})
		}
	}
	f.Docs = docs
	return f
}

func readLimited(snap Snapshot, p string, limit int64) ([]byte, error) {
	fh, err := snap.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("file is %d bytes, over the %d byte limit for descriptor files: split it into several files", st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file is over the %d byte limit for descriptor files: split it into several files", limit)
	}
	return data, nil
}

// placeholderReader resolves $text/$json/$yaml targets relative to file,
// recording each file read in deps.
func placeholderReader(snap Snapshot, file string, deps map[string]string) func(kind, target string) (any, error) {
	return func(kind, target string) (any, error) {
		p, err := resolveTarget(file, target)
		if err != nil {
			return nil, fmt.Errorf("$%s %s", kind, strings.TrimPrefix(err.Error(), "target "))
		}
		fp, err := snap.Fingerprint(p)
		if err != nil {
			return nil, fmt.Errorf("$%s %s: file %s not found in the source", kind, target, p)
		}
		data, err := readLimited(snap, p, maxPlaceholderBytes)
		if err != nil {
			return nil, fmt.Errorf("$%s %s: %v", kind, target, err)
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

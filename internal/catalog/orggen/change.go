package orggen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// descLine matches an entity's metadata.description line as Generate
// writes it (two-space indent). Deeper "description:" lines inside API
// definitions are left alone.
var descLine = regexp.MustCompile(`(?m)^  description: (.*)$`)

// revSuffix matches the revision marker ChangeOne appends.
var revSuffix = regexp.MustCompile(` \(rev ([0-9]+)\)$`)

// ChangeOne makes a small, realistic edit to a generated organisation, for
// incremental-sync benchmarks: it picks one entity file under dir (never the
// root catalog-info.yaml, never anything under .git), chosen by seed from
// the sorted list of files, and rewrites the description of every entity in
// it with a revision marker "(rev N)", N one more than before. The file
// therefore always changes and stays valid, and the same seed on the same
// tree gives the same edit. Entity names and relations are not touched.
//
// It returns the changed file's path relative to dir, with forward slashes,
// in the form of Result.Files.
func ChangeOne(dir string, seed int64) (string, error) {
	files, err := entityFiles(dir)
	if err != nil {
		return "", err
	}
	// entityFiles is sorted, so the same seed picks the same file.
	rel := files[newRNG(seed).intn(len(files))]
	if err := bumpRevisions(dir, rel); err != nil {
		return "", err
	}
	return rel, nil
}

// ChangeAll makes the edit ChangeOne makes to every entity file under dir
// (all but the root catalog-info.yaml), for benchmarks of a sync where
// every file changed. It returns the changed files, sorted.
func ChangeAll(dir string) ([]string, error) {
	files, err := entityFiles(dir)
	if err != nil {
		return nil, err
	}
	for _, rel := range files {
		if err := bumpRevisions(dir, rel); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// entityFiles lists the entity files under dir, sorted, with forward
// slashes: every .yaml file but the root catalog-info.yaml, outside .git.
func entityFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".yaml") && rel != "catalog-info.yaml" {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("orggen: %w", err)
	}
	if len(files) == 0 {
		return nil, errors.New("orggen: no entity files to change under " + dir)
	}
	// WalkDir visits in lexical order, so files is sorted.
	return files, nil
}

// bumpRevisions rewrites the description of every entity in the file rel
// under dir with the next revision marker, replacing the file atomically.
func bumpRevisions(dir, rel string) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	data, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("orggen: %w", err)
	}
	changed := false
	out := descLine.ReplaceAllFunc(data, func(line []byte) []byte {
		value := string(descLine.FindSubmatch(line)[1])
		if unq, err := strconv.Unquote(value); err == nil && strings.HasPrefix(value, `"`) {
			value = unq
		}
		rev := 1
		if m := revSuffix.FindStringSubmatch(value); m != nil {
			n, _ := strconv.Atoi(m[1])
			rev = n + 1
			value = strings.TrimSuffix(value, m[0])
		}
		changed = true
		return []byte("  description: " + yamlString(fmt.Sprintf("%s (rev %d)", value, rev)))
	})
	if !changed || bytes.Equal(out, data) {
		return fmt.Errorf("orggen: %s has no descriptions to change", rel)
	}
	// Replace the file atomically so a watcher never sees half of it.
	tmp, err := os.CreateTemp(filepath.Dir(p), ".orggen-*")
	if err != nil {
		return fmt.Errorf("orggen: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return fmt.Errorf("orggen: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("orggen: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("orggen: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("orggen: %w", err)
	}
	return nil
}

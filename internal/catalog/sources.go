package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/paved-dev/paved/internal/catalog/source"
	"github.com/paved-dev/paved/internal/gitrepo"
)

var sourceNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

const sourceCols = `name, kind, target, ref, subdir, glob, origin`

func scanSource(sc interface{ Scan(...any) error }) (Source, error) {
	var src Source
	err := sc.Scan(&src.Name, &src.Kind, &src.Target, &src.Ref, &src.Subdir, &src.Glob, &src.Origin)
	return src, err
}

// Sources lists the configured sources in precedence order.
func (s *Service) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.st.R.QueryContext(ctx, `SELECT `+sourceCols+` FROM catalog_sources ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("list catalog sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("list catalog sources: %w", err)
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

func (s *Service) source(ctx context.Context, name string) (Source, error) {
	src, err := scanSource(s.st.R.QueryRowContext(ctx, `SELECT `+sourceCols+` FROM catalog_sources WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Source{}, fmt.Errorf("no catalog source named %q: list them with `paved catalog status`", name)
	}
	if err != nil {
		return Source{}, fmt.Errorf("read catalog source %s: %w", name, err)
	}
	return src, nil
}

// SetPlatformSources makes the platform-origin sources exactly srcs (in that
// order, ahead of the user's own): sources that are gone are removed with
// their entities, changed ones are reset so the next sync reads them afresh.
// It compares on the read pool first and writes nothing when nothing
// changed, so opening Paved (which applies the platform every time) never
// waits for another process's write, such as a long sync.
func (s *Service) SetPlatformSources(ctx context.Context, srcs []Source) error {
	want := make([]Source, len(srcs))
	names := map[string]Source{}
	for i, src := range srcs {
		src.Origin = OriginPlatform
		if err := validateSource(src); err != nil {
			return err
		}
		if _, dup := names[src.Name]; dup {
			return fmt.Errorf("the platform's catalog locations name %q twice: give each location its own name", src.Name)
		}
		want[i], names[src.Name] = src, src
	}
	current, err := s.Sources(ctx)
	if err != nil {
		return err
	}
	var platform []Source
	for _, c := range current {
		if c.Origin == OriginPlatform {
			platform = append(platform, c)
		} else if _, clash := names[c.Name]; clash {
			return fmt.Errorf("the platform's catalog location %q has the same name as a source you added: remove yours with `paved catalog remove-source %s`", c.Name, c.Name)
		}
	}
	if slices.Equal(platform, want) { // Sources lists them by position
		return nil
	}
	return s.st.Tx(ctx, func(tx *sql.Tx) error {
		for _, c := range platform {
			if w, keep := names[c.Name]; !keep || w != c {
				if err := deleteSource(ctx, tx, c.Name); err != nil {
					return err
				}
			}
		}
		for i, src := range want {
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_sources(`+sourceCols+`, position) VALUES(?,?,?,?,?,?,?,?)
				ON CONFLICT(name) DO UPDATE SET position = excluded.position`,
				src.Name, src.Kind, src.Target, src.Ref, src.Subdir, src.Glob, src.Origin, i); err != nil {
				return fmt.Errorf("save catalog source %s: %w", src.Name, err)
			}
		}
		return nil
	})
}

func deleteSource(ctx context.Context, tx *sql.Tx, name string) error {
	for _, q := range []string{
		`DELETE FROM catalog_fts WHERE rowid IN (SELECT id FROM catalog_entities WHERE source = ? AND winner = 1)`,
		`DELETE FROM catalog_tags WHERE entity_id IN (SELECT id FROM catalog_entities WHERE source = ? AND winner = 1)`,
		`DELETE FROM catalog_relations WHERE src IN (SELECT ref FROM catalog_entities WHERE source = ? AND winner = 1)`,
		`DELETE FROM catalog_documents WHERE id IN (SELECT id FROM catalog_entities WHERE source = ?)`,
		`DELETE FROM catalog_entities WHERE source = ?`,
		`DELETE FROM catalog_files WHERE source = ?`,
		`DELETE FROM catalog_sources WHERE name = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, name); err != nil {
			return fmt.Errorf("remove catalog source %s: %w", name, err)
		}
	}
	// Duplicates elsewhere may now win.
	if err := promoteOrphans(ctx, tx); err != nil {
		return err
	}
	return bumpGeneration(ctx, tx)
}

// AddSource registers a user source after the platform's. It does not sync.
func (s *Service) AddSource(ctx context.Context, o AddSourceOptions) (src Source, err error) {
	defer func() {
		target := src.Name
		if target == "" {
			target = o.Name
		}
		if target == "" {
			target = gitrepo.Redact(o.Target)
		}
		s.audit.Note(ctx, "catalog.add-source", target, gitrepo.Redact(o.Target), err)
	}()
	src = Source{Name: o.Name, Ref: o.Ref, Glob: o.Glob, Origin: OriginUser}
	if o.Local {
		src.Origin = OriginLocal
	}
	src.Subdir = strings.Trim(path.Clean("/"+filepath.ToSlash(o.Subdir)), "/")
	switch {
	case gitrepo.IsURL(o.Target):
		if gitrepo.HasPassword(o.Target) {
			return Source{}, fmt.Errorf("source %s: the URL contains a password or token; remove it and use PAVED_GIT_TOKEN, a git credential helper or ssh-agent instead (Paved never stores credentials)", gitrepo.Redact(o.Target))
		}
		src.Kind, src.Target = KindGit, o.Target
	default:
		abs, err := filepath.Abs(o.Target)
		if err != nil {
			return Source{}, fmt.Errorf("source %s: %w", o.Target, err)
		}
		st, err := os.Stat(abs)
		if err != nil || !st.IsDir() {
			return Source{}, fmt.Errorf("source %s: not a git URL nor an existing directory", o.Target)
		}
		src.Kind, src.Target = KindDir, abs
		if o.Git {
			src.Kind, src.Target = KindGit, "file://"+filepath.ToSlash(abs)
		}
	}
	if src.Name == "" {
		src.Name = defaultName(src.Target)
	}
	if err := validateSource(src); err != nil {
		return Source{}, err
	}
	err = s.st.Tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM catalog_sources WHERE name = ?`, src.Name).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return fmt.Errorf("a catalog source named %q already exists: choose another with --name", src.Name)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_sources(`+sourceCols+`, position)
			VALUES(?,?,?,?,?,?,?, 1000000 + (SELECT count(*) FROM catalog_sources))`,
			src.Name, src.Kind, src.Target, src.Ref, src.Subdir, src.Glob, src.Origin)
		return err
	})
	if err != nil {
		return Source{}, fmt.Errorf("add catalog source: %w", err)
	}
	return src, nil
}

// RemoveSource removes a user source and everything read from it.
func (s *Service) RemoveSource(ctx context.Context, name string) (err error) {
	defer func() { s.audit.Note(ctx, "catalog.remove-source", name, "", err) }()
	src, err := s.source(ctx, name)
	if err != nil {
		return err
	}
	if src.Origin == OriginPlatform {
		return fmt.Errorf("source %q comes from the platform configuration: change platform.yaml instead", name)
	}
	if err := s.st.Tx(ctx, func(tx *sql.Tx) error { return deleteSource(ctx, tx, name) }); err != nil {
		return err
	}
	if src.Kind == KindGit {
		_ = os.RemoveAll(s.cloneDir(name))
	}
	return nil
}

func validateSource(src Source) error {
	if !sourceNameRE.MatchString(src.Name) {
		return fmt.Errorf("source name %q: use lower-case letters, digits and dashes (at most 63)", src.Name)
	}
	switch src.Kind {
	case KindDir, KindGit, KindEmbedded:
	default:
		return fmt.Errorf("source %s: unknown kind %q (want dir, git or embedded)", src.Name, src.Kind)
	}
	if src.Target == "" {
		return fmt.Errorf("source %s: target is empty", src.Name)
	}
	return nil
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

func defaultName(target string) string {
	t := strings.TrimRight(target, "/")
	t = t[strings.LastIndexAny(t, "/:")+1:]
	t = strings.TrimSuffix(t, ".git")
	n := strings.Trim(nonName.ReplaceAllString(strings.ToLower(t), "-"), "-")
	if len(n) > 63 {
		n = strings.Trim(n[:63], "-")
	}
	if n == "" {
		n = "source"
	}
	return n
}

// snapshot opens the current state of a source.
//
// For git sources with a previous commit, changed is the set of paths (relative
// to the source root) that differ from prevCommit; nil when unknown.
func (s *Service) snapshot(ctx context.Context, src Source, prevCommit string) (snap source.Snapshot, commit string, changed map[string]bool, stale error, closeFn func(), err error) {
	closeFn = func() {}
	switch src.Kind {
	case KindDir:
		root := filepath.Join(src.Target, filepath.FromSlash(src.Subdir))
		d, err := source.OpenDir(root)
		if err != nil {
			return nil, "", nil, nil, closeFn, err
		}
		return d, "", nil, nil, func() { d.Close() }, nil
	case KindEmbedded:
		fsys, ok := s.embedded[src.Target]
		if !ok {
			return nil, "", nil, nil, closeFn, fmt.Errorf("embedded catalog %q is not part of this build", src.Target)
		}
		if src.Subdir != "" {
			sub, err := fsSub(fsys, src.Subdir)
			if err != nil {
				return nil, "", nil, nil, closeFn, err
			}
			fsys = sub
		}
		return source.Embedded{FS: fsys}, "", nil, nil, closeFn, nil
	case KindGit:
		var repo *gitrepo.Repo
		var h plumbing.Hash
		if dir, ok := gitrepo.LocalPath(src.Target); ok {
			// A repository on this machine is read in place: no clone, no fetch.
			repo, h, err = gitrepo.Local(dir, src.Ref)
		} else {
			repo, h, err = gitrepo.Update(ctx, s.cloneDir(src.Name), src.Target, src.Ref)
		}
		var se *gitrepo.StaleError
		if errors.As(err, &se) {
			stale, err = se, nil
		}
		if err != nil {
			return nil, "", nil, nil, closeFn, err
		}
		t, err := repo.Snapshot(h)
		if err != nil {
			return nil, "", nil, nil, closeFn, err
		}
		sub, err := t.Sub(src.Subdir)
		if err != nil {
			return nil, "", nil, nil, closeFn, fmt.Errorf("source %s: %w", src.Name, err)
		}
		if prevCommit != "" && prevCommit != h.String() {
			if all, err := repo.ChangedPaths(plumbing.NewHash(prevCommit), h); err == nil {
				changed = relativeTo(all, src.Subdir)
			}
		}
		return sub, h.String(), changed, stale, closeFn, nil
	}
	return nil, "", nil, nil, closeFn, fmt.Errorf("source %s: unknown kind %q", src.Name, src.Kind)
}

// relativeTo keeps the paths under dir, made relative to it.
func relativeTo(paths map[string]bool, dir string) map[string]bool {
	dir = strings.Trim(path.Clean("/"+dir), "/")
	if dir == "" {
		return paths
	}
	out := map[string]bool{}
	for p := range paths {
		if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
			out[rest] = true
		}
	}
	return out
}

package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/catalog/source"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/progress"
)

// SyncTopic is the progress topic of catalog syncs.
const SyncTopic = "catalog:sync"

// Sync brings the cache in step with the sources. A source that fails keeps
// its previous cache; its result carries the error. The returned error is
// for problems outside any one source (an unknown source name).
func (s *Service) Sync(ctx context.Context, o SyncOptions, rep progress.Reporter) ([]SyncResult, error) {
	rep = progress.OrDiscard(rep)
	var srcs []Source
	if o.Source != "" {
		src, err := s.source(ctx, o.Source)
		if err != nil {
			return nil, err
		}
		srcs = []Source{src}
	} else {
		all, err := s.Sources(ctx)
		if err != nil {
			return nil, err
		}
		srcs = all
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	out := make([]SyncResult, 0, len(srcs))
	for _, src := range srcs {
		r := s.syncOne(ctx, src, o.Full, rep)
		if !(o.Quiet && r.Unchanged && r.Error == "") {
			var cause error
			if r.Error != "" {
				cause = errors.New(r.Error)
			}
			s.audit.Note(ctx, "catalog.sync", src.Name, syncDetail(r), cause)
		}
		out = append(out, r)
	}
	return out, nil
}

func syncDetail(r SyncResult) string {
	d := fmt.Sprintf("%d files read, %d removed, %d entities, %d problems", r.FilesRead, r.FilesRemoved, r.Entities, len(r.Errors))
	if r.Commit != "" {
		d += ", commit " + short(r.Commit)
	}
	return d
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

// EnsureSynced syncs every source that has never been synced, so a first
// look at the catalog is never empty.
func (s *Service) EnsureSynced(ctx context.Context, rep progress.Reporter) error {
	rows, err := s.st.R.QueryContext(ctx, `SELECT name FROM catalog_sources WHERE last_sync_at = '' ORDER BY position`)
	if err != nil {
		return fmt.Errorf("list unsynced sources: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if _, err := s.Sync(ctx, SyncOptions{Source: n}, rep); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) syncOne(ctx context.Context, src Source, full bool, rep progress.Reporter) SyncResult {
	start := time.Now()
	res := SyncResult{Source: src.Name, Errors: []problem.Problem{}}
	fail := func(err error) SyncResult {
		res.Error = err.Error()
		res.DurationMs = ms(time.Since(start))
		s.markFailed(ctx, src.Name, err)
		rep.Report(progress.Event{Topic: SyncTopic, Source: src.Name, Stage: "failed", Message: res.Error})
		return res
	}
	rep.Report(progress.Event{Topic: SyncTopic, Source: src.Name, Stage: "fetch", Message: "opening " + src.Kind + " source"})
	prev, err := s.loadState(ctx, src.Name)
	if err != nil {
		return fail(err)
	}
	snap, commit, changed, stale, closeSnap, err := s.snapshot(ctx, src, prev.commit)
	if err != nil {
		return fail(err)
	}
	defer closeSnap()
	if s.wrapSnapshot != nil {
		snap = s.wrapSnapshot(src, snap)
	}
	res.Commit = commit
	staleMsg := ""
	if stale != nil {
		staleMsg = stale.Error()
	}
	if !full && commit != "" && commit == prev.commit {
		res.Unchanged = true
		return s.finishUnchanged(ctx, src, res, staleMsg, start)
	}
	known := prev.files
	if full {
		known, changed = nil, nil
	}
	rep.Report(progress.Event{Topic: SyncTopic, Source: src.Name, Stage: "read", Message: "reading descriptor files"})
	// A walk that cannot read every file fails (source.ReadError): nothing
	// below runs, so neither the entities nor the commit or fingerprints
	// they were read at change, and the next sync reads what changed since.
	w, err := source.Walk(ctx, snap, source.Options{Glob: src.Glob, Known: known, Changed: changed})
	if err != nil {
		return fail(fmt.Errorf("read source %s: %w", src.Name, err))
	}
	var removed []string
	for _, p := range slices.Sorted(maps.Keys(prev.files)) {
		if _, ok := slices.BinarySearch(w.Reached, p); !ok {
			removed = append(removed, p)
		}
	}
	res.FilesRead, res.FilesRemoved = len(w.Read), len(removed)
	for _, f := range w.Read {
		res.Errors = append(res.Errors, f.Problems...)
	}
	res.Errors = append(res.Errors, w.Problems...)
	walkErrs := jsonString(nonNil(w.Problems))
	if len(w.Read) == 0 && len(removed) == 0 {
		res.Unchanged = true
		if _, err := s.st.W.ExecContext(ctx, `UPDATE catalog_sources SET walk_errors = ? WHERE name = ?`, walkErrs, src.Name); err != nil {
			return fail(fmt.Errorf("save sync state: %w", err))
		}
		return s.finishUnchanged(ctx, src, res, staleMsg, start)
	}
	err = s.st.Tx(ctx, func(tx *sql.Tx) error {
		a, err := newApplier(ctx, tx, src.Name, rep)
		if err != nil {
			return err
		}
		defer a.close()
		if err := a.apply(w.Read, removed); err != nil {
			return err
		}
		now := time.Now().UTC().Format(time.RFC3339Nano)
		_, err = tx.ExecContext(ctx, `UPDATE catalog_sources SET commit_id = ?, last_sync_at = ?, last_attempt_at = ?, last_error = ?, walk_errors = ? WHERE name = ?`,
			commit, now, now, staleMsg, walkErrs, src.Name)
		if err != nil {
			return fmt.Errorf("save sync state: %w", err)
		}
		return nil
	})
	s.st.ReleaseMemory(ctx)
	if err != nil {
		return fail(fmt.Errorf("write catalog cache for %s: %w", src.Name, err))
	}
	res.Entities = s.countEntities(ctx, src.Name)
	res.DurationMs = ms(time.Since(start))
	rep.Report(progress.Event{Topic: SyncTopic, Source: src.Name, Stage: "done", Message: syncDetail(res)})
	return res
}

// finishUnchanged records a sync that changed no entity: every file the
// source reaches was read or known unchanged, so its commit is synced.
func (s *Service) finishUnchanged(ctx context.Context, src Source, res SyncResult, staleMsg string, start time.Time) SyncResult {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	if _, err := s.st.W.ExecContext(ctx, `UPDATE catalog_sources SET commit_id = ?, last_sync_at = ?, last_attempt_at = ?, last_error = ? WHERE name = ?`,
		res.Commit, now, now, staleMsg, src.Name); err != nil {
		res.Error = fmt.Sprintf("save sync state: %v", err)
	}
	res.Entities = s.countEntities(ctx, src.Name)
	res.DurationMs = ms(time.Since(start))
	return res
}

func (s *Service) markFailed(ctx context.Context, name string, cause error) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	_, _ = s.st.W.ExecContext(context.WithoutCancel(ctx), `UPDATE catalog_sources SET last_attempt_at = ?, last_error = ? WHERE name = ?`, now, cause.Error(), name)
}

func (s *Service) countEntities(ctx context.Context, name string) int {
	var n int
	_ = s.st.R.QueryRowContext(ctx, `SELECT count(*) FROM catalog_entities WHERE source = ? AND winner = 1`, name).Scan(&n)
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type sourceState struct {
	commit string
	files  map[string]source.Known
}

func (s *Service) loadState(ctx context.Context, name string) (sourceState, error) {
	st := sourceState{files: map[string]source.Known{}}
	if err := s.st.R.QueryRowContext(ctx, `SELECT commit_id FROM catalog_sources WHERE name = ?`, name).Scan(&st.commit); err != nil {
		return st, fmt.Errorf("read sync state of %s: %w", name, err)
	}
	rows, err := s.st.R.QueryContext(ctx, `SELECT path, fingerprint, deps, targets FROM catalog_files WHERE source = ?`, name)
	if err != nil {
		return st, fmt.Errorf("read sync state of %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, fp, deps, targets string
		if err := rows.Scan(&p, &fp, &deps, &targets); err != nil {
			return st, fmt.Errorf("read sync state of %s: %w", name, err)
		}
		k := source.Known{Fingerprint: fp}
		_ = json.Unmarshal([]byte(deps), &k.Deps)
		_ = json.Unmarshal([]byte(targets), &k.Targets)
		st.files[p] = k
	}
	return st, rows.Err()
}

func fsSub(fsys fs.FS, dir string) (fs.FS, error) {
	dir = strings.Trim(path.Clean("/"+dir), "/")
	if dir == "" {
		return fsys, nil
	}
	return fs.Sub(fsys, dir)
}

// row is one entity document about to be written.
type row struct {
	path       string
	idx, line  int
	ref        string
	displayRef string
	kind       string
	namespace  string
	fields     indexFields
	body, raw  string
	winner     bool
}

// indexFields is what the search index and relation table hold for a winner.
type indexFields struct {
	name, title, description string
	tags                     []string
	owner, typ, system       string
	lifecycle                string
	kind                     string
	links, annotations       string
	relations                [][2]string // type, target ref as written
}

func newRow(f source.File, d model.Document) (*row, error) {
	e := d.Entity
	ref := e.Ref()
	body, err := json.Marshal(e.Raw)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: encode entity: %w", f.Path, d.Line, err)
	}
	r := &row{
		path: f.Path, idx: d.Index, line: d.Line,
		ref: ref.Key(), displayRef: ref.String(),
		kind: e.Kind, namespace: ref.Namespace,
		body: string(body), raw: e.RawYAML,
	}
	r.fields = fieldsOf(e.Metadata.Name, e.Metadata.Title, e.Metadata.Description, e.Kind, e.SpecString("type"),
		e.Metadata.Tags, e.Raw, nil)
	r.fields.lifecycle = e.SpecString("lifecycle")
	if o, ok := e.Owner(); ok {
		r.fields.owner = o.Key()
	}
	if sys, ok := e.System(); ok {
		r.fields.system = sys.Key()
	}
	for _, rel := range e.Relations {
		r.fields.relations = append(r.fields.relations, [2]string{rel.Type, rel.Target.String()})
	}
	return r, nil
}

// fieldsOf derives searchable text from an entity's metadata.
func fieldsOf(name, title, desc, kind, typ string, tags []string, raw map[string]any, rels [][2]string) indexFields {
	f := indexFields{name: name, title: title, description: desc, kind: kind, typ: typ, tags: tags, relations: rels}
	meta, _ := raw["metadata"].(map[string]any)
	if links, ok := meta["links"].([]any); ok {
		var b strings.Builder
		for _, l := range links {
			if m, ok := l.(map[string]any); ok {
				fmt.Fprintf(&b, "%v %v ", m["title"], m["url"])
			}
		}
		f.links = b.String()
	}
	if ann, ok := meta["annotations"].(map[string]any); ok {
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(ann)) {
			fmt.Fprintf(&b, "%s %v ", k, ann[k])
		}
		f.annotations = b.String()
	}
	return f
}

func refName(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

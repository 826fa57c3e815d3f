package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/catalog/source"
	"github.com/paved-dev/paved/internal/progress"
)

// applier writes one source's changed files inside one transaction.
//
// A document that keeps its place (same file, same position in it, same
// ref) is updated in place: its winner status cannot change, so only the
// rows it owns are rewritten, and only those whose content changed (no
// index churn for a description edit, nothing at all for an untouched
// document in an edited file). Documents that appear, disappear or change
// ref are deleted and inserted, and their refs are settled again.
type applier struct {
	ctx    context.Context
	tx     *sql.Tx
	source string
	pos    int
	local  bool
	rep    progress.Reporter
	st     statements
	// written and total count entity documents for progress events.
	written, total int
}

// statements are the applier's prepared statements.
type statements struct {
	fileRows    *sql.Stmt // a file's stored documents, with what an update compares
	delEntity   *sql.Stmt // one document's entity row
	delDoc      *sql.Stmt // one document's large columns
	delFile     *sql.Stmt // a file's sync state
	putFile     *sql.Stmt // a file's sync state, inserted or replaced
	insert      *sql.Stmt // an entity row
	insertDoc   *sql.Stmt // an entity's large columns
	updateSmall *sql.Stmt // an entity row's unindexed columns
	updateAll   *sql.Stmt // an entity row's unindexed and indexed columns
	updateDoc   *sql.Stmt // an entity's large columns
	fts         *sql.Stmt // a winner's search row
	ftsUpdate   *sql.Stmt // a winner's search row, replaced
	unFts       *sql.Stmt // a winner's search row, removed
	tag         *sql.Stmt // one of a winner's tags
	unTags      *sql.Stmt // a winner's tags, removed
	rel         *sql.Stmt // one of a winner's declared relations
	unRels      *sql.Stmt // a winner's declared relations, removed
	setWin      *sql.Stmt // a document's winner flag
	loadRow     *sql.Stmt // what indexing a promoted document needs
	rivals      *sql.Stmt // every document of a set of refs, with its precedence

	open []*sql.Stmt
}

// prepare prepares every statement on tx.
func (s *statements) prepare(ctx context.Context, tx *sql.Tx) error {
	for _, p := range []struct {
		dst  **sql.Stmt
		name string
		q    string
	}{
		{&s.fileRows, "fileRows", `SELECT e.id, e.idx, e.ref, e.winner, e.line, e.display_ref, e.kind, e.namespace, e.name, e.type, e.owner, e.system, e.tags,
			d.relations, d.raw FROM catalog_entities e JOIN catalog_documents d ON d.id = e.id WHERE e.source = ? AND e.path = ?`},
		{&s.delEntity, "delEntity", `DELETE FROM catalog_entities WHERE id = ?`},
		{&s.delDoc, "delDoc", `DELETE FROM catalog_documents WHERE id = ?`},
		{&s.delFile, "delFile", `DELETE FROM catalog_files WHERE source = ? AND path = ?`},
		{&s.putFile, "putFile", `INSERT INTO catalog_files(source, path, fingerprint, deps, targets, errors) VALUES(?,?,?,?,?,?)
			ON CONFLICT(source, path) DO UPDATE SET fingerprint = excluded.fingerprint, deps = excluded.deps, targets = excluded.targets, errors = excluded.errors`},
		{&s.insert, "insert", `INSERT INTO catalog_entities(source, path, idx, line, ref, display_ref, kind, namespace, name, title, description,
			type, lifecycle, owner, system, tags, winner, local) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`},
		{&s.insertDoc, "insertDoc", `INSERT INTO catalog_documents(id, relations, body, raw) VALUES(?,?,?,?)`},
		{&s.updateSmall, "updateSmall", `UPDATE catalog_entities SET line = ?, display_ref = ?, title = ?, description = ?, lifecycle = ?, tags = ? WHERE id = ?`},
		{&s.updateAll, "updateAll", `UPDATE catalog_entities SET line = ?, display_ref = ?, title = ?, description = ?, lifecycle = ?, tags = ?,
			kind = ?, namespace = ?, name = ?, type = ?, owner = ?, system = ? WHERE id = ?`},
		{&s.updateDoc, "updateDoc", `UPDATE catalog_documents SET relations = ?, body = ?, raw = ? WHERE id = ?`},
		{&s.fts, "fts", `INSERT INTO catalog_fts(rowid, name, title, description, tags, owner, type, system, links, annotations, facets) VALUES(?,?,?,?,?,?,?,?,?,?,?)`},
		{&s.ftsUpdate, "ftsUpdate", `UPDATE catalog_fts SET name = ?, title = ?, description = ?, tags = ?, owner = ?, type = ?, system = ?, links = ?, annotations = ?, facets = ?
			WHERE rowid = ?`},
		{&s.unFts, "unFts", `DELETE FROM catalog_fts WHERE rowid = ?`},
		{&s.tag, "tag", `INSERT OR IGNORE INTO catalog_tags(tag, entity_id) VALUES(?,?)`},
		{&s.unTags, "unTags", `DELETE FROM catalog_tags WHERE entity_id = ?`},
		{&s.rel, "rel", `INSERT INTO catalog_relations(src, type, dst, dst_ref) VALUES(?,?,?,?)`},
		{&s.unRels, "unRels", `DELETE FROM catalog_relations WHERE src = ?`},
		{&s.setWin, "setWin", `UPDATE catalog_entities SET winner = ? WHERE id = ?`},
		{&s.loadRow, "loadRow", `SELECT e.ref, e.name, e.title, e.description, e.kind, e.type, e.lifecycle, e.tags, e.owner, e.system, d.relations, d.body
			FROM catalog_entities e JOIN catalog_documents d ON d.id = e.id WHERE e.id = ?`},
		{&s.rivals, "rivals", `SELECT e.id, e.ref, e.winner, s.position, e.path, e.idx FROM catalog_entities e JOIN catalog_sources s ON s.name = e.source
			WHERE e.ref IN (SELECT value FROM json_each(?))`},
	} {
		st, err := tx.PrepareContext(ctx, p.q)
		if err != nil {
			s.close()
			return fmt.Errorf("prepare %s: %w", p.name, err)
		}
		*p.dst = st
		s.open = append(s.open, st)
	}
	return nil
}

func (s *statements) close() {
	for _, st := range s.open {
		st.Close()
	}
	s.open = nil
}

func newApplier(ctx context.Context, tx *sql.Tx, src string, rep progress.Reporter) (*applier, error) {
	a := &applier{ctx: ctx, tx: tx, source: src, rep: progress.OrDiscard(rep)}
	if src != "" {
		if err := tx.QueryRowContext(ctx, `SELECT position, origin = 'local' FROM catalog_sources WHERE name = ?`, src).Scan(&a.pos, &a.local); err != nil {
			return nil, fmt.Errorf("source %s: %w", src, err)
		}
	}
	if err := a.st.prepare(ctx, tx); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *applier) close() { a.st.close() }

// exec runs st; what names it in errors.
func (a *applier) exec(st *sql.Stmt, what string, args ...any) (sql.Result, error) {
	r, err := st.ExecContext(a.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return r, nil
}

// stored is a document as the cache holds it.
type stored struct {
	id                       int64
	idx, line                int
	ref, displayRef          string
	winner                   bool
	kind, namespace, name    string
	typ, owner, system, tags string
	relations, raw           string
}

// storedRows reads the documents stored for file p.
func (a *applier) storedRows(p string) ([]stored, error) {
	rows, err := a.st.fileRows.QueryContext(a.ctx, a.source, p)
	if err != nil {
		return nil, fmt.Errorf("read entities of %s: %w", p, err)
	}
	defer rows.Close()
	var out []stored
	for rows.Next() {
		var o stored
		if err := rows.Scan(&o.id, &o.idx, &o.ref, &o.winner, &o.line, &o.displayRef, &o.kind, &o.namespace, &o.name,
			&o.typ, &o.owner, &o.system, &o.tags, &o.relations, &o.raw); err != nil {
			return nil, fmt.Errorf("read entities of %s: %w", p, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// apply replaces the entities of the read files, drops those of removed
// files, and settles which document wins each affected ref.
func (a *applier) apply(read []source.File, removed []string) error {
	affected := map[string]bool{}
	var pending []*row
	// The files' sync state first: a statement that opens a statement
	// journal (as INSERT OR REPLACE did) makes the search index flush its
	// pending terms to disk, once per file when interleaved with the
	// entities, leaving a segment per file to merge.
	for _, f := range read {
		if err := a.putFile(f); err != nil {
			return err
		}
		for _, d := range f.Docs {
			if d.Entity != nil {
				a.total++
			}
		}
	}
	for _, p := range removed {
		if _, err := a.exec(a.st.delFile, "forget "+p, a.source, p); err != nil {
			return err
		}
	}
	for _, f := range read {
		olds, err := a.storedRows(f.Path)
		if err != nil {
			return err
		}
		byIdx := make(map[int]stored, len(olds))
		for _, o := range olds {
			byIdx[o.idx] = o
		}
		for _, d := range f.Docs {
			if d.Entity == nil {
				continue
			}
			r, err := newRow(f, d)
			if err != nil {
				return err
			}
			if o, ok := byIdx[r.idx]; ok && o.ref == r.ref {
				delete(byIdx, r.idx)
				if err := a.update(o, r, len(f.Deps) > 0); err != nil {
					return err
				}
				a.progress()
				continue
			}
			pending = append(pending, r)
			affected[r.ref] = true
		}
		// What is left of the file's old documents is gone or moved.
		for _, idx := range slices.Sorted(maps.Keys(byIdx)) {
			if err := a.drop(byIdx[idx], affected); err != nil {
				return err
			}
		}
	}
	for _, p := range removed {
		olds, err := a.storedRows(p)
		if err != nil {
			return err
		}
		for _, o := range olds {
			if err := a.drop(o, affected); err != nil {
				return err
			}
		}
	}
	if err := a.settle(affected, pending); err != nil {
		return err
	}
	return bumpGeneration(a.ctx, a.tx)
}

func (a *applier) progress() {
	a.written++
	if a.written%1000 == 0 {
		a.rep.Report(progress.Event{Topic: SyncTopic, Source: a.source, Stage: "write", Message: "writing entities", Current: a.written, Total: a.total})
	}
}

// update rewrites stored document o, which keeps its place, with r: only
// what changed, and the search index, tags and relations only for a winner.
// A document written exactly as before is the same entity unless its file
// has placeholders (whose files may have changed): then it is rewritten.
func (a *applier) update(o stored, r *row, placeholders bool) error {
	r.winner = o.winner
	tags := jsonString(nonNil(r.fields.tags))
	if o.raw == r.raw && !placeholders {
		// The same entity; at most the document above it grew or shrank.
		if o.line != r.line {
			_, err := a.exec(a.st.updateSmall, "update "+r.displayRef, r.line, r.displayRef, r.fields.title, r.fields.description, r.fields.lifecycle, tags, o.id)
			return err
		}
		return nil
	}
	f := r.fields
	var err error
	if o.kind == r.kind && o.namespace == r.namespace && o.name == f.name && o.typ == f.typ && o.owner == f.owner && o.system == f.system {
		_, err = a.exec(a.st.updateSmall, "update "+r.displayRef, r.line, r.displayRef, f.title, f.description, f.lifecycle, tags, o.id)
	} else {
		_, err = a.exec(a.st.updateAll, "update "+r.displayRef, r.line, r.displayRef, f.title, f.description, f.lifecycle, tags,
			r.kind, r.namespace, f.name, f.typ, f.owner, f.system, o.id)
	}
	if err != nil {
		return err
	}
	rels := jsonString(nonNil(f.relations))
	if _, err := a.exec(a.st.updateDoc, "update "+r.displayRef, rels, r.body, r.raw, o.id); err != nil {
		return err
	}
	if !o.winner {
		return nil
	}
	if _, err := a.exec(a.st.ftsUpdate, "index "+r.displayRef, f.name, f.title, f.description, strings.Join(f.tags, " "),
		refName(f.owner), f.typ+" "+f.kind, refName(f.system), f.links, f.annotations, f.facetTokens(), o.id); err != nil {
		return err
	}
	if tags != o.tags {
		if _, err := a.exec(a.st.unTags, "index "+r.displayRef, o.id); err != nil {
			return err
		}
		if err := a.indexTags(o.id, f.tags); err != nil {
			return err
		}
	}
	if rels != o.relations {
		if _, err := a.exec(a.st.unRels, "index "+r.displayRef, r.ref); err != nil {
			return err
		}
		if err := a.indexRelations(r.ref, f.relations); err != nil {
			return err
		}
	}
	return nil
}

// drop deletes stored document o, unindexing it if it won its ref.
func (a *applier) drop(o stored, affected map[string]bool) error {
	affected[o.ref] = true
	if o.winner {
		if err := a.unindex(o.id, o.ref); err != nil {
			return err
		}
	}
	if _, err := a.exec(a.st.delDoc, "remove "+o.displayRef, o.id); err != nil {
		return err
	}
	_, err := a.exec(a.st.delEntity, "remove "+o.displayRef, o.id)
	return err
}

// bumpGeneration marks that the catalog changed (caches keyed on it expire).
func bumpGeneration(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES('catalog.generation', '1')
		ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`)
	if err != nil {
		return fmt.Errorf("bump catalog generation: %w", err)
	}
	return nil
}

func (a *applier) putFile(f source.File) error {
	_, err := a.exec(a.st.putFile, "record "+f.Path, a.source, f.Path, f.Fingerprint, jsonString(f.Deps),
		jsonString(nonNil(f.Targets)), jsonString(nonNil(f.Problems)))
	return err
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

type rival struct {
	id     int64 // 0 for pending rows
	ref    string
	winner bool
	pos    int
	path   string
	idx    int
	row    *row
}

func (r rival) before(o rival) bool {
	if r.pos != o.pos {
		return r.pos < o.pos
	}
	if r.path != o.path {
		return r.path < o.path
	}
	return r.idx < o.idx
}

// settle picks the winner of every affected ref among stored and pending
// documents, inserts the pending ones and indexes/unindexes what changed.
func (a *applier) settle(affected map[string]bool, pending []*row) error {
	best := map[string]rival{}
	var stored []rival
	if len(affected) > 0 {
		rows, err := a.st.rivals.QueryContext(a.ctx, jsonString(slices.Collect(maps.Keys(affected))))
		if err != nil {
			return fmt.Errorf("find duplicates: %w", err)
		}
		for rows.Next() {
			var r rival
			if err := rows.Scan(&r.id, &r.ref, &r.winner, &r.pos, &r.path, &r.idx); err != nil {
				rows.Close()
				return fmt.Errorf("find duplicates: %w", err)
			}
			stored = append(stored, r)
			if b, ok := best[r.ref]; !ok || r.before(b) {
				best[r.ref] = r
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find duplicates: %w", err)
		}
	}
	for _, p := range pending {
		r := rival{ref: p.ref, pos: a.pos, path: p.path, idx: p.idx, row: p}
		if b, ok := best[r.ref]; !ok || r.before(b) {
			best[r.ref] = r
		}
	}
	// Demote first so a ref never has two indexed rows.
	for _, r := range stored {
		if r.winner && best[r.ref].id != r.id {
			if err := a.unindex(r.id, r.ref); err != nil {
				return err
			}
			if _, err := a.exec(a.st.setWin, "demote "+r.ref, 0, r.id); err != nil {
				return err
			}
		}
	}
	for _, p := range pending {
		p.winner = best[p.ref].row == p
		id, err := a.insert(p)
		if err != nil {
			return err
		}
		if p.winner {
			if err := a.index(id, p.ref, p.fields); err != nil {
				return err
			}
		}
		a.progress()
	}
	for _, r := range stored {
		if !r.winner && best[r.ref].id == r.id {
			if err := a.promote(r.id); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applier) insert(p *row) (int64, error) {
	res, err := a.exec(a.st.insert, "insert "+p.displayRef, a.source, p.path, p.idx, p.line, p.ref, p.displayRef, p.kind, p.namespace,
		p.fields.name, p.fields.title, p.fields.description, p.fields.typ, p.fields.lifecycle, p.fields.owner, p.fields.system,
		jsonString(nonNil(p.fields.tags)), p.winner, a.local)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert %s: %w", p.displayRef, err)
	}
	if _, err := a.exec(a.st.insertDoc, "insert "+p.displayRef, id, jsonString(nonNil(p.fields.relations)), p.body, p.raw); err != nil {
		return 0, err
	}
	return id, nil
}

func (a *applier) index(id int64, ref string, f indexFields) error {
	if _, err := a.exec(a.st.fts, "index "+ref, id, f.name, f.title, f.description, strings.Join(f.tags, " "),
		refName(f.owner), f.typ+" "+f.kind, refName(f.system), f.links, f.annotations, f.facetTokens()); err != nil {
		return err
	}
	if err := a.indexTags(id, f.tags); err != nil {
		return err
	}
	return a.indexRelations(ref, f.relations)
}

func (a *applier) indexTags(id int64, tags []string) error {
	for _, t := range tags {
		if _, err := a.exec(a.st.tag, "index tag "+t, strings.ToLower(t), id); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) indexRelations(ref string, rels [][2]string) error {
	for _, rel := range rels {
		if _, err := a.exec(a.st.rel, "index relation of "+ref, ref, rel[0], strings.ToLower(rel[1]), rel[1]); err != nil {
			return err
		}
	}
	return nil
}

// unindex removes a winner's search row, tags and relations (relations are
// keyed by ref: a ref has one winner at a time).
func (a *applier) unindex(id int64, ref string) error {
	if _, err := a.exec(a.st.unFts, "unindex "+ref, id); err != nil {
		return err
	}
	if _, err := a.exec(a.st.unTags, "unindex "+ref, id); err != nil {
		return err
	}
	_, err := a.exec(a.st.unRels, "unindex "+ref, ref)
	return err
}

// promote makes a stored document the winner of its ref.
func (a *applier) promote(id int64) error {
	if _, err := a.exec(a.st.setWin, "promote", 1, id); err != nil {
		return err
	}
	var ref, name, title, desc, kind, typ, lifecycle, tags, owner, system, rels, body string
	if err := a.st.loadRow.QueryRowContext(a.ctx, id).Scan(&ref, &name, &title, &desc, &kind, &typ, &lifecycle, &tags, &owner, &system, &rels, &body); err != nil {
		return fmt.Errorf("load entity %d: %w", id, err)
	}
	var raw map[string]any
	var tagList []string
	var relList [][2]string
	_ = json.Unmarshal([]byte(body), &raw)
	_ = json.Unmarshal([]byte(tags), &tagList)
	_ = json.Unmarshal([]byte(rels), &relList)
	f := fieldsOf(name, title, desc, kind, typ, tagList, raw, relList)
	f.owner, f.system, f.lifecycle = owner, system, lifecycle
	return a.index(id, ref, f)
}

// promoteOrphans gives every ref left without a winner (its winning source
// was removed) its next document.
func promoteOrphans(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT ref FROM catalog_entities GROUP BY ref HAVING max(winner) = 0`)
	if err != nil {
		return fmt.Errorf("find orphaned duplicates: %w", err)
	}
	refs := map[string]bool{}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return err
		}
		refs[r] = true
	}
	rows.Close()
	if len(refs) == 0 {
		return nil
	}
	a, err := newApplier(ctx, tx, "", nil)
	if err != nil {
		return err
	}
	defer a.close()
	return a.settle(refs, nil)
}

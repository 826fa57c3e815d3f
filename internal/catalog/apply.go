package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/catalog/source"
	"github.com/paved-dev/paved/internal/progress"
)

// applier writes one source's changed files inside one transaction.
type applier struct {
	ctx    context.Context
	tx     *sql.Tx
	source string
	pos    int
	local  bool
	rep    progress.Reporter
	stmts  map[string]*sql.Stmt
}

var applierSQL = map[string]string{
	"fileRows":    `SELECT id, ref, winner FROM catalog_entities WHERE source = ? AND path = ?`,
	"delFileRows": `DELETE FROM catalog_entities WHERE source = ? AND path = ?`,
	"delDocs":     `DELETE FROM catalog_documents WHERE id IN (SELECT id FROM catalog_entities WHERE source = ? AND path = ?)`,
	"insertDoc":   `INSERT INTO catalog_documents(id, relations, body, raw) VALUES(?,?,?,?)`,
	"delFile":     `DELETE FROM catalog_files WHERE source = ? AND path = ?`,
	"putFile":     `INSERT OR REPLACE INTO catalog_files(source, path, fingerprint, deps, targets, errors) VALUES(?,?,?,?,?,?)`,
	"insert": `INSERT INTO catalog_entities(source, path, idx, line, ref, display_ref, kind, namespace, name, title, description,
		type, lifecycle, owner, system, tags, winner, local) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
	"fts":    `INSERT INTO catalog_fts(rowid, name, title, description, tags, owner, type, system, links, annotations, facets) VALUES(?,?,?,?,?,?,?,?,?,?,?)`,
	"tag":    `INSERT OR IGNORE INTO catalog_tags(tag, entity_id) VALUES(?,?)`,
	"rel":    `INSERT INTO catalog_relations(src, type, dst, dst_ref) VALUES(?,?,?,?)`,
	"unFts":  `DELETE FROM catalog_fts WHERE rowid = ?`,
	"unTags": `DELETE FROM catalog_tags WHERE entity_id = ?`,
	"unRels": `DELETE FROM catalog_relations WHERE src = ?`,
	"setWin": `UPDATE catalog_entities SET winner = ? WHERE id = ?`,
	"loadRow": `SELECT e.ref, e.name, e.title, e.description, e.kind, e.type, e.lifecycle, e.tags, e.owner, e.system, d.relations, d.body
		FROM catalog_entities e JOIN catalog_documents d ON d.id = e.id WHERE e.id = ?`,
	"rivals": `SELECT e.id, e.ref, e.winner, s.position, e.path, e.idx FROM catalog_entities e JOIN catalog_sources s ON s.name = e.source
		WHERE e.ref IN (SELECT value FROM json_each(?))`,
}

func newApplier(ctx context.Context, tx *sql.Tx, src string, rep progress.Reporter) (*applier, error) {
	a := &applier{ctx: ctx, tx: tx, source: src, rep: progress.OrDiscard(rep), stmts: map[string]*sql.Stmt{}}
	if src != "" {
		if err := tx.QueryRowContext(ctx, `SELECT position, origin = 'local' FROM catalog_sources WHERE name = ?`, src).Scan(&a.pos, &a.local); err != nil {
			return nil, fmt.Errorf("source %s: %w", src, err)
		}
	}
	for k, q := range applierSQL {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			a.close()
			return nil, fmt.Errorf("prepare %s: %w", k, err)
		}
		a.stmts[k] = st
	}
	return a, nil
}

func (a *applier) close() {
	for _, st := range a.stmts {
		st.Close()
	}
}

func (a *applier) exec(name string, args ...any) (sql.Result, error) {
	r, err := a.stmts[name].ExecContext(a.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// apply replaces the entities of the read files, drops those of removed
// files, and settles which document wins each affected ref.
func (a *applier) apply(read []source.File, removed []string) error {
	affected := map[string]bool{}
	for _, f := range read {
		if err := a.dropFile(f.Path, affected); err != nil {
			return err
		}
	}
	for _, p := range removed {
		if err := a.dropFile(p, affected); err != nil {
			return err
		}
		if _, err := a.exec("delFile", a.source, p); err != nil {
			return err
		}
	}
	var pending []*row
	for _, f := range read {
		for _, d := range f.Docs {
			if d.Entity == nil {
				continue
			}
			r, err := newRow(f, d)
			if err != nil {
				return err
			}
			pending = append(pending, r)
			affected[r.ref] = true
		}
		if err := a.putFile(f); err != nil {
			return err
		}
	}
	if err := a.settle(affected, pending); err != nil {
		return err
	}
	return bumpGeneration(a.ctx, a.tx)
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
	deps, _ := json.Marshal(f.Deps)
	targets, _ := json.Marshal(nonNil(f.Targets))
	errs, _ := json.Marshal(nonNil(f.Problems))
	_, err := a.exec("putFile", a.source, f.Path, f.Fingerprint, string(deps), string(targets), string(errs))
	return err
}

func (a *applier) dropFile(p string, affected map[string]bool) error {
	rows, err := a.stmts["fileRows"].QueryContext(a.ctx, a.source, p)
	if err != nil {
		return fmt.Errorf("read entities of %s: %w", p, err)
	}
	type old struct {
		id     int64
		ref    string
		winner bool
	}
	var olds []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.ref, &o.winner); err != nil {
			rows.Close()
			return err
		}
		affected[o.ref] = true
		olds = append(olds, o)
	}
	rows.Close()
	for _, o := range olds {
		if o.winner {
			if err := a.unindex(o.id, o.ref); err != nil {
				return err
			}
		}
	}
	if _, err := a.exec("delDocs", a.source, p); err != nil {
		return err
	}
	_, err = a.exec("delFileRows", a.source, p)
	return err
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
	refs := make([]string, 0, len(affected))
	for r := range affected {
		refs = append(refs, r)
	}
	best := map[string]rival{}
	var stored []rival
	if len(refs) > 0 {
		js, _ := json.Marshal(refs)
		rows, err := a.stmts["rivals"].QueryContext(a.ctx, string(js))
		if err != nil {
			return fmt.Errorf("find duplicates: %w", err)
		}
		for rows.Next() {
			var r rival
			if err := rows.Scan(&r.id, &r.ref, &r.winner, &r.pos, &r.path, &r.idx); err != nil {
				rows.Close()
				return err
			}
			stored = append(stored, r)
			if b, ok := best[r.ref]; !ok || r.before(b) {
				best[r.ref] = r
			}
		}
		rows.Close()
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
			if _, err := a.exec("setWin", 0, r.id); err != nil {
				return err
			}
		}
	}
	for i, p := range pending {
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
		if (i+1)%1000 == 0 {
			a.rep.Report(progress.Event{Topic: SyncTopic, Source: a.source, Stage: "write", Message: "writing entities", Current: i + 1, Total: len(pending)})
		}
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
	tags, _ := json.Marshal(nonNil(p.fields.tags))
	rels, _ := json.Marshal(nonNil(p.fields.relations))
	res, err := a.exec("insert", a.source, p.path, p.idx, p.line, p.ref, p.displayRef, p.kind, p.namespace,
		p.fields.name, p.fields.title, p.fields.description, p.fields.typ, p.fields.lifecycle, p.fields.owner, p.fields.system,
		string(tags), p.winner, a.local)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if _, err := a.exec("insertDoc", id, string(rels), p.body, p.raw); err != nil {
		return 0, err
	}
	return id, nil
}

func (a *applier) index(id int64, ref string, f indexFields) error {
	if _, err := a.exec("fts", id, f.name, f.title, f.description, strings.Join(f.tags, " "),
		refName(f.owner), f.typ+" "+f.kind, refName(f.system), f.links, f.annotations, f.facetTokens()); err != nil {
		return err
	}
	for _, t := range f.tags {
		if _, err := a.exec("tag", strings.ToLower(t), id); err != nil {
			return err
		}
	}
	for _, rel := range f.relations {
		if _, err := a.exec("rel", ref, rel[0], strings.ToLower(rel[1]), rel[1]); err != nil {
			return err
		}
	}
	return nil
}

// unindex removes a winner's search row, tags and relations (relations are
// keyed by ref: a ref has one winner at a time).
func (a *applier) unindex(id int64, ref string) error {
	if _, err := a.exec("unFts", id); err != nil {
		return err
	}
	if _, err := a.exec("unTags", id); err != nil {
		return err
	}
	_, err := a.exec("unRels", ref)
	return err
}

// promote makes a stored document the winner of its ref.
func (a *applier) promote(id int64) error {
	if _, err := a.exec("setWin", 1, id); err != nil {
		return err
	}
	var ref, name, title, desc, kind, typ, lifecycle, tags, owner, system, rels, body string
	if err := a.stmts["loadRow"].QueryRowContext(a.ctx, id).Scan(&ref, &name, &title, &desc, &kind, &typ, &lifecycle, &tags, &owner, &system, &rels, &body); err != nil {
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

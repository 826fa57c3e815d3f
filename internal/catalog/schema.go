package catalog

import "github.com/paved-dev/paved/internal/store"

// Schema is the catalog cache's tables, for store.Open; the SQL that uses
// them is in this package. Never edit a migration that has shipped: append
// one. (The catalog's generation counter is a row of the store's shared
// settings table, key catalog.generation.)
func Schema() store.Schema {
	return store.Schema{Name: "catalog", Migrations: []string{
		// 1: sources, files, entities, documents, tags, relations and the search index.
		`
CREATE TABLE catalog_sources(
	name            TEXT PRIMARY KEY,
	kind            TEXT NOT NULL,             -- dir | git | embedded
	target          TEXT NOT NULL,             -- path, URL or embedded name
	ref             TEXT NOT NULL DEFAULT '',  -- git branch or tag
	subdir          TEXT NOT NULL DEFAULT '',  -- directory inside the target
	glob            TEXT NOT NULL DEFAULT '',  -- descriptor glob; '' = catalog-info.yaml at the root
	origin          TEXT NOT NULL,             -- platform | user
	position        INTEGER NOT NULL,          -- precedence for duplicate refs: lower wins
	commit_id       TEXT NOT NULL DEFAULT '',
	last_sync_at    TEXT NOT NULL DEFAULT '',
	last_attempt_at TEXT NOT NULL DEFAULT '',
	last_error      TEXT NOT NULL DEFAULT '',
	walk_errors     TEXT NOT NULL DEFAULT '[]' -- JSON: problems of the last walk (missing Location targets)
);

-- One row per descriptor file reached in a source: what it looked like when
-- it was last read, so an incremental sync re-reads only what changed.
CREATE TABLE catalog_files(
	source      TEXT NOT NULL REFERENCES catalog_sources(name) ON DELETE CASCADE,
	path        TEXT NOT NULL,
	fingerprint TEXT NOT NULL,             -- blob hash (git) or size+mtime (dir)
	deps        TEXT NOT NULL DEFAULT '{}',-- JSON {path: fingerprint} of $text/$json/$yaml files
	targets     TEXT NOT NULL DEFAULT '[]',-- JSON: Location targets declared in the file
	errors      TEXT NOT NULL DEFAULT '[]',-- JSON: problems found in the file
	PRIMARY KEY(source, path)
) WITHOUT ROWID;

-- Every entity document read, including duplicates; winner=1 marks the one
-- that is shown for its ref (lowest source position, then path, then index).
CREATE TABLE catalog_entities(
	id          INTEGER PRIMARY KEY,
	source      TEXT NOT NULL REFERENCES catalog_sources(name) ON DELETE CASCADE,
	path        TEXT NOT NULL,
	idx         INTEGER NOT NULL,
	line        INTEGER NOT NULL,
	ref         TEXT NOT NULL,             -- lower-cased kind:namespace/name
	display_ref TEXT NOT NULL,
	kind        TEXT NOT NULL COLLATE NOCASE,
	namespace   TEXT NOT NULL COLLATE NOCASE,
	name        TEXT NOT NULL COLLATE NOCASE,
	title       TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	type        TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
	lifecycle   TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
	owner       TEXT NOT NULL DEFAULT '' COLLATE NOCASE,  -- lower-cased ref
	system      TEXT NOT NULL DEFAULT '' COLLATE NOCASE,  -- lower-cased ref
	tags        TEXT NOT NULL DEFAULT '[]',
	winner      INTEGER NOT NULL DEFAULT 0,
	local       INTEGER NOT NULL DEFAULT 0,
	UNIQUE(source, path, idx)
);
CREATE INDEX catalog_entities_ref ON catalog_entities(ref);

-- The large parts of each entity, apart so that searches and scans over
-- catalog_entities stay small.
CREATE TABLE catalog_documents(
	id        INTEGER PRIMARY KEY,         -- = catalog_entities.id
	relations TEXT NOT NULL DEFAULT '[]',  -- JSON [[type, ref]] declared by this entity
	body      TEXT NOT NULL,               -- JSON: the whole entity, unknown fields kept
	raw       TEXT NOT NULL                -- the document's YAML as written
);
CREATE INDEX catalog_entities_name ON catalog_entities(name) WHERE winner = 1;
CREATE INDEX catalog_entities_kind ON catalog_entities(kind, name) WHERE winner = 1;
CREATE INDEX catalog_entities_owner ON catalog_entities(owner) WHERE winner = 1;
CREATE INDEX catalog_entities_system ON catalog_entities(system) WHERE winner = 1;
CREATE INDEX catalog_entities_type ON catalog_entities(type) WHERE winner = 1;

-- Derived from the winners only.
CREATE TABLE catalog_tags(
	tag       TEXT NOT NULL,
	entity_id INTEGER NOT NULL,
	PRIMARY KEY(tag, entity_id)
) WITHOUT ROWID;
CREATE INDEX catalog_tags_entity ON catalog_tags(entity_id);

-- Relations as declared (one direction); the inverse is derived when read.
CREATE TABLE catalog_relations(
	src       TEXT NOT NULL,               -- lower-cased ref of the declaring (winning) entity
	type      TEXT NOT NULL,
	dst       TEXT NOT NULL,               -- lower-cased target ref
	dst_ref   TEXT NOT NULL                -- target ref as written
);
CREATE INDEX catalog_relations_src ON catalog_relations(src);
CREATE INDEX catalog_relations_dst ON catalog_relations(dst);

-- facets holds one opaque token per filter value (kind, type, owner,
-- lifecycle, system, tags) so filters are answered by the index too.
CREATE VIRTUAL TABLE catalog_fts USING fts5(
	name, title, description, tags, owner, type, system, links, annotations, facets,
	tokenize = 'unicode61',
	prefix = '3'
);
-- Rank name matches above title, tags, owner, type and system, and those
-- above description, links and annotations.
INSERT INTO catalog_fts(catalog_fts, rank) VALUES('rank', 'bm25(10.0, 6.0, 1.0, 3.0, 2.0, 2.0, 2.0, 0.5, 0.5, 0.0)');
`,
	}}
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
)

// Schema is the set of tables one capability owns, declared beside the SQL
// that uses them (catalog.Schema, audit.Schema, ...) and passed to Open.
type Schema struct {
	// Name identifies the component in schema_versions ("catalog", ...).
	Name string
	// Migrations are SQL scripts applied in order, each in the transaction
	// that records it: after migration i the component is at version i+1.
	// Never edit one that has shipped: append another.
	Migrations []string
}

// settingsComponent is the store's own component: the shared settings
// table, a small key/value table every capability may keep values in
// under keys prefixed with its name (catalog.generation,
// platform.current, ...).
const settingsComponent = "settings"

func ownSchema() Schema {
	return Schema{Name: settingsComponent, Migrations: []string{
		// 1: the shared settings table.
		`
CREATE TABLE settings(
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`,
	}}
}

// versionsTable records each component's schema version.
const versionsTable = `
CREATE TABLE schema_versions(
	component TEXT PRIMARY KEY,
	version   INTEGER NOT NULL
) WITHOUT ROWID;
`

// componentsUserVersion is the PRAGMA user_version of a database whose
// versions are in schema_versions. It is above every version the single
// migration list reached, so a Paved build from before refuses the
// database ("newer than this build understands") instead of using it.
const componentsUserVersion = 1000

// legacyVersions maps the PRAGMA user_version of a database written by
// Paved's single migration list (before schema_versions) onto the
// component versions that list had applied. It is history: it never
// changes. ok is false for a version that list never reached.
func legacyVersions(userVersion int) (v map[string]int, ok bool) {
	switch userVersion {
	case 0:
		return map[string]int{}, true
	case 1: // settings, audit log, catalog cache
		return map[string]int{settingsComponent: 1, "audit": 1, "catalog": 1}, true
	case 2: // + local environments
		return map[string]int{settingsComponent: 1, "audit": 1, "catalog": 1, "devenv": 1}, true
	}
	return nil, false
}

// checkSchemas validates the schemas Open is given and puts the store's
// own first.
func checkSchemas(schemas []Schema) ([]Schema, error) {
	if len(schemas) == 0 {
		return nil, fmt.Errorf("no schemas given: pass every capability's store.Schema (as core.Open does), e.g. store.Open(ctx, path, audit.Schema(), catalog.Schema())")
	}
	all := append([]Schema{ownSchema()}, schemas...)
	seen := map[string]bool{}
	for _, sc := range all {
		switch {
		case sc.Name == "":
			return nil, fmt.Errorf("a schema has no name")
		case seen[sc.Name]:
			return nil, fmt.Errorf("two schemas are named %q", sc.Name)
		case len(sc.Migrations) == 0:
			return nil, fmt.Errorf("schema %q has no migrations", sc.Name)
		}
		seen[sc.Name] = true
	}
	return all, nil
}

// queryer is what reading the schema state needs: a transaction of either
// pool.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// schemaState is what a database says about its schema.
type schemaState struct {
	// tracked is set once schema_versions exists.
	tracked bool
	// versions are the component versions (mapped from the legacy
	// user_version when not tracked).
	versions map[string]int
}

func readSchemaState(ctx context.Context, q queryer) (schemaState, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_versions'`).Scan(&n); err != nil {
		return schemaState{}, fmt.Errorf("read schema versions: %w", err)
	}
	if n == 0 {
		var uv int
		if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&uv); err != nil {
			return schemaState{}, fmt.Errorf("read schema version: %w", err)
		}
		v, ok := legacyVersions(uv)
		if !ok {
			return schemaState{}, fmt.Errorf("database schema version %d is newer than this Paved build understands: upgrade Paved, or point PAVED_HOME elsewhere", uv)
		}
		return schemaState{versions: v}, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT component, version FROM schema_versions`)
	if err != nil {
		return schemaState{}, fmt.Errorf("read schema versions: %w", err)
	}
	defer rows.Close()
	st := schemaState{tracked: true, versions: map[string]int{}}
	for rows.Next() {
		var c string
		var v int
		if err := rows.Scan(&c, &v); err != nil {
			return schemaState{}, fmt.Errorf("read schema versions: %w", err)
		}
		st.versions[c] = v
	}
	if err := rows.Err(); err != nil {
		return schemaState{}, fmt.Errorf("read schema versions: %w", err)
	}
	return st, nil
}

// pending reports whether any schema has migrations the database lacks; a
// component the database has at a version this build does not know is an
// error (a newer Paved wrote it).
func (st schemaState) pending(schemas []Schema) (bool, error) {
	behind := !st.tracked
	for _, sc := range schemas {
		v := st.versions[sc.Name]
		if v > len(sc.Migrations) {
			return false, fmt.Errorf("the database's %s schema is at version %d, newer than this Paved build understands (%d): upgrade Paved, or point PAVED_HOME elsewhere", sc.Name, v, len(sc.Migrations))
		}
		behind = behind || v < len(sc.Migrations)
	}
	return behind, nil
}

// current reports, from the read pool alone, whether the database already
// has every schema at its latest version, so that opening it writes
// nothing (and so never waits for another process's write transaction).
func (s *Store) current(ctx context.Context, schemas []Schema) (bool, error) {
	tx, err := s.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return false, fmt.Errorf("read schema versions: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	st, err := readSchemaState(ctx, tx)
	if err != nil {
		return false, err
	}
	behind, err := st.pending(schemas)
	return !behind && err == nil, err
}

// migrate brings every schema up to date in one write transaction. It
// reads the state again inside it: another process may have migrated
// since current looked.
func (s *Store) migrate(ctx context.Context, schemas []Schema) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		st, err := readSchemaState(ctx, tx)
		if err != nil {
			return err
		}
		behind, err := st.pending(schemas)
		if err != nil || !behind {
			return err
		}
		if !st.tracked {
			if err := track(ctx, tx, st.versions); err != nil {
				return err
			}
		}
		for _, sc := range schemas {
			from := st.versions[sc.Name]
			for i := from; i < len(sc.Migrations); i++ {
				if _, err := tx.ExecContext(ctx, sc.Migrations[i]); err != nil {
					return fmt.Errorf("%s migration %d: %w", sc.Name, i+1, err)
				}
			}
			if from < len(sc.Migrations) {
				if err := setVersion(ctx, tx, sc.Name, len(sc.Migrations)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// track creates schema_versions holding versions (those a legacy database
// had: all of them, including components no schema given to this Open
// names, so a later Open that names them does not run them again).
func track(ctx context.Context, tx *sql.Tx, versions map[string]int) error {
	if _, err := tx.ExecContext(ctx, versionsTable); err != nil {
		return fmt.Errorf("create schema_versions: %w", err)
	}
	for _, c := range slices.Sorted(maps.Keys(versions)) {
		if err := setVersion(ctx, tx, c, versions[c]); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", componentsUserVersion)); err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	return nil
}

func setVersion(ctx context.Context, tx *sql.Tx, component string, v int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO schema_versions(component, version) VALUES(?, ?)
		ON CONFLICT(component) DO UPDATE SET version = excluded.version`, component, v)
	if err != nil {
		return fmt.Errorf("record %s schema version %d: %w", component, v, err)
	}
	return nil
}

package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/store"
)

// allSchemas is every capability's schema, as core.Open passes them.
func allSchemas() []store.Schema {
	return []store.Schema{audit.Schema(), catalog.Schema(), devenv.Schema()}
}

// legacyDB writes a database the way Paved's single migration list left
// it at userVersion: migrations 1..userVersion from testdata/legacy (the
// list as it shipped, verbatim), PRAGMA user_version, and rows in every
// table.
func legacyDB(t *testing.T, path string, userVersion int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 1; i <= userVersion; i++ {
		migration, err := os.ReadFile(filepath.Join("testdata", "legacy", fmt.Sprintf("%d.sql", i)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(migration)); err != nil {
			t.Fatalf("legacy migration %d: %v", i, err)
		}
	}
	rows := []string{
		`INSERT INTO settings(key, value) VALUES('platform.current', '{"origin":"demo"}'), ('catalog.generation', '41')`,
		`INSERT INTO audit_log(at, actor, action, target, outcome) VALUES('2025-01-02T03:04:05Z', 'me', 'platform.use', 'demo', 'ok')`,
		`INSERT INTO catalog_sources(name, kind, target, origin, position, commit_id) VALUES('acme', 'git', 'https://git.acme.internal/c.git', 'platform', 0, 'abc123')`,
		`INSERT INTO catalog_files(source, path, fingerprint) VALUES('acme', 'catalog-info.yaml', 'f1')`,
		`INSERT INTO catalog_entities(id, source, path, idx, line, ref, display_ref, kind, namespace, name, winner) VALUES(7, 'acme', 'catalog-info.yaml', 0, 1, 'component:default/payments', 'component:default/payments', 'Component', 'default', 'payments', 1)`,
		`INSERT INTO catalog_documents(id, body, raw) VALUES(7, '{}', 'kind: Component')`,
		`INSERT INTO catalog_fts(rowid, name, title, description, tags, owner, type, system, links, annotations, facets) VALUES(7, 'payments', 'Payments', 'takes money', '', '', '', '', '', '', '')`,
	}
	if userVersion >= 2 {
		rows = append(rows,
			`INSERT INTO devenv_environments(name, dir, updated_at) VALUES('payments', '/src/payments', '2025-01-02T03:04:05Z')`,
			`INSERT INTO devenv_ports(env, service, container_port, protocol, host_port) VALUES('payments', 'db', 5432, 'tcp', 15432)`)
	}
	for _, q := range rows {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", userVersion)); err != nil {
		t.Fatal(err)
	}
}

// schemaSQL is every table's and index's definition, schema_versions aside.
func schemaSQL(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_schema WHERE name != 'schema_versions' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s: %s\n", typ, name, def)
	}
	return b.String()
}

func one(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	var v string
	if err := db.QueryRow(q).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func TestDatabasesFromTheSingleMigrationListKeepWorking(t *testing.T) {
	ctx := context.Background()
	fresh, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), allSchemas()...)
	if err != nil {
		t.Fatal(err)
	}
	want := schemaSQL(t, fresh.R)
	fresh.Close()

	for _, userVersion := range []int{1, 2} {
		t.Run(fmt.Sprintf("user_version=%d", userVersion), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), store.FileName)
			legacyDB(t, path, userVersion)
			for range 2 { // and again, once it is tracked
				st, err := store.Open(ctx, path, allSchemas()...)
				if err != nil {
					t.Fatalf("open a database at user_version %d: %v", userVersion, err)
				}
				// Nothing was run again (that would fail: the tables exist)
				// and nothing was lost.
				for q, want := range map[string]string{
					`SELECT value FROM settings WHERE key = 'catalog.generation'`:                                                   "41",
					`SELECT action FROM audit_log`:                                                                                  "platform.use",
					`SELECT commit_id FROM catalog_sources WHERE name = 'acme'`:                                                     "abc123",
					`SELECT fingerprint FROM catalog_files`:                                                                         "f1",
					`SELECT raw FROM catalog_documents WHERE id = 7`:                                                                "kind: Component",
					`SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH 'payments'`:                                              "7",
					`SELECT group_concat(component || '=' || version, ',') FROM (SELECT * FROM schema_versions ORDER BY component)`: "audit=1,catalog=1,devenv=1,settings=1",
				} {
					if got := one(t, st.R, q); got != want {
						t.Errorf("%s = %q, want %q", q, got, want)
					}
				}
				if userVersion >= 2 {
					if got := one(t, st.R, `SELECT host_port FROM devenv_ports`); got != "15432" {
						t.Errorf("remembered port = %s, want 15432", got)
					}
				}
				if got := schemaSQL(t, st.R); got != want {
					t.Errorf("schema of the upgraded database differs from a new one:\n got %s\nwant %s", got, want)
				}
				st.Close()
			}
		})
	}
}

func TestALegacyDatabaseOpenedWithSomeSchemasKeepsTheOthersTracked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	legacyDB(t, path, 2)
	// A test or tool that opens only the audit schema first...
	st, err := store.Open(ctx, path, audit.Schema())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// ...must not make a later full Open run catalog or devenv again.
	st, err = store.Open(ctx, path, allSchemas()...)
	if err != nil {
		t.Fatalf("full open after a partial one: %v", err)
	}
	defer st.Close()
	if got := one(t, st.R, `SELECT count(*) FROM catalog_entities`); got != "1" {
		t.Fatalf("catalog entities = %s, want the 1 written before", got)
	}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testSchema stands for a capability's schema in the store's own tests.
func testSchema(extra ...string) Schema {
	return Schema{Name: "test", Migrations: append([]string{
		`CREATE TABLE things(id INTEGER PRIMARY KEY, name TEXT NOT NULL);`,
	}, extra...)}
}

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(context.Background(), path, testSchema())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatalf("read user_version: %v", err)
	}
	return v
}

// versions reads schema_versions.
func versions(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	rows, err := db.Query(`SELECT component, version FROM schema_versions`)
	if err != nil {
		t.Fatalf("read schema_versions: %v", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var v int
		if err := rows.Scan(&c, &v); err != nil {
			t.Fatal(err)
		}
		out[c] = v
	}
	return out
}

func tableNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func TestOpenAppliesEachSchemaAndRecordsItsVersion(t *testing.T) {
	s, _ := openTemp(t)
	if got := versions(t, s.R); fmt.Sprint(got) != fmt.Sprint(map[string]int{"settings": 1, "test": 1}) {
		t.Fatalf("schema_versions = %v, want settings and test at 1", got)
	}
	if got := userVersion(t, s.R); got != componentsUserVersion {
		t.Fatalf("user_version = %d, want %d (so older builds refuse the database)", got, componentsUserVersion)
	}
	names := " " + strings.Join(tableNames(t, s.R), " ") + " "
	for _, want := range []string{"settings", "things", "schema_versions"} {
		if !strings.Contains(names, " "+want+" ") {
			t.Errorf("table %s missing after Open; have%s", want, names)
		}
	}
}

func TestReopenKeepsDataAndAppliesNothing(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if err := s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO settings(key, value) VALUES('k', 'v')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := tableNames(t, s.R)
	s.Close()

	// A second migration run would fail with "table settings already
	// exists", so a successful reopen proves nothing was re-applied.
	s2, err := Open(ctx, path, testSchema())
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	var v string
	if err := s2.R.QueryRow(`SELECT value FROM settings WHERE key = 'k'`).Scan(&v); err != nil || v != "v" {
		t.Fatalf("row written before reopen: value %q, err %v", v, err)
	}
	if after := tableNames(t, s2.R); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Fatalf("schema changed on reopen:\nbefore %v\nafter  %v", before, after)
	}
}

func TestAppendedMigrationRunsOnceAndKeepsRows(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.W.Exec(`INSERT INTO things(name) VALUES('kept')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	v2 := testSchema(`ALTER TABLE things ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue';`)
	for range 2 { // the second Open must not add the column again
		s2, err := Open(ctx, path, v2)
		if err != nil {
			t.Fatalf("open with an appended migration: %v", err)
		}
		var name, colour string
		if err := s2.R.QueryRow(`SELECT name, colour FROM things`).Scan(&name, &colour); err != nil || name != "kept" || colour != "blue" {
			t.Fatalf("row after migration 2 = %q, %q, %v", name, colour, err)
		}
		if got := versions(t, s2.R)["test"]; got != 2 {
			t.Fatalf("test schema version = %d, want 2", got)
		}
		s2.Close()
	}
}

func TestNewerDatabaseIsRefusedWithUpgradeAdvice(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.W.Exec(`UPDATE schema_versions SET version = 7 WHERE component = 'test'`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, err := Open(ctx, path, testSchema())
	if err == nil {
		s2.Close()
		t.Fatal("Open accepted a database from a newer Paved")
	}
	for _, want := range []string{path, "test schema", "version 7", "upgrade Paved"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// The refused database is left as it was.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := versions(t, db)["test"]; got != 7 {
		t.Fatalf("test version changed to %d by a refused Open", got)
	}
}

func TestUnknownLegacyVersionIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`PRAGMA user_version = 3`); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path, testSchema())
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a database at an old-style version no build had")
	}
	if !strings.Contains(err.Error(), "version 3") || !strings.Contains(err.Error(), "upgrade Paved") {
		t.Errorf("error %q does not explain", err)
	}
	if got := userVersion(t, db); got != 3 {
		t.Fatalf("user_version changed to %d by a refused Open", got)
	}
}

func TestOpenRefusesMissingOrClashingSchemas(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	for name, schemas := range map[string][]Schema{
		"none":          nil,
		"twice":         {testSchema(), testSchema()},
		"store's own":   {{Name: "settings", Migrations: []string{"SELECT 1"}}},
		"unnamed":       {{Migrations: []string{"SELECT 1"}}},
		"no migrations": {{Name: "empty"}},
	} {
		s, err := Open(context.Background(), path, schemas...)
		if err == nil {
			s.Close()
			t.Errorf("%s: Open accepted %v", name, schemas)
		} else if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the database", name, err)
		}
	}
	if names, err := filepath.Glob(path + "*"); err != nil || len(names) != 0 {
		t.Errorf("refused Opens left %v", names)
	}
}

// holdWriteLock opens a second store on path and keeps a write transaction
// open on it (a long sync in another process) until the test ends.
func holdWriteLock(t *testing.T, path string) {
	t.Helper()
	other, err := Open(context.Background(), path, testSchema())
	if err != nil {
		t.Fatal(err)
	}
	tx, err := other.W.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO things(name) VALUES('uncommitted')`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback(); other.Close() })
}

func TestOpenOfACurrentDatabaseNeverWaitsForAWriter(t *testing.T) {
	s, path := openTemp(t)
	s.Close()
	holdWriteLock(t, path)

	// The guard: a write would wait for the lock (30 s busy timeout), and
	// the context ends the wait long before that.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s2, err := Open(ctx, path, testSchema())
	if err != nil {
		t.Fatalf("Open while another process writes: %v", err)
	}
	defer s2.Close()
	var n int
	if err := s2.R.QueryRowContext(ctx, `SELECT count(*) FROM things`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("read while another process writes = %d rows, %v; want 0 (the write is not committed)", n, err)
	}

	// The control: a schema that is behind needs the write lock, so the
	// same guard ends that Open with an error. It shows the writer above
	// really holds the lock.
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	s3, err := Open(ctx2, path, testSchema(`CREATE TABLE more(x);`))
	if err == nil {
		s3.Close()
		t.Fatal("a migration went through while another connection held the write lock")
	}
}
func TestWALModeIsOnForBothPools(t *testing.T) {
	s, _ := openTemp(t)
	for name, db := range map[string]*sql.DB{"read": s.R, "write": s.W} {
		var mode string
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("%s pool journal_mode = %q, want wal", name, mode)
		}
		var busy int
		if err := db.QueryRow("PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if busy != busyTimeoutMS {
			t.Errorf("%s pool busy_timeout = %d, want %d", name, busy, busyTimeoutMS)
		}
	}
}

func TestReadPoolNeverWrites(t *testing.T) {
	s, _ := openTemp(t)
	_, err := s.R.Exec(`INSERT INTO settings(key, value) VALUES('x', 'y')`)
	if err == nil {
		t.Fatal("a write through the read pool succeeded")
	}
	var n int
	if err := s.R.QueryRow(`SELECT count(*) FROM settings`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("settings rows = %d (err %v), want 0", n, err)
	}
}

func TestTxCommitsOnNilAndRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	boom := errors.New("boom")
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO settings(key, value) VALUES('rolled', 'back')`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx returned %v, want the callback's error", err)
	}
	if err := s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO settings(key, value) VALUES('kept', 'yes')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.R.Query(`SELECT key FROM settings ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if strings.Join(keys, ",") != "kept" {
		t.Fatalf("settings keys = %v, want only [kept]", keys)
	}
}

func TestReaderDuringLongWriteSeesPreviousState(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if err := s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO settings(key, value) VALUES('k', 'old')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	read := func() string {
		var v string
		if err := s.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'k'`).Scan(&v); err != nil {
			t.Fatalf("read during write: %v", err)
		}
		return v
	}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`UPDATE settings SET value = 'new' WHERE key = 'k'`); err != nil {
			return err
		}
		for i := 0; i < 500; i++ {
			if _, err := tx.Exec(`INSERT INTO settings(key, value) VALUES(?, 'x')`, fmt.Sprintf("bulk-%d", i)); err != nil {
				return err
			}
		}
		// The write transaction is open and holds the write lock: a reader
		// must neither block nor see the uncommitted change.
		if got := read(); got != "old" {
			t.Errorf("reader saw %q during the write transaction, want old", got)
		}
		var n int
		if err := s.R.QueryRow(`SELECT count(*) FROM settings`).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("reader counted %d rows during the write transaction, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(); got != "new" {
		t.Fatalf("after commit reader saw %q, want new", got)
	}
}

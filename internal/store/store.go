// Package store owns Paved's local state: one SQLite database (modernc.org/sqlite)
// in the user's data directory.
//
// Rules:
//   - WAL mode and a busy timeout, so the desktop window and any number of CLI
//     processes can use the same database at the same time.
//   - Two pools: a read pool for plain queries and a single-connection write pool
//     whose transactions start with BEGIN IMMEDIATE, so writers queue instead of
//     failing with "database is locked" when they upgrade a read lock.
//   - Each capability owns its tables: it declares them as a Schema (a name
//     and ordered migrations) beside the SQL that uses them, and core passes
//     every Schema to Open. Each component's version is recorded in
//     schema_versions; databases from before that (one PRAGMA user_version
//     for everything) are mapped onto it without running anything again.
//     The store owns only schema_versions and the shared settings table.
//   - Readers never wait on writers: Open checks the versions on the read
//     pool first and writes only when a schema is behind, so opening a
//     current database (every read-only command) never takes the write lock.
//   - Secrets are never stored here.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database's file name inside the Paved home directory.
const FileName = "paved.db"

// busyTimeoutMS is how long a connection waits for another process's write
// transaction before giving up. Catalog syncs of 50,000 entities finish well
// inside it.
const busyTimeoutMS = 30000

// Store is the opened database.
type Store struct {
	// R serves reads; it never writes.
	R *sql.DB
	// W serves writes; its transactions take the write lock up front.
	W    *sql.DB
	path string
}

// Open opens (creating if needed) the database at path with the tables of
// schemas (every capability's, see core.Open), migrating those that are
// behind. A database whose schemas are current is only read.
func Open(ctx context.Context, path string, schemas ...Schema) (*Store, error) {
	all, err := checkSchemas(schemas)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	_, statErr := os.Stat(path)
	fresh := errors.Is(statErr, fs.ErrNotExist)
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{R: r, W: w, path: path}
	if err := s.ensureSchemas(ctx, all, fresh); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// ensureSchemas migrates what is behind, retrying while another process
// holds the database in a way SQLite reports as busy without waiting:
// several processes opening a brand-new database at once race to switch it
// to WAL and to create the schema, and SQLite breaks such lock races by
// failing one side at once rather than calling the busy handler. A
// database that did not exist is migrated without looking first.
func (s *Store) ensureSchemas(ctx context.Context, schemas []Schema, fresh bool) error {
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	for {
		err := s.ensureOnce(ctx, schemas, fresh)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *Store) ensureOnce(ctx context.Context, schemas []Schema, fresh bool) error {
	if !fresh {
		ok, err := s.current(ctx, schemas)
		if err != nil || ok {
			return err
		}
	}
	return s.migrate(ctx, schemas)
}

func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

func dsn(path string, write bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	if write {
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "cache_size(-65536)") // 64 MiB while a large sync writes; see ReleaseMemory
	} else {
		q.Add("_pragma", "query_only(ON)")
		q.Add("_pragma", "cache_size(-8192)") // 8 MiB per reader: the hot pages of a search
	}
	return "file:" + path + "?" + q.Encode()
}

// Path is the database file's location.
func (s *Store) Path() string { return s.path }

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.R.Close(), s.W.Close())
}

// ReleaseMemory returns the write connection's page cache to the system
// after a large write (a long-running window would otherwise keep it).
func (s *Store) ReleaseMemory(ctx context.Context) {
	_, _ = s.W.ExecContext(ctx, "PRAGMA shrink_memory")
}

// Tx runs fn in one write transaction: committed if fn returns nil, rolled back
// otherwise. A process killed inside fn leaves the database as it was before.
func (s *Store) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

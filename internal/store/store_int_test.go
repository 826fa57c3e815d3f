package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Environment of the helper process (this test binary started again).
const (
	helperEnv       = "PAVED_STORE_HELPER" // set to "writer" in the child
	helperDBEnv     = "PAVED_STORE_HELPER_DB"
	helperIDEnv     = "PAVED_STORE_HELPER_ID"
	helperNEnv      = "PAVED_STORE_HELPER_N"
	helperLateOpen  = "PAVED_STORE_HELPER_OPEN_AFTER_GO"
	writesPerWriter = 200
)

// TestHelperProcessWriter is not a test: it is the body of the writer
// processes started by the tests below. It does nothing unless started by
// them.
func TestHelperProcessWriter(t *testing.T) {
	if os.Getenv(helperEnv) != "writer" {
		return
	}
	os.Exit(helperWriter())
}

// helperWriter opens the store, says "ready", waits for a line on stdin and
// then runs N write transactions. Any error goes to stderr with exit code 1.
func helperWriter() int {
	ctx := context.Background()
	path, id := os.Getenv(helperDBEnv), os.Getenv(helperIDEnv)
	n, err := strconv.Atoi(os.Getenv(helperNEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad N:", err)
		return 1
	}
	late := os.Getenv(helperLateOpen) != ""
	var s *Store
	if !late {
		if s, err = Open(ctx, path, testSchema()); err != nil {
			fmt.Fprintln(os.Stderr, "open:", err)
			return 1
		}
		defer s.Close()
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, "wait for go:", err)
		return 1
	}
	if late {
		if s, err = Open(ctx, path, testSchema()); err != nil {
			fmt.Fprintln(os.Stderr, "open:", err)
			return 1
		}
		defer s.Close()
	}
	if err := writeRows(ctx, s, id, n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// writeRows runs n small transactions that read before they write, the
// pattern that fails with "database is locked" when a read lock has to be
// upgraded while another process writes.
func writeRows(ctx context.Context, s *Store, id string, n int) error {
	for i := 0; i < n; i++ {
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			var c int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM settings`).Scan(&c); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)`, fmt.Sprintf("%s-%d", id, i), strconv.Itoa(c))
			return err
		})
		if err != nil {
			return fmt.Errorf("%s write %d: %w", id, i, err)
		}
		// Reads through the read pool interleave with other processes' writes.
		var v string
		if err := s.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, fmt.Sprintf("%s-%d", id, i)).Scan(&v); err != nil {
			return fmt.Errorf("%s read %d: %w", id, i, err)
		}
	}
	return nil
}

type writerProc struct {
	id     string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr bytes.Buffer
}

// startWriters starts count writer processes and returns once every one of
// them has said it is ready.
func startWriters(t *testing.T, path string, count, n int, openAfterGo bool) []*writerProc {
	t.Helper()
	var procs []*writerProc
	for i := 0; i < count; i++ {
		p := &writerProc{id: fmt.Sprintf("child%d", i)}
		p.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperProcessWriter$", "-test.count=1")
		p.cmd.Env = append(os.Environ(),
			helperEnv+"=writer", helperDBEnv+"="+path, helperIDEnv+"="+p.id, helperNEnv+"="+strconv.Itoa(n))
		if openAfterGo {
			p.cmd.Env = append(p.cmd.Env, helperLateOpen+"=1")
		}
		p.cmd.Stderr = &p.stderr
		var err error
		if p.stdin, err = p.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		stdout, err := p.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			t.Fatalf("%s did not get ready: %q, %v; stderr: %s", p.id, line, err, p.stderr.String())
		}
		go func() { _, _ = io.Copy(io.Discard, stdout) }()
		procs = append(procs, p)
	}
	return procs
}

func countRows(t *testing.T, s *Store, prefix string) int {
	t.Helper()
	var n int
	if err := s.R.QueryRow(`SELECT count(*) FROM settings WHERE key LIKE ? || '-%'`, prefix).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConcurrentWriterProcessesNeverSeeDatabaseLocked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(ctx, path, testSchema())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	procs := startWriters(t, path, 2, writesPerWriter, false)
	for _, p := range procs {
		fmt.Fprintln(p.stdin, "go")
	}
	parentErr := writeRows(ctx, s, "parent", writesPerWriter)
	for _, p := range procs {
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("%s failed: %v\n%s", p.id, err, p.stderr.String())
		}
	}
	if parentErr != nil {
		t.Errorf("parent: %v", parentErr)
	}
	for _, id := range []string{"parent", "child0", "child1"} {
		if got := countRows(t, s, id); got != writesPerWriter {
			t.Errorf("%s: %d rows landed, want %d", id, got, writesPerWriter)
		}
	}
}

func TestConcurrentFirstOpensMigrateOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	const writers, n = 3, 20
	procs := startWriters(t, path, writers, n, true)
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() { defer wg.Done(); fmt.Fprintln(p.stdin, "go") }()
	}
	wg.Wait()
	for _, p := range procs {
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("%s failed to open and write a fresh database: %v\n%s", p.id, err, p.stderr.String())
		}
	}
	s, err := Open(context.Background(), path, testSchema())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := versions(t, s.R); got["settings"] != 1 || got["test"] != 1 || len(got) != 2 {
		t.Fatalf("schema_versions = %v, want settings and test at 1", got)
	}
	for _, p := range procs {
		if got := countRows(t, s, p.id); got != n {
			t.Errorf("%s: %d rows, want %d", p.id, got, n)
		}
	}
}

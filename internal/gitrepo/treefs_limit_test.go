package gitrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
)

// bigBlobBytes is the size of the large file: eight times the limit, and
// compressible, so its loose object is small on disk but large inflated.
const bigBlobBytes = 64 << 20

// allocatedBy returns how many bytes fn allocated (all goroutines, but the
// test does nothing else meanwhile).
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestTreeFSRefusesALargeBlobBeforeInflatingIt(t *testing.T) {
	work := testenv.NewWorkTree(t, "")
	line := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n" // 64 bytes
	if err := os.WriteFile(filepath.Join(work.Dir, "big.yaml"), []byte(strings.Repeat(line, bigBlobBytes/len(line))), 0o644); err != nil {
		t.Fatal(err)
	}
	work.Write(t, map[string]string{"small.yaml": "s\n"})
	work.Commit(t, "a large file")
	blob := work.Git(t, "rev-parse", "HEAD:big.yaml")
	if typ := work.Git(t, "cat-file", "-t", blob); typ != "blob" {
		t.Fatalf("big.yaml is a %s", typ)
	}
	loose := filepath.Join(work.Dir, ".git", "objects", blob[:2], blob[2:])
	if st, err := os.Stat(loose); err != nil || st.Size() >= bigBlobBytes/10 {
		t.Fatalf("big.yaml should be a small loose object (stat %v, %v)", st, err)
	}

	check := func(t *testing.T) {
		repo, h, err := Local(work.Dir, "")
		if err != nil {
			t.Fatal(err)
		}
		tree, err := repo.Snapshot(h)
		if err != nil {
			t.Fatal(err)
		}
		// Warm the tree cache so only the blob read is measured.
		if _, err := tree.ReadDir("."); err != nil {
			t.Fatal(err)
		}
		var openErr, readErr error
		allocated := allocatedBy(func() {
			_, openErr = tree.Open("big.yaml")
			_, readErr = fs.ReadFile(tree, "big.yaml")
		})
		for _, err := range []error{openErr, readErr} {
			if err == nil {
				t.Fatal("reading a 64 MiB file from git succeeded")
			}
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("error %v is not ErrTooLarge", err)
			}
			for _, want := range []string{"big.yaml", fmt.Sprint(bigBlobBytes), fmt.Sprint(MaxBlobBytes), "8 MiB"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
		}
		// Two refused reads of a 64 MiB blob: the bound is far below one
		// inflated copy, so inflating it (even partly, up to the limit)
		// fails the test.
		if allocated > 4<<20 {
			t.Errorf("refusing the large file allocated %d bytes, want well under the %d-byte blob (its header is enough)", allocated, bigBlobBytes)
		}
		// Its size, for Stat and a directory listing, comes from the header too.
		var info fs.FileInfo
		allocated = allocatedBy(func() { info, err = fs.Stat(tree, "big.yaml") })
		if err != nil || info.Size() != bigBlobBytes || !info.Mode().IsRegular() {
			t.Fatalf("Stat(big.yaml) = %v, %v; want a regular file of %d bytes", info, err, bigBlobBytes)
		}
		if allocated > 4<<20 {
			t.Errorf("Stat of the large file allocated %d bytes", allocated)
		}
		entries, err := tree.ReadDir(".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "big.yaml" {
				continue
			}
			allocated = allocatedBy(func() { info, err = e.Info() })
			if err != nil || info.Size() != bigBlobBytes {
				t.Fatalf("Info of big.yaml = %v, %v; want size %d", info, err, bigBlobBytes)
			}
			if allocated > 4<<20 {
				t.Errorf("Info of the large file allocated %d bytes", allocated)
			}
		}
		if b, err := fs.ReadFile(tree, "small.yaml"); err != nil || string(b) != "s\n" {
			t.Fatalf("small file beside it = %q, %v", b, err)
		}
	}
	t.Run("loose", check)
	work.Git(t, "repack", "-a", "-d", "-q")
	if _, err := os.Stat(loose); err == nil {
		t.Fatal("repack left the loose object")
	}
	t.Run("packed", check)
}

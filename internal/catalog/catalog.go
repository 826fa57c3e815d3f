// Package catalog owns the offline service catalog: the sources it is read
// from, the local SQLite cache of every entity and relation, and the queries
// the CLI and the window run against it (search, show, graph, status).
//
// The pure model (parsing, validation, references, relations) lives in
// catalog/model and reading sources in catalog/source; this package is the
// machinery that keeps the cache in step with the sources.
//
// The operations, their options and results are in api.go.
//
// Rules:
//   - Each sync of a source is one transaction: a sync that fails or is killed
//     leaves the previous cache intact and readable.
//   - A source that cannot be read completely (an I/O error, a git
//     repository repacked underneath) fails its sync: the previous cache and
//     the commit or fingerprints it was read at are kept, so the next sync
//     reads what changed since then. Only bad files (syntax, validation,
//     size) are problems that leave their entities out.
//   - A sync re-reads only files whose content changed since the last one.
//   - When two documents declare the same entity ref, the first wins: lowest
//     source position, then file path, then position in the file. The others
//     are reported as duplicates by Status.
//   - Queries never load the whole catalog into memory.
package catalog

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog/source"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/store"
)

// Source kinds.
const (
	KindDir      = "dir"
	KindGit      = "git"
	KindEmbedded = "embedded"
)

// Source origins.
const (
	OriginPlatform = "platform"
	OriginUser     = "user"
	// OriginLocal marks a source registered on this machine only (e.g. a
	// freshly scaffolded service): its entities are flagged local, and once
	// the organisation's catalog has the same entity, that one wins.
	OriginLocal = "local"
)

// Service is the catalog capability.
type Service struct {
	st       *store.Store
	audit    *audit.Log
	cacheDir string
	embedded map[string]fs.FS
	// syncMu serialises syncs started in this process; other processes are
	// serialised by SQLite's write lock.
	syncMu sync.Mutex

	// The whole-catalog facet counts, valid while catalog.generation is facetGen.
	facetMu  sync.Mutex
	facetGen string
	facetAll map[string][]FacetCount

	// wrapSnapshot, when set (by tests), wraps every snapshot a sync reads.
	wrapSnapshot func(Source, source.Snapshot) source.Snapshot
}

// New returns a catalog service over an opened store.
func New(o Options) *Service {
	return &Service{st: o.Store, audit: o.Audit, cacheDir: o.CacheDir, embedded: o.Embedded}
}

func (s *Service) cloneDir(name string) string {
	return filepath.Join(s.cacheDir, "sources", name+".git")
}

// NotFoundError reports an entity reference that matches nothing. It is a
// problem.NotFound error; its message names the reference and the closest
// entities there are.
type NotFoundError struct {
	// Ref is the reference as given.
	Ref string
	// Suggestions are the full references of the closest entities, best
	// first (at most three; none when nothing is close).
	Suggestions []string
}

func (e *NotFoundError) Error() string {
	if len(e.Suggestions) > 0 {
		return fmt.Sprintf("no entity %s; did you mean %s?", e.Ref, orList(e.Suggestions))
	}
	return fmt.Sprintf("no entity %s: check the name, or look for it with `paved catalog search %s`", e.Ref, e.Ref)
}

// ProblemKind classifies the error for the UI and exit codes.
func (e *NotFoundError) ProblemKind() problem.Kind { return problem.NotFound }

// orList joins items as "a, b or c".
func orList(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

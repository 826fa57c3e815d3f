// Package catalog owns the offline service catalog: the sources it is read
// from, the local SQLite cache of every entity and relation, and the queries
// the CLI and the window run against it (search, show, graph, status).
//
// The pure model (parsing, validation, references, relations) lives in
// catalog/model and reading sources in catalog/source; this package is the
// machinery that keeps the cache in step with the sources.
//
// Rules:
//   - Each sync of a source is one transaction: a sync that fails or is killed
//     leaves the previous cache intact and readable.
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
	"sync"

	"github.com/paved-dev/paved/internal/audit"
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

// Source is where catalog descriptors are read from.
type Source struct {
	// Name identifies the source (lower-case letters, digits and dashes).
	Name string `json:"name"`
	// Kind is dir, git or embedded.
	Kind string `json:"kind"`
	// Target is a directory path (dir), a git URL (git) or the name of an
	// embedded file system (embedded).
	Target string `json:"target"`
	// Ref is the git branch, tag or commit to read ("" = default branch).
	Ref string `json:"ref,omitempty"`
	// Subdir is the directory inside the target that is the source's root.
	Subdir string `json:"subdir,omitempty"`
	// Glob selects root descriptor files ("" = catalog-info.yaml at the root).
	Glob string `json:"glob,omitempty"`
	// Origin is platform (from platform.yaml), user (added with add-source)
	// or local (registered on this machine, e.g. by a scaffold).
	Origin string `json:"origin"`
}

// Options configures a Service.
type Options struct {
	Store *store.Store
	Audit *audit.Log
	// CacheDir holds clones of git sources.
	CacheDir string
	// Embedded maps embedded source targets to their file systems.
	Embedded map[string]fs.FS
}

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
}

// New returns a catalog service over an opened store.
func New(o Options) *Service {
	return &Service{st: o.Store, audit: o.Audit, cacheDir: o.CacheDir, embedded: o.Embedded}
}

func (s *Service) cloneDir(name string) string {
	return filepath.Join(s.cacheDir, "sources", name+".git")
}

// NotFoundError reports an entity reference that matches nothing.
type NotFoundError struct{ Ref string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no entity matches %q: check the name, or find it with `paved catalog search %s`", e.Ref, e.Ref)
}

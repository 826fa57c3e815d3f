package catalog

import (
	"context"
	"io/fs"
	"time"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/progress"
	"github.com/paved-dev/paved/internal/store"
)

// API is everything the catalog capability does; *Service implements it.
// The CLI and the window call these and nothing else.
type API interface {
	// Sources lists the configured sources in precedence order.
	Sources(ctx context.Context) ([]Source, error)
	// AddSource registers a user (or local) source after the platform's;
	// it does not sync.
	AddSource(ctx context.Context, o AddSourceOptions) (Source, error)
	// RemoveSource removes a user or local source and everything read from it.
	RemoveSource(ctx context.Context, name string) error
	// SetPlatformSources makes the platform-origin sources exactly srcs, in
	// that order; it writes nothing when nothing changed.
	SetPlatformSources(ctx context.Context, srcs []Source) error

	// Sync brings the cache in step with the sources, each in one
	// transaction; a source that fails keeps its previous cache.
	Sync(ctx context.Context, o SyncOptions, rep progress.Reporter) ([]SyncResult, error)
	// EnsureSynced syncs every source that has never been synced.
	EnsureSynced(ctx context.Context, rep progress.Reporter) error
	// Watch re-syncs the sources until ctx ends, calling onChange after a
	// sync that changed the catalog.
	Watch(ctx context.Context, o WatchOptions, onChange func([]SyncResult))
	// Status reports each source's cache and every problem found in it.
	Status(ctx context.Context) ([]SourceStatus, error)

	// Search finds entities by free text and filters.
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
	// Resolve finds the one entity a (possibly short) reference names; a
	// reference that names none is a problem.NotFound error (*NotFoundError).
	Resolve(ctx context.Context, ref string) (EntitySummary, error)
	// Entity returns everything known about the entity ref names.
	Entity(ctx context.Context, ref string) (EntityDetail, error)
	// Dependencies walks dependency relations from the entity ref names.
	Dependencies(ctx context.Context, ref string, o DependencyOptions) (Graph, error)
	// Graph is Dependencies with the graph view's defaults and limits.
	Graph(ctx context.Context, ref string, o GraphOptions) (Graph, error)
}

var _ API = (*Service)(nil)

// Options configures a Service.
type Options struct {
	// Store is the opened database holding the catalog's tables (Schema).
	Store *store.Store
	// Audit records every sync and source change (nil: none).
	Audit *audit.Log
	// CacheDir holds clones of git sources.
	CacheDir string
	// Embedded maps embedded source targets to their file systems.
	Embedded map[string]fs.FS
}

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

// AddSourceOptions describes a source to add.
type AddSourceOptions struct {
	// Target is a git URL or a local directory.
	Target string
	// Name defaults to the repository or directory name.
	Name string
	// Ref is the git branch or tag ("" = default branch).
	Ref string
	// Subdir is a directory inside the target to read from.
	Subdir string
	// Glob selects descriptor files ("" = catalog-info.yaml at the root).
	Glob string
	// Local registers the source as this machine's only (origin local): its
	// entities are marked local until the organisation's catalog has them.
	Local bool
	// Git forces treating a local path as a git repository (read its
	// committed HEAD) rather than a directory (read the files on disk).
	Git bool
}

// SyncOptions selects what Sync reads.
type SyncOptions struct {
	// Source limits the sync to one source ("" = all, in precedence order).
	Source string
	// Full re-reads every file, even those whose content did not change.
	Full bool
	// Quiet skips the audit entry when nothing changed (background syncs).
	Quiet bool
}

// SyncResult is what one source's sync did.
type SyncResult struct {
	// Source is the source's name; the problems below are in its files.
	Source string `json:"source"`
	// Commit is the git commit read ("" for other kinds).
	Commit string `json:"commit,omitempty"`
	// Unchanged is true when nothing had to be read.
	Unchanged bool `json:"unchanged"`
	// FilesRead counts the descriptor files read (new or changed).
	FilesRead int `json:"filesRead"`
	// FilesRemoved counts the files no longer reached.
	FilesRemoved int `json:"filesRemoved"`
	// Entities counts the source's entities shown after the sync.
	Entities int `json:"entities"`
	// Errors are the problems in the files read this time (file, line,
	// field, message, fix).
	Errors []problem.Problem `json:"errors"`
	// Error is why the sync failed; the previous cache is kept.
	Error string `json:"error,omitempty"`
	// DurationMs is how long the sync took.
	DurationMs float64 `json:"durationMs"`
}

// WatchOptions sets how often Watch looks at sources.
type WatchOptions struct {
	// LocalEvery is the interval for directory sources (0 = 2 s): a sync
	// that finds nothing changed only compares file sizes and times.
	LocalEvery time.Duration
	// RemoteEvery is the interval for git sources (0 = 10 min; each sync
	// fetches).
	RemoteEvery time.Duration
}

// SourceStatus is the state of one source's cache.
type SourceStatus struct {
	Source
	// LastSyncAt is the end of the last successful sync (nil = never).
	LastSyncAt *time.Time `json:"lastSyncAt,omitempty"`
	// LastAttemptAt is the end of the last sync, failed or not.
	LastAttemptAt *time.Time `json:"lastAttemptAt,omitempty"`
	// Commit is the git commit the cache holds ("" for other kinds).
	Commit string `json:"commit,omitempty"`
	// Entities counts the source's entities shown (duplicates that lost
	// excluded).
	Entities int `json:"entities"`
	// Files counts the descriptor files reached.
	Files int `json:"files"`
	// Errors are every problem in the source's files: bad files, missing
	// Location targets, duplicate refs. They are all in this source.
	Errors []problem.Problem `json:"errors"`
	// LastError is why the last sync failed, or that the remote could not
	// be reached ("" = it succeeded).
	LastError string `json:"lastError,omitempty"`
}

// EntitySummary is the short form of an entity used in lists.
type EntitySummary struct {
	// Ref is the full reference, e.g. "component:default/payments-api".
	Ref string `json:"ref"`
	// Kind is the kind as written, e.g. "Component".
	Kind string `json:"kind"`
	// Namespace is metadata.namespace ("default" when left out).
	Namespace string `json:"namespace"`
	// Name is metadata.name.
	Name string `json:"name"`
	// Title is metadata.title.
	Title string `json:"title,omitempty"`
	// Description is metadata.description.
	Description string `json:"description,omitempty"`
	// Type is spec.type.
	Type string `json:"type,omitempty"`
	// Lifecycle is spec.lifecycle.
	Lifecycle string `json:"lifecycle,omitempty"`
	// Owner is the owner's full reference.
	Owner string `json:"owner,omitempty"`
	// System is the system's full reference.
	System string `json:"system,omitempty"`
	// Tags are metadata.tags.
	Tags []string `json:"tags"`
	// Source is the name of the source it was read from.
	Source string `json:"source"`
	// Local marks entities registered on this machine only.
	Local bool `json:"local,omitempty"`
}

// Link is an entity's metadata.links item.
type Link struct {
	// URL is the link's absolute URL.
	URL string `json:"url"`
	// Title is the text to show.
	Title string `json:"title,omitempty"`
	// Icon is an icon key.
	Icon string `json:"icon,omitempty"`
	// Type is a free-form kind of link.
	Type string `json:"type,omitempty"`
}

// RelationView is one relation of an entity, in either direction.
type RelationView struct {
	// Type is the relation from the entity's side (ownedBy, dependencyOf...).
	Type string `json:"type"`
	// TargetRef is the other entity's reference.
	TargetRef string `json:"targetRef"`
	// Target is nil when the target is not in the catalog.
	Target *EntitySummary `json:"target,omitempty"`
}

// SourceLocation says where an entity was read from.
type SourceLocation struct {
	// Source is the source's name.
	Source string `json:"source"`
	// Path is the descriptor file's path inside the source.
	Path string `json:"path"`
	// Line is the 1-based line of the entity's document.
	Line int `json:"line"`
}

// EntityDetail is everything known about one entity.
type EntityDetail struct {
	EntitySummary
	// Entity is the whole descriptor, unknown fields included.
	Entity map[string]any `json:"entity"`
	// Links are metadata.links.
	Links []Link `json:"links"`
	// Annotations are metadata.annotations.
	Annotations map[string]string `json:"annotations"`
	// Labels are metadata.labels.
	Labels map[string]string `json:"labels"`
	// Relations are the relations in both directions, sorted.
	Relations []RelationView `json:"relations"`
	// SourceFile is where the entity was read from.
	SourceFile SourceLocation `json:"sourceFile"`
	// RawYAML is the document as written.
	RawYAML string `json:"rawYaml"`
}

// SearchQuery selects entities. Values within one filter are alternatives;
// different filters must all hold.
type SearchQuery struct {
	// Query is free text; each word matches as a prefix. Words of the form
	// kind:X, type:X, owner:X, lifecycle:X, system:X, tag:X become filters.
	Query string `json:"query"`
	// Kinds keeps entities of these kinds.
	Kinds []string `json:"kinds,omitempty"`
	// Types keeps entities with these spec.type values.
	Types []string `json:"types,omitempty"`
	// Owners keeps entities owned by these (short or full refs).
	Owners []string `json:"owners,omitempty"`
	// Lifecycles keeps entities with these spec.lifecycle values.
	Lifecycles []string `json:"lifecycles,omitempty"`
	// Systems keeps entities of these systems (short or full refs).
	Systems []string `json:"systems,omitempty"`
	// Tags keeps entities with one of these tags.
	Tags []string `json:"tags,omitempty"`
	// Limit caps Items (0 = 50, at most 1000).
	Limit int `json:"limit,omitempty"`
	// Offset skips this many matches.
	Offset int `json:"offset,omitempty"`
	// Facets asks for counts per kind, type, owner, lifecycle, system and tag.
	Facets bool `json:"facets,omitempty"`
}

// FacetCount is how many matching entities have Value.
type FacetCount struct {
	// Value is the facet value, e.g. a kind or an owner ref.
	Value string `json:"value"`
	// Count is how many matches have it.
	Count int `json:"count"`
}

// SearchResult is one page of matches.
type SearchResult struct {
	// Total counts the matches. Work per query is bounded: when TotalCapped
	// is set there are more than Total (the UI shows "1,000+").
	Total int `json:"total"`
	// TotalCapped says Total is a lower bound.
	TotalCapped bool `json:"totalCapped,omitempty"`
	// Items is the page of matches, best first.
	Items []EntitySummary `json:"items"`
	// Facets are the counts asked for with SearchQuery.Facets, by dimension.
	Facets map[string][]FacetCount `json:"facets,omitempty"`
	// TookMs is how long the search took.
	TookMs float64 `json:"tookMs"`
}

// Graph directions.
const (
	// Down follows what the entity depends on.
	Down = "down"
	// Up follows what depends on the entity.
	Up = "up"
	// Both follows both, each way from the root separately.
	Both = "both"
)

// DependencyOptions selects a dependency walk.
type DependencyOptions struct {
	// Direction is Down, Up or Both ("" = Both).
	Direction string
	// Depth is how many hops to follow (0 = until nothing new is reached).
	Depth int
	// Relations are the relation types that count as a dependency, from
	// the dependent to what it depends on (nil = DependencyRelations).
	// Their inverses are followed too: dependencyOf declared on the other
	// side is a dependsOn.
	Relations []string
	// Kinds, when set, keeps the walk to entities of these kinds (compared
	// ignoring case): others are neither listed nor walked through.
	// References to entities that are not in the catalog are always listed.
	Kinds []string
}

// GraphOptions selects a neighbourhood for the graph view.
type GraphOptions struct {
	// Depth is how many hops to follow (0 = 2, at most 10).
	Depth int
	// Direction is down, up or both ("" = both).
	Direction string
}

// Graph is the neighbourhood of an entity along dependency relations. Edges
// point from the dependent to what it depends on.
type Graph struct {
	// Root is the full reference of the entity the walk started from.
	Root string `json:"root"`
	// Nodes are the root and every entity reached, by depth then ref.
	Nodes []GraphNode `json:"nodes"`
	// Edges are the relations between nodes, by from then to.
	Edges []GraphEdge `json:"edges"`
}

// GraphNode is one entity in a graph.
type GraphNode struct {
	// Ref is the entity's full reference.
	Ref string `json:"ref"`
	// Kind is the entity's kind.
	Kind string `json:"kind"`
	// Name is the entity's name.
	Name string `json:"name"`
	// Title is the entity's title.
	Title string `json:"title,omitempty"`
	// Missing marks a referenced entity that is not in the catalog.
	Missing bool `json:"missing,omitempty"`
	// Depth is the distance from the root.
	Depth int `json:"depth"`
}

// GraphEdge is one relation in a graph.
type GraphEdge struct {
	// From is the dependent's full reference.
	From string `json:"from"`
	// To is the full reference of what it depends on.
	To string `json:"to"`
	// Type is the relation, from From's side (dependsOn, consumesApi,
	// apiProvidedBy).
	Type string `json:"type"`
}

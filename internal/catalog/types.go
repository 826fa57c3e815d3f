package catalog

import "time"

// EntitySummary is the short form of an entity used in lists.
type EntitySummary struct {
	// Ref is the full reference, e.g. "component:default/payments-api".
	Ref         string `json:"ref"`
	Kind        string `json:"kind"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type,omitempty"`
	Lifecycle   string `json:"lifecycle,omitempty"`
	// Owner and System are full references.
	Owner  string   `json:"owner,omitempty"`
	System string   `json:"system,omitempty"`
	Tags   []string `json:"tags"`
	// Source is the name of the source it was read from.
	Source string `json:"source"`
	// Local marks entities registered on this machine only.
	Local bool `json:"local,omitempty"`
}

// Link is an entity's metadata.links item.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	Icon  string `json:"icon,omitempty"`
	Type  string `json:"type,omitempty"`
}

// RelationView is one relation of an entity, in either direction.
type RelationView struct {
	Type      string `json:"type"`
	TargetRef string `json:"targetRef"`
	// Target is nil when the target is not in the catalog.
	Target *EntitySummary `json:"target,omitempty"`
}

// SourceLocation says where an entity was read from.
type SourceLocation struct {
	Source string `json:"source"`
	Path   string `json:"path"`
	Line   int    `json:"line"`
}

// EntityDetail is everything known about one entity.
type EntityDetail struct {
	EntitySummary
	// Entity is the whole descriptor, unknown fields included.
	Entity      map[string]any    `json:"entity"`
	Links       []Link            `json:"links"`
	Annotations map[string]string `json:"annotations"`
	Labels      map[string]string `json:"labels"`
	Relations   []RelationView    `json:"relations"`
	SourceFile  SourceLocation    `json:"sourceFile"`
	RawYAML     string            `json:"rawYaml"`
}

// SearchQuery selects entities. Values within one filter are alternatives;
// different filters must all hold.
type SearchQuery struct {
	// Query is free text; each word matches as a prefix. Words of the form
	// kind:X, type:X, owner:X, lifecycle:X, system:X, tag:X become filters.
	Query      string   `json:"query"`
	Kinds      []string `json:"kinds,omitempty"`
	Types      []string `json:"types,omitempty"`
	Owners     []string `json:"owners,omitempty"`
	Lifecycles []string `json:"lifecycles,omitempty"`
	Systems    []string `json:"systems,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	// Limit caps Items (0 = 50, at most 1000).
	Limit  int `json:"limit,omitempty"`
	Offset int `json:"offset,omitempty"`
	// Facets asks for counts per kind, type, owner, lifecycle, system and tag.
	Facets bool `json:"facets,omitempty"`
}

// FacetCount is how many matching entities have Value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// SearchResult is one page of matches.
type SearchResult struct {
	// Total counts the matches. Work per query is bounded: when TotalCapped
	// is set there are more than Total (the UI shows "1,000+").
	Total       int                     `json:"total"`
	TotalCapped bool                    `json:"totalCapped,omitempty"`
	Items       []EntitySummary         `json:"items"`
	Facets      map[string][]FacetCount `json:"facets,omitempty"`
	TookMs      float64                 `json:"tookMs"`
}

// Graph is the neighbourhood of an entity along dependency relations. Edges
// point from the dependent to what it depends on.
type Graph struct {
	Root  string      `json:"root"`
	Nodes []GraphNode `json:"nodes"`
	Edges []GraphEdge `json:"edges"`
}

// GraphNode is one entity in a graph.
type GraphNode struct {
	Ref   string `json:"ref"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	// Missing marks a referenced entity that is not in the catalog.
	Missing bool `json:"missing,omitempty"`
	// Depth is the distance from the root.
	Depth int `json:"depth"`
}

// GraphEdge is one relation in a graph.
type GraphEdge struct {
	From string `json:"from"`
	To   string `json:"to"`
	Type string `json:"type"`
}

// FileError is a problem found while reading a source.
type FileError struct {
	Source  string `json:"source"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// SourceStatus is the state of one source's cache.
type SourceStatus struct {
	Source
	LastSyncAt    *time.Time  `json:"lastSyncAt,omitempty"`
	LastAttemptAt *time.Time  `json:"lastAttemptAt,omitempty"`
	Commit        string      `json:"commit,omitempty"`
	Entities      int         `json:"entities"`
	Files         int         `json:"files"`
	Errors        []FileError `json:"errors"`
	LastError     string      `json:"lastError,omitempty"`
}

// SyncResult is what one source's sync did.
type SyncResult struct {
	Source string `json:"source"`
	Commit string `json:"commit,omitempty"`
	// Unchanged is true when nothing had to be read.
	Unchanged    bool        `json:"unchanged"`
	FilesRead    int         `json:"filesRead"`
	FilesRemoved int         `json:"filesRemoved"`
	Entities     int         `json:"entities"`
	Errors       []FileError `json:"errors"`
	// Error is why the sync failed; the previous cache is kept.
	Error      string  `json:"error,omitempty"`
	DurationMs float64 `json:"durationMs"`
}

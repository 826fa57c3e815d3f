// Catalog types: the generated Go shapes (src/gen/types.ts) under the names
// the catalog pages use, and the few types that exist only in the UI.

export type {
  AuditEntry,
  CatalogEntityDetail as EntityDetail,
  CatalogEntitySummary as EntitySummary,
  CatalogFacetCount as FacetCount,
  CatalogGraph as Graph,
  CatalogGraphEdge as GraphEdge,
  CatalogGraphNode as GraphNode,
  CatalogLink as Link,
  CatalogRelationView as RelationView,
  CatalogSearchQuery as SearchQuery,
  CatalogSearchResult as SearchResult,
  CatalogSourceLocation as SourceLocation,
  CatalogSourceStatus as SourceStatus,
  CatalogSyncResult as SyncResult,
  PlatformInfo,
  ProgressEvent as SyncProgress,
} from '../gen/types';

export const FACET_NAMES = ['kind', 'type', 'owner', 'lifecycle', 'system', 'tag'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

/** Graph directions Graph() takes. */
export type GraphDirection = 'up' | 'down' | 'both';

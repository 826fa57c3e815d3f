// JSON shapes marshalled by the Go backend (field names are part of the contract).

export type EntitySummary = {
  ref: string; // "component:default/payments-api"
  kind: string; // "Component"
  namespace: string;
  name: string;
  title?: string;
  description?: string;
  type?: string;
  lifecycle?: string;
  owner?: string; // full ref "group:default/team-payments"
  system?: string; // full ref
  tags: string[];
  source: string;
  local?: boolean;
};

export type SearchQuery = {
  query: string;
  kinds?: string[];
  types?: string[];
  owners?: string[];
  lifecycles?: string[];
  systems?: string[];
  tags?: string[];
  limit?: number;
  offset?: number;
  facets?: boolean;
};

export type FacetCount = { value: string; count: number };

export const FACET_NAMES = ['kind', 'type', 'owner', 'lifecycle', 'system', 'tag'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export type SearchResult = {
  total: number;
  /** More matches exist than total (the backend bounds counting): show "1,000+". */
  totalCapped?: boolean;
  items: EntitySummary[];
  facets?: Partial<Record<FacetName, FacetCount[]>>;
  tookMs: number;
};

export type Link = { url: string; title?: string; icon?: string; type?: string };

export type RelationType =
  | 'ownedBy'
  | 'ownerOf'
  | 'dependsOn'
  | 'dependencyOf'
  | 'providesApi'
  | 'apiProvidedBy'
  | 'consumesApi'
  | 'apiConsumedBy'
  | 'partOf'
  | 'hasPart'
  | 'memberOf'
  | 'hasMember'
  | 'childOf'
  | 'parentOf';

export type RelationView = {
  type: string; // one of RelationType, but tolerate unknown ones
  targetRef: string;
  target?: EntitySummary; // absent when the target is not in the catalog
};

export type SourceLocation = { source: string; path: string; line: number };

export type EntityDetail = EntitySummary & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entity: Record<string, any>;
  links: Link[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  relations: RelationView[];
  sourceFile: SourceLocation;
  rawYaml: string;
};

export type GraphNode = {
  ref: string;
  kind: string;
  name: string;
  title?: string;
  missing?: boolean;
  depth: number;
};
export type GraphEdge = { from: string; to: string; type: string };
export type Graph = { root: string; nodes: GraphNode[]; edges: GraphEdge[] };
export type GraphDirection = 'up' | 'down' | 'both';

export type FileError = { source: string; file: string; line: number; message: string };

export type SourceStatus = {
  name: string;
  kind: 'dir' | 'git' | 'embedded';
  target: string;
  origin: 'platform' | 'user';
  /** git branch/tag/commit to read, when set */
  ref?: string;
  /** directory inside the target that is the source's root */
  subdir?: string;
  glob?: string;
  lastSyncAt?: string;
  lastAttemptAt?: string;
  commit?: string;
  entities: number;
  /** descriptor files read (newer backends) */
  files?: number;
  errors: FileError[];
  lastError?: string;
};

export type SyncResult = {
  source: string;
  commit?: string;
  unchanged: boolean;
  filesRead: number;
  filesRemoved: number;
  entities: number;
  errors: FileError[];
  /** why this source's sync failed (the previous cache is kept) */
  error?: string;
  durationMs: number;
};

export type PlatformInfo = {
  name: string;
  title: string;
  description?: string;
  origin: 'demo' | 'path' | 'git';
  location?: string;
};

export type AuditEntry = {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  detail?: string;
};

export type SyncProgress = {
  source: string;
  stage: string;
  message: string;
  current: number;
  total: number;
};

/** The bound Go methods, as Wails exposes them on window.go.app.App. */
export interface AppBindings {
  Platform(): Promise<PlatformInfo>;
  Search(q: SearchQuery): Promise<SearchResult>;
  Entity(ref: string): Promise<EntityDetail>;
  Graph(ref: string, depth: number, direction: GraphDirection): Promise<Graph>;
  Status(): Promise<SourceStatus[]>;
  Sync(source: string): Promise<SyncResult[]>;
  Audit(limit: number): Promise<AuditEntry[]>;
}

/** The subset of the Wails JS runtime the UI uses. */
export interface WailsRuntime {
  // Wails v2 returns an "off" function for this one listener; bridges may return nothing.
  EventsOn(name: string, cb: (...data: unknown[]) => void): (() => void) | void;
  EventsOff(name: string, ...additional: string[]): void;
}

declare global {
  interface Window {
    go?: { app?: { App?: Partial<AppBindings> } };
    runtime?: WailsRuntime;
  }
}

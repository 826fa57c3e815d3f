// Typed wrapper around the Go backend.
//
// The UI reaches Go only through `window.go.app.App.<Method>(...)` (Wails bound
// methods, or the bridge script the Go server injects in browser mode) and the
// Wails runtime events `window.runtime.EventsOn/EventsOff`. Nothing here imports
// Wails-generated bindings.

import type {
  AppBindings,
  AuditEntry,
  EntityDetail,
  EntitySummary,
  FileError,
  Graph,
  GraphDirection,
  PlatformInfo,
  RelationView,
  SearchQuery,
  SearchResult,
  SourceStatus,
  SyncProgress,
  SyncResult,
  WailsRuntime,
} from './types';

/** Error raised when a bound method rejects (Wails rejects with a plain string). */
export class BackendError extends Error {
  readonly method: string;
  constructor(method: string, message: string) {
    super(message);
    this.name = 'BackendError';
    this.method = method;
  }
}

/** How long a call waits for window.go to appear before giving up. */
let backendWaitMs = 5000;
const POLL_MS = 25;

export function setBackendWaitMs(ms: number): void {
  backendWaitMs = ms;
}

function currentBindings(): Partial<AppBindings> | undefined {
  return typeof window === 'undefined' ? undefined : window.go?.app?.App;
}

function currentRuntime(): WailsRuntime | undefined {
  return typeof window === 'undefined' ? undefined : window.runtime;
}

export function backendAvailable(): boolean {
  return currentBindings() !== undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function bindings(method: string): Promise<Partial<AppBindings>> {
  const deadline = Date.now() + backendWaitMs;
  for (;;) {
    const b = currentBindings();
    if (b) return b;
    if (Date.now() >= deadline) {
      throw new BackendError(method, 'Paved backend is not available (window.go.app.App is missing)');
    }
    await sleep(POLL_MS);
  }
}

function errorMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

async function call<K extends keyof AppBindings>(
  method: K,
  ...args: Parameters<AppBindings[K]>
): Promise<Awaited<ReturnType<AppBindings[K]>>> {
  const b = await bindings(method);
  const fn = b[method] as unknown as ((...a: unknown[]) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') {
    throw new BackendError(method, `Paved backend has no method ${method}`);
  }
  try {
    return (await fn(...args)) as Awaited<ReturnType<AppBindings[K]>>;
  } catch (err) {
    throw new BackendError(method, errorMessage(err));
  }
}

/**
 * Call a bound method by name, for feature modules that type their own
 * wrappers (src/env/api.ts). Same waiting and errors as the calls above.
 */
export async function invokeBackend<T>(method: string, ...args: unknown[]): Promise<T> {
  const b = (await bindings(method)) as Record<string, unknown>;
  const fn = b[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') throw new BackendError(method, `Paved backend has no method ${method}`);
  try {
    return (await fn(...args)) as T;
  } catch (err) {
    throw new BackendError(method, errorMessage(err));
  }
}

// ---- normalisation: Go marshals nil slices/maps as null ----------------------

function arr<T>(v: T[] | null | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

function obj<T>(v: Record<string, T> | null | undefined): Record<string, T> {
  return v && typeof v === 'object' ? v : {};
}

export function normalizeSummary<T extends EntitySummary>(e: T): T {
  return { ...e, tags: arr(e.tags) };
}

function normalizeRelation(r: RelationView): RelationView {
  return r.target ? { ...r, target: normalizeSummary(r.target) } : r;
}

function normalizeErrors(errs: FileError[] | null | undefined): FileError[] {
  return arr(errs);
}

// ---- bound methods -----------------------------------------------------------

export async function getPlatform(): Promise<PlatformInfo> {
  return call('Platform');
}

export async function search(q: SearchQuery): Promise<SearchResult> {
  const res = await call('Search', q);
  const facets = res.facets ?? undefined;
  const normFacets: SearchResult['facets'] = facets ? {} : undefined;
  if (facets && normFacets) {
    for (const [k, v] of Object.entries(facets)) {
      normFacets[k as keyof typeof facets] = arr(v);
    }
  }
  return {
    total: res.total ?? 0,
    totalCapped: res.totalCapped ?? false,
    items: arr(res.items).map(normalizeSummary),
    facets: normFacets,
    tookMs: res.tookMs ?? 0,
  };
}

export async function getEntity(ref: string): Promise<EntityDetail> {
  const d = await call('Entity', ref);
  return {
    ...normalizeSummary(d),
    entity: obj(d.entity),
    links: arr(d.links),
    annotations: obj(d.annotations),
    labels: obj(d.labels),
    relations: arr(d.relations).map(normalizeRelation),
    sourceFile: d.sourceFile ?? { source: d.source, path: '', line: 0 },
    rawYaml: d.rawYaml ?? '',
  };
}

export async function getGraph(ref: string, depth: number, direction: GraphDirection): Promise<Graph> {
  const g = await call('Graph', ref, depth, direction);
  return { root: g.root, nodes: arr(g.nodes), edges: arr(g.edges) };
}

export async function getStatus(): Promise<SourceStatus[]> {
  const s = await call('Status');
  return arr(s).map((x) => ({ ...x, errors: normalizeErrors(x.errors) }));
}

/** Sync one source by name, or all sources with "". */
export async function sync(source = ''): Promise<SyncResult[]> {
  const r = await call('Sync', source);
  return arr(r).map((x) => ({ ...x, errors: normalizeErrors(x.errors) }));
}

export async function getAudit(limit = 200): Promise<AuditEntry[]> {
  return arr(await call('Audit', limit));
}

// ---- events --------------------------------------------------------------------
//
// Wails' EventsOff(name) removes *every* listener of that event, so several
// components can't each call EventsOn/EventsOff independently. We register one
// runtime listener per event name and fan out to local subscribers.

export const EVENT_SYNC = 'catalog:sync';
export const EVENT_CHANGED = 'catalog:changed';

type Listener = (...data: unknown[]) => void;

type Channel = {
  listeners: Set<Listener>;
  detach?: () => void;
  attachTimer?: ReturnType<typeof setTimeout>;
  /** The runtime the listener is registered with. */
  runtime?: unknown;
};

const channels = new Map<string, Channel>();

function attach(name: string, ch: Channel): void {
  const rt = currentRuntime();
  if (!rt || typeof rt.EventsOn !== 'function') {
    // Runtime not injected yet: retry shortly (bounded only by the subscription's life).
    ch.attachTimer = setTimeout(() => {
      ch.attachTimer = undefined;
      if (channels.get(name) === ch) attach(name, ch);
    }, 100);
    return;
  }
  const dispatch: Listener = (...data) => {
    for (const l of [...ch.listeners]) {
      try {
        l(...data);
      } catch (err) {
        console.error(`listener for ${name} failed`, err);
      }
    }
  };
  const off = rt.EventsOn(name, dispatch);
  ch.runtime = rt;
  ch.detach = () => {
    if (typeof off === 'function') off();
    else rt.EventsOff(name);
  };
}

/** Subscribe to a backend event; returns the unsubscribe function. */
export function onEvent(name: string, listener: Listener): () => void {
  let ch = channels.get(name);
  if (!ch) {
    ch = { listeners: new Set() };
    channels.set(name, ch);
    ch.listeners.add(listener);
    attach(name, ch);
  } else {
    ch.listeners.add(listener);
    // A runtime injected anew (a reloaded bridge, a test's fresh fake) must
    // get the listener too, or its events would reach nobody.
    const rt = currentRuntime();
    if (rt && ch.runtime && ch.runtime !== rt && !ch.attachTimer) {
      ch.detach?.();
      attach(name, ch);
    }
  }
  const channel = ch;
  return () => {
    channel.listeners.delete(listener);
    if (channel.listeners.size === 0 && channels.get(name) === channel) {
      channels.delete(name);
      if (channel.attachTimer) clearTimeout(channel.attachTimer);
      channel.detach?.();
    }
  };
}

export function onSyncProgress(cb: (p: SyncProgress) => void): () => void {
  return onEvent(EVENT_SYNC, (payload) => {
    if (payload && typeof payload === 'object') cb(payload as SyncProgress);
  });
}

export function onCatalogChanged(cb: () => void): () => void {
  return onEvent(EVENT_CHANGED, () => cb());
}

/** Test hook: forget every subscription (does not call the runtime). */
export function resetEventsForTests(): void {
  for (const ch of channels.values()) if (ch.attachTimer) clearTimeout(ch.attachTimer);
  channels.clear();
}

// The catalog's calls and events (Go: the catalog methods of app.App).

import { callBackend, onEvent, onObjectEvent } from '../common/backend';
import type { AuditEntry, EntityDetail, Graph, GraphDirection, PlatformInfo, SearchQuery, SearchResult, SourceStatus, SyncProgress, SyncResult } from './types';

export const EVENT_SYNC = 'catalog:sync';
export const EVENT_CHANGED = 'catalog:changed';

export function getPlatform(): Promise<PlatformInfo> {
  return callBackend('Platform');
}

export function search(q: SearchQuery): Promise<SearchResult> {
  return callBackend('Search', q);
}

export async function getEntity(ref: string): Promise<EntityDetail> {
  return callBackend('Entity', ref);
}

export function getGraph(ref: string, depth: number, direction: GraphDirection): Promise<Graph> {
  return callBackend('Graph', ref, depth, direction);
}

export function getStatus(): Promise<SourceStatus[]> {
  return callBackend('Status');
}

/** Sync one source by name, or all sources with "". */
export function sync(source = ''): Promise<SyncResult[]> {
  return callBackend('Sync', source);
}

export function getAudit(limit = 200): Promise<AuditEntry[]> {
  return callBackend('Audit', limit);
}

export function onSyncProgress(cb: (p: SyncProgress) => void): () => void {
  return onObjectEvent(EVENT_SYNC, cb);
}

export function onCatalogChanged(cb: () => void): () => void {
  return onEvent(EVENT_CHANGED, () => cb());
}

// Typed wrappers for the local-environment bindings (docs/ui/env-api.md).
// Same rules as src/common/backend.ts: only window.go.app.App.<Method>() and
// runtime events.

import { callBackend, onObjectEvent } from '../common/backend';
import type {
  DownResult,
  EnvChanged,
  EnvDownRequest,
  EnvLogBatch,
  EnvLogEnd,
  EnvLogsRequest,
  EnvProgressEvent,
  EnvSummary,
  EnvUpRequest,
  Environment,
  ExportResult,
  LogLine,
  RunInfo,
} from './types';

export { isMissingMethod } from '../common/backend';

export const EVENT_ENV_PROGRESS = 'env:progress';
export const EVENT_ENV_CHANGED = 'env:changed';
export const EVENT_ENV_LOG = 'env:log';
export const EVENT_ENV_LOG_END = 'env:log-end';

// ---- bound methods -----------------------------------------------------------

export function envCanRun(ref: string): Promise<RunInfo> {
  return callBackend('EnvCanRun', ref);
}

export function envUp(req: EnvUpRequest): Promise<Environment> {
  return callBackend('EnvUp', req);
}

export function envDown(req: EnvDownRequest): Promise<DownResult> {
  return callBackend('EnvDown', req);
}

export function envPs(target: string): Promise<Environment> {
  return callBackend('EnvPs', target);
}

export function envList(): Promise<EnvSummary[]> {
  return callBackend('EnvList');
}

export function envRestart(target: string, service: string): Promise<Environment> {
  return callBackend('EnvRestart', target, service);
}

export function envLogs(req: EnvLogsRequest): Promise<LogLine[]> {
  return callBackend('EnvLogs', req);
}

/** Start following logs; lines arrive as "env:log" events for the returned stream id. */
export function envLogsFollow(req: EnvLogsRequest): Promise<string> {
  return callBackend('EnvLogsFollow', req);
}

export async function envLogsStop(stream: string): Promise<void> {
  await callBackend('EnvLogsStop', stream);
}

export function envExport(target: string): Promise<ExportResult> {
  return callBackend('EnvExport', target);
}

// ---- events --------------------------------------------------------------------

export function onEnvProgress(cb: (p: EnvProgressEvent) => void): () => void {
  return onObjectEvent(EVENT_ENV_PROGRESS, (p) => {
    if (typeof p.source === 'string') cb(p);
  });
}

export function onEnvChanged(cb: (c: EnvChanged) => void): () => void {
  return onObjectEvent(EVENT_ENV_CHANGED, (c) => {
    if (typeof c.name === 'string') cb(c);
  });
}

export function onEnvLog(cb: (b: EnvLogBatch) => void): () => void {
  return onObjectEvent(EVENT_ENV_LOG, (b) => {
    if (typeof b.stream === 'string' && Array.isArray(b.lines)) cb(b);
  });
}

export function onEnvLogEnd(cb: (e: EnvLogEnd) => void): () => void {
  return onObjectEvent(EVENT_ENV_LOG_END, (e) => {
    if (typeof e.stream === 'string') cb(e);
  });
}

// ---- opening ports in the system browser ---------------------------------------

/** An http(s) URL safe to open, or undefined. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

type OpenURL = (url: string) => void;

/**
 * Open url in the system browser through the Wails runtime when it offers
 * BrowserOpenURL. Returns false when it does not (the caller's
 * <a target="_blank"> then opens it).
 */
export function openExternal(url: string): boolean {
  const rt = (typeof window === 'undefined' ? undefined : window.runtime) as { BrowserOpenURL?: OpenURL } | undefined;
  if (rt && typeof rt.BrowserOpenURL === 'function') {
    rt.BrowserOpenURL(url);
    return true;
  }
  return false;
}

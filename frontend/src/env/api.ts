// Typed wrappers for the local-environment bindings (docs/ui/env-api.md).
// Same rules as src/api.ts: only window.go.app.App.<Method>() and runtime events.

import { BackendError, invokeBackend, onEvent } from '../api';
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
  PortBinding,
  RunInfo,
  ServiceStatus,
} from './types';

export const EVENT_ENV_PROGRESS = 'env:progress';
export const EVENT_ENV_CHANGED = 'env:changed';
export const EVENT_ENV_LOG = 'env:log';
export const EVENT_ENV_LOG_END = 'env:log-end';

// ---- normalisation: Go marshals nil slices/maps as null ----------------------

function arr<T>(v: T[] | null | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

function normalizePort(p: PortBinding): PortBinding {
  return { ...p, protocol: p.protocol || 'tcp' };
}

export function normalizeService(s: ServiceStatus): ServiceStatus {
  return {
    ...s,
    state: s.state || 'missing',
    health: s.health || 'none',
    ready: Boolean(s.ready),
    ports: arr(s.ports).map(normalizePort),
    outputs: s.outputs ?? undefined,
    dependsOn: arr(s.dependsOn),
  };
}

export function normalizeEnvironment(e: Environment): Environment {
  return {
    ...e,
    state: e.state || 'stopped',
    services: arr(e.services).map(normalizeService),
    volumes: arr(e.volumes),
    notes: arr(e.notes),
  };
}

function normalizeLines(lines: LogLine[] | null | undefined): LogLine[] {
  return arr(lines).map((l) => ({ ...l, text: l.text ?? '' }));
}

/** True when the backend is older than the environment bindings. */
export function isMissingMethod(err: unknown): boolean {
  const message = err instanceof BackendError ? err.message : typeof err === 'string' ? err : '';
  return message.startsWith('Paved backend has no method');
}

// ---- bound methods -----------------------------------------------------------

export async function envCanRun(ref: string): Promise<RunInfo> {
  return invokeBackend<RunInfo>('EnvCanRun', ref);
}

export async function envUp(req: EnvUpRequest): Promise<Environment> {
  return normalizeEnvironment(await invokeBackend<Environment>('EnvUp', req));
}

export async function envDown(req: EnvDownRequest): Promise<DownResult> {
  const r = await invokeBackend<DownResult>('EnvDown', req);
  return {
    ...r,
    containers: arr(r.containers),
    networks: arr(r.networks),
    volumes: arr(r.volumes),
    keptVolumes: arr(r.keptVolumes),
  };
}

export async function envPs(target: string): Promise<Environment> {
  return normalizeEnvironment(await invokeBackend<Environment>('EnvPs', target));
}

export async function envList(): Promise<EnvSummary[]> {
  return arr(await invokeBackend<EnvSummary[] | null>('EnvList'));
}

export async function envRestart(target: string, service: string): Promise<Environment> {
  return normalizeEnvironment(await invokeBackend<Environment>('EnvRestart', target, service));
}

export async function envLogs(req: EnvLogsRequest): Promise<LogLine[]> {
  return normalizeLines(await invokeBackend<LogLine[] | null>('EnvLogs', req));
}

/** Start following logs; lines arrive as "env:log" events for the returned stream id. */
export async function envLogsFollow(req: EnvLogsRequest): Promise<string> {
  return invokeBackend<string>('EnvLogsFollow', req);
}

export async function envLogsStop(stream: string): Promise<void> {
  await invokeBackend<void>('EnvLogsStop', stream);
}

export async function envExport(target: string): Promise<ExportResult> {
  return invokeBackend<ExportResult>('EnvExport', target);
}

// ---- events --------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object';

export function onEnvProgress(cb: (p: EnvProgressEvent) => void): () => void {
  return onEvent(EVENT_ENV_PROGRESS, (payload) => {
    if (isObject(payload) && typeof payload.source === 'string') cb(payload as EnvProgressEvent);
  });
}

export function onEnvChanged(cb: (c: EnvChanged) => void): () => void {
  return onEvent(EVENT_ENV_CHANGED, (payload) => {
    if (isObject(payload) && typeof payload.name === 'string') cb(payload as EnvChanged);
  });
}

export function onEnvLog(cb: (b: EnvLogBatch) => void): () => void {
  return onEvent(EVENT_ENV_LOG, (payload) => {
    if (isObject(payload) && typeof payload.stream === 'string') {
      cb({ stream: payload.stream, lines: normalizeLines(payload.lines as LogLine[] | null) });
    }
  });
}

export function onEnvLogEnd(cb: (e: EnvLogEnd) => void): () => void {
  return onEvent(EVENT_ENV_LOG_END, (payload) => {
    if (isObject(payload) && typeof payload.stream === 'string') cb(payload as EnvLogEnd);
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

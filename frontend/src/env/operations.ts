// Long-running environment operations (up, down, restart) and their
// "env:progress" events, kept outside any page so that progress survives
// navigation: the component page that starts an environment and the
// environment view both show the same operation.

import { useSyncExternalStore } from 'react';
import { errorMessage } from '../common/backend';
import { envDown, envRestart, envUp, onEnvProgress } from './api';
import type { DownResult, EnvDownRequest, EnvProgressEvent, EnvUpRequest, Environment } from './types';

export type OperationKind = 'up' | 'down' | 'restart';

export type ServiceProgress = {
  service: string;
  stage: string;
  message: string;
  ready: boolean;
  failed: boolean;
};

export type Operation = {
  id: number;
  /** the environment's name: events whose source is "<env>" or "<env>/<service>" belong here */
  env: string;
  kind: OperationKind;
  /** the service being restarted */
  service?: string;
  running: boolean;
  /** latest stage of the whole environment ("" before any event) */
  stage: string;
  /** latest message (any source) */
  message: string;
  current: number;
  total: number;
  /** per service, in the order they first reported */
  services: ServiceProgress[];
  /** latest messages, oldest first (bounded) */
  messages: { source: string; stage: string; message: string }[];
  error?: string;
  result?: Environment | DownResult;
};

const MAX_MESSAGES = 40;

/** Does a progress event belong to environment env? */
export function belongsTo(env: string, source: string): boolean {
  return source === env || source.startsWith(`${env}/`);
}

export function newOperation(id: number, env: string, kind: OperationKind, service?: string): Operation {
  return { id, env, kind, service, running: true, stage: '', message: '', current: 0, total: 0, services: [], messages: [] };
}

/** Fold one progress event into an operation (pure). */
export function applyProgress(op: Operation, ev: EnvProgressEvent): Operation {
  if (!belongsTo(op.env, ev.source)) return op;
  const service = ev.item || (ev.source === op.env ? '' : ev.source.slice(op.env.length + 1));
  if (!ev.message) return op; // raw build or pull output (detail) only
  const next: Operation = {
    ...op,
    message: ev.item ? `${ev.item}: ${ev.message}` : ev.message,
    messages: [...op.messages, { source: ev.source, stage: ev.stage, message: ev.message }].slice(-MAX_MESSAGES),
  };
  if (ev.total > 0) {
    next.total = ev.total;
    next.current = Math.max(op.current, Math.min(ev.current, ev.total));
  }
  if (!service) {
    next.stage = ev.stage;
    return next;
  }
  const i = op.services.findIndex((s) => s.service === service);
  const prev: ServiceProgress = i >= 0 ? op.services[i] : { service, stage: '', message: '', ready: false, failed: false };
  const sp: ServiceProgress = {
    service,
    stage: ev.stage,
    message: ev.message || prev.message,
    ready: ev.stage === 'ready' || ev.stage === 'done' ? !prev.failed : ev.stage === 'error' ? false : prev.ready,
    failed: ev.stage === 'error' ? true : prev.failed,
  };
  next.services = i >= 0 ? op.services.map((s, j) => (j === i ? sp : s)) : [...op.services, sp];
  return next;
}

// ---- the store -------------------------------------------------------------------

const ops = new Map<string, Operation>();
const listeners = new Set<() => void>();
let seq = 0;
let offProgress: (() => void) | undefined;

function emitChange(): void {
  for (const l of [...listeners]) l();
}

function set(op: Operation): void {
  ops.set(op.env, op);
  emitChange();
}

function ensureSubscribed(): void {
  if (offProgress) return;
  offProgress = onEnvProgress((ev) => {
    let changed = false;
    for (const op of ops.values()) {
      if (!op.running) continue;
      const next = applyProgress(op, ev);
      if (next !== op) {
        ops.set(op.env, next);
        changed = true;
      }
    }
    if (changed) emitChange();
  });
}

function maybeUnsubscribe(): void {
  if ([...ops.values()].some((o) => o.running)) return;
  offProgress?.();
  offProgress = undefined;
}

function errorText(err: unknown): string {
  return errorMessage(err);
}

async function run<T extends Environment | DownResult>(
  env: string,
  kind: OperationKind,
  call: () => Promise<T>,
  service?: string,
): Promise<T> {
  const current = ops.get(env);
  if (current?.running) throw new Error(`${env} is busy: ${current.kind} is still running`);
  ensureSubscribed();
  const id = ++seq;
  set(newOperation(id, env, kind, service));
  const finish = (patch: Partial<Operation>) => {
    const op = ops.get(env);
    if (op && op.id === id) set({ ...op, ...patch, running: false });
    maybeUnsubscribe();
  };
  try {
    const result = await call();
    finish({ result });
    return result;
  } catch (err) {
    finish({ error: errorText(err) });
    throw err;
  }
}

/** Start (or update) environment env; env names the progress events to follow. */
export function startUp(env: string, req: EnvUpRequest): Promise<Environment> {
  return run(env, 'up', () => envUp(req));
}

export function startDown(env: string, req: EnvDownRequest): Promise<DownResult> {
  return run(env, 'down', () => envDown(req));
}

export function startRestart(env: string, target: string, service: string): Promise<Environment> {
  return run(env, 'restart', () => envRestart(target, service), service);
}

export function getOperation(env: string): Operation | undefined {
  return ops.get(env);
}

/** Forget a finished operation (dismiss its result). */
export function clearOperation(env: string): void {
  const op = ops.get(env);
  if (op && !op.running) {
    ops.delete(env);
    emitChange();
  }
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The latest operation on environment env (running or finished), if any. */
export function useOperation(env: string | undefined): Operation | undefined {
  return useSyncExternalStore(
    subscribe,
    () => (env ? ops.get(env) : undefined),
    () => undefined,
  );
}

/** Test hook: forget every operation and subscription. */
export function resetOperationsForTests(): void {
  ops.clear();
  offProgress?.();
  offProgress = undefined;
  emitChange();
}

// The one way the UI reaches the Go backend.
//
// Calls go through `window.go.app.App.<Method>(...)` (Wails bound methods, or
// the bridge script the Go server injects in browser mode); events arrive
// through the Wails runtime's `window.runtime.EventsOn/EventsOff`. Nothing
// here imports Wails-generated bindings: the method and payload types are
// generated from Go (src/gen/types.ts, `make types`).
//
// A call that fails rejects with the JSON of the error, {"message", "kind",
// "problems": [{file?, line?, field?, message, fix?}]}: as a string in
// browser mode, as a string or an Error with that message in the window.
// callBackend turns it into a BackendError; older backends' plain strings
// become kind "internal".

import type { AppBindings, AppEvents, Problem, ProblemDescribed, ProblemKind } from '../gen/types';

export type { AppBindings, AppEvents, Problem };

/** How a call failed (problem.Kind in Go). */
export type ErrorKind = ProblemKind;

const KINDS: readonly ErrorKind[] = ['internal', 'invalid', 'not_found', 'conflict', 'unavailable', 'forbidden', 'canceled'];

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

/** A failed call: what went wrong, how (kind), and where (problems). */
export class BackendError extends Error {
  /** The bound method that failed ("" when not known). */
  readonly method: string;
  readonly kind: ErrorKind;
  /** Each with the file, line or field it is about, and the fix. */
  readonly problems: Problem[];
  constructor(method: string, message: string, kind: ErrorKind = 'internal', problems: Problem[] = []) {
    super(message);
    this.name = 'BackendError';
    this.method = method;
    this.kind = kind;
    this.problems = problems;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function asProblem(v: unknown): Problem | undefined {
  if (!isObject(v) || typeof v.message !== 'string') return undefined;
  const p: Problem = { message: v.message };
  if (typeof v.file === 'string' && v.file) p.file = v.file;
  if (typeof v.line === 'number' && v.line > 0) p.line = v.line;
  if (typeof v.field === 'string' && v.field) p.field = v.field;
  if (typeof v.fix === 'string' && v.fix) p.fix = v.fix;
  return p;
}

/** The structure of an error, or undefined when v is not one. */
function asDescribed(v: unknown): ProblemDescribed | undefined {
  if (!isObject(v) || typeof v.message !== 'string') return undefined;
  const kind = KINDS.includes(v.kind as ErrorKind) ? (v.kind as ErrorKind) : 'internal';
  const problems = Array.isArray(v.problems) ? v.problems.map(asProblem).filter((p): p is Problem => p !== undefined) : [];
  return { message: v.message, kind, problems };
}

/** The structure in a rejection's text: the backend's JSON, or a plain message. */
function fromText(text: string): ProblemDescribed {
  const s = text.trim();
  if (s.startsWith('{')) {
    try {
      const d = asDescribed(JSON.parse(s));
      if (d) return d;
    } catch {
      // not JSON after all: a plain message
    }
  }
  return { message: text, kind: 'internal', problems: [] };
}

/**
 * What a rejected call (or any thrown value) says: the backend's JSON string
 * (browser mode, and the window when Wails rejects with the text), an Error
 * whose message is that JSON (the window's Wails runtime), an older
 * backend's plain string, or an object with a message.
 */
export function describeError(err: unknown): ProblemDescribed {
  if (err instanceof BackendError) return { message: err.message, kind: err.kind, problems: err.problems };
  if (typeof err === 'string') return fromText(err);
  if (err instanceof Error) return fromText(err.message);
  const d = asDescribed(err);
  if (d) return d;
  let message: string;
  try {
    message = JSON.stringify(err) ?? String(err);
  } catch {
    message = String(err);
  }
  return { message, kind: 'internal', problems: [] };
}

/** err as a BackendError (kept as is when it already is one). */
export function toBackendError(err: unknown, method = ''): BackendError {
  if (err instanceof BackendError) return err;
  const d = describeError(err);
  return new BackendError(method, d.message, d.kind, d.problems);
}

/** The kind of a failure (undefined for a success or a value that is not one). */
export function errorKind(err: unknown): ErrorKind | undefined {
  return err === undefined || err === null ? undefined : toBackendError(err).kind;
}

/** A one-line message for any thrown value (for places that show text only). */
export function errorMessage(err: unknown): string {
  return describeError(err).message;
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
      throw new BackendError(method, 'Paved backend is not available (window.go.app.App is missing)', 'unavailable');
    }
    await sleep(POLL_MS);
  }
}

/** The message of a call to a method this backend does not have. */
const MISSING_METHOD = 'Paved backend has no method ';

/** True when err says the backend is older than the method called. */
export function isMissingMethod(err: unknown): boolean {
  return describeError(err).message.startsWith(MISSING_METHOD);
}

/**
 * Call a bound method. Waits briefly for window.go (the browser bridge is
 * injected as the page loads); rejects with a BackendError.
 */
export async function callBackend<K extends keyof AppBindings>(
  method: K,
  ...args: Parameters<AppBindings[K]>
): Promise<Awaited<ReturnType<AppBindings[K]>>> {
  const b = await bindings(method);
  const fn = b[method] as unknown as ((...a: unknown[]) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') {
    throw new BackendError(method, MISSING_METHOD + method, 'not_found');
  }
  try {
    return (await fn(...args)) as Awaited<ReturnType<AppBindings[K]>>;
  } catch (err) {
    throw toBackendError(err, method);
  }
}

// ---- events --------------------------------------------------------------------
//
// Wails' EventsOff(name) removes *every* listener of that event, so several
// components can't each call EventsOn/EventsOff independently. We register one
// runtime listener per event name and fan out to local subscribers.

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

/**
 * Subscribe to a backend event whose payload is an object (AppEvents);
 * payloads that are not objects are dropped.
 */
export function onObjectEvent<K extends keyof AppEvents>(name: K, cb: (payload: NonNullable<AppEvents[K]>) => void): () => void {
  return onEvent(name, (payload) => {
    if (isObject(payload)) cb(payload as unknown as NonNullable<AppEvents[K]>);
  });
}

/** Test hook: forget every subscription (does not call the runtime). */
export function resetEventsForTests(): void {
  for (const ch of channels.values()) if (ch.attachTimer) clearTimeout(ch.attachTimer);
  channels.clear();
}

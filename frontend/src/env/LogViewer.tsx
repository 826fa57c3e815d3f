// Live log viewer of one environment: follows "env:log" batches of an
// EnvLogsFollow stream (one service or all), with a free-text filter.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../common/backend';
import { envLogsFollow, envLogsStop, onEnvLog, onEnvLogEnd } from './api';
import type { EnvLogBatch, LogLine } from './types';

/** Lines kept in memory; older ones are dropped. */
export const MAX_LOG_LINES = 5000;
/** Lines per service to start a stream with. */
export const LOG_TAIL = 200;

type Line = LogLine & { id: number };

type StreamStatus =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'paused' }
  | { kind: 'stopped' }
  | { kind: 'ended'; message?: string }
  | { kind: 'unavailable'; message: string };

const lineKey = (l: LogLine) => `${l.service}\u0000${l.time}\u0000${l.stream}\u0000${l.text}`;

const PALETTE = 8;
export function serviceColor(service: string): number {
  let h = 0;
  for (let i = 0; i < service.length; i++) h = (h * 31 + service.charCodeAt(i)) >>> 0;
  return h % PALETTE;
}

function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** Case-insensitive substring match; returns the text split around matches. */
export function splitMatches(text: string, needle: string): { text: string; match: boolean }[] {
  if (!needle) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const n = needle.toLowerCase();
  const parts: { text: string; match: boolean }[] = [];
  let i = 0;
  for (;;) {
    const j = lower.indexOf(n, i);
    if (j < 0) break;
    if (j > i) parts.push({ text: text.slice(i, j), match: false });
    parts.push({ text: text.slice(j, j + n.length), match: true });
    i = j + n.length;
  }
  if (i < text.length) parts.push({ text: text.slice(i), match: false });
  return parts;
}

export function LogViewer({
  env,
  services,
  service,
  onServiceChange,
  restartKey,
  active = true,
}: {
  env: string;
  /** services to offer in the selection */
  services: string[];
  /** "" = every service */
  service: string;
  onServiceChange: (service: string) => void;
  /** changes when the environment's containers change: re-follow */
  restartKey: string | number;
  /** false while the environment has no containers: nothing to follow */
  active?: boolean;
}) {
  const [follow, setFollow] = useState(true);
  const [filter, setFilter] = useState('');
  const [lines, setLines] = useState<Line[]>([]);
  // Known from the first render: a stopped environment never shows "connecting".
  const [status, setStatus] = useState<StreamStatus>(() => (active ? { kind: 'connecting' } : { kind: 'stopped' }));
  const linesRef = useRef<Line[]>([]);
  const seen = useRef(new Set<string>());
  const nextId = useRef(0);
  const shownService = useRef(service);
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  const reset = () => {
    linesRef.current = [];
    seen.current = new Set();
    setLines([]);
  };

  // A stream that is restarted (follow toggled, containers changed) starts
  // again with the last LOG_TAIL lines: skip those already shown.
  const append = (incoming: LogLine[]) => {
    const fresh: Line[] = [];
    for (const l of incoming) {
      const k = lineKey(l);
      if (seen.current.has(k)) continue;
      seen.current.add(k);
      fresh.push({ ...l, id: ++nextId.current });
    }
    if (!fresh.length) return;
    let next = linesRef.current.concat(fresh);
    if (next.length > MAX_LOG_LINES) {
      next = next.slice(-MAX_LOG_LINES);
      seen.current = new Set(next.map(lineKey));
    }
    linesRef.current = next;
    setLines(next);
  };
  const appendRef = useRef(append);
  useEffect(() => {
    appendRef.current = append;
  });

  useEffect(() => {
    if (shownService.current !== service) {
      // Another selection: a new view, not a continuation.
      shownService.current = service;
      linesRef.current = [];
      seen.current = new Set();
      setLines([]);
    }
    if (!active) {
      setStatus({ kind: 'stopped' });
      return;
    }
    if (!follow) {
      setStatus({ kind: 'paused' });
      return;
    }
    let cancelled = false;
    let stream: string | undefined;
    const early: EnvLogBatch[] = [];
    const earlyEnds = new Map<string, string | undefined>();
    const ended = (error?: string) => setStatus({ kind: 'ended', message: error });
    const offLog = onEnvLog((b) => {
      if (cancelled) return;
      if (stream === undefined) early.push(b);
      else if (b.stream === stream) appendRef.current(b.lines);
    });
    const offEnd = onEnvLogEnd((e) => {
      if (cancelled) return;
      if (stream === undefined) earlyEnds.set(e.stream, e.error);
      else if (e.stream === stream) ended(e.error);
    });
    setStatus({ kind: 'connecting' });
    envLogsFollow({ target: env, service, tail: LOG_TAIL }).then(
      (id) => {
        if (cancelled) {
          void envLogsStop(id).catch(() => undefined);
          return;
        }
        stream = id;
        setStatus({ kind: 'live' });
        for (const b of early) if (b.stream === id) appendRef.current(b.lines);
        early.length = 0;
        if (earlyEnds.has(id)) ended(earlyEnds.get(id));
      },
      (err: unknown) => {
        if (!cancelled) setStatus({ kind: 'unavailable', message: errorMessage(err) });
      },
    );
    return () => {
      cancelled = true;
      offLog();
      offEnd();
      if (stream !== undefined) void envLogsStop(stream).catch(() => undefined);
    };
  }, [env, service, follow, restartKey, active]);

  const needle = filter.trim();
  const visible = useMemo(() => {
    if (!needle) return lines;
    const n = needle.toLowerCase();
    return lines.filter((l) => l.text.toLowerCase().includes(n));
  }, [lines, needle]);

  // Stay at the bottom while following, unless the reader scrolled up.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [visible, follow]);

  const options = useMemo(() => {
    const set = new Set(services);
    if (service) set.add(service);
    return [...set].sort();
  }, [services, service]);

  return (
    <section className="card log-card" aria-labelledby="env-logs-title" data-testid="log-viewer">
      <h2 id="env-logs-title" className="card-title">
        Logs
        <span className="count-pill" data-testid="log-count">
          {needle ? `${visible.length} of ${lines.length}` : lines.length}
        </span>
        <LogStatus status={status} />
      </h2>
      <div className="log-toolbar">
        <label className="log-control">
          <span className="visually-hidden">Service</span>
          <select data-testid="log-service" value={service} onChange={(e) => onServiceChange(e.target.value)}>
            <option value="">All services</option>
            {options.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="log-control log-filter">
          <span className="visually-hidden">Filter lines</span>
          <input
            type="search"
            data-testid="log-filter"
            placeholder="Filter lines…"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <label className="log-control log-follow">
          <input
            type="checkbox"
            data-testid="log-follow"
            checked={follow}
            onChange={(e) => {
              atBottom.current = true;
              setFollow(e.target.checked);
            }}
          />{' '}
          Follow
        </label>
        <button type="button" className="btn btn-small" data-testid="log-clear" onClick={reset} disabled={lines.length === 0}>
          Clear
        </button>
      </div>
      <div
        className="log-view"
        data-testid="log-lines"
        role="log"
        aria-live="off"
        tabIndex={0}
        ref={box}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {visible.length === 0 ? (
          <div className="log-empty muted" data-testid="log-empty">
            {lines.length ? 'No line matches the filter.' : status.kind === 'unavailable' ? 'No logs.' : 'No log lines yet.'}
          </div>
        ) : (
          visible.map((l) => (
            <div key={l.id} className={`log-line${l.stream === 'stderr' ? ' is-stderr' : ''}`} data-testid="log-line" data-service={l.service} data-stream={l.stream}>
              <span className="log-time" title={l.time}>
                {clock(l.time)}
              </span>
              <span className={`log-service svc-c${serviceColor(l.service)}`}>{l.service}</span>
              <span className="log-text">
                {splitMatches(l.text, needle).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
              </span>
            </div>
          ))
        )}
      </div>
    </section>
  );
}

function LogStatus({ status }: { status: StreamStatus }) {
  const text =
    status.kind === 'connecting'
      ? 'connecting…'
      : status.kind === 'live'
        ? 'live'
        : status.kind === 'paused'
          ? 'paused'
          : status.kind === 'stopped'
            ? 'environment stopped'
            : status.kind === 'ended'
            ? status.message
              ? `stream ended: ${status.message}`
              : 'stream ended'
            : status.message;
  return (
    <span className={`log-status log-status-${status.kind}`} data-testid="log-status" data-status={status.kind} title={text}>
      {text}
    </span>
  );
}

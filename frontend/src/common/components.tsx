import type { ReactNode } from 'react';
import type { EntitySummary } from '../catalog/types';
import { toBackendError, type BackendError, type ErrorKind, type Problem } from './backend';
import { displayName, kindKey, parseRef, shortRef } from './refs';
import { entityHref } from './router';

export function KindBadge({ kind, testId = 'kind-badge' }: { kind: string; testId?: string }) {
  return (
    <span className={`kind-badge kind-${kindKey(kind)}`} data-testid={testId}>
      {kind || 'Unknown'}
    </span>
  );
}

export function Tag({ children }: { children: ReactNode }) {
  return <span className="tag">{children}</span>;
}

export function Tags({ tags }: { tags: string[] }) {
  if (!tags.length) return <span className="muted">—</span>;
  return (
    <span className="tags">
      {tags.map((t) => (
        <Tag key={t}>{t}</Tag>
      ))}
    </span>
  );
}

/** Link to an entity page; shows the entity's title if known, else the short ref. */
export function EntityLink({
  entityRef,
  summary,
  testId,
  missing,
}: {
  entityRef: string;
  summary?: Pick<EntitySummary, 'name' | 'title'>;
  testId?: string;
  missing?: boolean;
}) {
  const label = summary ? displayName(summary) : shortRef(entityRef);
  if (missing) {
    return (
      <span className="entity-link is-missing" data-testid={testId} data-ref={entityRef} title={`${entityRef} is not in the catalog`}>
        {label} <span className="missing-note">not in catalog</span>
      </span>
    );
  }
  return (
    <a className="entity-link" href={entityHref(entityRef)} data-testid={testId} data-ref={entityRef} title={entityRef}>
      {label}
    </a>
  );
}

/** An optional ref field (owner/system): link, or a dash. */
export function RefValue({ value, testId }: { value?: string; testId?: string }) {
  if (!value) return <span className="muted">—</span>;
  const p = parseRef(value);
  return (
    <span className="ref-value">
      <EntityLink entityRef={value} testId={testId} />
      {p.kind && <span className="muted small"> ({p.kind})</span>}
    </span>
  );
}

const ERROR_TITLES: Record<ErrorKind, string> = {
  internal: 'Something went wrong.',
  invalid: 'That was not accepted.',
  not_found: 'Not found.',
  conflict: 'That clashes with what is there.',
  unavailable: 'A service Paved needs did not answer.',
  forbidden: 'Not allowed.',
  canceled: 'Cancelled.',
};

/** Where a problem is: "file:line", "file", "line 3" or "". */
export function problemPlace(p: Problem): string {
  if (p.file && p.line) return `${p.file}:${p.line}`;
  if (p.file) return p.file;
  if (p.line) return `line ${p.line}`;
  return '';
}

/** A backend error's problems, each with its place, field and fix. */
export function ProblemList({ problems, labels = {}, testId = 'error-problems' }: { problems: Problem[]; labels?: Record<string, string>; testId?: string }) {
  if (!problems.length) return null;
  return (
    <ul className="problem-list" data-testid={testId}>
      {problems.map((p, i) => {
        const place = problemPlace(p);
        return (
          <li key={i} data-field={p.field || undefined}>
            {place && <span className="mono small problem-place">{place}: </span>}
            {p.field && <span className="problem-field">{labels[p.field] ?? p.field}: </span>}
            {p.message}
            {p.fix && <span className="problem-fix"> — {p.fix}</span>}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * A failed call: a title saying what kind of failure it is, the message, and
 * the problems behind it when the backend sent them.
 */
export function ErrorBox({ error, onRetry }: { error: BackendError | string; onRetry?: () => void }) {
  const err = toBackendError(error);
  // The message repeats the problems one per line after its first line: show
  // that summary and the problems as a list instead.
  const message = err.problems.length ? err.message.split('\n')[0].replace(/:\s*$/, '') : err.message;
  return (
    <div className="error-box" role="alert" data-testid="error" data-kind={err.kind}>
      <strong>{ERROR_TITLES[err.kind]}</strong> <span className="error-message">{message}</span>
      <ProblemList problems={err.problems} />
      {onRetry && err.kind !== 'not_found' && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/**
 * A page's subject does not exist: say so plainly (no "something went
 * wrong", no retry), with the backend's words (close matches...) and where
 * to go instead.
 */
export function NotFoundBox({ error, children }: { error: BackendError; children: ReactNode }) {
  return (
    <div className="empty not-found" role="alert" data-testid="error" data-kind={error.kind}>
      <p>{children}</p>
      <p className="muted small error-message">{error.message}</p>
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function formatTime(iso?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 1971) return '—';
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function relativeTime(iso?: string, now = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

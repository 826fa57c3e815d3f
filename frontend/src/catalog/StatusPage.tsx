import { Fragment, useEffect, useState } from 'react';
import { toBackendError, type BackendError } from '../common/backend';
import { getStatus, onSyncProgress, sync } from './api';
import { ErrorBox, formatTime, Loading, problemPlace, relativeTime } from '../common/components';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import type { SourceStatus, SyncProgress, SyncResult } from './types';

export function StatusPage() {
  const { version, platform } = useCatalog();
  const { data, error, loading, reload } = useAsync(getStatus, [version]);
  const [syncing, setSyncing] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [results, setResults] = useState<SyncResult[] | null>(null);
  const [syncError, setSyncError] = useState<BackendError | null>(null);
  useDocumentTitle('Sync status', platform?.title);

  useEffect(() => onSyncProgress(setProgress), []);

  const runSync = () => {
    setSyncing(true);
    setSyncError(null);
    setResults(null);
    setProgress(null);
    sync('').then(
      (r) => {
        setResults(r);
        setSyncing(false);
        reload();
      },
      (err: unknown) => {
        setSyncError(toBackendError(err, 'Sync'));
        setSyncing(false);
        reload();
      },
    );
  };

  const totalEntities = (data ?? []).reduce((n, s) => n + s.entities, 0);
  const totalErrors = (data ?? []).reduce((n, s) => n + s.errors.length + (s.lastError ? 1 : 0), 0);

  return (
    <div className="page status-page">
      <div className="page-header">
        <div>
          <h1>Sync status</h1>
          {data && (
            <p className="muted">
              {data.length} {data.length === 1 ? 'source' : 'sources'} · {totalEntities} entities ·{' '}
              {totalErrors === 0 ? 'no errors' : `${totalErrors} ${totalErrors === 1 ? 'error' : 'errors'}`}
            </p>
          )}
        </div>
        <button type="button" className="btn btn-primary" onClick={runSync} disabled={syncing} data-testid="sync-now">
          {syncing ? 'Syncing…' : 'Sync now'}
        </button>
      </div>

      {syncing && <SyncProgressBar progress={progress} />}
      {syncError && <ErrorBox error={syncError} />}
      {results && <SyncResults results={results} />}

      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && data.length === 0 && <div className="empty">No catalog sources configured.</div>}
      {data && data.length > 0 && (
        <table className={`table status-table${loading ? ' is-stale' : ''}`} data-testid="status-table">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Kind</th>
              <th scope="col">Target</th>
              <th scope="col">Origin</th>
              <th scope="col">Last sync</th>
              <th scope="col">Commit</th>
              <th scope="col" className="num">
                Entities
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.map((s) => (
              <StatusRow key={s.name} s={s} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function StatusRow({ s }: { s: SourceStatus }) {
  const ok = !s.lastError && s.errors.length === 0;
  return (
    <Fragment>
      <tr data-testid="status-row" data-source={s.name} className={ok ? '' : 'has-errors'}>
        <th scope="row" className="mono">
          {s.name}
        </th>
        <td>
          <span className={`pill pill-${s.kind}`}>{s.kind}</span>
        </td>
        <td className="mono break small">
          {s.target || <span className="muted">—</span>}
          {s.ref && <span className="muted"> @ {s.ref}</span>}
          {s.subdir && <div className="muted">subdir: {s.subdir}</div>}
        </td>
        <td>{s.origin}</td>
        <td>
          {s.lastSyncAt ? (
            <span title={formatTime(s.lastSyncAt)}>{relativeTime(s.lastSyncAt) || formatTime(s.lastSyncAt)}</span>
          ) : (
            <span className="muted">never</span>
          )}
          {s.lastAttemptAt && s.lastAttemptAt !== s.lastSyncAt && (
            <div className="muted small" title={formatTime(s.lastAttemptAt)}>
              attempted {relativeTime(s.lastAttemptAt)}
            </div>
          )}
        </td>
        <td className="mono" title={s.commit}>
          {s.commit ? s.commit.slice(0, 8) : <span className="muted">—</span>}
        </td>
        <td className="num">
          <span data-testid="status-entities">{s.entities}</span>
          {s.files !== undefined && <div className="muted small">{s.files} files</div>}
        </td>
        <td>
          {s.lastError ? (
            <span className="status-bad" data-testid="status-last-error">
              ✕ {s.lastError}
            </span>
          ) : s.errors.length ? (
            <span className="status-warn">
              ⚠ {s.errors.length} file {s.errors.length === 1 ? 'error' : 'errors'}
            </span>
          ) : (
            <span className="status-ok">✓ OK</span>
          )}
        </td>
      </tr>
      {s.errors.length > 0 && (
        <tr className="error-detail-row">
          <td colSpan={8}>
            <ul className="file-errors" data-testid="file-errors">
              {s.errors.map((e, i) => (
                <li key={`${problemPlace(e)}:${i}`} data-field={e.field || undefined}>
                  <span className="mono">{problemPlace(e)}</span> {e.field && <span className="mono">{e.field}: </span>}
                  {e.message}
                  {e.fix && <span className="muted"> — {e.fix}</span>}
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function SyncProgressBar({ progress }: { progress: SyncProgress | null }) {
  const pct = progress && progress.total > 0 ? Math.min(100, Math.round((progress.current / progress.total) * 100)) : undefined;
  return (
    <div className="sync-progress" data-testid="sync-progress" role="status" aria-live="polite">
      <div className="sync-progress-text">
        {progress ? (
          <>
            <strong>{progress.source || 'catalog'}</strong> · {progress.stage}
            {progress.message && <span className="muted"> — {progress.message}</span>}
            {progress.total > 0 && (
              <span className="muted">
                {' '}
                ({progress.current}/{progress.total})
              </span>
            )}
          </>
        ) : (
          'Starting sync…'
        )}
      </div>
      <div
        className={`progress${pct === undefined ? ' is-indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label="Sync progress"
      >
        <div className="progress-bar" style={pct === undefined ? undefined : { width: `${pct}%` }} />
      </div>
    </div>
  );
}

function SyncResults({ results }: { results: SyncResult[] }) {
  const failed = results.filter((r) => r.error).length;
  return (
    <div className={`sync-results${failed ? ' has-failures' : ''}`} data-testid="sync-done" role="status">
      <strong>{failed ? `Sync finished with ${failed} failed ${failed === 1 ? 'source' : 'sources'}.` : 'Sync finished.'}</strong>
      <ul>
        {results.map((r) => (
          <li key={r.source}>
            <span className="mono">{r.source}</span>:{' '}
            {r.unchanged ? 'unchanged' : `${r.filesRead} files read, ${r.filesRemoved} removed`} · {r.entities} entities
            {r.commit && <span className="mono muted"> @ {r.commit.slice(0, 8)}</span>}
            {r.errors.length > 0 && <span className="status-warn"> · {r.errors.length} file errors</span>}
            {r.error && <span className="status-bad"> · failed: {r.error}</span>}
            <span className="muted"> · {Math.round(r.durationMs)} ms</span>
          </li>
        ))}
        {results.length === 0 && <li className="muted">No sources.</li>}
      </ul>
    </div>
  );
}

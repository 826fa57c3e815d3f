// #/envs: every local environment on this machine.

import { useEffect } from 'react';
import { EntityLink, ErrorBox, formatTime, Loading, relativeTime } from '../common/components';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import { envList, onEnvChanged } from './api';
import { EnvStateBadge } from './components';
import { envHref } from './routes';
import type { EnvSummary } from './types';

/** How often the list refreshes while open (changes made elsewhere, e.g. the CLI). */
export const ENV_LIST_POLL_MS = 5000;

const STATE_ORDER: Record<string, number> = { running: 0, starting: 1, partial: 2, stopped: 3 };

export function sortEnvironments(list: EnvSummary[]): EnvSummary[] {
  return [...list].sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.name.localeCompare(b.name));
}

export function EnvListPage() {
  const { platform } = useCatalog();
  useDocumentTitle('Environments', platform?.title);
  const { data, error, loading, reload } = useAsync(envList, []);

  useEffect(() => onEnvChanged(() => reload()), [reload]);
  useEffect(() => {
    const t = setInterval(reload, ENV_LIST_POLL_MS);
    return () => clearInterval(t);
  }, [reload]);

  const list = data ? sortEnvironments(data) : undefined;
  const running = (data ?? []).filter((e) => e.state !== 'stopped').length;
  return (
    <div className="page envs-page" data-testid="envs-page">
      <div className="page-header">
        <div>
          <h1>Environments</h1>
          <p className="muted">
            Local environments on this machine (Docker containers Paved started)
            {data && ` · ${running} of ${data.length} ${data.length === 1 ? 'is' : 'are'} up`}
          </p>
        </div>
        <button type="button" className="btn" onClick={reload} disabled={loading} data-testid="envs-refresh">
          Refresh
        </button>
      </div>
      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {list && list.length === 0 && (
        <div className="empty" data-testid="envs-empty">
          No environments yet. Open a component that has a <code>score.yaml</code> or <code>compose.yaml</code> and press{' '}
          <strong>Run locally</strong>, or run <code>paved env up</code> in its directory.
        </div>
      )}
      {list && list.length > 0 && (
        <table className={`table${loading ? ' is-stale' : ''}`} data-testid="envs-table">
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Running
              </th>
              <th scope="col">Component</th>
              <th scope="col">Directory</th>
              <th scope="col">Last up/down</th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => (
              <tr key={e.name} data-testid="envs-row" data-env={e.name} data-state={e.state}>
                <th scope="row">
                  <a className="mono" href={envHref(e.name)} data-testid="envs-link">
                    {e.name}
                  </a>
                </th>
                <td>
                  <EnvStateBadge state={e.state} testId="envs-state" />
                </td>
                <td className="num">
                  {e.running}/{e.services}
                </td>
                <td>{e.entity ? <EntityLink entityRef={e.entity} /> : <span className="muted">—</span>}</td>
                <td className="mono small break">{e.dir || <span className="muted">—</span>}</td>
                <td className="nowrap">
                  {e.updatedAt ? <span title={formatTime(e.updatedAt)}>{relativeTime(e.updatedAt) || formatTime(e.updatedAt)}</span> : <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import { ErrorBox, formatTime, Loading } from '../common/components';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import { getAudit } from './api';
import { kindKey } from '../common/refs';

export const AUDIT_LIMIT = 200;

export function AuditPage() {
  const { version, platform } = useCatalog();
  const { data, error, loading, reload } = useAsync(() => getAudit(AUDIT_LIMIT), [version]);
  useDocumentTitle('Audit log', platform?.title);
  return (
    <div className="page audit-page">
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Most recent {AUDIT_LIMIT} actions recorded on this machine.</p>
        </div>
        <button type="button" className="btn" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </div>
      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && data.length === 0 && (
        <div className="empty" data-testid="audit-empty">
          No audit entries yet.
        </div>
      )}
      {data && data.length > 0 && (
        <table className="table audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Outcome</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {data.map((a) => (
              <tr key={a.id} data-testid="audit-row">
                <td className="nowrap">{formatTime(a.at)}</td>
                <td>{a.actor}</td>
                <td className="mono">{a.action}</td>
                <td className="mono break">{a.target}</td>
                <td>
                  <span className={`outcome outcome-${kindKey(a.outcome)}`}>{a.outcome}</span>
                </td>
                <td className="break">{a.detail || <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

// #/env/<name>: one local environment: containers with state, health and
// ports, a live log viewer, restart per service, start and stop.

import { useEffect, useRef, useState } from 'react';
import { errorMessage, toBackendError, type BackendError } from '../common/backend';
import { EntityLink, ErrorBox, formatTime, Loading, relativeTime } from '../common/components';
import { useCatalog, useDocumentTitle } from '../common/hooks';
import { envExport, envPs, onEnvChanged } from './api';
import { EnvStateBadge, HealthBadge, OperationPanel, PortLink, ServiceStateBadge } from './components';
import { LogViewer } from './LogViewer';
import { clearOperation, startDown, startRestart, startUp, useOperation } from './operations';
import { ENVS_HREF } from './routes';
import type { EnvDeps, Environment, ExportResult, ServiceStatus } from './types';

/** How often the view asks EnvPs while open (the contract suggests 1–2 s). */
export const ENV_POLL_MS = 2000;

type Loaded = { env?: Environment; error?: BackendError; loading: boolean };

/** EnvPs now, then every ENV_POLL_MS, and again on "env:changed" for this environment. */
function useEnvironment(name: string, opRunning: boolean): Loaded & { refresh: () => void } {
  const [state, setState] = useState<Loaded>({ loading: true });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const env = await envPs(name);
        if (!cancelled) setState({ env, loading: false });
      } catch (err) {
        if (!cancelled) setState((s) => ({ env: s.env, error: toBackendError(err, 'EnvPs'), loading: false }));
      }
      if (!cancelled) timer = setTimeout(load, ENV_POLL_MS);
    };
    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [name, tick]);

  useEffect(
    () =>
      onEnvChanged((c) => {
        if (c.name === name) setTick((t) => t + 1);
      }),
    [name],
  );

  // An operation that just finished: show its outcome right away.
  const wasRunning = useRef(opRunning);
  useEffect(() => {
    if (wasRunning.current && !opRunning) setTick((t) => t + 1);
    wasRunning.current = opRunning;
  }, [opRunning]);

  return { ...state, refresh: () => setTick((t) => t + 1) };
}

/** Changes whenever a container is created, replaced or restarted. */
function containersKey(env: Environment | undefined): string {
  return (env?.services ?? [])
    .filter((s) => s.state === 'running')
    .map((s) => `${s.name}:${s.containerId ?? ''}:${s.startedAt ?? ''}`)
    .join(',');
}

export function EnvPage({ name }: { name: string }) {
  const { platform } = useCatalog();
  useDocumentTitle(`${name} · environment`, platform?.title);
  const op = useOperation(name);
  const busy = op?.running ?? false;
  const { env, error, refresh } = useEnvironment(name, busy);
  const [logService, setLogService] = useState('');
  const [removeVolumes, setRemoveVolumes] = useState(false);
  const logsRef = useRef<HTMLDivElement>(null);

  const breadcrumbs = (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <a href={ENVS_HREF}>Environments</a> <span aria-hidden="true">›</span> <span className="mono">{name}</span>
    </nav>
  );
  if (!env) {
    return (
      <div className="page env-page" data-testid="env-page" data-env={name}>
        {breadcrumbs}
        {error ? <ErrorBox error={error} onRetry={refresh} /> : <Loading />}
      </div>
    );
  }

  const ignore = () => undefined; // outcomes show in the operation panel
  const start = () => startUp(name, { target: env.dir || name, deps: (env.deps as EnvDeps) || 'none' }).catch(ignore);
  const stop = () => startDown(name, { target: name, volumes: removeVolumes }).catch(ignore);
  const restart = (service: string) => startRestart(name, name, service).catch(ignore);
  const showLogs = (service: string) => {
    setLogService(service);
    logsRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
  };
  const stopped = env.services.length === 0;
  const ready = env.services.filter((s) => s.ready).length;

  return (
    <div className="page env-page" data-testid="env-page" data-env={name} data-state={env.state}>
      {breadcrumbs}
      <div className="page-header">
        <div className="env-heading">
          <h1>
            <span data-testid="env-title">{name}</span> <EnvStateBadge state={env.state} />
          </h1>
          <p className="muted env-meta">
            {env.entity && (
              <span>
                Component <EntityLink entityRef={env.entity} testId="env-entity-link" />
              </span>
            )}
            {env.dir && (
              <span className="mono break" title={env.spec || env.dir}>
                {env.dir}
              </span>
            )}
            {!stopped && (
              <span data-testid="env-ready-count">
                {ready}/{env.services.length} ready
              </span>
            )}
            {env.deps && env.deps !== 'none' && <span>dependencies: {env.deps}</span>}
          </p>
        </div>
        <div className="env-actions">
          {env.state !== 'running' && (
            <button type="button" className="btn btn-primary" data-testid="env-up" onClick={start} disabled={busy}>
              {busy && op?.kind === 'up' ? 'Starting…' : stopped ? 'Start' : 'Start missing'}
            </button>
          )}
          {!stopped && (
            <>
              <button type="button" className="btn btn-danger" data-testid="env-stop" onClick={stop} disabled={busy}>
                {busy && op?.kind === 'down' ? 'Stopping…' : 'Stop'}
              </button>
              <label className="env-volumes small" title="Also remove the environment's named volumes (their data is lost)">
                <input
                  type="checkbox"
                  data-testid="env-stop-volumes"
                  checked={removeVolumes}
                  onChange={(e) => setRemoveVolumes(e.target.checked)}
                  disabled={busy}
                />{' '}
                remove volumes
              </label>
            </>
          )}
        </div>
      </div>

      {op && <OperationPanel op={op} onDismiss={busy ? undefined : () => clearOperation(name)} />}
      {error && (
        <div className="env-stale muted small" role="status" data-testid="env-refresh-error" title={error.message}>
          Could not refresh: {error.message}
        </div>
      )}
      {env.notes.length > 0 && (
        <ul className="env-notes" data-testid="env-notes">
          {env.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}

      {stopped ? (
        <div className="empty" data-testid="env-empty">
          No containers: the environment is stopped.
          {env.volumes.length > 0 && <div className="small">Kept volumes: {env.volumes.join(', ')}</div>}
        </div>
      ) : (
        <ServicesTable env={env} busy={busy} restarting={op?.running && op.kind === 'restart' ? op.service : undefined} onRestart={restart} onLogs={showLogs} />
      )}

      <div ref={logsRef}>
        <LogViewer
          env={name}
          services={env.services.map((s) => s.name)}
          service={logService}
          onServiceChange={setLogService}
          restartKey={containersKey(env)}
          active={!stopped}
        />
      </div>

      <ExportCard name={name} target={env.dir || name} />
    </div>
  );
}

function roleLabel(s: ServiceStatus): string {
  if (s.role === 'resource') return s.resource ? `resource · ${s.resource}` : 'resource';
  return s.role || 'service';
}

function ServicesTable({
  env,
  busy,
  restarting,
  onRestart,
  onLogs,
}: {
  env: Environment;
  busy: boolean;
  restarting?: string;
  onRestart: (service: string) => void;
  onLogs: (service: string) => void;
}) {
  return (
    <section className="card" aria-labelledby="env-services-title">
      <h2 id="env-services-title" className="card-title">
        Containers <span className="count-pill">{env.services.length}</span>
        {env.network && <span className="card-action muted small mono">network {env.network}</span>}
      </h2>
      <table className="table env-services" data-testid="service-table">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">State</th>
            <th scope="col">Health</th>
            <th scope="col">Ports</th>
            <th scope="col">Started</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {env.services.map((s) => (
            <tr
              key={s.name}
              data-testid="service-row"
              data-service={s.name}
              data-state={s.state}
              data-health={s.health}
              data-ready={String(s.ready)}
            >
              <th scope="row">
                <div className="env-svc-name">
                  <span className="mono">{s.name}</span> <span className={`pill env-role env-role-${s.role}`}>{roleLabel(s)}</span>
                </div>
                <div className="muted small mono truncate" title={s.image}>
                  {s.image}
                </div>
                {s.dependsOn.length > 0 && <div className="muted small">waits for {s.dependsOn.join(', ')}</div>}
                {s.outputs && Object.keys(s.outputs).length > 0 && (
                  <details className="env-outputs">
                    <summary className="small">outputs</summary>
                    <dl className="kv-list">
                      {Object.entries(s.outputs)
                        .sort(([a], [b]) => a.localeCompare(b))
                        .map(([k, v]) => (
                          <div key={k} className="kv">
                            <dt className="mono">{k}</dt>
                            <dd className="mono">{v}</dd>
                          </div>
                        ))}
                    </dl>
                  </details>
                )}
              </th>
              <td>
                <ServiceStateBadge state={s.state} />
              </td>
              <td>
                <HealthBadge health={s.health} ready={s.ready} />
              </td>
              <td>
                {s.ports.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  <ul className="env-ports">
                    {s.ports.map((p) => (
                      <li key={`${p.containerPort}/${p.protocol}`}>
                        <PortLink port={p} />
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="nowrap">
                {s.startedAt ? <span title={formatTime(s.startedAt)}>{relativeTime(s.startedAt) || formatTime(s.startedAt)}</span> : <span className="muted">—</span>}
              </td>
              <td className="env-row-actions">
                <button type="button" className="btn btn-small" data-testid="service-logs" onClick={() => onLogs(s.name)}>
                  Logs
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="service-restart"
                  onClick={() => onRestart(s.name)}
                  disabled={busy}
                  title={`Restart ${s.name} and wait until it is ready`}
                >
                  {restarting === s.name ? 'Restarting…' : 'Restart'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ExportCard({ name, target }: { name: string; target: string }) {
  const [open, setOpen] = useState(false);
  const [res, setRes] = useState<ExportResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!open || res) return;
    let cancelled = false;
    envExport(target).then(
      (r) => !cancelled && setRes(r),
      (err: unknown) => !cancelled && setError(errorMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [open, res, target]);
  return (
    <details className="card env-export" data-testid="env-export" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="card-title">Export as compose.yaml</summary>
      <div className="card-body">
        <p className="muted small">
          The same environment for <code>docker compose -p {name} up</code>: the escape hatch. Generated secrets are variables; the
          .env below has fresh values for them.
        </p>
        {error && <ErrorBox error={error} />}
        {!res && !error && open && <Loading />}
        {res && (
          <>
            <pre className="raw-yaml" data-testid="env-compose" tabIndex={0}>
              {res.compose}
            </pre>
            {res.dotEnv && (
              <>
                <h3 className="subheading">.env</h3>
                <pre className="raw-yaml" tabIndex={0}>
                  {res.dotEnv}
                </pre>
              </>
            )}
          </>
        )}
      </div>
    </details>
  );
}

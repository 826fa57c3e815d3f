// Small building blocks of the environment pages: badges, port links and the
// progress panel of a running up/down/restart.

import { ErrorBox } from '../common/components';
import { openExternal, safeHttpUrl } from './api';
import type { Operation } from './operations';
import type { DownResult, Environment, PortBinding } from './types';
import './env.css';

type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'busy';

export function envStateTone(state: string): Tone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'starting':
      return 'busy';
    case 'partial':
      return 'warn';
    default:
      return 'muted';
  }
}

export function containerStateTone(state: string): Tone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'created':
    case 'restarting':
    case 'paused':
      return 'warn';
    default:
      return 'bad'; // exited, dead, removing, missing
  }
}

export function healthTone(health: string): Tone {
  switch (health) {
    case 'healthy':
      return 'ok';
    case 'starting':
      return 'busy';
    case 'unhealthy':
      return 'bad';
    default:
      return 'muted';
  }
}

function Badge({ tone, children, testId, title, value }: { tone: Tone; children: React.ReactNode; testId?: string; title?: string; value: string }) {
  return (
    <span className={`env-badge is-${tone}`} data-testid={testId} data-value={value} title={title}>
      <span className="env-dot" aria-hidden="true" />
      {children}
    </span>
  );
}

export function EnvStateBadge({ state, testId = 'env-state' }: { state: string; testId?: string }) {
  return (
    <Badge tone={envStateTone(state)} testId={testId} value={state} title={`Environment ${state}`}>
      {state}
    </Badge>
  );
}

export function ServiceStateBadge({ state }: { state: string }) {
  return (
    <Badge tone={containerStateTone(state)} testId="service-state" value={state} title={`Container ${state}`}>
      {state}
    </Badge>
  );
}

export function HealthBadge({ health, ready }: { health: string; ready: boolean }) {
  const label = health === 'none' ? (ready ? 'answers' : 'no check') : health;
  const title =
    health === 'none'
      ? ready
        ? 'No health check; it answers on its port'
        : 'No health check'
      : `Health check: ${health}${ready ? '' : ' (not ready yet)'}`;
  const tone = health === 'none' ? (ready ? 'ok' : 'muted') : healthTone(health);
  return (
    <Badge tone={tone} testId="service-health" value={health} title={title}>
      {label}
    </Badge>
  );
}

/** A published port; tcp ports with a URL are links opened in the system browser. */
export function PortLink({ port }: { port: PortBinding }) {
  const text = `127.0.0.1:${port.hostPort}`;
  const detail = `→ ${port.containerPort}${port.protocol !== 'tcp' ? `/${port.protocol}` : ''}${port.name ? ` (${port.name})` : ''}`;
  const href = safeHttpUrl(port.url);
  if (!href || port.hostPort <= 0) {
    return (
      <span className="port" data-testid="port" data-host-port={port.hostPort}>
        <span className="mono">{port.hostPort > 0 ? text : 'not published'}</span> <span className="muted small">{detail}</span>
      </span>
    );
  }
  return (
    <span className="port">
      <a
        className="mono port-link"
        href={href}
        target="_blank"
        rel="noreferrer noopener"
        data-testid="port-link"
        data-host-port={port.hostPort}
        title={`Open ${href} in the browser`}
        onClick={(e) => {
          if (openExternal(href)) e.preventDefault();
        }}
      >
        {text}
      </a>{' '}
      <span className="muted small">{detail}</span>
    </span>
  );
}

function seconds(ms?: number): string {
  return ms && ms > 0 ? `${(ms / 1000).toFixed(1)} s` : '';
}

function doneText(op: Operation): string {
  if (op.kind === 'down') {
    const r = op.result as DownResult | undefined;
    if (!r) return 'Stopped.';
    const parts = [`removed ${r.containers.length} ${r.containers.length === 1 ? 'container' : 'containers'}`];
    if (r.volumes.length) parts.push(`and ${r.volumes.length} ${r.volumes.length === 1 ? 'volume' : 'volumes'}`);
    const kept = r.keptVolumes.length ? `; kept ${r.keptVolumes.length === 1 ? 'volume' : 'volumes'} ${r.keptVolumes.join(', ')}` : '';
    return `Stopped in ${seconds(r.durationMs) || 'no time'}: ${parts.join(' ')}${kept}.`;
  }
  const env = op.result as Environment | undefined;
  if (op.kind === 'restart') return `Restarted ${op.service}${env?.durationMs ? ` in ${seconds(env.durationMs)}` : ''}.`;
  if (!env) return 'Started.';
  const ready = env.services.filter((s) => s.ready).length;
  return `${env.state === 'running' ? 'Running' : `Environment ${env.state}`}: ${ready}/${env.services.length} services ready${env.durationMs ? ` in ${seconds(env.durationMs)}` : ''}.`;
}

const TITLES: Record<Operation['kind'], string> = { up: 'Starting', down: 'Stopping', restart: 'Restarting' };

/** Progress of an operation while it runs, then its outcome. */
export function OperationPanel({ op, onDismiss, children }: { op: Operation; onDismiss?: () => void; children?: React.ReactNode }) {
  if (!op.running) {
    if (op.error) {
      return (
        <div className="env-op is-failed" data-testid="env-op-error">
          <ErrorBox error={op.error} />
          {op.services.some((s) => s.failed) && <ServiceSteps op={op} />}
          {onDismiss && (
            <button type="button" className="btn btn-small" onClick={onDismiss}>
              Dismiss
            </button>
          )}
        </div>
      );
    }
    return (
      <div className="env-op is-done" data-testid="env-op-done" role="status">
        <span className="status-ok">✓</span> <span data-testid="env-op-done-text">{doneText(op)}</span>
        {children}
        {onDismiss && (
          <button type="button" className="btn-link small env-op-dismiss" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    );
  }
  const pct = op.total > 0 ? Math.round((op.current / op.total) * 100) : undefined;
  const title = `${TITLES[op.kind]} ${op.kind === 'restart' ? op.service : op.env}…`;
  return (
    <div className="env-op is-running" data-testid="env-progress" data-stage={op.stage} role="status" aria-live="polite">
      <div className="env-op-head">
        <span className="spinner" aria-hidden="true" />
        <strong>{title}</strong>
        {op.total > 0 && (
          <span className="muted small" data-testid="env-progress-count">
            {op.current}/{op.total} ready
          </span>
        )}
      </div>
      <div
        className={`progress${pct === undefined ? ' is-indeterminate' : ''}`}
        role="progressbar"
        aria-label={title}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress-bar" style={pct === undefined ? undefined : { width: `${pct}%` }} />
      </div>
      <div className="env-op-message small" data-testid="env-progress-message">
        {op.message || 'Waiting for the first step…'}
      </div>
      {op.services.length > 0 && <ServiceSteps op={op} />}
    </div>
  );
}

function ServiceSteps({ op }: { op: Operation }) {
  return (
    <ul className="env-steps">
      {op.services.map((s) => (
        <li
          key={s.service}
          data-testid="env-progress-service"
          data-service={s.service}
          data-stage={s.stage}
          className={s.failed ? 'is-failed' : s.ready ? 'is-ready' : ''}
          title={s.message}
        >
          <span className="env-step-icon" aria-hidden="true">
            {s.failed ? '✕' : s.ready ? '✓' : '•'}
          </span>
          <span className="mono">{s.service}</span> <span className="env-step-stage">{s.stage}</span>
        </li>
      ))}
    </ul>
  );
}

// "Run locally" on a component page: shown when EnvCanRun says the component
// has a workload spec; starts its environment and shows progress meanwhile.

import { useEffect, useState } from 'react';
import { useAsync } from '../common/hooks';
import { envHref } from './routes';
import type { EntityDetail } from '../catalog/types';
import { envCanRun, isMissingMethod, onEnvChanged } from './api';
import { EnvStateBadge, OperationPanel } from './components';
import { clearOperation, startUp, useOperation } from './operations';
import type { EnvDeps } from './types';

const DEPS_LABELS: Record<EnvDeps, string> = {
  none: 'without dependencies',
  direct: 'with direct dependencies',
  all: 'with all dependencies',
};

/**
 * The target to start a component's environment with. The contract takes the
 * component's ref, but the backend (internal/devenv locate.go, looksLikePath)
 * reads any target with a "/" as a directory, so "component:default/shop"
 * fails with "no such directory". Until that is fixed: the same ref without
 * the default namespace ("component:shop"), else the spec's directory.
 */
export function envTarget(ref: string, dir?: string): string {
  const m = /^([^:/]+):default\/([^/]+)$/i.exec(ref);
  if (m) return `${m[1]}:${m[2]}`;
  if (!ref.includes('/')) return ref;
  return dir || ref;
}

function hasComponentDependencies(e: EntityDetail): boolean {
  return e.relations.some((r) => r.type === 'dependsOn' && r.targetRef.toLowerCase().startsWith('component:'));
}

export function RunLocally({ entity }: { entity: EntityDetail }) {
  if (entity.kind.toLowerCase() !== 'component') return null;
  return <RunLocallyPanel entityRef={entity.ref} withDeps={hasComponentDependencies(entity)} />;
}

function RunLocallyPanel({ entityRef, withDeps }: { entityRef: string; withDeps: boolean }) {
  const [tick, setTick] = useState(0);
  const { data: info, error } = useAsync(() => envCanRun(entityRef), [entityRef, tick]);
  const [deps, setDeps] = useState<EnvDeps>('none');
  const envName = info?.environment || '';
  const last = useOperation(envName || undefined);
  // Stopping or restarting shows here while it runs; only a start stays afterwards.
  const op = last && (last.running || last.kind === 'up') ? last : undefined;
  const running = op?.running ?? false;

  // Keep the environment's state current when it changes (here or elsewhere).
  useEffect(
    () =>
      onEnvChanged((c) => {
        if (envName && c.name === envName) setTick((t) => t + 1);
      }),
    [envName],
  );

  if (error) {
    if (isMissingMethod(error)) return null; // a backend without local environments
    return (
      <span className="run-hint" data-testid="run-locally-error" title={error.message}>
        Local run unavailable
      </span>
    );
  }
  if (!info) return null;
  // Only a component with a workload spec of its own can start an environment.
  if (!info.canRun || (!info.dir && !info.spec)) {
    return (
      <span className="run-hint" data-testid="run-locally-hint" title={info.reason || 'No workload spec (score.yaml or compose.yaml)'}>
        <span aria-hidden="true">ⓘ</span> {info.image ? 'Runs only as a dependency' : 'No workload spec to run locally'}
        <span className="visually-hidden">: {info.reason}</span>
      </span>
    );
  }

  const start = () => {
    if (!envName) return;
    startUp(envName, { target: envTarget(entityRef, info.dir), deps }).then(
      () => setTick((t) => t + 1),
      () => setTick((t) => t + 1),
    );
  };
  const state = running && op?.kind === 'up' ? 'starting' : info.state || 'stopped';
  return (
    <>
      <button
        type="button"
        className="btn btn-primary"
        data-testid="run-locally"
        onClick={start}
        disabled={running || !envName}
        title={`Start ${info.spec || info.dir} and what it needs in Docker`}
      >
        {running && op?.kind === 'up' ? 'Starting…' : 'Run locally'}
      </button>
      {withDeps && (
        <label className="run-deps">
          <span className="visually-hidden">Dependencies to start too</span>
          <select data-testid="run-deps" value={deps} onChange={(e) => setDeps(e.target.value as EnvDeps)} disabled={running}>
            {(Object.keys(DEPS_LABELS) as EnvDeps[]).map((d) => (
              <option key={d} value={d}>
                {DEPS_LABELS[d]}
              </option>
            ))}
          </select>
        </label>
      )}
      {envName && (state !== 'stopped' || op) && (
        <a className="btn env-link" href={envHref(envName)} data-testid="env-link" title={`Environment ${envName}`}>
          Environment <EnvStateBadge state={state} testId="env-link-state" />
        </a>
      )}
      {op && (
        <div className="run-locally-panel">
          <OperationPanel op={op} onDismiss={op.running ? undefined : () => clearOperation(envName)}>
            {' '}
            <a href={envHref(envName)} data-testid="env-open">
              Open environment
            </a>
          </OperationPanel>
        </div>
      )}
    </>
  );
}

// The page shown after a scaffold: where the repository is, what to do next.

import { useState } from 'react';
import { callBackend, errorMessage } from '../common/backend';
import { EntityLink } from '../common/components';
import { openFolder } from './api';
import { useAsync } from '../common/hooks';
import { entityHref, parseHash } from '../common/router';
import { FileTree } from './FileTree';
import { safeHref } from './Markdown';
import type { NextAction, ScaffoldResult } from './types';

/**
 * The local-environment page for a target (an entity ref or a directory), when
 * the window has one (#/env/<target>, from the environments pages); else undefined.
 */
export function envHref(target: string): string | undefined {
  const href = `#/env/${encodeURIComponent(target)}`;
  return parseHash(href).name === 'notFound' ? undefined : href;
}

/**
 * Where "Run locally" goes for a new component: its environment's page, named
 * as EnvCanRun names it (the new directory if it names none). Undefined while
 * loading, without an environments page, or when the backend has no EnvCanRun.
 */
function useRunLocally(ref: string | undefined, dir: string): { href?: string; reason?: string } {
  const routed = envHref('x') !== undefined;
  const { data } = useAsync(
    () => (ref && routed ? callBackend('EnvCanRun', ref) : Promise.resolve(undefined)),
    [ref, routed],
  );
  if (!data) return {};
  if (!data.canRun) return { reason: data.reason };
  return { href: envHref(data.environment || data.dir || dir) };
}

function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  if (!navigator.clipboard) return null;
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => undefined,
        )
      }
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

function Command({ command, dir }: { command: string; dir?: string }) {
  const full = dir ? `cd ${shellQuote(dir)} && ${command}` : command;
  return (
    <div className="gp-command">
      <code className="mono" data-testid="next-action-command">
        {command}
      </code>
      <CopyButton text={full} label="Copy command" />
    </div>
  );
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function OpenFolderAction({ dir }: { dir: string }) {
  const [state, setState] = useState<'idle' | 'opening' | 'opened' | string>('idle');
  const open = () => {
    setState('opening');
    openFolder(dir).then(
      () => setState('opened'),
      (err: unknown) => setState(errorMessage(err)),
    );
  };
  const failed = !['idle', 'opening', 'opened'].includes(state);
  return (
    <>
      <button type="button" className="btn btn-small" onClick={open} disabled={state === 'opening'} data-testid="open-folder">
        {state === 'opening' ? 'Opening…' : 'Open the folder'}
      </button>
      {state === 'opened' && <span className="muted small"> Opened in the file manager.</span>}
      {failed && (
        <span className="gp-inline-error small" role="alert">
          {' '}
          {state}
        </span>
      )}
    </>
  );
}

function RunLocallyAction({ a, result }: { a: NextAction; result: ScaffoldResult }) {
  const run = useRunLocally(a.entityRef || result.catalogRef, result.dir);
  return (
    <>
      <div className="gp-action-title">{a.title}</div>
      <div className="gp-action-body">
        {run.href && (
          <a className="btn btn-small btn-primary" href={run.href} data-testid="run-locally-link">
            Run locally
          </a>
        )}
        {a.command && <Command command={a.command} dir={a.dir} />}
        {run.reason && <span className="muted small">{run.reason}</span>}
      </div>
    </>
  );
}

function NextActionItem({ a, result }: { a: NextAction; result: ScaffoldResult }) {
  const ref = a.entityRef || result.catalogRef;
  switch (a.id) {
    case 'open-folder':
      return (
        <>
          <div className="gp-action-title">{a.title}</div>
          <div className="gp-action-body">
            <span className="mono small break">{a.dir || result.dir}</span> <OpenFolderAction dir={a.dir || result.dir} />
          </div>
        </>
      );
    case 'view-in-catalog':
      return (
        <>
          <div className="gp-action-title">{a.title}</div>
          <div className="gp-action-body">
            {ref ? (
              <a className="btn btn-small" href={entityHref(ref)} data-testid="result-entity-link" data-ref={ref}>
                Open {ref}
              </a>
            ) : null}
          </div>
        </>
      );
    case 'run-locally':
      return <RunLocallyAction a={a} result={result} />;
    default:
      return (
        <>
          <div className="gp-action-title">{a.title}</div>
          <div className="gp-action-body">
            {a.command && <Command command={a.command} dir={a.dir} />}
            {a.entityRef && <EntityLink entityRef={a.entityRef} />}
          </div>
        </>
      );
  }
}

export function ScaffoldResultView({ result, title }: { result: ScaffoldResult; title: string }) {
  const links = result.links.filter((l) => l.entityRef || safeHref(l.url));
  // "Run locally" appears even when the template has no `make run`, if the
  // component is registered and the window has environment pages.
  const actions = [...result.nextActions];
  if (!actions.some((a) => a.id === 'run-locally') && result.catalogRef && envHref('x')) {
    actions.splice(1, 0, { id: 'run-locally', title: 'Run it locally', entityRef: result.catalogRef });
  }
  return (
    <div className="gp-result" data-testid="scaffold-result" data-dir={result.dir}>
      <section className="gp-result-banner" aria-labelledby="gp-result-title">
        <span className="gp-result-check" aria-hidden="true">
          ✓
        </span>
        <div>
          <h2 id="gp-result-title">{title} is ready</h2>
          <p className="gp-result-dir">
            <span className="muted">Created in </span>
            <span className="mono break" data-testid="result-dir">
              {result.dir}
            </span>{' '}
            <CopyButton text={result.dir} label="Copy path" />
          </p>
          <p className="muted small">
            {result.files.length} files
            {result.commit && (
              <>
                {' '}
                · first commit <span className="mono" data-testid="result-commit">{result.commit.slice(0, 12)}</span>
              </>
            )}
            {result.branch && <> on {result.branch}</>}
            {result.remote && (
              <>
                {' '}
                · pushed to <span className="mono">{result.remote}</span>
              </>
            )}
            {result.durationMs > 0 && <> · {result.durationMs < 1000 ? `${Math.round(result.durationMs)} ms` : `${(result.durationMs / 1000).toFixed(1)} s`}</>}
          </p>
        </div>
      </section>

      <div className="gp-result-grid">
        <div>
          <section className="card" aria-labelledby="gp-next-title">
            <h2 id="gp-next-title" className="card-title">
              Next steps
            </h2>
            <ul className="gp-actions" data-testid="next-actions">
              {actions.map((a, i) => (
                <li key={`${a.id}-${i}`} data-testid="next-action" data-id={a.id}>
                  <NextActionItem a={a} result={result} />
                </li>
              ))}
              {!actions.length && <li className="muted">Nothing else to do.</li>}
            </ul>
          </section>
          {links.length > 0 && (
            <section className="card" aria-labelledby="gp-links-title">
              <h2 id="gp-links-title" className="card-title">
                Links
              </h2>
              <ul className="card-body link-list gp-links" data-testid="result-links">
                {links.map((l, i) => {
                  const href = l.url ? safeHref(l.url) : undefined;
                  return (
                    <li key={i}>
                      {l.entityRef ? (
                        <a href={entityHref(l.entityRef)} data-ref={l.entityRef}>
                          {l.title || l.entityRef}
                        </a>
                      ) : (
                        <a href={href} target="_blank" rel="noreferrer noopener">
                          {l.title || l.url}
                        </a>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
          {result.log.length > 0 && (
            <section className="card" aria-labelledby="gp-log-title">
              <h2 id="gp-log-title" className="card-title">
                Log
              </h2>
              <pre className="gp-log" data-testid="result-log">
                {result.log.join('\n')}
              </pre>
            </section>
          )}
        </div>
        <section className="card" aria-labelledby="gp-files-title">
          <h2 id="gp-files-title" className="card-title">
            Files <span className="count-pill">{result.files.length}</span>
          </h2>
          <div className="gp-result-tree">
            <FileTree files={result.files} testId="result-tree" label="Files created" />
          </div>
        </section>
      </div>
    </div>
  );
}

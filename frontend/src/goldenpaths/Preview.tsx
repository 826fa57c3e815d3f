// Live file preview: a debounced ScaffoldPreview call as the form changes, shown
// as a file tree and the selected file's content.

import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../common/backend';
import { scaffoldPreview } from './api';
import { FileTree, formatSize } from './FileTree';
import type { Preview, PreviewFile } from './types';

/** How long the form must be still before the preview is refreshed (the contract suggests ~200 ms). */
export const PREVIEW_DEBOUNCE_MS = 200;

export type PreviewState = {
  preview?: Preview;
  /** The call itself failed (not: values unfinished, that is preview.problems). */
  error?: string;
  loading: boolean;
};

/**
 * Preview the files `template` would produce with `values`, at most once per
 * quiet `delayMs`; results of superseded calls are dropped.
 */
export function usePreview(template: string, values: Record<string, unknown>, enabled = true, delayMs = PREVIEW_DEBOUNCE_MS): PreviewState {
  const [state, setState] = useState<PreviewState>({ loading: true });
  const seq = useRef(0);
  // Values are compared by content: a new object with the same answers does not refetch.
  const key = JSON.stringify(values);
  useEffect(() => {
    if (!enabled) return;
    const id = ++seq.current;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    const timer = setTimeout(() => {
      scaffoldPreview({ template, values: JSON.parse(key) as Record<string, unknown> }).then(
        (preview) => {
          if (id === seq.current) setState({ preview, loading: false });
        },
        (err: unknown) => {
          if (id === seq.current) setState((s) => ({ preview: s.preview, error: errorMessage(err), loading: false }));
        },
      );
    }, delayMs);
    return () => clearTimeout(timer);
  }, [template, key, enabled, delayMs]);
  return state;
}

const PREFERRED = ['README.md', 'catalog-info.yaml'];

export function defaultSelection(files: PreviewFile[]): string | undefined {
  for (const p of PREFERRED) if (files.some((f) => f.path === p)) return p;
  return files[0]?.path;
}

export function PreviewPanel({ state, labels }: { state: PreviewState; labels: Record<string, string> }) {
  const files = state.preview?.files ?? [];
  const [chosen, setChosen] = useState<string | undefined>();
  const selected = chosen && files.some((f) => f.path === chosen) ? chosen : defaultSelection(files);
  const file = files.find((f) => f.path === selected);
  const problems = state.preview?.problems ?? [];
  const totalSize = files.reduce((n, f) => n + f.size, 0);

  return (
    <section className="card gp-preview" aria-labelledby="gp-preview-title" data-testid="preview-panel">
      <h2 id="gp-preview-title" className="card-title">
        Preview
        {state.preview && (
          <span className="count-pill" data-testid="preview-count">
            {files.length}
          </span>
        )}
        <span className="card-action muted small gp-preview-status" data-testid="preview-status" data-state={state.loading ? 'loading' : 'ready'}>
          {state.loading ? (
            <>
              <span className="spinner spinner-inline" aria-hidden="true" /> Updating…
            </>
          ) : state.preview ? (
            `${files.length} files · ${formatSize(totalSize)}`
          ) : null}
        </span>
      </h2>
      {state.error && (
        <div className="gp-preview-note is-error" role="alert" data-testid="preview-error">
          Preview failed: {state.error}
        </div>
      )}
      {state.preview?.error && (
        <div className="gp-preview-note is-warn" data-testid="preview-error">
          Not everything can be rendered yet: {state.preview.error}
        </div>
      )}
      {problems.length > 0 && (
        <div className="gp-preview-note" data-testid="preview-problems">
          <strong>Still to fill in:</strong>
          <ul>
            {problems.map((p, i) => (
              <li key={`${p.field}-${i}`} data-field={p.field}>
                {p.field ? <span className="gp-problem-field">{labels[p.field] ?? p.field}</span> : null}
                {p.field ? ': ' : ''}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!state.preview && !state.error ? (
        <div className="card-body muted">Rendering the template…</div>
      ) : files.length === 0 ? (
        <div className="card-body muted">No files.</div>
      ) : (
        <div className="gp-preview-body">
          <div className="gp-preview-tree">
            <FileTree files={files} selected={selected} onSelect={setChosen} testId="preview-tree" label="Files to be created" />
          </div>
          <div className="gp-preview-file">
            {file && (
              <>
                <div className="gp-preview-path mono small">
                  <span className="truncate">{file.path}</span>
                  <span className="muted">
                    {formatSize(file.size)}
                    {file.mode & 0o111 ? ' · executable' : ''}
                  </span>
                </div>
                {file.binary ? (
                  <div className="gp-preview-binary muted" data-testid="preview-content" data-path={file.path}>
                    Binary file ({formatSize(file.size)}), not shown.
                  </div>
                ) : (
                  <pre className="gp-preview-content" data-testid="preview-content" data-path={file.path} tabIndex={0}>
                    {file.content ?? ''}
                    {file.truncated && <span className="gp-truncated">{'\n'}… (cut for the preview)</span>}
                  </pre>
                )}
              </>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

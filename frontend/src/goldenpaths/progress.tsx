// Step progress of a scaffold, driven by "goldenpath:progress" events.
//
// A scaffold reports: validate, render, one "step" per template step whose
// work is in memory, write (files moved into place), then the steps that need
// the files on disk (publish:git, catalog:register), maybe register, and done.
// Rows are shown in that order; whichever row the latest event names is
// running, the one before it is done. A step event names its template step
// by id in `item` (older backends: only by number, in `current`); `detail`
// is raw output, shown under the row it is about.

import type { GoldenPathProgress, ScaffoldResult, StepInfo } from './types';

export type RowState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export type ProgressRow = {
  id: string;
  label: string;
  /** The template step's id (progress events name it in `item`). */
  stepId?: string;
  /** The action of a template step. */
  action?: string;
  state: RowState;
  /** Last sub-stage message (git, push, register...) reported while this row ran. */
  detail?: string;
  /** Last line of raw output (an event's `detail`) behind this row. */
  output?: string;
};

export type ProgressState = {
  rows: ProgressRow[];
  current?: string;
  message: string;
  finished: boolean;
  failed: boolean;
};

const STAGE_ROWS: Record<string, string> = { validate: 'validate', render: 'render', write: 'write' };

/** Actions that run once the files are on disk (internal/goldenpath/actions: Phase Effect). */
export const EFFECT_ACTIONS = new Set(['publish:git', 'catalog:register']);

export function initialProgress(steps: StepInfo[]): ProgressState {
  const row = (s: StepInfo, i: number): ProgressRow => ({
    id: `step:${i + 1}`,
    label: s.name || s.id || s.action,
    stepId: s.id || undefined,
    action: s.action,
    state: 'pending',
  });
  const rows = steps.map(row);
  return {
    rows: [
      { id: 'validate', label: 'Check the values', state: 'pending' },
      { id: 'render', label: 'Render the template', state: 'pending' },
      ...rows.filter((r) => !EFFECT_ACTIONS.has(r.action ?? '')),
      { id: 'write', label: 'Write the files', state: 'pending' },
      ...rows.filter((r) => EFFECT_ACTIONS.has(r.action ?? '')),
    ],
    message: 'Starting…',
    finished: false,
    failed: false,
  };
}

/** Fold one progress event into the state. */
export function applyProgress(s: ProgressState, ev: GoldenPathProgress): ProgressState {
  if (s.finished) return s;
  const message = ev.message || s.message;
  if (ev.stage === 'done') {
    return {
      ...s,
      rows: s.rows.map((r) => (r.state === 'failed' || r.state === 'skipped' ? r : { ...r, state: 'done' })),
      current: undefined,
      message,
      finished: true,
    };
  }
  let rows = s.rows;
  const rowId = ev.stage === 'step' ? stepRowId(rows, ev) : STAGE_ROWS[ev.stage];
  const output = lastLine(ev.detail);
  if (!rowId) {
    // A sub-stage (git, push, register...) or raw output: note it on the row
    // it names, else the running one.
    const target = (ev.item && rows.find((r) => r.stepId === ev.item)?.id) || s.current;
    rows = rows.map((r) => (r.id === target ? { ...r, ...(ev.message ? { detail: ev.message } : {}), ...(output ? { output } : {}) } : r));
    return { ...s, rows, message };
  }
  if (!rows.some((r) => r.id === rowId)) {
    // A step the template detail did not list: add it after the running row.
    const label = (ev.item ? ev.message || ev.item : ev.message.replace(/^Step \d+\/\d+\s+/, '')) || rowId;
    const at = rows.findIndex((r) => r.id === s.current) + 1 || rows.findIndex((r) => r.id === 'write');
    rows = [...rows.slice(0, at), { id: rowId, label, stepId: ev.item || undefined, state: 'pending' }, ...rows.slice(at)];
  }
  rows = rows.map((r) => {
    if (r.id === rowId) return { ...r, state: 'running', detail: undefined, output };
    if (r.id === s.current && r.state === 'running') return { ...r, state: 'done' };
    return r;
  });
  // Everything before validate/render is done by then too (events may be missed).
  if (rowId === 'render' || rowId === 'write') {
    const idx = rows.findIndex((r) => r.id === rowId);
    rows = rows.map((r, i) => (i < idx && r.state === 'pending' && !r.id.startsWith('step:') ? { ...r, state: 'done' } : r));
  }
  return { ...s, rows, current: rowId, message };
}

/** The row a "step" event is about: by step id when the event names one, else by number. */
function stepRowId(rows: ProgressRow[], ev: GoldenPathProgress): string {
  if (ev.item) return rows.find((r) => r.stepId === ev.item)?.id ?? `step:@${ev.item}`;
  return `step:${ev.current}`;
}

function lastLine(text: string | undefined): string | undefined {
  const lines = (text ?? '').split('\n').filter((l) => l.trim() !== '');
  return lines.length ? lines[lines.length - 1] : undefined;
}

/** The scaffold failed: the running row failed. */
export function failProgress(s: ProgressState, error: string): ProgressState {
  return {
    ...s,
    rows: s.rows.map((r) => (r.id === s.current || (!s.current && r.id === 'validate') ? { ...r, state: 'failed', detail: error } : r)),
    message: error,
    finished: true,
    failed: true,
  };
}

/** The scaffold finished: every row done, skipped steps marked. */
export function completeProgress(s: ProgressState, res: ScaffoldResult): ProgressState {
  const skippedIds = new Set(res.steps.filter((st) => st.skipped).map((st) => st.id));
  const skippedRows = new Set(res.steps.map((st, i) => (st.skipped ? `step:${i + 1}` : '')).filter(Boolean));
  const skipped = (r: ProgressRow) => (r.stepId ? skippedIds.has(r.stepId) : skippedRows.has(r.id));
  return {
    ...s,
    rows: s.rows.map((r) => ({ ...r, state: skipped(r) ? 'skipped' : 'done' })),
    current: undefined,
    message: `Created ${res.dir}`,
    finished: true,
    failed: false,
  };
}

export function progressFraction(s: ProgressState): number {
  if (!s.rows.length) return 0;
  const done = s.rows.filter((r) => r.state === 'done' || r.state === 'skipped').length;
  const running = s.rows.some((r) => r.state === 'running') ? 0.5 : 0;
  return Math.min(1, (done + running) / s.rows.length);
}

const ICON: Record<RowState, string> = { pending: '○', running: '', done: '✓', skipped: '–', failed: '✕' };

export function ScaffoldProgress({ state }: { state: ProgressState }) {
  const pct = Math.round(progressFraction(state) * 100);
  return (
    <section className="card gp-progress" aria-labelledby="gp-progress-title" data-testid="scaffold-progress">
      <h2 id="gp-progress-title" className="card-title">
        {state.failed ? 'Scaffold failed' : state.finished ? 'Done' : 'Creating…'}
      </h2>
      <div className="card-body">
        <div
          className={`progress gp-progress-bar${state.failed ? ' is-failed' : ''}`}
          role="progressbar"
          aria-label="Scaffold progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <div className="progress-bar" style={{ width: `${pct}%` }} />
        </div>
        <p className="gp-progress-message muted" data-testid="progress-message" aria-live="polite">
          {state.message}
        </p>
        <ol className="gp-progress-steps">
          {state.rows.map((r) => (
            <li key={r.id} className={`is-${r.state}`} data-testid="progress-step" data-id={r.id} data-state={r.state}>
              <span className="gp-progress-icon" aria-hidden="true">
                {r.state === 'running' ? <span className="spinner spinner-inline" /> : ICON[r.state]}
              </span>
              <span className="gp-progress-label">
                {r.label}
                {r.action && <span className="mono muted small"> {r.action}</span>}
                {r.detail && <span className="gp-progress-detail small">{r.detail}</span>}
                {r.output && (
                  <span className="gp-progress-output mono small" data-testid="progress-output">
                    {r.output}
                  </span>
                )}
              </span>
              <span className="visually-hidden"> ({r.state})</span>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

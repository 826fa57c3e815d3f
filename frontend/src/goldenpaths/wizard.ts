// The golden-path wizard's state: one reducer with explicit phases.
//
//   form ──(last page submitted)──▶ review ──create──▶ scaffolding ──▶ done
//     ▲                               │                     │
//     └────────── goTo / back ────────┘                     └──▶ failed ──backToForm──▶ form | review
//
// `form` walks the parameter pages (step < pages.length), `review` is the last
// step (answers, output folder, push remote; the live preview runs in both).
// Scaffold refusals arrive as problems whose `field` names a parameter: they
// are kept per field and shown on that field until its value changes.
//
// Rules: pure (no calls, no timers); the output folder stays "" unless the
// person types one, which means "the backend's default folder" (the backend
// owns that rule); values are only ever the person's answers over the
// template's defaults.

import type { BackendError, Problem } from '../common/backend';
import { applyProgress, completeProgress, failProgress, initialProgress, type ProgressState } from './progress';
import type { GoldenPathProgress, ScaffoldRequest, ScaffoldResult, TemplateDetail } from './types';

export type Values = Record<string, unknown>;

export type WizardPhase = 'form' | 'review' | 'scaffolding' | 'done' | 'failed';

export type WizardState = {
  phase: WizardPhase;
  /** The page shown: 0..pages-1, or pages (the review). */
  step: number;
  /** The furthest step reached (the stepper lets the person go back to any of them). */
  reached: number;
  /** Pages validated as the person types (after a first failed submit). */
  live: readonly number[];
  values: Values;
  /** The backend's refusals, by parameter name (field paths under it kept whole). */
  fieldErrors: Readonly<Record<string, readonly FieldError[]>>;
  /** "" = the backend's default folder. */
  outDir: string;
  push: string;
  tab: 'create' | 'readme';
  progress: ProgressState;
  result?: ScaffoldResult;
  /** Why the scaffold failed. */
  error?: BackendError;
};

/** A refusal of one field: its dotted path ("name", "ports[0].host") and message. */
export type FieldError = { path: string; message: string };

/** What the reducer needs to know about the template. */
export type WizardTemplate = {
  name: string;
  /** Top-level parameter names, per page. */
  pages: readonly (readonly string[])[];
  defaults: Values;
  steps: TemplateDetail['steps'];
};

export type WizardAction =
  | { type: 'tab'; tab: 'create' | 'readme' }
  /** Show a step the person reached before (or the next one after a valid page). */
  | { type: 'goTo'; step: number }
  | { type: 'back' }
  /** A page's form changed: its fields' values are `data`. */
  | { type: 'pageChanged'; page: number; data: Values }
  /** A page was submitted with errors: validate it live from now on. */
  | { type: 'pageInvalid'; page: number }
  | { type: 'outDir'; value: string }
  | { type: 'push'; value: string }
  | { type: 'create' }
  | { type: 'progress'; event: GoldenPathProgress }
  | { type: 'created'; result: ScaffoldResult }
  | { type: 'failed'; error: BackendError }
  | { type: 'backToForm' }
  | { type: 'reset' };

export function initialWizard(t: WizardTemplate): WizardState {
  return {
    phase: t.pages.length ? 'form' : 'review',
    step: 0,
    reached: 0,
    live: [],
    values: { ...t.defaults },
    fieldErrors: {},
    outDir: '',
    push: '',
    tab: 'create',
    progress: initialProgress(t.steps),
  };
}

/** The top-level parameter of a problem's field path: "ports[0].host" → "ports". */
export function fieldRoot(path: string): string {
  return path.split(/[.[]/, 1)[0];
}

/** Problems that name a parameter of the template, by parameter. */
export function errorsByField(problems: readonly Problem[], t: WizardTemplate): Record<string, FieldError[]> {
  const known = new Set(t.pages.flat());
  const out: Record<string, FieldError[]> = {};
  for (const p of problems) {
    if (!p.field) continue;
    const root = fieldRoot(p.field);
    if (known.has(root)) (out[root] ??= []).push({ path: p.field, message: p.message });
  }
  return out;
}

/** The first page with a refused field, or -1. */
export function firstPageWithErrors(s: WizardState, t: WizardTemplate): number {
  return t.pages.findIndex((fields) => fields.some((f) => s.fieldErrors[f]?.length));
}

function goTo(s: WizardState, t: WizardTemplate, step: number): WizardState {
  const to = Math.max(0, Math.min(step, t.pages.length));
  return { ...s, step: to, reached: Math.max(s.reached, to), phase: to === t.pages.length ? 'review' : 'form' };
}

const editing = (s: WizardState) => s.phase === 'form' || s.phase === 'review';

export function wizardReducer(t: WizardTemplate, s: WizardState, a: WizardAction): WizardState {
  switch (a.type) {
    case 'tab':
      return { ...s, tab: a.tab };
    case 'goTo':
      if (!editing(s) || a.step > s.reached + 1) return s;
      return goTo(s, t, a.step);
    case 'back':
      return editing(s) && s.step > 0 ? goTo(s, t, s.step - 1) : s;
    case 'pageChanged': {
      const fields = t.pages[a.page];
      if (!fields || !editing(s)) return s;
      const values: Values = {};
      for (const [k, v] of Object.entries(s.values)) if (!fields.includes(k)) values[k] = v;
      for (const [k, v] of Object.entries(a.data)) if (v !== undefined) values[k] = v;
      // A refusal stands until the person changes that value.
      let fieldErrors = s.fieldErrors;
      for (const f of fields) {
        if (fieldErrors[f] && JSON.stringify(values[f]) !== JSON.stringify(s.values[f])) {
          const { [f]: _gone, ...rest } = fieldErrors;
          fieldErrors = rest;
        }
      }
      return { ...s, values, fieldErrors };
    }
    case 'pageInvalid':
      return s.live.includes(a.page) ? s : { ...s, live: [...s.live, a.page] };
    case 'outDir':
      return { ...s, outDir: a.value };
    case 'push':
      return { ...s, push: a.value };
    case 'create':
      if (s.phase !== 'review') return s;
      return { ...s, phase: 'scaffolding', error: undefined, result: undefined, progress: initialProgress(t.steps) };
    case 'progress':
      return s.phase === 'scaffolding' ? { ...s, progress: applyProgress(s.progress, a.event) } : s;
    case 'created':
      if (s.phase !== 'scaffolding') return s;
      return { ...s, phase: 'done', result: a.result, progress: completeProgress(s.progress, a.result) };
    case 'failed':
      if (s.phase !== 'scaffolding') return s;
      return {
        ...s,
        phase: 'failed',
        error: a.error,
        fieldErrors: errorsByField(a.error.problems, t),
        progress: failProgress(s.progress, a.error.message),
      };
    case 'backToForm': {
      if (s.phase !== 'failed') return s;
      const bad = firstPageWithErrors(s, t);
      return goTo({ ...s, error: undefined }, t, bad >= 0 ? bad : t.pages.length);
    }
    case 'reset':
      return initialWizard(t);
  }
}

/** What Scaffold is asked for: blank folder and remote are left out. */
export function scaffoldRequest(t: WizardTemplate, s: WizardState): ScaffoldRequest {
  const req: ScaffoldRequest = { template: t.name, values: s.values };
  if (s.outDir.trim()) req.outDir = s.outDir.trim();
  if (s.push.trim()) req.push = s.push.trim();
  return req;
}

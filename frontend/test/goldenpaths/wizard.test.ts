import { describe, expect, it } from 'vitest';
import { BackendError } from '../../src/common/backend';
import { pageErrorSchema } from '../../src/goldenpaths/GoldenPathPage';
import type { GoldenPathProgress, ScaffoldResult } from '../../src/goldenpaths/types';
import {
  errorsByField,
  fieldRoot,
  initialWizard,
  scaffoldRequest,
  wizardReducer,
  type WizardAction,
  type WizardState,
  type WizardTemplate,
} from '../../src/goldenpaths/wizard';

const T: WizardTemplate = {
  name: 'go-service',
  pages: [
    ['name', 'owner'],
    ['port', 'ports'],
  ],
  defaults: { port: 8080 },
  steps: [
    { id: 'fetch', action: 'fetch:template' },
    { id: 'publish', action: 'publish:git' },
  ],
};

const run = (...actions: WizardAction[]): WizardState => actions.reduce((s, a) => wizardReducer(T, s, a), initialWizard(T));

const toReview: WizardAction[] = [
  { type: 'pageChanged', page: 0, data: { name: 'orders-api', owner: 'team-a' } },
  { type: 'goTo', step: 1 },
  { type: 'goTo', step: 2 },
];

const RESULT = { dir: '/home/dev/src/orders-api', steps: [{ id: 'fetch', action: 'fetch:template' }] } as ScaffoldResult;

describe('the golden-path wizard', () => {
  it('starts on the first page with the defaults and no folder of its own', () => {
    const s = initialWizard(T);
    expect(s).toMatchObject({ phase: 'form', step: 0, reached: 0, values: { port: 8080 }, outDir: '', push: '', tab: 'create' });
    expect(s.values).not.toBe(T.defaults);
    // A template without parameters goes straight to the review.
    expect(initialWizard({ ...T, pages: [] }).phase).toBe('review');
  });

  it('walks the pages to the review, and back only to steps reached', () => {
    let s = run({ type: 'goTo', step: 2 });
    expect(s.step).toBe(0); // two pages ahead: refused
    s = run(...toReview);
    expect(s).toMatchObject({ phase: 'review', step: 2, reached: 2 });
    s = wizardReducer(T, s, { type: 'back' });
    expect(s).toMatchObject({ phase: 'form', step: 1, reached: 2 });
    s = wizardReducer(T, s, { type: 'goTo', step: 2 });
    expect(s.phase).toBe('review');
    expect(wizardReducer(T, run(), { type: 'back' }).step).toBe(0);
  });

  it('keeps each page’s answers over the others and drops cleared ones', () => {
    let s = run({ type: 'pageChanged', page: 0, data: { name: 'a', owner: 'o' } }, { type: 'pageChanged', page: 1, data: { port: 9090 } });
    expect(s.values).toEqual({ name: 'a', owner: 'o', port: 9090 });
    s = wizardReducer(T, s, { type: 'pageChanged', page: 0, data: { name: 'b', owner: undefined } });
    expect(s.values).toEqual({ name: 'b', port: 9090 });
    // Unknown pages change nothing.
    expect(wizardReducer(T, s, { type: 'pageChanged', page: 7, data: { x: 1 } })).toBe(s);
  });

  it('validates a page live once it was submitted with errors', () => {
    const s = run({ type: 'pageInvalid', page: 1 }, { type: 'pageInvalid', page: 1 });
    expect(s.live).toEqual([1]);
  });

  it('asks Scaffold for the answers, and for a folder and remote only when typed', () => {
    let s = run(...toReview);
    expect(scaffoldRequest(T, s)).toEqual({ template: 'go-service', values: { name: 'orders-api', owner: 'team-a', port: 8080 } });
    s = wizardReducer(T, s, { type: 'outDir', value: '  /tmp/x  ' });
    s = wizardReducer(T, s, { type: 'push', value: 'git@h:o/r.git' });
    expect(scaffoldRequest(T, s)).toMatchObject({ outDir: '/tmp/x', push: 'git@h:o/r.git' });
    expect(scaffoldRequest(T, wizardReducer(T, s, { type: 'outDir', value: '   ' }))).not.toHaveProperty('outDir');
  });

  it('scaffolds only from the review, follows progress, and ends done', () => {
    expect(wizardReducer(T, run(), { type: 'create' }).phase).toBe('form');
    let s = run(...toReview, { type: 'create' });
    expect(s.phase).toBe('scaffolding');
    const ev: GoldenPathProgress = { source: 'go-service', stage: 'step', item: 'fetch', message: 'Render', current: 1, total: 2 };
    s = wizardReducer(T, s, { type: 'progress', event: ev });
    expect(s.progress.current).toBe('step:1');
    s = wizardReducer(T, s, { type: 'created', result: RESULT });
    expect(s).toMatchObject({ phase: 'done', result: RESULT });
    expect(s.progress.finished).toBe(true);
    // Late events and results change nothing once done.
    expect(wizardReducer(T, s, { type: 'progress', event: ev })).toBe(s);
    expect(wizardReducer(T, s, { type: 'failed', error: new BackendError('Scaffold', 'late') })).toBe(s);
    // Create another: a fresh form.
    expect(wizardReducer(T, s, { type: 'reset' })).toEqual(initialWizard(T));
  });

  it('puts refused values on their fields and goes back to the first page with one', () => {
    const error = new BackendError('Scaffold', 'the values do not fit:\n  ...', 'invalid', [
      { field: 'ports[0].host', message: 'must be a host name' },
      { field: 'port', message: 'must be 1024 or more' },
      { field: 'elsewhere', message: 'not a parameter of this template' },
      { message: 'the whole form' },
    ]);
    let s = run(...toReview, { type: 'create' }, { type: 'failed', error });
    expect(s.phase).toBe('failed');
    expect(s.error).toBe(error);
    expect(s.fieldErrors).toEqual({
      ports: [{ path: 'ports[0].host', message: 'must be a host name' }],
      port: [{ path: 'port', message: 'must be 1024 or more' }],
    });
    expect(s.progress.failed).toBe(true);
    s = wizardReducer(T, s, { type: 'backToForm' });
    expect(s).toMatchObject({ phase: 'form', step: 1, error: undefined });
    // The refusal stands until that value changes.
    s = wizardReducer(T, s, { type: 'pageChanged', page: 1, data: { port: 8080, ports: [{ host: 'x' }] } });
    expect(Object.keys(s.fieldErrors)).toEqual(['port']);
    s = wizardReducer(T, s, { type: 'pageChanged', page: 1, data: { port: 2048, ports: [{ host: 'x' }] } });
    expect(s.fieldErrors).toEqual({});
  });

  it('goes back to the review when nothing on the form was refused', () => {
    const s = run(...toReview, { type: 'outDir', value: '/taken' }, { type: 'create' }, { type: 'failed', error: new BackendError('Scaffold', '/taken is not empty', 'conflict') });
    const back = wizardReducer(T, s, { type: 'backToForm' });
    expect(back).toMatchObject({ phase: 'review', step: 2, outDir: '/taken', values: { name: 'orders-api' } });
  });

  it('reads a problem’s parameter from its field path', () => {
    expect(fieldRoot('name')).toBe('name');
    expect(fieldRoot('ports[0].host')).toBe('ports');
    expect(fieldRoot('config.port')).toBe('config');
    expect(errorsByField([{ field: 'name', message: 'a' }, { field: 'name', message: 'b' }], T)).toEqual({
      name: [
        { path: 'name', message: 'a' },
        { path: 'name', message: 'b' },
      ],
    });
  });

  it('nests field errors as the form library expects them', () => {
    const errs = { ports: [{ path: 'ports[0].host', message: 'bad host' }], port: [{ path: 'port', message: 'too low' }] };
    expect(pageErrorSchema(errs, ['port', 'ports'])).toEqual({ port: { __errors: ['too low'] }, ports: { 0: { host: { __errors: ['bad host'] } } } });
    expect(pageErrorSchema(errs, ['name'])).toBeUndefined();
  });
});

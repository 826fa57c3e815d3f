import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeBackend } from '../../src/dev/fakeBackend';
import { applyProgress, completeProgress, failProgress, initialProgress, progressFraction, type ProgressState } from '../../src/goldenpaths/progress';
import { envHref, shellQuote } from '../../src/goldenpaths/Result';
import type { GoldenPathBindings, GoldenPathProgress, ScaffoldRequest, ScaffoldResult, StepInfo } from '../../src/goldenpaths/types';
import { parseHash } from '../../src/common/router';
import { renderApp, teardown } from '../helpers';

afterEach(teardown);

const SLOW = { timeout: 8000 };

const STEPS: StepInfo[] = [
  { id: 'fetch', name: 'Render the skeleton', action: 'fetch:template' },
  { id: 'log', name: 'Say what was made', action: 'debug:log' },
  { id: 'publish', name: 'Create the git repository', action: 'publish:git' },
  { id: 'register', name: 'Register in the catalog', action: 'catalog:register' },
];

const ev = (stage: string, message: string, current = 0, total = 0, more: Partial<GoldenPathProgress> = {}): GoldenPathProgress => ({
  source: 'go-service',
  stage,
  message,
  current,
  total,
  ...more,
});
const states = (s: ProgressState) => Object.fromEntries(s.rows.map((r) => [r.id, r.state]));

describe('scaffold progress from goldenpath:progress events', () => {
  it('orders rows as a scaffold runs them and follows the events', () => {
    let s = initialProgress(STEPS);
    // Effects (publish:git, catalog:register) run after the files are written.
    expect(s.rows.map((r) => r.id)).toEqual(['validate', 'render', 'step:1', 'step:2', 'write', 'step:3', 'step:4']);
    expect(progressFraction(s)).toBe(0);

    s = applyProgress(s, ev('validate', 'Checking the template and the values'));
    expect(states(s).validate).toBe('running');
    s = applyProgress(s, ev('render', 'Rendering Go HTTP service'));
    expect(states(s)).toMatchObject({ validate: 'done', render: 'running' });
    s = applyProgress(s, ev('step', 'Step 1/4 fetch: Render the skeleton', 1, 4));
    s = applyProgress(s, ev('step', 'Step 2/4 log: Say what was made', 2, 4));
    expect(states(s)).toMatchObject({ render: 'done', 'step:1': 'done', 'step:2': 'running', write: 'pending', 'step:3': 'pending' });
    s = applyProgress(s, ev('write', 'Writing 31 files'));
    expect(states(s)).toMatchObject({ 'step:2': 'done', write: 'running' });
    s = applyProgress(s, ev('step', 'Step 3/4 publish: Create the git repository', 3, 4));
    s = applyProgress(s, ev('step', 'Step 4/4 register: Register in the catalog', 4, 4));
    // A sub-stage is noted on the running row.
    s = applyProgress(s, ev('register', 'Registering in the local catalog'));
    expect(s.rows.find((r) => r.id === 'step:4')).toMatchObject({ state: 'running', detail: 'Registering in the local catalog' });
    expect(s.message).toBe('Registering in the local catalog');
    expect(progressFraction(s)).toBeGreaterThan(0.8);
    expect(progressFraction(s)).toBeLessThan(1);

    s = applyProgress(s, ev('done', 'Created /tmp/orders-api'));
    expect(Object.values(states(s)).every((x) => x === 'done')).toBe(true);
    expect(s.finished).toBe(true);
    expect(progressFraction(s)).toBe(1);
    // Late events change nothing.
    expect(applyProgress(s, ev('step', 'Step 1/4', 1, 4))).toBe(s);
  });

  it('adds steps the detail did not list, marks failures and skipped steps', () => {
    let s = initialProgress([]);
    s = applyProgress(s, ev('render', 'Rendering'));
    expect(states(s).validate).toBe('done');
    s = applyProgress(s, ev('step', 'Step 1/1 extra: Do something', 1, 1));
    expect(s.rows.map((r) => r.id)).toEqual(['validate', 'render', 'step:1', 'write']);
    expect(s.rows[2].label).toBe('extra: Do something');
    const failed = failProgress(s, 'step extra (debug:log): boom');
    expect(states(failed)['step:1']).toBe('failed');
    expect(failed.failed && failed.finished).toBe(true);

    const res = { steps: [{ id: 'extra', action: 'debug:log', skipped: true }], dir: '/tmp/x' } as ScaffoldResult;
    const done = completeProgress(s, res);
    expect(states(done)).toEqual({ validate: 'done', render: 'done', 'step:1': 'skipped', write: 'done' });
  });

  it('finds a step by the id events carry in item, whatever the message says', () => {
    let s = initialProgress(STEPS);
    // Steps may be reported out of their listed order (an if: skipped one is not reported at all).
    s = applyProgress(s, ev('step', 'Create the git repository', 3, 4, { item: 'publish' }));
    expect(states(s)).toMatchObject({ 'step:3': 'running', 'step:1': 'pending' });
    expect(s.message).toBe('Create the git repository');
    // A sub-stage names its step too; raw output shows under that row.
    s = applyProgress(s, ev('git', 'Committing', 0, 0, { item: 'publish', detail: 'hint: using main\n[main (root-commit) 3f9a2c1] Initial commit\n' }));
    expect(s.rows.find((r) => r.id === 'step:3')).toMatchObject({ state: 'running', detail: 'Committing', output: '[main (root-commit) 3f9a2c1] Initial commit' });
    // A step the detail did not list is added under its id, labelled by the message.
    s = applyProgress(s, ev('step', 'Tidy up', 5, 5, { item: 'tidy' }));
    const tidy = s.rows.find((r) => r.stepId === 'tidy')!;
    expect(tidy).toMatchObject({ label: 'Tidy up', state: 'running' });
    expect(states(s)['step:3']).toBe('done');

    const res = { steps: [{ id: 'fetch', action: 'fetch:template' }, { id: 'log', action: 'debug:log', skipped: true }], dir: '/tmp/x' } as ScaffoldResult;
    expect(states(completeProgress(s, res))).toMatchObject({ 'step:1': 'done', 'step:2': 'skipped', 'step:3': 'done' });
  });

  it('failing before any event marks the first row', () => {
    const s = failProgress(initialProgress(STEPS), 'git has no identity');
    expect(states(s).validate).toBe('failed');
  });
});

describe('result helpers', () => {
  it('quotes shell paths', () => {
    expect(shellQuote('/home/dev/src/orders-api')).toBe('/home/dev/src/orders-api');
    expect(shellQuote("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });

  it('links the environment page only when the window has one', () => {
    const href = envHref('/home/dev/src/orders-api');
    if (parseHash('#/env/x').name === 'notFound') expect(href).toBeUndefined();
    else expect(href).toBe('#/env/%2Fhome%2Fdev%2Fsrc%2Forders-api');
  });
});

/** Fill the go-service form and get to the review step. */
async function fillGoService(name = 'orders-api') {
  await waitFor(() => expect(document.getElementById('root_name')).toBeTruthy(), SLOW);
  fireEvent.change(document.getElementById('root_name')!, { target: { value: name } });
  fireEvent.change(document.getElementById('root_owner')!, { target: { value: 'group:default/team-payments' } });
  fireEvent.change(document.getElementById('root_description')!, { target: { value: 'Takes orders' } });
  fireEvent.click(screen.getByTestId('gp-next'));
  await waitFor(() => expect(document.getElementById('root_postgres')).toBeTruthy());
  fireEvent.click(document.getElementById('root_postgres')!);
  fireEvent.click(screen.getByTestId('gp-next'));
  await screen.findByTestId('gp-review');
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('scaffolding in the window', () => {
  it('reviews the answers, shows step progress from events, then the result page', async () => {
    const fake = renderApp('#/new/go-service');
    await fillGoService();

    // The review lists the answers (defaults included); the folder is left
    // to the backend's default rule, and shows what the preview says it is.
    const review = screen.getByTestId('gp-review');
    const value = (f: string) => within(review).getAllByTestId('gp-review-value').find((r) => r.getAttribute('data-field') === f)!.textContent;
    expect(value('name')).toContain('orders-api');
    expect(value('postgres')).toContain('Yes');
    expect(value('port')).toContain('8080');
    const outDir = screen.getByTestId('gp-outdir') as HTMLInputElement;
    await waitFor(() => expect(screen.getByTestId('gp-outdir-default').textContent).toContain('default: /home/dev/src/orders-api.'));
    expect(outDir.placeholder).toBe('/home/dev/src/orders-api');
    expect(outDir.value).toBe('');
    fireEvent.change(outDir, { target: { value: '/tmp/work/orders-api' } });

    // Hold the scaffold open and drive the events by hand.
    const app = fake.app as unknown as GoldenPathBindings;
    const real = app.Scaffold.bind(app);
    const gate = deferred<void>();
    let request: ScaffoldRequest | undefined;
    app.Scaffold = async (req) => {
      request = req;
      const emit = (e: GoldenPathProgress) => fake.runtime.EventsEmit('goldenpath:progress', e);
      emit(ev('validate', 'Checking the template and the values'));
      emit(ev('render', 'Rendering Go HTTP service'));
      emit(ev('step', 'Render the skeleton', 1, 4, { item: 'fetch' }));
      // Events of another scaffold are not ours.
      fake.runtime.EventsEmit('goldenpath:progress', { ...ev('step', 'x', 2, 4, { item: 'log' }), source: 'node-service' });
      await gate.promise;
      return real(req);
    };
    fireEvent.click(screen.getByTestId('gp-create'));
    const progress = await screen.findByTestId('scaffold-progress');
    const row = (id: string) => within(progress).getAllByTestId('progress-step').find((r) => r.getAttribute('data-id') === id)!;
    await waitFor(() => expect(row('step:1').getAttribute('data-state')).toBe('running'));
    expect(row('validate').getAttribute('data-state')).toBe('done');
    expect(row('step:2').getAttribute('data-state')).toBe('pending');
    expect(screen.getByTestId('progress-message').textContent).toBe('Render the skeleton');
    expect(request).toMatchObject({
      template: 'go-service',
      outDir: '/tmp/work/orders-api',
      values: { name: 'orders-api', owner: 'group:default/team-payments', description: 'Takes orders', postgres: true, port: 8080, lifecycle: 'experimental' },
    });
    expect(request!.push).toBeUndefined();

    await act(async () => gate.resolve());
    const result = await screen.findByTestId('scaffold-result');
    expect(screen.getByTestId('result-dir').textContent).toBe('/tmp/work/orders-api');
    expect(screen.getByTestId('result-commit').textContent).toBe('3f9a2c1d8e7b');
    expect(within(result).getAllByTestId('next-action').map((a) => a.getAttribute('data-id'))).toEqual([
      'open-folder',
      'run-locally',
      'run-tests',
      'view-in-catalog',
      'push',
    ]);
    expect(screen.getByTestId('result-entity-link').getAttribute('href')).toBe('#/entity/component:default/orders-api');
    const run = within(result).getAllByTestId('next-action').find((a) => a.getAttribute('data-id') === 'run-locally')!;
    expect(within(run).getByTestId('next-action-command').textContent).toBe('make run');
    if (envHref('x')) {
      // The fake environments know nothing of the new component: the reason is shown, no link.
      expect(await within(run).findByText(/no score.yaml or compose.yaml/)).toBeTruthy();
      expect(within(run).queryByTestId('run-locally-link')).toBeNull();
      expect(fake.calls.find((c) => c.method === 'EnvCanRun')?.args).toEqual(['component:default/orders-api']);
    }

    // The file tree of what was written.
    const files = within(screen.getByTestId('result-tree')).getAllByTestId('result-tree-file').map((x) => x.getAttribute('data-path'));
    expect(files).toContain('cmd/orders-api/main.go');
    expect(files).toContain('catalog-info.yaml');
    expect(screen.getByTestId('result-log').textContent).toContain('Rendered orders-api');
    // All progress rows are done.
    for (const r of screen.getAllByTestId('progress-step')) expect(r.getAttribute('data-state')).toBe('done');

    // Open the folder through the binding.
    fireEvent.click(screen.getByTestId('open-folder'));
    await screen.findByText('Opened in the file manager.');
    expect(fake.calls.find((c) => c.method === 'OpenFolder')?.args).toEqual(['/tmp/work/orders-api']);

    // Create another: back to an empty form.
    fireEvent.click(screen.getByTestId('create-another'));
    await waitFor(() => expect((document.getElementById('root_name') as HTMLInputElement).value).toBe(''));
  });

  it('an empty folder is left out of the request: the backend picks the default', async () => {
    const fake = renderApp('#/new/go-service');
    await fillGoService('billing-api');
    fireEvent.change(screen.getByTestId('gp-push'), { target: { value: '  git@example.com:acme/billing-api.git ' } });
    fireEvent.click(screen.getByTestId('gp-create'));
    await screen.findByTestId('scaffold-result');
    const req = fake.calls.find((c) => c.method === 'Scaffold')!.args[0] as ScaffoldRequest;
    expect(req).not.toHaveProperty('outDir');
    expect(req.push).toBe('git@example.com:acme/billing-api.git');
    // Where it went is what the backend says (the fake's default rule).
    expect(screen.getByTestId('result-dir').textContent).toBe('/home/dev/src/billing-api');
  });

  it('"Run locally" opens the new component’s environment page, named as EnvCanRun names it', async () => {
    const fake = renderApp('#/new/go-service');
    await fillGoService();
    const app = fake.app as unknown as Record<string, unknown>;
    app.EnvCanRun = async (ref: string) => ({ ref, canRun: true, dir: '/home/dev/src/orders-api', environment: 'orders-api', state: 'stopped' });
    fireEvent.click(screen.getByTestId('gp-create'));
    await screen.findByTestId('scaffold-result');
    if (!envHref('x')) return; // no environment pages in this window
    const link = await screen.findByTestId('run-locally-link');
    expect(link.getAttribute('href')).toBe(envHref('orders-api'));
    expect(parseHash(link.getAttribute('href')!).name).not.toBe('notFound');
  });

  it('a failed scaffold shows the error on the failed step and lets the user go back', async () => {
    const fake: FakeBackend = renderApp('#/new/go-service');
    await fillGoService('taken');
    const app = fake.app as unknown as GoldenPathBindings;
    app.Scaffold = async () => {
      fake.runtime.EventsEmit('goldenpath:progress', ev('validate', 'Checking the template and the values'));
      fake.runtime.EventsEmit('goldenpath:progress', ev('render', 'Rendering Go HTTP service'));
      throw JSON.stringify({ message: '/home/dev/src/taken exists and is not empty: choose another folder', kind: 'conflict', problems: [] });
    };
    fireEvent.click(screen.getByTestId('gp-create'));
    const error = await screen.findByTestId('scaffold-error');
    expect(error.textContent).toContain('exists and is not empty');
    expect(error.getAttribute('data-kind')).toBe('conflict');
    const failed = screen.getAllByTestId('progress-step').find((r) => r.getAttribute('data-state') === 'failed')!;
    expect(failed.getAttribute('data-id')).toBe('render');
    fireEvent.click(screen.getByTestId('back-to-form'));
    // Back on the review step, answers kept.
    expect((await screen.findByTestId('gp-outdir')) as HTMLInputElement).toBeTruthy();
    expect(within(screen.getByTestId('gp-review')).getAllByTestId('gp-review-value')[0].textContent).toContain('taken');
  });

  it('shows the README with the golden path’s documentation', async () => {
    renderApp('#/new/go-service');
    fireEvent.click(await screen.findByTestId('tab-readme', {}, SLOW));
    const readme = screen.getByTestId('goldenpath-readme');
    expect(within(readme).getByRole('heading', { name: 'Go HTTP service' })).toBeTruthy();
    expect(within(readme).getByRole('heading', { name: 'Stepping off the paved road' })).toBeTruthy();
    expect(within(readme).getByRole('link', { name: 'the docs' }).getAttribute('href')).toBe('https://paved.dev/docs/golden-paths');
    expect(within(readme).getByRole('table')).toBeTruthy();
    fireEvent.click(screen.getByTestId('tab-create'));
    expect(await screen.findByTestId('preview-panel')).toBeTruthy();
  });

  it('says so when a golden path has no README', async () => {
    renderApp('#/new/node-service');
    fireEvent.click(await screen.findByTestId('tab-readme', {}, SLOW));
    expect(screen.getByTestId('goldenpath-readme').textContent).toBe('This golden path has no README.');
  });
});

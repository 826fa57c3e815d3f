import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callsOf, envTeardown, renderEnvApp } from './helpers';

afterEach(envTeardown);

const rows = () => screen.getAllByTestId('service-row');
const row = (service: string) => rows().find((r) => r.getAttribute('data-service') === service)!;
const logTexts = () => screen.queryAllByTestId('log-line').map((l) => l.querySelector('.log-text')!.textContent);

describe('"Run locally" on a component page', () => {
  it('is offered for a component with a workload spec, and hinted otherwise', async () => {
    const fake = await renderEnvApp('#/entity/component:default/payments-api');
    const button = await screen.findByTestId('run-locally');
    expect(button.textContent).toBe('Run locally');
    expect(callsOf(fake, 'EnvCanRun')).toEqual([['component:default/payments-api']]);
    // payments-api depends on another component: the dependency choice is offered.
    expect((screen.getByTestId('run-deps') as HTMLSelectElement).value).toBe('none');
    expect(screen.queryByTestId('env-link')).toBeNull(); // never ran

    window.location.hash = '#/entity/component:default/shared-ui-kit';
    const hint = await screen.findByTestId('run-locally-hint');
    expect(hint.getAttribute('title')).toContain('no score.yaml or compose.yaml');
    expect(screen.queryByTestId('run-locally')).toBeNull();

    window.location.hash = '#/entity/group:default/team-payments';
    await screen.findByTestId('team-members');
    expect(screen.queryByTestId('run-locally')).toBeNull();
    expect(screen.queryByTestId('run-locally-hint')).toBeNull();
  });

  it('starts the environment with progress, then links to it', async () => {
    const fake = await renderEnvApp('#/entity/component:default/payments-api', { env: { stepMs: 25 } });
    fireEvent.change(await screen.findByTestId('run-deps'), { target: { value: 'direct' } });
    fireEvent.click(screen.getByTestId('run-locally'));

    const progress = await screen.findByTestId('env-progress');
    expect((screen.getByTestId('run-locally') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('run-locally').textContent).toBe('Starting…');
    await waitFor(() => expect(within(progress).getByTestId('env-progress-count').textContent).toBe('1/3 ready'));
    const steps = within(progress).getAllByTestId('env-progress-service');
    expect(steps.map((s) => s.getAttribute('data-service'))).toEqual(expect.arrayContaining(['db', 'cache', 'payments-api']));
    expect(steps.find((s) => s.getAttribute('data-service') === 'db')!.getAttribute('data-stage')).toBe('ready');
    expect(within(progress).getByTestId('env-progress-message').textContent).not.toBe('');

    const done = await screen.findByTestId('env-op-done', {}, { timeout: 3000 });
    expect(done.textContent).toMatch(/Running: 3\/3 services ready/);
    expect(screen.queryByTestId('env-progress')).toBeNull();
    expect(callsOf(fake, 'EnvUp')).toEqual([[{ target: 'component:payments-api', deps: 'direct' }]]);
    expect(screen.getByTestId('env-open').getAttribute('href')).toBe('#/env/payments-api');
    const link = await screen.findByTestId('env-link');
    expect(link.getAttribute('href')).toBe('#/env/payments-api');
    await waitFor(() => expect(within(link).getByTestId('env-link-state').getAttribute('data-value')).toBe('running'));
    expect((screen.getByTestId('run-locally') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows why an environment failed to start', async () => {
    await renderEnvApp('#/entity/payments-api', { env: { failUp: { 'payments-api': 'payments-api' } } });
    fireEvent.click(await screen.findByTestId('run-locally'));
    const failed = await screen.findByTestId('env-op-error');
    expect(within(failed).getByTestId('error').textContent).toContain('service payments-api exited with code 1');
    const step = within(failed)
      .getAllByTestId('env-progress-service')
      .find((s) => s.getAttribute('data-service') === 'payments-api')!;
    expect(step.getAttribute('data-stage')).toBe('error');
    expect(step.className).toContain('is-failed');
  });
});

describe('environment view', () => {
  it('shows each container with state and health badges, and refreshes on env:changed', async () => {
    const fake = await renderEnvApp('#/env/payments-api', { up: ['payments-api'] });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.getByTestId('env-title').textContent).toBe('payments-api');
    expect(screen.getByTestId('env-state').getAttribute('data-value')).toBe('running');
    expect(screen.getByTestId('env-ready-count').textContent).toBe('3/3 ready');
    expect(screen.getByTestId('env-entity-link').getAttribute('href')).toBe('#/entity/component:default/payments-api');

    const db = row('db');
    expect(db.getAttribute('data-health')).toBe('healthy');
    expect(within(db).getByTestId('service-state').textContent).toBe('running');
    expect(within(db).getByTestId('service-state').className).toContain('is-ok');
    expect(within(db).getByTestId('service-health').className).toContain('is-ok');
    expect(db.textContent).toContain('resource · postgres');
    expect(db.textContent).toContain('postgres:16-alpine');
    // A workload without a health check that answers on its port.
    const api = row('payments-api');
    expect(within(api).getByTestId('service-health').textContent).toBe('answers');
    expect(api.textContent).toContain('waits for db, cache');

    fake.env.setService('payments-api', 'db', { health: 'unhealthy', ready: false });
    fake.env.setService('payments-api', 'cache', { state: 'exited', health: 'none', ready: false });
    act(() => fake.runtime.EventsEmit('env:changed', { name: 'payments-api', action: 'restart' }));
    await waitFor(() => expect(within(row('db')).getByTestId('service-health').textContent).toBe('unhealthy'));
    expect(within(row('db')).getByTestId('service-health').className).toContain('is-bad');
    expect(within(row('cache')).getByTestId('service-state').className).toContain('is-bad');
    expect(screen.getByTestId('env-state').getAttribute('data-value')).toBe('partial');
    expect(screen.getByTestId('env-up').textContent).toBe('Start missing');
  });

  it('renders ports as links opened with BrowserOpenURL when the runtime has it', async () => {
    await renderEnvApp('#/env/payments-api', { up: ['payments-api'] });
    await waitFor(() => expect(rows()).toHaveLength(3));
    const link = within(row('payments-api')).getByTestId('port-link') as HTMLAnchorElement;
    expect(link.textContent).toBe('127.0.0.1:8080');
    expect(link.getAttribute('href')).toBe('http://127.0.0.1:8080/');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');

    const open = vi.fn();
    (window.runtime as unknown as { BrowserOpenURL: (u: string) => void }).BrowserOpenURL = open;
    const notPrevented = fireEvent.click(link);
    expect(notPrevented).toBe(false);
    expect(open).toHaveBeenCalledWith('http://127.0.0.1:8080/');
  });

  it('follows logs live, filters them and selects a service', async () => {
    const fake = await renderEnvApp('#/env/payments-api', { up: ['payments-api'] });
    await waitFor(() => expect(logTexts()).toContain('listening on :5432'));
    expect(callsOf(fake, 'EnvLogsFollow')).toEqual([[{ target: 'payments-api', service: '', tail: 200 }]]);
    expect(screen.getByTestId('log-status').getAttribute('data-status')).toBe('live');
    const before = logTexts().length;

    act(() => fake.env.writeLog('payments-api', 'payments-api', 'GET /v1/payments 200 12ms'));
    act(() => fake.env.writeLog('payments-api', 'db', 'checkpoint complete', 'stderr'));
    await waitFor(() => expect(logTexts()).toHaveLength(before + 2));
    const last = screen.getAllByTestId('log-line').at(-1)!;
    expect(last.getAttribute('data-service')).toBe('db');
    expect(last.className).toContain('is-stderr');

    // Free-text filter (case-insensitive), with the match highlighted.
    fireEvent.change(screen.getByTestId('log-filter'), { target: { value: 'V1/PAY' } });
    expect(logTexts()).toEqual(['GET /v1/payments 200 12ms']);
    expect(screen.getByTestId('log-count').textContent).toBe(`1 of ${before + 2}`);
    expect(screen.getByTestId('log-lines').querySelector('mark')!.textContent).toBe('v1/pay');
    fireEvent.change(screen.getByTestId('log-filter'), { target: { value: 'no such text' } });
    expect(screen.getByTestId('log-empty').textContent).toContain('No line matches');
    fireEvent.change(screen.getByTestId('log-filter'), { target: { value: '' } });

    // One service: a new stream for it replaces the old one.
    const firstStream = [...fake.env.streams.keys()][0];
    fireEvent.change(screen.getByTestId('log-service'), { target: { value: 'db' } });
    await waitFor(() => expect(callsOf(fake, 'EnvLogsFollow').at(-1)).toEqual([{ target: 'payments-api', service: 'db', tail: 200 }]));
    expect(callsOf(fake, 'EnvLogsStop')).toContainEqual([firstStream]);
    await waitFor(() => expect(logTexts()).toContain('checkpoint complete'));
    expect(screen.getAllByTestId('log-line').every((l) => l.getAttribute('data-service') === 'db')).toBe(true);

    // "Logs" on a row selects that service.
    fireEvent.click(within(row('cache')).getByTestId('service-logs'));
    expect((screen.getByTestId('log-service') as HTMLSelectElement).value).toBe('cache');
    await waitFor(() => expect(logTexts()).toContain('listening on :6379'));
    expect(screen.getAllByTestId('log-line').every((l) => l.getAttribute('data-service') === 'cache')).toBe(true);
  });

  it('stops and resumes following without duplicating lines', async () => {
    const fake = await renderEnvApp('#/env/payments-api', { up: ['payments-api'] });
    await waitFor(() => expect(logTexts().length).toBeGreaterThan(0));
    await waitFor(() => expect(fake.env.streams.size).toBe(1));
    const n = logTexts().length;

    fireEvent.click(screen.getByTestId('log-follow')); // off
    await waitFor(() => expect(callsOf(fake, 'EnvLogsStop')).toHaveLength(1));
    expect(fake.env.streams.size).toBe(0);
    expect(screen.getByTestId('log-status').getAttribute('data-status')).toBe('paused');
    act(() => fake.env.writeLog('payments-api', 'payments-api', 'written while paused'));
    expect(logTexts()).toHaveLength(n);

    fireEvent.click(screen.getByTestId('log-follow')); // on again: the tail is sent again
    await waitFor(() => expect(logTexts()).toContain('written while paused'));
    expect(logTexts()).toHaveLength(n + 1);
    expect(screen.getByTestId('log-status').getAttribute('data-status')).toBe('live');

    fireEvent.click(screen.getByTestId('log-clear'));
    expect(logTexts()).toHaveLength(0);
  });

  it('restarts a service and stops the environment', async () => {
    const fake = await renderEnvApp('#/env/payments-api', { up: ['payments-api'] });
    await waitFor(() => expect(rows()).toHaveLength(3));

    fireEvent.click(within(row('db')).getByTestId('service-restart'));
    await waitFor(() => expect(callsOf(fake, 'EnvRestart')).toEqual([['payments-api', 'db']]));
    expect((await screen.findByTestId('env-op-done')).textContent).toContain('Restarted db');
    await waitFor(() => expect(logTexts()).toContain('db restarted'));

    fireEvent.click(screen.getByTestId('env-stop-volumes'));
    fireEvent.click(screen.getByTestId('env-stop'));
    await waitFor(() => expect(callsOf(fake, 'EnvDown')).toEqual([[{ target: 'payments-api', volumes: true }]]));
    expect((await screen.findByTestId('env-op-done')).textContent).toMatch(/Stopped in .*: removed 3 containers and 1 volume/);
    expect(await screen.findByTestId('env-empty')).toBeTruthy();
    expect(screen.getByTestId('env-state').getAttribute('data-value')).toBe('stopped');
    expect(screen.queryByTestId('env-stop')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('log-status').getAttribute('data-status')).toBe('stopped'));
    expect(logTexts()).toContain('db restarted'); // what was shown stays

    // Start it again from the view.
    fireEvent.click(screen.getByTestId('env-up'));
    await waitFor(() => expect(callsOf(fake, 'EnvUp')).toEqual([[{ target: '/home/dev/src/payments-api', deps: 'none' }]]));
    await waitFor(() => expect(rows()).toHaveLength(3));
  });

  it('says when the environment is not running, and an unknown one is an error', async () => {
    const fake = await renderEnvApp('#/env/checkout-service');
    expect(await screen.findByTestId('env-empty')).toBeTruthy();
    expect(screen.getByTestId('log-status').getAttribute('data-status')).toBe('stopped');
    expect(callsOf(fake, 'EnvLogsFollow')).toEqual([]);

    window.location.hash = '#/env/nope';
    const error = await screen.findByTestId('error');
    expect(error.textContent).toContain('"nope" is not a directory');
    expect(error.getAttribute('data-kind')).toBe('not_found');
    expect(error.textContent).toContain('Not found.');
  });
});

describe('environments list', () => {
  it('lists every environment with its state, and has a nav entry', async () => {
    const fake = await renderEnvApp('#/envs', { up: ['payments-api', 'checkout-service'] });
    await fake.env.app.EnvDown({ target: 'checkout-service' });
    // Up first, then by name; refreshed by env:changed.
    await waitFor(() =>
      expect(screen.getAllByTestId('envs-row').map((r) => [r.getAttribute('data-env'), r.getAttribute('data-state')])).toEqual([
        ['payments-api', 'running'],
        ['checkout-service', 'stopped'],
      ]),
    );
    const list = screen.getAllByTestId('envs-row');
    expect(within(list[0]).getByTestId('envs-link').getAttribute('href')).toBe('#/env/payments-api');
    expect(list[0].textContent).toContain('3/3');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByText('Environments').getAttribute('aria-current')).toBe('page');

    act(() => {
      void fake.env.app.EnvDown({ target: 'payments-api' });
    });
    await waitFor(() =>
      expect(screen.getAllByTestId('envs-row').map((r) => r.getAttribute('data-state'))).toEqual(['stopped', 'stopped']),
    );
  });

  it('shows an empty state', async () => {
    await renderEnvApp('#/envs');
    expect((await screen.findByTestId('envs-empty')).textContent).toContain('Run locally');
  });
});

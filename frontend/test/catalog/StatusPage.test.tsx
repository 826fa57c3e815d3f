import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp, teardown } from '../helpers';

afterEach(teardown);

describe('status and audit pages', () => {
  it('lists sources with entity counts and file errors', async () => {
    renderApp('#/status');
    const rows = await screen.findAllByTestId('status-row');
    expect(rows.map((r) => r.getAttribute('data-source'))).toEqual(['acme-demo', 'my-services']);
    expect(rows[0].textContent).toContain('embedded');
    expect(rows[0].textContent).toContain('a1b2c3d4');
    expect(rows[0].textContent).not.toContain('a1b2c3d4e5');
    expect(Number(rows[0].querySelector('[data-testid="status-entities"]')!.textContent)).toBeGreaterThan(0);
    expect(screen.getByTestId('file-errors').textContent).toBe('catalog-info.yaml:7 spec.owner: is required for kind Component — name the owning group, e.g. group:default/team-a');
  });

  it('"Sync now" calls Sync("") and shows progress then results', async () => {
    const fake = renderApp('#/status', { latencyMs: 15 });
    await screen.findAllByTestId('status-row');
    fireEvent.click(screen.getByTestId('sync-now'));
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'Sync')?.args).toEqual(['']));
    await waitFor(() => expect(screen.getByTestId('sync-progress').textContent).toMatch(/parse|fetch|index/));
    expect(await screen.findByTestId('sync-done', {}, { timeout: 3000 })).toBeTruthy();
    expect(screen.getByTestId('sync-done').textContent).toContain('acme-demo');
    expect((screen.getByTestId('sync-now') as HTMLButtonElement).disabled).toBe(false);
  });

  it('renders the audit log', async () => {
    const fake = renderApp('#/audit');
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows.length).toBe(2);
    expect(fake.calls.find((c) => c.method === 'Audit')?.args).toEqual([200]);
  });
});

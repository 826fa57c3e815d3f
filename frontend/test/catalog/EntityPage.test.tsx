import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp, teardown } from '../helpers';

afterEach(teardown);

describe('entity page', () => {
  it('renders metadata, relations (missing ones greyed), source and YAML', async () => {
    renderApp('#/entity/fraud-checker');
    expect((await screen.findByTestId('entity-title')).textContent).toBe('Fraud Checker');
    expect(screen.getByTestId('entity-kind').textContent).toBe('Component');
    const owner = screen.getByTestId('owner-link');
    expect(owner.getAttribute('href')).toBe('#/entity/group:default/team-payments');
    expect(screen.getByTestId('system-link').getAttribute('href')).toBe('#/entity/system:default/payments');

    const groups = screen.getAllByTestId('relation-group').map((g) => g.getAttribute('data-type'));
    expect(groups).toEqual(['ownedBy', 'dependsOn', 'dependencyOf', 'partOf']);
    const missing = screen.getByTestId('relation-missing');
    expect(missing.textContent).toContain('legacy-risk-engine');
    expect(missing.textContent).toContain('not in catalog');
    expect(missing.tagName).not.toBe('A');

    expect(screen.getByTestId('source-file').textContent).toMatch(/acme-demo.*catalog\/components\.yaml:\d+/);
    expect(screen.getByTestId('raw-yaml').textContent).toContain('kind: Component');
    expect(screen.getByTestId('graph-button').getAttribute('href')).toBe('#/graph/component:default/fraud-checker?depth=2&direction=both');
  });

  it('follows a relation link', async () => {
    renderApp('#/entity/payments-api');
    await screen.findByTestId('entity-title');
    const links = screen.getByTestId('relations');
    fireEvent.click(within(links).getByText('Payments DB'));
    // jsdom does not follow anchor hrefs; emulate the browser.
    window.location.hash = within(links).getByText('Payments DB').getAttribute('href')!;
    await waitFor(() => expect(screen.getByTestId('entity-title').textContent).toBe('Payments DB'));
  });

  it('shows links, labels and annotations', async () => {
    renderApp('#/entity/component:default/payments-api');
    await screen.findByTestId('entity-title');
    expect(screen.getByRole('link', { name: 'Runbook' }).getAttribute('href')).toBe('https://runbooks.acme.example/payments-api');
    expect(screen.getByText('tier=1')).toBeTruthy();
    expect(screen.getByTestId('annotations').textContent).toContain('github.com/project-slug');
  });

  it('renders a Group as a team page', async () => {
    renderApp('#/entity/group:team-payments');
    expect((await screen.findByTestId('entity-title')).textContent).toBe('Payments Team');
    const members = screen.getByTestId('team-members');
    expect(within(members).getByText('Alice Martin')).toBeTruthy();
    expect(within(members).getByText('Bob Chen')).toBeTruthy();
    const rows = within(screen.getByTestId('team-owns')).getAllByTestId('owns-row');
    expect(rows).toHaveLength(5);
    expect(screen.getByTestId('team-owns').textContent).toContain('Payments API');
    // Kind chip filter
    fireEvent.click(within(screen.getByTestId('team-owns')).getByRole('button', { name: 'Component' }));
    expect(within(screen.getByTestId('team-owns')).getAllByTestId('owns-row')).toHaveLength(2);
  });

  it('shows child teams for a department', async () => {
    renderApp('#/entity/group:acme-engineering');
    await screen.findByTestId('entity-title');
    expect(within(screen.getByTestId('team-children')).getAllByTestId('relation-link')).toHaveLength(4);
  });

  it('says an unknown entity is not in the catalog, and offers a search for it', async () => {
    renderApp('#/entity/component:default/does-not-exist');
    const error = await screen.findByTestId('error');
    expect(error.getAttribute('data-kind')).toBe('not_found');
    expect(error.textContent).toContain('There is no entity component:default/does-not-exist in the catalog');
    // The backend's own words (close matches, when it has any) are kept.
    expect(error.textContent).toContain('entity "component:default/does-not-exist" not found');
    expect(within(error).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.getByTestId('not-found-search').getAttribute('href')).toBe('#/?q=does-not-exist');
  });

  it('shows any other failure as an error to retry', async () => {
    const fake = renderApp('#/entity/component:default/payments-api');
    const app = fake.app as unknown as Record<string, unknown>;
    let calls = 0;
    app.Entity = async () => {
      calls++;
      throw JSON.stringify({ message: 'database is locked', kind: 'unavailable', problems: [] });
    };
    // Remount the page (as navigation does) so it loads through the failing Entity.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    const error = await screen.findByTestId('error');
    await waitFor(() => expect(error.getAttribute('data-kind')).toBe('unavailable'));
    expect(error.textContent).toContain('A service Paved needs did not answer.');
    const before = calls;
    fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(calls).toBeGreaterThan(before));
  });
});

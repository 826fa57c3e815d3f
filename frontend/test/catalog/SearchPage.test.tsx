import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SearchQuery } from '../../src/catalog/types';
import { renderApp, teardown } from '../helpers';

afterEach(teardown);

const searchCalls = (fake: ReturnType<typeof renderApp>) =>
  fake.calls.filter((c) => c.method === 'Search').map((c) => c.args[0] as SearchQuery);

describe('catalog search page', () => {
  it('shows the platform title, results, count and facets on load', async () => {
    const fake = renderApp();
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(10));
    expect(screen.getByTestId('platform-title').textContent).toBe('ACME Retail');
    expect(searchCalls(fake)[0]).toEqual({ query: '', limit: 50, offset: 0, facets: true });
    expect(screen.getByTestId('result-count').textContent).toMatch(/29 entities · .*ms/);
    const kindGroup = screen.getByTestId('facet-group-kind');
    expect(within(kindGroup).getByText('Component').closest('label')!.textContent).toContain('8');
    // Owners are shown by short name, filtered by full ref.
    expect(screen.getByTestId('facet-owner-group:default/team-payments')).toBeTruthy();
  });

  it('shows a bounded count as "2,000+" when the backend caps it', async () => {
    const fake = renderApp();
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(10));
    const search = fake.app.Search.bind(fake.app);
    fake.app.Search = async (q: SearchQuery) => ({ ...(await search(q)), total: 2000, totalCapped: true });
    fireEvent.change(screen.getByTestId('search-input'), { target: { value: 'team' } });
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toMatch(/2,000\+ entities/));
  });

  it('debounces search-as-you-type and filters the table', async () => {
    const fake = renderApp();
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(10));
    const before = searchCalls(fake).length;
    const input = screen.getByTestId('search-input');
    fireEvent.change(input, { target: { value: 'p' } });
    fireEvent.change(input, { target: { value: 'pa' } });
    fireEvent.change(input, { target: { value: 'paym' } });
    await waitFor(() =>
      expect(screen.getAllByTestId('result-row').map((r) => r.getAttribute('data-ref'))).toContain('component:default/payments-api'),
    );
    await waitFor(() => expect(screen.queryByText('Checkout Web')).toBeNull());
    const after = searchCalls(fake).slice(before);
    expect(after.map((q) => q.query)).toEqual(['paym']);
    expect(window.location.hash).toBe('#/?q=paym');
  });

  it('toggles facet filters on and off', async () => {
    const fake = renderApp();
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(10));
    fireEvent.click(screen.getByTestId('facet-kind-Component'));
    await waitFor(() => {
      const rows = screen.getAllByTestId('result-row');
      expect(rows).toHaveLength(8);
      for (const r of rows) expect(r.getAttribute('data-kind')).toBe('Component');
    });
    expect(searchCalls(fake).at(-1)).toMatchObject({ kinds: ['Component'], facets: true });
    expect((screen.getByTestId('facet-kind-Component') as HTMLInputElement).checked).toBe(true);
    expect(window.location.hash).toBe('#/?kind=Component');

    fireEvent.click(screen.getByTestId('facet-lifecycle-experimental'));
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(1));
    expect(searchCalls(fake).at(-1)).toMatchObject({ kinds: ['Component'], lifecycles: ['experimental'] });

    fireEvent.click(screen.getByTestId('clear-filters'));
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(10));
    expect(searchCalls(fake).at(-1)!.kinds).toBeUndefined();
  });

  it('restores query and filters from the URL', async () => {
    const fake = renderApp('#/?q=checkout&kind=Component');
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(2));
    expect((screen.getByTestId('search-input') as HTMLInputElement).value).toBe('checkout');
    expect(searchCalls(fake)[0]).toMatchObject({ query: 'checkout', kinds: ['Component'] });
  });

  it('shows an empty state', async () => {
    renderApp('#/?q=zzzz-nothing');
    expect(await screen.findByTestId('no-results')).toBeTruthy();
  });

  it('"/" focuses the search box unless the user is typing', async () => {
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(0));
    const input = screen.getByTestId('search-input');
    expect(document.activeElement).not.toBe(input);
    const ev = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    act(() => {
      document.body.dispatchEvent(ev);
    });
    expect(ev.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(input);

    // Typing "/" inside the input is just text.
    const inInput = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    input.dispatchEvent(inInput);
    expect(inInput.defaultPrevented).toBe(false);
  });

  it('navigates to the entity page from a result row', async () => {
    renderApp('#/?q=payments-api');
    const link = await screen.findByRole('link', { name: 'Payments API' });
    expect(link.getAttribute('href')).toBe('#/entity/component:default/payments-api');
    const row = link.closest('tr')!;
    fireEvent.click(row.querySelector('.desc-cell')!);
    await waitFor(() => expect(window.location.hash).toBe('#/entity/component:default/payments-api'));
    expect((await screen.findByTestId('entity-title')).textContent).toBe('Payments API');
  });

  it('shows backend errors', async () => {
    const fake = renderApp();
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(0));
    fake.app.Search = () => Promise.reject('search index is corrupt');
    fireEvent.change(screen.getByTestId('search-input'), { target: { value: 'x' } });
    expect((await screen.findByTestId('error')).textContent).toContain('search index is corrupt');
  });

  it('refreshes results on catalog:changed', async () => {
    const fake = renderApp();
    await waitFor(() => expect(screen.getAllByTestId('result-row').length).toBeGreaterThan(0));
    const n = searchCalls(fake).length;
    act(() => fake.runtime.EventsEmit('catalog:changed'));
    await waitFor(() => expect(searchCalls(fake).length).toBe(n + 1));
  });
});

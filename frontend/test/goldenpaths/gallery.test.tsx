import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHash, hrefFor, goldenPathHref } from '../../src/common/router';
import { renderApp, teardown } from '../helpers';

afterEach(teardown);

// The golden-path pages are lazy chunks (rjsf + ajv): the first render may take a moment.
const SLOW = { timeout: 8000 };

describe('golden path routes', () => {
  it('parses and builds #/new and #/new/<name>', () => {
    expect(parseHash('#/new')).toEqual({ name: 'goldenPaths' });
    expect(parseHash('#/new/')).toEqual({ name: 'goldenPaths' });
    expect(parseHash('#/new/go-service')).toEqual({ name: 'goldenPath', template: 'go-service' });
    expect(parseHash('#/new/my%20path')).toEqual({ name: 'goldenPath', template: 'my path' });
    expect(hrefFor({ name: 'goldenPaths' })).toBe('#/new');
    expect(goldenPathHref('go-service')).toBe('#/new/go-service');
    expect(parseHash(goldenPathHref('a b/c'))).toEqual({ name: 'goldenPath', template: 'a b/c' });
  });
});

describe('golden path gallery', () => {
  it('shows a card per golden path with title, description, tags, owner and source', async () => {
    const fake = renderApp('#/new');
    const cards = await screen.findAllByTestId('goldenpath-card', {}, SLOW);
    expect(cards.map((c) => c.getAttribute('data-name'))).toEqual(['go-service', 'go-cron-job', 'node-service']);

    const go = cards[0];
    expect(within(go).getByTestId('goldenpath-link').textContent).toBe('Go HTTP service');
    expect(within(go).getByTestId('goldenpath-link').getAttribute('href')).toBe('#/new/go-service');
    expect(within(go).getByTestId('goldenpath-choose').getAttribute('href')).toBe('#/new/go-service');
    expect(go.textContent).toContain('Prometheus metrics');
    expect(within(go).getByText('recommended')).toBeTruthy();
    expect(within(go).getByTestId('goldenpath-owner').getAttribute('href')).toBe('#/entity/group:default/team-platform');
    expect(within(go).getByTestId('goldenpath-source').textContent).toBe('built-in');

    const node = cards[2];
    expect(within(node).getByTestId('goldenpath-source').textContent).toBe('platform');
    expect(node.textContent).toContain('overrides built-in');

    expect(fake.calls.filter((c) => c.method === 'GoldenPaths')).toHaveLength(1);
    // The "Create" nav entry is the current page.
    expect(screen.getByRole('link', { name: 'Create' }).getAttribute('aria-current')).toBe('page');
  });

  it('filters by words in the name, description and tags', async () => {
    renderApp('#/new');
    await screen.findAllByTestId('goldenpath-card', {}, SLOW);
    fireEvent.change(screen.getByTestId('goldenpath-filter'), { target: { value: 'go cron' } });
    await waitFor(() => expect(screen.getAllByTestId('goldenpath-card').map((c) => c.getAttribute('data-name'))).toEqual(['go-cron-job']));
    fireEvent.change(screen.getByTestId('goldenpath-filter'), { target: { value: 'typescript' } });
    await waitFor(() => expect(screen.getAllByTestId('goldenpath-card').map((c) => c.getAttribute('data-name'))).toEqual(['node-service']));
    fireEvent.change(screen.getByTestId('goldenpath-filter'), { target: { value: 'cobol' } });
    expect(await screen.findByText(/No golden path matches/)).toBeTruthy();
  });

  it('shows the backend error with a retry', async () => {
    const fake = renderApp('#/new');
    // Replace the binding before the lazy page calls it.
    (fake.app as unknown as Record<string, unknown>).GoldenPaths = () => Promise.reject('platform templates could not be read');
    expect((await screen.findByTestId('error', {}, SLOW)).textContent).toContain('platform templates could not be read');
  });
});

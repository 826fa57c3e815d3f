import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_WARNING, MAX_WARNINGS } from '../../src/common/hooks';
import { renderApp, teardown } from '../helpers';

afterEach(teardown);

describe('backend warnings', () => {
  it('shows each "paved:warning" once, keeps the last few, and can be dismissed', async () => {
    const fake = renderApp('#/');
    await screen.findByTestId('platform-title');
    expect(screen.queryByTestId('warnings')).toBeNull();
    const warn = (message: unknown) => act(() => fake.runtime.EventsEmit(EVENT_WARNING, { message }));

    warn('the first catalog sync failed (the Sync status page has the details)');
    warn('the first catalog sync failed (the Sync status page has the details)');
    warn('');
    warn(42);
    await waitFor(() => expect(screen.getAllByTestId('warning')).toHaveLength(1));

    for (let i = 0; i < MAX_WARNINGS + 1; i++) warn(`audit entry ${i} not written`);
    const shown = screen.getAllByTestId('warning').map((w) => w.textContent);
    expect(shown).toHaveLength(MAX_WARNINGS);
    expect(shown[shown.length - 1]).toContain(`audit entry ${MAX_WARNINGS} not written`);

    fireEvent.click(within(screen.getAllByTestId('warning')[0]).getByRole('button', { name: 'Dismiss this warning' }));
    expect(screen.getAllByTestId('warning')).toHaveLength(MAX_WARNINGS - 1);
  });
});

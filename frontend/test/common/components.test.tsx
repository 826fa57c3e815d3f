import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { BackendError } from '../../src/common/backend';
import { ErrorBox, problemPlace } from '../../src/common/components';

describe('ErrorBox', () => {
  it('titles the error by its kind and lists its problems once, with place, field and fix', () => {
    const err = new BackendError('Sync', 'source team-a has problems:\n  catalog-info.yaml:7: spec.owner: is required; name the owning group', 'invalid', [
      { file: 'catalog-info.yaml', line: 7, field: 'spec.owner', message: 'is required', fix: 'name the owning group' },
      { field: 'metadata.name', message: 'is too long' },
    ]);
    render(<ErrorBox error={err} />);
    const box = screen.getByTestId('error');
    expect(box.getAttribute('data-kind')).toBe('invalid');
    expect(within(box).getByText('That was not accepted.')).toBeTruthy();
    // The summary line only: the problems are listed, not repeated as text.
    expect(box.querySelector('.error-message')!.textContent).toBe('source team-a has problems');
    const items = within(screen.getByTestId('error-problems')).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['catalog-info.yaml:7: spec.owner: is required — name the owning group', 'metadata.name: is too long']);
  });

  it('shows a plain message whole, as something that went wrong, with a retry', () => {
    const retry = vi.fn();
    render(<ErrorBox error={'boom\nsecond line'} onRetry={retry} />);
    const box = screen.getByTestId('error');
    expect(box.getAttribute('data-kind')).toBe('internal');
    expect(within(box).getByText('Something went wrong.')).toBeTruthy();
    expect(box.querySelector('.error-message')!.textContent).toBe('boom\nsecond line');
    expect(screen.queryByTestId('error-problems')).toBeNull();
    fireEvent.click(within(box).getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('offers no retry for what does not exist', () => {
    render(<ErrorBox error={new BackendError('Entity', 'no entity x', 'not_found')} onRetry={() => undefined} />);
    expect(within(screen.getByTestId('error')).getByText('Not found.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('names a problem’s place from what it knows', () => {
    expect(problemPlace({ file: 'a.yaml', line: 3, message: '' })).toBe('a.yaml:3');
    expect(problemPlace({ file: 'a.yaml', message: '' })).toBe('a.yaml');
    expect(problemPlace({ line: 3, message: '' })).toBe('line 3');
    expect(problemPlace({ message: '' })).toBe('');
  });
});

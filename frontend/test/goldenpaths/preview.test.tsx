import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetEventsForTests, setBackendWaitMs } from '../../src/common/backend';
import { installFakeBackend } from '../../src/dev/fakeBackend';
import { buildTree, formatSize } from '../../src/goldenpaths/FileTree';
import { defaultSelection, PREVIEW_DEBOUNCE_MS, usePreview, type PreviewState } from '../../src/goldenpaths/Preview';
import type { PreviewFile } from '../../src/goldenpaths/types';
import { renderApp, teardown } from '../helpers';

afterEach(() => {
  vi.useRealTimers();
  teardown();
});

const SLOW = { timeout: 8000 };
const f = (path: string, size = 1, mode = 0o644): PreviewFile => ({ path, size, mode });

describe('file tree', () => {
  it('nests paths, directories first, by name', () => {
    const tree = buildTree([f('b.txt'), f('cmd/app/main.go'), f('.github/workflows/ci.yaml'), f('a.txt'), f('cmd/app/main_test.go'), f('cmd/README.md')]);
    const flat = (nodes: ReturnType<typeof buildTree>, d = 0): string[] =>
      nodes.flatMap((n) => [`${'  '.repeat(d)}${n.name}${n.dir ? '/' : ''}`, ...flat(n.children, d + 1)]);
    expect(flat(tree)).toEqual([
      '.github/',
      '  workflows/',
      '    ci.yaml',
      'cmd/',
      '  app/',
      '    main.go',
      '    main_test.go',
      '  README.md',
      'a.txt',
      'b.txt',
    ]);
    expect(tree[1].children[0].path).toBe('cmd/app');
  });

  it('formats sizes and picks README.md first', () => {
    expect(formatSize(12)).toBe('12 B');
    expect(formatSize(2048)).toBe('2.0 KiB');
    expect(defaultSelection([f('a.go'), f('README.md')])).toBe('README.md');
    expect(defaultSelection([f('a.go'), f('catalog-info.yaml')])).toBe('catalog-info.yaml');
    expect(defaultSelection([f('z.go'), f('a.go')])).toBe('z.go');
    expect(defaultSelection([])).toBeUndefined();
  });
});

describe('preview debounce', () => {
  function Harness({ onState }: { onState: (s: PreviewState) => void }) {
    const [name, setName] = useState('');
    const state = usePreview('go-service', { name, owner: 'team-payments', description: 'x' });
    onState(state);
    return <input aria-label="name" value={name} onChange={(e) => setName(e.target.value)} />;
  }

  it('calls ScaffoldPreview once per quiet period, with the latest values', async () => {
    vi.useFakeTimers();
    setBackendWaitMs(200);
    const fake = installFakeBackend(window, { latencyMs: 0 });
    let last: PreviewState = { loading: true };
    render(<Harness onState={(s) => (last = s)} />);
    const box = screen.getByLabelText('name');
    const previews = () => fake.calls.filter((c) => c.method === 'ScaffoldPreview');

    // Typing faster than the debounce: no call yet.
    for (const v of ['o', 'or', 'ord', 'orde', 'order']) {
      fireEvent.change(box, { target: { value: v } });
      await act(async () => {
        await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS / 2);
      });
    }
    expect(previews()).toHaveLength(0);
    expect(last.loading).toBe(true);

    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    });
    expect(previews()).toHaveLength(1);
    expect(previews()[0].args[0]).toEqual({ template: 'go-service', values: { name: 'order', owner: 'team-payments', description: 'x' } });
    expect(last.loading).toBe(false);
    expect(last.preview?.files.some((x) => x.path === 'cmd/order/main.go')).toBe(true);

    // Same values again (new object, same content): no new call.
    fireEvent.change(box, { target: { value: 'order' } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS * 2);
    });
    expect(previews()).toHaveLength(1);

    fireEvent.change(box, { target: { value: 'orders' } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS + 1);
    });
    expect(previews()).toHaveLength(2);
    delete window.go;
    delete window.runtime;
    resetEventsForTests();
  });

  it('ignores a slow response that a newer one overtook', async () => {
    setBackendWaitMs(200);
    const fake = installFakeBackend(window, { latencyMs: 0 });
    const app = fake.app as unknown as { ScaffoldPreview: (req: { values: { name: string } }) => Promise<unknown> };
    const real = app.ScaffoldPreview;
    app.ScaffoldPreview = async (req) => {
      // The first request answers last.
      if (req.values.name === 'slow') await new Promise((r) => setTimeout(r, 400));
      return real(req);
    };
    let last: PreviewState = { loading: true };
    render(<Harness onState={(s) => (last = s)} />);
    const box = screen.getByLabelText('name');
    fireEvent.change(box, { target: { value: 'slow' } });
    await new Promise((r) => setTimeout(r, PREVIEW_DEBOUNCE_MS + 50));
    fireEvent.change(box, { target: { value: 'fast' } });
    await waitFor(() => expect(last.preview?.files.some((x) => x.path === 'cmd/fast/main.go')).toBe(true));
    await new Promise((r) => setTimeout(r, 400));
    expect(last.preview?.files.some((x) => x.path === 'cmd/slow/main.go')).toBe(false);
    delete window.go;
    delete window.runtime;
    resetEventsForTests();
  });
});

describe('live preview beside the form', () => {
  it('shows the file tree and the selected file, and follows the form', async () => {
    renderApp('#/new/go-service');
    const tree = await screen.findByTestId('preview-tree', {}, SLOW);
    expect(within(tree).getAllByTestId('preview-tree-dir').map((d) => d.getAttribute('data-path'))).toContain('cmd/new-service');
    // README.md is shown first.
    expect(screen.getByTestId('preview-content').getAttribute('data-path')).toBe('README.md');
    // Unfinished values are listed, by their titles.
    expect(screen.getByTestId('preview-problems').textContent).toContain('Name: is required');

    const name = document.getElementById('root_name') as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'orders-api' } });
    await waitFor(() => expect(screen.getByTestId('preview-content').textContent).toContain('# orders-api'), SLOW);
    expect(screen.getAllByTestId('preview-tree-dir').map((d) => d.getAttribute('data-path'))).toContain('cmd/orders-api');

    // Select another file.
    fireEvent.click(screen.getAllByTestId('preview-tree-file').find((x) => x.getAttribute('data-path') === 'cmd/orders-api/main.go')!);
    expect(screen.getByTestId('preview-content').getAttribute('data-path')).toBe('cmd/orders-api/main.go');
    expect(screen.getByTestId('preview-content').textContent).toContain('package main');
    // An executable is marked.
    const script = screen.getAllByTestId('preview-tree-file').find((x) => x.getAttribute('data-path') === 'scripts/check.sh')!;
    expect(script.textContent).toContain('x');

    // Collapse a directory.
    fireEvent.click(screen.getAllByTestId('preview-tree-dir').find((x) => x.getAttribute('data-path') === 'cmd')!);
    expect(screen.queryAllByTestId('preview-tree-file').some((x) => x.getAttribute('data-path')?.startsWith('cmd/'))).toBe(false);
  });

  it('reports a failing preview without breaking the form', async () => {
    const fake = renderApp('#/new/go-service');
    (fake.app as unknown as Record<string, unknown>).ScaffoldPreview = () => Promise.reject('template go-service: skeleton/main.go: unexpected end of template');
    expect((await screen.findByTestId('preview-error', {}, SLOW)).textContent).toContain('unexpected end of template');
    expect(document.getElementById('root_name')).toBeTruthy();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BackendError,
  getAudit,
  getEntity,
  getGraph,
  getPlatform,
  getStatus,
  onCatalogChanged,
  onEvent,
  onSyncProgress,
  resetEventsForTests,
  search,
  setBackendWaitMs,
  sync,
} from '../src/api';
import type { AppBindings } from '../src/types';

type Fn = ReturnType<typeof vi.fn>;

function installApp(overrides: Partial<Record<keyof AppBindings, Fn>>) {
  window.go = { app: { App: overrides as unknown as Partial<AppBindings> } };
}

beforeEach(() => {
  setBackendWaitMs(5000);
});

afterEach(() => {
  delete window.go;
  delete window.runtime;
  resetEventsForTests();
});

describe('bound methods', () => {
  it('passes arguments through to window.go.app.App and returns the result', async () => {
    const Platform = vi.fn().mockResolvedValue({ name: 'acme', title: 'ACME Retail', origin: 'demo' });
    const Graph = vi.fn().mockResolvedValue({ root: 'component:default/a', nodes: [], edges: [] });
    const Audit = vi.fn().mockResolvedValue([{ id: 1, at: 'x', actor: 'me', action: 'sync', target: 't', outcome: 'ok' }]);
    const Sync = vi.fn().mockResolvedValue([]);
    installApp({ Platform, Graph, Audit, Sync });

    expect((await getPlatform()).title).toBe('ACME Retail');
    await getGraph('payments-api', 3, 'down');
    expect(Graph).toHaveBeenCalledWith('payments-api', 3, 'down');
    expect(await getAudit(200)).toHaveLength(1);
    expect(Audit).toHaveBeenCalledWith(200);
    await sync();
    expect(Sync).toHaveBeenCalledWith('');
  });

  it('sends the SearchQuery object unchanged', async () => {
    const Search = vi.fn().mockResolvedValue({ total: 0, items: [], tookMs: 1 });
    installApp({ Search });
    const q = { query: 'pay', kinds: ['Component'], limit: 50, facets: true };
    await search(q);
    expect(Search).toHaveBeenCalledWith(q);
  });

  it('normalises Go nil slices/maps (null) to empty values', async () => {
    installApp({
      Search: vi.fn().mockResolvedValue({
        total: 1,
        items: [{ ref: 'component:default/a', kind: 'Component', namespace: 'default', name: 'a', tags: null, source: 's' }],
        facets: { kind: [{ value: 'Component', count: 1 }], tag: null },
        tookMs: 2,
      }),
      Entity: vi.fn().mockResolvedValue({
        ref: 'component:default/a',
        kind: 'Component',
        namespace: 'default',
        name: 'a',
        tags: null,
        source: 's',
        entity: null,
        links: null,
        annotations: null,
        labels: null,
        relations: [{ type: 'dependsOn', targetRef: 'component:default/b', target: { ref: 'component:default/b', kind: 'Component', namespace: 'default', name: 'b', tags: null, source: 's' } }],
        sourceFile: { source: 's', path: 'catalog-info.yaml', line: 3 },
        rawYaml: 'kind: Component',
      }),
      Status: vi.fn().mockResolvedValue([{ name: 's', kind: 'dir', target: '/x', origin: 'user', entities: 1, errors: null }]),
      Graph: vi.fn().mockResolvedValue({ root: 'r', nodes: null, edges: null }),
      Audit: vi.fn().mockResolvedValue(null),
    });
    const r = await search({ query: '' });
    expect(r.items[0].tags).toEqual([]);
    expect(r.facets?.tag).toEqual([]);
    expect(r.facets?.kind).toEqual([{ value: 'Component', count: 1 }]);

    const e = await getEntity('a');
    expect(e.tags).toEqual([]);
    expect(e.links).toEqual([]);
    expect(e.annotations).toEqual({});
    expect(e.labels).toEqual({});
    expect(e.entity).toEqual({});
    expect(e.relations[0].target?.tags).toEqual([]);

    expect((await getStatus())[0].errors).toEqual([]);
    expect(await getGraph('r', 1, 'both')).toEqual({ root: 'r', nodes: [], edges: [] });
    expect(await getAudit(10)).toEqual([]);
  });

  it('turns a string rejection into a BackendError with that message', async () => {
    installApp({ Entity: vi.fn().mockRejectedValue('entity "nope" not found') });
    const err = await getEntity('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).message).toBe('entity "nope" not found');
    expect((err as BackendError).method).toBe('Entity');
  });

  it('also accepts Error rejections', async () => {
    installApp({ Status: vi.fn().mockRejectedValue(new Error('boom')) });
    await expect(getStatus()).rejects.toThrow('boom');
  });

  it('waits briefly for window.go to be injected', async () => {
    setBackendWaitMs(1000);
    const p = getPlatform();
    setTimeout(() => installApp({ Platform: vi.fn().mockResolvedValue({ name: 'x', title: 'Late', origin: 'path' }) }), 60);
    expect((await p).title).toBe('Late');
  });

  it('rejects when the backend never appears', async () => {
    setBackendWaitMs(50);
    await expect(getPlatform()).rejects.toThrow(/backend is not available/);
  });

  it('rejects when a method is missing', async () => {
    installApp({});
    await expect(getAudit(5)).rejects.toThrow(/no method Audit/);
  });
});

describe('events', () => {
  function fakeRuntime(returnOff: boolean) {
    const handlers = new Map<string, (...d: unknown[]) => void>();
    const offFns: Fn[] = [];
    const runtime = {
      EventsOn: vi.fn((name: string, cb: (...d: unknown[]) => void) => {
        handlers.set(name, cb);
        if (!returnOff) return undefined;
        const off = vi.fn(() => handlers.delete(name));
        offFns.push(off);
        return off;
      }),
      EventsOff: vi.fn((name: string) => handlers.delete(name)),
    };
    window.runtime = runtime;
    const emit = (name: string, ...d: unknown[]) => handlers.get(name)?.(...d);
    return { runtime, emit, offFns, handlers };
  }

  it('registers one runtime listener per event and fans out', () => {
    const { runtime, emit, offFns } = fakeRuntime(true);
    const a = vi.fn();
    const b = vi.fn();
    const offA = onSyncProgress(a);
    const offB = onSyncProgress(b);
    expect(runtime.EventsOn).toHaveBeenCalledTimes(1);
    expect(runtime.EventsOn).toHaveBeenCalledWith('catalog:sync', expect.any(Function));

    const payload = { source: 'demo', stage: 'parse', message: 'x', current: 1, total: 3 };
    emit('catalog:sync', payload);
    expect(a).toHaveBeenCalledWith(payload);
    expect(b).toHaveBeenCalledWith(payload);

    // Unsubscribing one listener must not silence the other (EventsOff(name) would).
    offA();
    expect(offFns[0]).not.toHaveBeenCalled();
    emit('catalog:sync', payload);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);

    offB();
    expect(offFns[0]).toHaveBeenCalledTimes(1);
    expect(runtime.EventsOff).not.toHaveBeenCalled();
  });

  it('falls back to EventsOff when EventsOn returns nothing', () => {
    const { runtime, emit } = fakeRuntime(false);
    const cb = vi.fn();
    const off = onCatalogChanged(cb);
    emit('catalog:changed');
    expect(cb).toHaveBeenCalledTimes(1);
    off();
    expect(runtime.EventsOff).toHaveBeenCalledWith('catalog:changed');
  });

  it('isolates a throwing listener', () => {
    const { emit } = fakeRuntime(true);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = vi.fn();
    onEvent('x', () => {
      throw new Error('bad');
    });
    onEvent('x', good);
    emit('x', 1);
    expect(good).toHaveBeenCalledWith(1);
    expect(spy).toHaveBeenCalled();
  });

  it('attaches once the runtime shows up later', async () => {
    const cb = vi.fn();
    const off = onCatalogChanged(cb);
    const { emit } = fakeRuntime(true);
    await new Promise((r) => setTimeout(r, 150));
    emit('catalog:changed');
    expect(cb).toHaveBeenCalledTimes(1);
    off();
  });

  it('ignores non-object sync payloads', () => {
    const { emit } = fakeRuntime(true);
    const cb = vi.fn();
    onSyncProgress(cb);
    emit('catalog:sync');
    emit('catalog:sync', 'oops');
    expect(cb).not.toHaveBeenCalled();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getAudit, getEntity, getGraph, getPlatform, getStatus, onCatalogChanged, onSyncProgress, search, sync } from '../../src/catalog/api';
import {
  BackendError,
  describeError,
  errorKind,
  isMissingMethod,
  onEvent,
  resetEventsForTests,
  setBackendWaitMs,
  toBackendError,
  type AppBindings,
} from '../../src/common/backend';

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

  it('returns results as Go sends them: lists are never null, so nothing is patched up', async () => {
    const result = { total: 1, items: [{ ref: 'component:default/a', kind: 'Component', namespace: 'default', name: 'a', tags: [], source: 's' }], tookMs: 2 };
    installApp({ Search: vi.fn().mockResolvedValue(result) });
    expect(await search({ query: '' })).toBe(result);
  });

  it('turns the backend\'s JSON rejection into a BackendError with its kind and problems', async () => {
    const problems = [
      { file: 'catalog-info.yaml', line: 7, field: 'spec.owner', message: 'is required', fix: 'name the owning group' },
      { field: 'name', message: 'must be lower case' },
    ];
    installApp({
      Entity: vi.fn().mockRejectedValue(JSON.stringify({ message: 'entity "nope" not found', kind: 'not_found', problems: [] })),
      Sync: vi.fn().mockRejectedValue(JSON.stringify({ message: 'bad input:\n  two problems', kind: 'invalid', problems })),
    });
    const notFound = await getEntity('nope').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(BackendError);
    expect(notFound).toMatchObject({ method: 'Entity', kind: 'not_found', message: 'entity "nope" not found', problems: [] });
    expect(errorKind(notFound)).toBe('not_found');

    const invalid = (await sync().catch((e: unknown) => e)) as BackendError;
    expect(invalid.kind).toBe('invalid');
    expect(invalid.problems).toEqual(problems);
    expect(invalid.message).toBe('bad input:\n  two problems');
  });

  it('treats an older backend\'s plain string as an internal error with that message', async () => {
    installApp({ Entity: vi.fn().mockRejectedValue('entity "nope" not found') });
    const err = await getEntity('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ method: 'Entity', kind: 'internal', message: 'entity "nope" not found', problems: [] });
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

describe('describeError', () => {
  it.each([
    ['a JSON string', JSON.stringify({ message: 'm', kind: 'conflict', problems: [{ message: 'p', field: 'f' }] }), { message: 'm', kind: 'conflict', problems: [{ message: 'p', field: 'f' }] }],
    ['a plain string', 'boom', { message: 'boom', kind: 'internal', problems: [] }],
    ['a string that only looks like JSON', '{not json', { message: '{not json', kind: 'internal', problems: [] }],
    ['an unknown kind', JSON.stringify({ message: 'm', kind: 'weird', problems: [] }), { message: 'm', kind: 'internal', problems: [] }],
    ['problems without a message, and empty places', JSON.stringify({ message: 'm', kind: 'invalid', problems: [{ field: 'x' }, { message: 'ok', file: '', line: 0 }, 3] }), { message: 'm', kind: 'invalid', problems: [{ message: 'ok' }] }],
    ['no problems list', JSON.stringify({ message: 'm', kind: 'invalid' }), { message: 'm', kind: 'invalid', problems: [] }],
    ['an Error', new Error('e'), { message: 'e', kind: 'internal', problems: [] }],
    ['an Error holding the JSON (the window)', new Error(JSON.stringify({ message: 'w', kind: 'not_found', problems: [] })), { message: 'w', kind: 'not_found', problems: [] }],
    ['an object from a bridge', { message: 'o', kind: 'unavailable' }, { message: 'o', kind: 'unavailable', problems: [] }],
    ['anything else', 42, { message: '42', kind: 'internal', problems: [] }],
  ])('reads %s', (_name, input, want) => {
    expect(describeError(input)).toEqual(want);
  });

  it('keeps a BackendError as it is', () => {
    const e = new BackendError('Scaffold', 'm', 'invalid', [{ field: 'name', message: 'is required' }]);
    expect(toBackendError(e)).toBe(e);
    expect(describeError(e)).toEqual({ message: 'm', kind: 'invalid', problems: [{ field: 'name', message: 'is required' }] });
  });

  it('knows a method the backend does not have', async () => {
    installApp({});
    const err = await getAudit(5).catch((e: unknown) => e);
    expect(isMissingMethod(err)).toBe(true);
    expect(isMissingMethod(new BackendError('X', 'something else'))).toBe(false);
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

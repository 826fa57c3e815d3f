import { describe, expect, it } from 'vitest';
import { applyProgress, belongsTo, newOperation } from '../../src/env/operations';
import { splitMatches, serviceColor } from '../../src/env/LogViewer';
import { containerStateTone, envStateTone, healthTone } from '../../src/env/components';
import { sortEnvironments } from '../../src/env/EnvListPage';
import { hrefFor, parseHash } from '../../src/common/router';
import { envHref } from '../../src/env/routes';
import { envTarget } from '../../src/env/RunLocally';
import type { EnvProgressEvent } from '../../src/env/types';

const ev = (source: string, stage: string, message = '', current = 0, total = 0): EnvProgressEvent => ({ source, stage, message, current, total });

describe('progress of an environment operation', () => {
  it('matches "<env>" and "<env>/<service>" sources only', () => {
    expect(belongsTo('shop', 'shop')).toBe(true);
    expect(belongsTo('shop', 'shop/db')).toBe(true);
    expect(belongsTo('shop', 'shopping')).toBe(false);
    expect(belongsTo('shop', 'shopping/db')).toBe(false);
    expect(belongsTo('shop', 'other/shop')).toBe(false);
  });

  it('folds events into stages, per-service steps and a ready count', () => {
    let op = newOperation(1, 'shop', 'up');
    const events = [
      ev('shop', 'resolve', 'reading score.yaml'),
      ev('shop/db', 'image', 'db: image present'),
      ev('other/db', 'ready', 'not mine', 1, 9),
      ev('shop/db', 'create', 'db: creating'),
      ev('shop/web', 'create', 'web: creating'),
      ev('shop/db', 'wait', 'db: waiting for its health check'),
      ev('shop/db', 'ready', 'db: healthy after 0.4 s', 1, 2),
      ev('shop/web', 'error', 'web: exited with code 1'),
    ];
    for (const e of events) op = applyProgress(op, e);
    expect(op.stage).toBe('resolve');
    expect(op.current).toBe(1);
    expect(op.total).toBe(2);
    expect(op.message).toBe('web: exited with code 1');
    expect(op.services.map((s) => [s.service, s.stage, s.ready, s.failed])).toEqual([
      ['db', 'ready', true, false],
      ['web', 'error', false, true],
    ]);
    expect(op.messages.some((m) => m.message === 'not mine')).toBe(false);
    op = applyProgress(op, ev('shop', 'done', 'shop: failed'));
    expect(op.stage).toBe('done');
  });

  it('takes the service from the event item, and skips raw output', () => {
    let op = newOperation(1, 'shop', 'up');
    const item = (it: string, stage: string, message: string, detail?: string): EnvProgressEvent => ({ source: 'shop', item: it, stage, message, detail, current: 0, total: 0 });
    op = applyProgress(op, item('db', 'create', 'creating'));
    op = applyProgress(op, item('web', 'build', '', 'Step 1/4 : FROM scratch'));
    op = applyProgress(op, item('db', 'ready', 'ready (health check)'));
    expect(op.message).toBe('db: ready (health check)');
    expect(op.services.map((s) => [s.service, s.stage, s.ready])).toEqual([['db', 'ready', true]]);
    expect(op.messages.some((m) => m.message === '')).toBe(false);
  });

  it('returns the same object for events of other environments', () => {
    const op = newOperation(1, 'shop', 'up');
    expect(applyProgress(op, ev('cart/db', 'ready', '', 1, 1))).toBe(op);
  });
});

describe('environment helpers', () => {
  it('maps states and health to badge tones', () => {
    expect(['running', 'starting', 'partial', 'stopped'].map(envStateTone)).toEqual(['ok', 'busy', 'warn', 'muted']);
    expect(['running', 'restarting', 'exited', 'missing'].map(containerStateTone)).toEqual(['ok', 'warn', 'bad', 'bad']);
    expect(['healthy', 'starting', 'unhealthy', 'none'].map(healthTone)).toEqual(['ok', 'busy', 'bad', 'muted']);
  });

  it('splits text around case-insensitive matches', () => {
    expect(splitMatches('GET /Healthz 200 healthz', 'healthz')).toEqual([
      { text: 'GET /', match: false },
      { text: 'Healthz', match: true },
      { text: ' 200 ', match: false },
      { text: 'healthz', match: true },
    ]);
    expect(splitMatches('abc', '')).toEqual([{ text: 'abc', match: false }]);
    expect(serviceColor('db')).toBe(serviceColor('db'));
  });

  it('sorts environments: up first, then by name', () => {
    const s = (name: string, state: string) => ({ name, state, dir: '', services: 0, running: 0 });
    expect(sortEnvironments([s('b', 'stopped'), s('c', 'running'), s('a', 'stopped'), s('d', 'partial')]).map((e) => e.name)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('names a component to EnvUp without a "/" the backend would read as a directory', () => {
    expect(envTarget('component:default/shop', '/src/shop')).toBe('component:shop');
    expect(envTarget('component:team-a/shop', '/src/shop')).toBe('/src/shop');
    expect(envTarget('component:team-a/shop')).toBe('component:team-a/shop');
    expect(envTarget('shop')).toBe('shop');
  });

  it('routes #/envs and #/env/<name>', () => {
    expect(parseHash('#/envs')).toEqual({ name: 'envs' });
    expect(parseHash('#/env/shop')).toEqual({ name: 'env', env: 'shop' });
    expect(parseHash('#/env/e2e-1a%20b')).toEqual({ name: 'env', env: 'e2e-1a b' });
    expect(hrefFor({ name: 'envs' })).toBe('#/envs');
    expect(envHref('shop')).toBe('#/env/shop');
    expect(parseHash(envHref('a/b'))).toEqual({ name: 'env', env: 'a/b' });
  });
});

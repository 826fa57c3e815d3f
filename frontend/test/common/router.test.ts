import { describe, expect, it } from 'vitest';
import { clampDepth, encodeRef, entityHref, graphHref, hrefFor, parseHash, replaceHash, type Route } from '../../src/common/router';

describe('parseHash', () => {
  it('maps empty and root hashes to the search page', () => {
    for (const h of ['', '#', '#/', '#/search']) {
      expect(parseHash(h)).toEqual({ name: 'search', q: '', filters: {} });
    }
  });

  it('reads the query and repeated facet filters', () => {
    expect(parseHash('#/?q=pay%20api&kind=Component&kind=API&owner=group%3Adefault%2Fteam-payments')).toEqual({
      name: 'search',
      q: 'pay api',
      filters: { kind: ['Component', 'API'], owner: ['group:default/team-payments'] },
    });
  });

  it('parses entity refs with kind, namespace and slashes', () => {
    expect(parseHash('#/entity/component:default/payments-api')).toEqual({ name: 'entity', ref: 'component:default/payments-api' });
    expect(parseHash('#/entity/group%3Ateam-a')).toEqual({ name: 'entity', ref: 'group:team-a' });
    expect(parseHash('#/entity/payments-api')).toEqual({ name: 'entity', ref: 'payments-api' });
  });

  it('parses graph routes with depth and direction, defaulting and clamping', () => {
    expect(parseHash('#/graph/component:default/a?depth=3&direction=up')).toEqual({ name: 'graph', ref: 'component:default/a', depth: 3, direction: 'up' });
    expect(parseHash('#/graph/a')).toEqual({ name: 'graph', ref: 'a', depth: 2, direction: 'both' });
    expect(parseHash('#/graph/a?depth=99&direction=sideways')).toMatchObject({ depth: 5, direction: 'both' });
    expect(parseHash('#/graph/a?depth=0')).toMatchObject({ depth: 1 });
    expect(parseHash('#/graph/a?depth=abc')).toMatchObject({ depth: 2 });
  });

  it('parses the static pages and unknown paths', () => {
    expect(parseHash('#/status')).toEqual({ name: 'status' });
    expect(parseHash('#/audit')).toEqual({ name: 'audit' });
    expect(parseHash('#/nope/x')).toEqual({ name: 'notFound', path: '/nope/x' });
    expect(parseHash('#/entity/')).toEqual({ name: 'notFound', path: '/entity/' });
  });

  it('tolerates malformed percent-encoding', () => {
    expect(parseHash('#/entity/bad%E0%A4%A')).toEqual({ name: 'entity', ref: 'bad%E0%A4%A' });
  });
});

describe('hrefFor', () => {
  it('keeps refs readable but escapes unsafe characters', () => {
    expect(encodeRef('component:default/payments-api')).toBe('component:default/payments-api');
    expect(encodeRef('component:default/a b?#')).toBe('component:default/a%20b%3F%23');
    expect(entityHref('group:default/team-payments')).toBe('#/entity/group:default/team-payments');
    expect(graphHref('component:default/a', 3, 'down')).toBe('#/graph/component:default/a?depth=3&direction=down');
    expect(hrefFor({ name: 'search', q: '', filters: {} })).toBe('#/');
  });

  it('round-trips every route', () => {
    const routes: Route[] = [
      { name: 'search', q: '', filters: {} },
      { name: 'search', q: 'checkout web', filters: { kind: ['Component'], tag: ['java', 'c++'] } },
      { name: 'entity', ref: 'component:default/weird name?#&' },
      { name: 'graph', ref: 'api:default/payments-rest', depth: 4, direction: 'up' },
      { name: 'status' },
      { name: 'audit' },
    ];
    for (const r of routes) expect(parseHash(hrefFor(r))).toEqual(r);
  });

  it('clampDepth stays within 1..5', () => {
    expect(clampDepth(-3)).toBe(1);
    expect(clampDepth(2.6)).toBe(3);
    expect(clampDepth(8)).toBe(5);
    expect(clampDepth(NaN)).toBe(2);
  });
});

describe('replaceHash', () => {
  it('rewrites the URL of the page that owns it, and leaves another page\'s alone', () => {
    window.location.hash = '#/?q=pa';
    replaceHash('#/?q=pay');
    expect(window.location.hash).toBe('#/?q=pay');
    // The person opened an entity before the search page's effect ran.
    window.location.hash = '#/entity/component:default/shop';
    replaceHash('#/');
    expect(window.location.hash).toBe('#/entity/component:default/shop');
  });
});

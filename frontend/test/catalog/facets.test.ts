import { describe, expect, it } from 'vitest';
import { activeFilterCount, buildSearchQuery, facetOptions, isSelected, SEARCH_LIMIT, toggleFacet } from '../../src/catalog/facets';
import type { Filters } from '../../src/common/router';

describe('toggleFacet', () => {
  it('adds, removes and drops empty facets without mutating', () => {
    const empty: Filters = {};
    const one = toggleFacet(empty, 'kind', 'Component');
    expect(one).toEqual({ kind: ['Component'] });
    expect(empty).toEqual({});

    const two = toggleFacet(one, 'kind', 'API');
    expect(two).toEqual({ kind: ['Component', 'API'] });
    expect(one).toEqual({ kind: ['Component'] });

    const back = toggleFacet(two, 'kind', 'Component');
    expect(back).toEqual({ kind: ['API'] });
    expect(toggleFacet(back, 'kind', 'API')).toEqual({});
  });

  it('keeps other facets intact', () => {
    const f = toggleFacet({ kind: ['Component'], tag: ['go'] }, 'tag', 'go');
    expect(f).toEqual({ kind: ['Component'] });
    expect(isSelected(f, 'kind', 'Component')).toBe(true);
    expect(isSelected(f, 'tag', 'go')).toBe(false);
    expect(activeFilterCount({ kind: ['a', 'b'], owner: ['c'] })).toBe(3);
  });
});

describe('buildSearchQuery', () => {
  it('maps facet names to SearchQuery fields and always asks for facets', () => {
    expect(
      buildSearchQuery('  pay ', {
        kind: ['Component'],
        type: ['service'],
        owner: ['group:default/team-payments'],
        lifecycle: ['production'],
        system: ['system:default/payments'],
        tag: ['go'],
      }),
    ).toEqual({
      query: 'pay',
      kinds: ['Component'],
      types: ['service'],
      owners: ['group:default/team-payments'],
      lifecycles: ['production'],
      systems: ['system:default/payments'],
      tags: ['go'],
      limit: SEARCH_LIMIT,
      offset: 0,
      facets: true,
    });
    expect(SEARCH_LIMIT).toBe(50);
  });

  it('omits empty filters and passes the offset', () => {
    expect(buildSearchQuery('', { kind: [] }, 50)).toEqual({ query: '', limit: 50, offset: 50, facets: true });
  });
});

describe('facetOptions', () => {
  it('sorts by count then value and keeps selected values the backend dropped', () => {
    const result = {
      total: 3,
      items: [],
      tookMs: 1,
      facets: { kind: [{ value: 'API', count: 1 }, { value: 'Component', count: 2 }, { value: 'Group', count: 1 }, { value: '', count: 9 }] },
    };
    expect(facetOptions(result, { kind: ['User'] }, 'kind')).toEqual([
      { value: 'Component', count: 2 },
      { value: 'API', count: 1 },
      { value: 'Group', count: 1 },
      { value: 'User', count: 0 },
    ]);
    expect(facetOptions(undefined, {}, 'tag')).toEqual([]);
  });
});

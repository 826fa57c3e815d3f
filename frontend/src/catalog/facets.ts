// Facet filter state <-> SearchQuery.

import type { Filters } from '../common/router';
import { FACET_NAMES, type FacetCount, type FacetName, type SearchQuery, type SearchResult } from './types';

export const SEARCH_LIMIT = 50;

export const FACET_LABELS: Record<FacetName, string> = {
  kind: 'Kind',
  type: 'Type',
  owner: 'Owner',
  lifecycle: 'Lifecycle',
  system: 'System',
  tag: 'Tag',
};

const QUERY_FIELD: Record<FacetName, keyof SearchQuery> = {
  kind: 'kinds',
  type: 'types',
  owner: 'owners',
  lifecycle: 'lifecycles',
  system: 'systems',
  tag: 'tags',
};

/** Add value to the facet's filter, or remove it if present. Returns a new object. */
export function toggleFacet(filters: Filters, facet: FacetName, value: string): Filters {
  const current = filters[facet] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  const out: Filters = { ...filters };
  if (next.length) out[facet] = next;
  else delete out[facet];
  return out;
}

export function isSelected(filters: Filters, facet: FacetName, value: string): boolean {
  return (filters[facet] ?? []).includes(value);
}

export function activeFilterCount(filters: Filters): number {
  return FACET_NAMES.reduce((n, f) => n + (filters[f]?.length ?? 0), 0);
}

export function buildSearchQuery(query: string, filters: Filters, offset = 0): SearchQuery {
  const q: SearchQuery = { query: query.trim(), limit: SEARCH_LIMIT, offset, facets: true };
  for (const f of FACET_NAMES) {
    const values = filters[f];
    if (values && values.length) (q[QUERY_FIELD[f]] as string[]) = [...values];
  }
  return q;
}

/**
 * Facet values to display: the backend's counts, plus any selected value the
 * backend no longer reports (count 0) so it can still be un-ticked.
 * Sorted by count desc, then value.
 */
export function facetOptions(result: SearchResult | undefined, filters: Filters, facet: FacetName): FacetCount[] {
  const counts = [...(result?.facets?.[facet] ?? [])];
  for (const v of filters[facet] ?? []) {
    if (!counts.some((c) => c.value === v)) counts.push({ value: v, count: 0 });
  }
  return counts
    .filter((c) => c.value !== '')
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

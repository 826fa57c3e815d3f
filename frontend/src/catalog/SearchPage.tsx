import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { toBackendError, type BackendError } from '../common/backend';
import { search } from './api';
import { EntityLink, ErrorBox, KindBadge, Tags } from '../common/components';
import {
  activeFilterCount,
  buildSearchQuery,
  FACET_LABELS,
  facetOptions,
  isSelected,
  toggleFacet,
} from './facets';
import { consumePendingSearchFocus, SEARCH_INPUT_ID } from '../common/focus';
import { useCatalog, useDebounced, useDocumentTitle } from '../common/hooks';
import { displayName, kindKey, shortRef } from '../common/refs';
import { entityHref, hrefFor, navigate, replaceHash, type Filters } from '../common/router';
import { FACET_NAMES, type EntitySummary, type FacetName, type SearchResult } from './types';

export const SEARCH_DEBOUNCE_MS = 120;
const FACET_COLLAPSED = 8;

type Results = { result: SearchResult; items: EntitySummary[] };

export function SearchPage({ initialQuery = '', initialFilters = {} }: { initialQuery?: string; initialFilters?: Filters }) {
  const { version, platform } = useCatalog();
  const [query, setQuery] = useState(initialQuery);
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [results, setResults] = useState<Results | undefined>();
  const [error, setError] = useState<BackendError | undefined>();
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const debouncedQuery = useDebounced(query, SEARCH_DEBOUNCE_MS);
  const seq = useRef(0);
  const inputRef = useRef<HTMLInputElement>(null);

  useDocumentTitle(undefined, platform?.title);

  useEffect(() => {
    consumePendingSearchFocus();
  }, []);

  // Keep the URL in sync (without history entries) so back/forward restores the search.
  useEffect(() => {
    replaceHash(hrefFor({ name: 'search', q: debouncedQuery, filters }));
  }, [debouncedQuery, filters]);

  useEffect(() => {
    const id = ++seq.current;
    setLoading(true);
    search(buildSearchQuery(debouncedQuery, filters)).then(
      (result) => {
        if (id !== seq.current) return;
        setResults({ result, items: result.items });
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (id !== seq.current) return;
        setError(toBackendError(err, 'Search'));
        setLoading(false);
      },
    );
  }, [debouncedQuery, filters, version]);

  const loadMore = () => {
    if (!results) return;
    const id = seq.current;
    setLoadingMore(true);
    search(buildSearchQuery(debouncedQuery, filters, results.items.length)).then(
      (more) => {
        setLoadingMore(false);
        if (id !== seq.current) return;
        setResults((r) => (r ? { result: r.result, items: [...r.items, ...more.items] } : r));
      },
      (err: unknown) => {
        setLoadingMore(false);
        setError(toBackendError(err, 'Search'));
      },
    );
  };

  const onToggle = (facet: FacetName, value: string) => setFilters((f) => toggleFacet(f, facet, value));
  const nActive = activeFilterCount(filters);
  const pending = query !== debouncedQuery || loading;

  return (
    <div className="search-page">
      <aside className="facets" aria-label="Filters" data-testid="facets">
        <div className="facets-header">
          <h2>Filters</h2>
          {nActive > 0 && (
            <button type="button" className="btn-link" onClick={() => setFilters({})} data-testid="clear-filters">
              Clear ({nActive})
            </button>
          )}
        </div>
        {FACET_NAMES.map((facet) => (
          <FacetGroup key={facet} facet={facet} result={results?.result} filters={filters} onToggle={onToggle} />
        ))}
      </aside>

      <section className="results" aria-label="Search results">
        <div className="search-bar">
          <label htmlFor={SEARCH_INPUT_ID} className="visually-hidden">
            Search the catalog
          </label>
          <span className="search-icon" aria-hidden="true">
            ⌕
          </span>
          <input
            id={SEARCH_INPUT_ID}
            ref={inputRef}
            type="search"
            className="search-input"
            placeholder="Search components, APIs, teams…"
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                if (query) setQuery('');
                else inputRef.current?.blur();
              }
            }}
            data-testid="search-input"
          />
          <kbd className="search-kbd" aria-hidden="true" title="Press / to search">
            /
          </kbd>
        </div>

        <div className="result-meta" aria-live="polite" data-testid="result-count">
          {results ? (
            <>
              <strong>
                {results.result.total.toLocaleString('en-US')}
                {results.result.totalCapped ? '+' : ''}
              </strong>{' '}
              {results.result.total === 1 && !results.result.totalCapped ? 'entity' : 'entities'}
              <span className="muted"> · {formatMs(results.result.tookMs)}</span>
              {results.items.length < results.result.total && (
                <span className="muted"> · showing {results.items.length}</span>
              )}
            </>
          ) : (
            <span className="muted">Searching…</span>
          )}
          {pending && results && <span className="spinner spinner-inline" aria-hidden="true" />}
        </div>

        {error && <ErrorBox error={error} onRetry={() => setFilters((f) => ({ ...f }))} />}

        {results && (
          <ResultsTable items={results.items} />
        )}
        {results && results.items.length === 0 && !pending && (
          <div className="empty" data-testid="no-results">
            No entities match{query ? <> “{query}”</> : null}
            {nActive > 0 ? ' with the selected filters' : ''}.
          </div>
        )}
        {results && results.items.length < results.result.total && (
          <div className="load-more">
            <button type="button" className="btn" onClick={loadMore} disabled={loadingMore} data-testid="load-more">
              {loadingMore
                ? 'Loading…'
                : `Load more (${results.result.total - results.items.length}${results.result.totalCapped ? '+' : ''} left)`}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}

function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return ms < 10 ? `${ms.toFixed(1).replace(/\.0$/, '')} ms` : `${Math.round(ms)} ms`;
}

function ResultsTable({ items }: { items: EntitySummary[] }) {
  if (!items.length) return null;
  const onRowClick = (e: MouseEvent<HTMLTableRowElement>, ref: string) => {
    // Let real links (and modified clicks / text selection) behave normally.
    if ((e.target as HTMLElement).closest('a, button, input')) return;
    if (window.getSelection()?.toString()) return;
    navigate(entityHref(ref));
  };
  return (
    <table className="table results-table" data-testid="results-table">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Name</th>
          <th scope="col">Description</th>
          <th scope="col">Owner</th>
          <th scope="col">Type</th>
          <th scope="col">Lifecycle</th>
          <th scope="col">Tags</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr
            key={e.ref}
            className="clickable"
            data-testid="result-row"
            data-ref={e.ref}
            data-kind={e.kind}
            onClick={(ev) => onRowClick(ev, e.ref)}
          >
            <td className="nowrap">
              <KindBadge kind={e.kind} />
            </td>
            <td className="name-cell">
              <a href={entityHref(e.ref)} data-testid="result-link" className="result-link">
                {displayName(e)}
              </a>
              {e.title && e.title !== e.name && <div className="mono muted small">{e.name}</div>}
              {e.namespace && e.namespace !== 'default' && <div className="muted small">ns: {e.namespace}</div>}
            </td>
            <td className="desc-cell">
              <span className="clamp-2">{e.description || <span className="muted">—</span>}</span>
            </td>
            <td className="nowrap">
              {e.owner ? <EntityLink entityRef={e.owner} /> : <span className="muted">—</span>}
            </td>
            <td>{e.type || <span className="muted">—</span>}</td>
            <td>{e.lifecycle ? <LifecycleBadge lifecycle={e.lifecycle} /> : <span className="muted">—</span>}</td>
            <td>
              <Tags tags={e.tags} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LifecycleBadge({ lifecycle }: { lifecycle: string }) {
  return <span className={`lifecycle lifecycle-${kindKey(lifecycle)}`}>{lifecycle}</span>;
}

function FacetGroup({
  facet,
  result,
  filters,
  onToggle,
}: {
  facet: FacetName;
  result: SearchResult | undefined;
  filters: Filters;
  onToggle: (facet: FacetName, value: string) => void;
}) {
  const [expanded, setExpanded] = useState(false);
  const options = useMemo(() => facetOptions(result, filters, facet), [result, filters, facet]);
  if (!options.length) return null;
  const shown = expanded ? options : options.slice(0, FACET_COLLAPSED);
  const isRefFacet = facet === 'owner' || facet === 'system';
  const headingId = `facet-heading-${facet}`;
  return (
    <fieldset className="facet-group" data-testid={`facet-group-${facet}`}>
      <legend id={headingId}>{FACET_LABELS[facet]}</legend>
      <ul>
        {shown.map((o) => {
          const checked = isSelected(filters, facet, o.value);
          return (
            <li key={o.value}>
              <label className={checked ? 'facet-option is-checked' : 'facet-option'} title={o.value}>
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() => onToggle(facet, o.value)}
                  data-testid={`facet-${facet}-${o.value}`}
                  data-facet={facet}
                  data-value={o.value}
                />
                <span className="facet-value">{isRefFacet ? shortRef(o.value) : o.value}</span>
                <span className="facet-count">{o.count}</span>
              </label>
            </li>
          );
        })}
      </ul>
      {options.length > FACET_COLLAPSED && (
        <button type="button" className="btn-link small" onClick={() => setExpanded((x) => !x)} aria-expanded={expanded}>
          {expanded ? 'Show fewer' : `Show ${options.length - FACET_COLLAPSED} more`}
        </button>
      )}
    </fieldset>
  );
}


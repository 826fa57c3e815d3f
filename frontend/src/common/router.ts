// Hash router: #/ (catalog search), #/entity/<ref>, #/graph/<ref>, #/status, #/audit,
// #/new (golden paths), #/new/<template>.

import { useEffect, useRef, useState } from 'react';
import { FACET_NAMES, type FacetName, type GraphDirection } from '../catalog/types';

export type Filters = Partial<Record<FacetName, string[]>>;

export type Route =
  | { name: 'search'; q: string; filters: Filters }
  | { name: 'entity'; ref: string }
  | { name: 'graph'; ref: string; depth: number; direction: GraphDirection }
  | { name: 'status' }
  | { name: 'audit' }
  | { name: 'goldenPaths' }
  | { name: 'goldenPath'; template: string }
  | { name: 'envs' }
  | { name: 'env'; env: string }
  | { name: 'notFound'; path: string };

export const DEFAULT_GRAPH_DEPTH = 2;
export const MIN_GRAPH_DEPTH = 1;
export const MAX_GRAPH_DEPTH = 5;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Encode an entity ref for a hash path, keeping ':' '/' '@' readable. */
export function encodeRef(ref: string): string {
  return encodeURIComponent(ref).replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%40/gi, '@');
}

export function clampDepth(n: number): number {
  if (!Number.isFinite(n)) return DEFAULT_GRAPH_DEPTH;
  return Math.min(MAX_GRAPH_DEPTH, Math.max(MIN_GRAPH_DEPTH, Math.round(n)));
}

function parseDirection(s: string | null): GraphDirection {
  return s === 'up' || s === 'down' || s === 'both' ? s : 'both';
}

export function parseHash(hash: string): Route {
  let h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h === '') h = '/';
  if (!h.startsWith('/')) h = '/' + h;
  const qi = h.indexOf('?');
  const path = qi >= 0 ? h.slice(0, qi) : h;
  const params = new URLSearchParams(qi >= 0 ? h.slice(qi + 1) : '');

  if (path === '/' || path === '/search') {
    const filters: Filters = {};
    for (const f of FACET_NAMES) {
      const values = params.getAll(f).filter((v) => v !== '');
      if (values.length) filters[f] = values;
    }
    return { name: 'search', q: params.get('q') ?? '', filters };
  }
  if (path === '/status') return { name: 'status' };
  if (path === '/audit') return { name: 'audit' };
  if (path === '/envs') return { name: 'envs' };
  const envMatch = /^\/env\/([^/]+)\/?$/.exec(path);
  if (envMatch) return { name: 'env', env: safeDecode(envMatch[1]) };
  if (path === '/new' || path === '/new/') return { name: 'goldenPaths' };
  const gp = /^\/new\/([^/]+)\/?$/.exec(path);
  if (gp) return { name: 'goldenPath', template: safeDecode(gp[1]) };

  const m = /^\/(entity|graph)\/(.+)$/.exec(path);
  if (m) {
    const ref = safeDecode(m[2]);
    if (m[1] === 'entity') return { name: 'entity', ref };
    const depthParam = params.get('depth');
    return {
      name: 'graph',
      ref,
      depth: depthParam === null ? DEFAULT_GRAPH_DEPTH : clampDepth(Number(depthParam)),
      direction: parseDirection(params.get('direction')),
    };
  }
  return { name: 'notFound', path: safeDecode(path) };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'search': {
      const p = new URLSearchParams();
      if (route.q) p.set('q', route.q);
      for (const f of FACET_NAMES) for (const v of route.filters[f] ?? []) p.append(f, v);
      const qs = p.toString();
      return qs ? `#/?${qs}` : '#/';
    }
    case 'entity':
      return `#/entity/${encodeRef(route.ref)}`;
    case 'graph': {
      const p = new URLSearchParams({ depth: String(clampDepth(route.depth)), direction: route.direction });
      return `#/graph/${encodeRef(route.ref)}?${p.toString()}`;
    }
    case 'status':
      return '#/status';
    case 'audit':
      return '#/audit';
    case 'goldenPaths':
      return '#/new';
    case 'goldenPath':
      return `#/new/${encodeURIComponent(route.template)}`;
    case 'envs':
      return '#/envs';
    case 'env':
      return `#/env/${encodeURIComponent(route.env)}`;
    case 'notFound':
      return `#${route.path}`;
  }
}

export const entityHref = (ref: string): string => hrefFor({ name: 'entity', ref });
export const goldenPathHref = (template: string): string => hrefFor({ name: 'goldenPath', template });
export const graphHref = (ref: string, depth = DEFAULT_GRAPH_DEPTH, direction: GraphDirection = 'both'): string =>
  hrefFor({ name: 'graph', ref, depth, direction });

export function navigate(href: string): void {
  if (window.location.hash !== href) window.location.hash = href;
}

/**
 * Update the hash without adding a history entry or firing hashchange
 * listeners we own. Only a page that still owns the URL may rewrite it: when
 * the hash already names another page (the person navigated meanwhile, or
 * opened a link before the page's first effect ran), it is left alone.
 */
export function replaceHash(href: string): void {
  if (window.location.hash === href) return;
  if (parseHash(window.location.hash).name !== parseHash(href).name) return;
  const url = window.location.pathname + window.location.search + href;
  window.history.replaceState(window.history.state, '', url);
}

/**
 * Current route plus a counter that changes on every hashchange (replaceHash
 * does not fire one), usable as a React key to reset page state on navigation.
 */
export function useRoute(): { route: Route; key: number } {
  const [state, setState] = useState(() => ({ route: parseHash(window.location.hash), key: 0 }));
  const firstHash = useRef(window.location.hash);
  useEffect(() => {
    const onChange = () => setState((s) => ({ route: parseHash(window.location.hash), key: s.key + 1 }));
    window.addEventListener('hashchange', onChange);
    // A hash that changed between the first render and this effect fired
    // its hashchange before anyone listened.
    if (window.location.hash !== firstHash.current) onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return state;
}

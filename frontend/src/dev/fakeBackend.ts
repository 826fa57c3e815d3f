// In-memory fake of the Go backend (window.go.app.App + window.runtime events).
// Used by `vite dev` when the Go side is absent, and by component tests.

import { INVERSE_RELATION } from '../catalog/relations';
import type { AppBindings, WailsRuntime } from '../common/backend';
import type { AuditEntry, EntityDetail, EntitySummary, FacetCount, FacetName, Graph, GraphDirection, GraphEdge, GraphNode, PlatformInfo, RelationView, SearchQuery, SearchResult, SourceStatus, SyncProgress, SyncResult } from '../catalog/types';
import { DEMO_ENTITIES, type Descriptor } from './demoData';
import { createFakeGoldenPaths } from './fakeGoldenPaths';
import { createFakeEnv, type FakeEnv, type FakeEnvOptions } from './fakeEnv';
import { backendError } from './fakeErrors';

type Stored = { d: Descriptor; summary: EntitySummary; file: string; line: number; source: string };

export type FakeBackendOptions = {
  entities?: Descriptor[];
  /** Artificial latency for each call, ms. */
  latencyMs?: number;
  platform?: PlatformInfo;
  /** local environments (src/dev/fakeEnv.ts) */
  env?: FakeEnvOptions;
};

export type FakeBackend = {
  app: AppBindings;
  runtime: WailsRuntime & { EventsEmit(name: string, ...data: unknown[]): void };
  /** Calls made to app methods, for assertions. */
  calls: { method: string; args: unknown[] }[];
  /** the local-environment fake, mounted on app (Env* methods) */
  env: FakeEnv;
};

const DEFAULT_KIND_FOR_FIELD: Record<string, string> = {
  owner: 'group',
  system: 'system',
  domain: 'domain',
  providesApis: 'api',
  consumesApis: 'api',
  dependsOn: 'component',
  memberOf: 'group',
  parent: 'group',
  children: 'group',
  members: 'user',
};

export function normalizeRef(ref: string, defaultKind: string, defaultNs = 'default'): string {
  let kind = defaultKind;
  let rest = ref;
  const c = rest.indexOf(':');
  if (c >= 0) {
    kind = rest.slice(0, c);
    rest = rest.slice(c + 1);
  }
  let ns = defaultNs;
  const s = rest.indexOf('/');
  if (s >= 0) {
    ns = rest.slice(0, s);
    rest = rest.slice(s + 1);
  }
  return `${kind.toLowerCase()}:${ns.toLowerCase()}/${rest.toLowerCase()}`;
}

function refOf(d: Descriptor): string {
  return normalizeRef(String(d.metadata.name), d.kind, d.metadata.namespace ?? 'default');
}

function toYaml(v: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  const scalar = (x: unknown): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return /^[\w./@-][\w ./@:-]*$/.test(x) && !/:\s/.test(x) && !/^(true|false|null|\d+)$/.test(x) ? x : JSON.stringify(x);
    return String(x);
  };
  if (Array.isArray(v)) {
    if (!v.length) return `${pad}[]\n`;
    return v
      .map((item) => {
        if (item && typeof item === 'object') {
          const inner = toYaml(item, indent + 2).replace(/^\s+/, '');
          return `${pad}- ${inner}`;
        }
        return `${pad}- ${scalar(item)}\n`;
      })
      .join('');
  }
  if (v && typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => {
        if (Array.isArray(x)) return x.length ? `${pad}${k}:\n${toYaml(x, indent + 2)}` : `${pad}${k}: []\n`;
        if (x && typeof x === 'object') return Object.keys(x).length ? `${pad}${k}:\n${toYaml(x, indent + 2)}` : `${pad}${k}: {}\n`;
        return `${pad}${k}: ${scalar(x)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(v)}\n`;
}

const FACET_FIELD: Record<FacetName, (e: EntitySummary) => string[]> = {
  kind: (e) => [e.kind],
  type: (e) => (e.type ? [e.type] : []),
  owner: (e) => (e.owner ? [e.owner] : []),
  lifecycle: (e) => (e.lifecycle ? [e.lifecycle] : []),
  system: (e) => (e.system ? [e.system] : []),
  tag: (e) => e.tags,
};

const QUERY_FILTER: Record<FacetName, keyof SearchQuery> = {
  kind: 'kinds',
  type: 'types',
  owner: 'owners',
  lifecycle: 'lifecycles',
  system: 'systems',
  tag: 'tags',
};

const DOWN = new Set(['dependsOn', 'providesApi', 'consumesApi', 'hasPart', 'parentOf', 'hasMember', 'ownerOf']);

export function createFakeBackend(opts: FakeBackendOptions = {}): FakeBackend {
  const latency = opts.latencyMs ?? 0;
  const platform: PlatformInfo = opts.platform ?? {
    name: 'acme-retail',
    title: 'ACME Retail',
    description: 'Demo organisation: an online retailer.',
    origin: 'demo',
  };
  const listeners = new Map<string, Set<(...d: unknown[]) => void>>();
  const calls: FakeBackend['calls'] = [];
  let lastSyncAt = new Date(Date.now() - 5 * 60_000).toISOString();
  let commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  const audit: AuditEntry[] = [
    { id: 2, at: new Date(Date.now() - 4 * 60_000).toISOString(), actor: 'dev', action: 'catalog.sync', target: 'acme-demo', outcome: 'success', detail: '31 entities' },
    { id: 1, at: new Date(Date.now() - 60 * 60_000).toISOString(), actor: 'dev', action: 'platform.init', target: 'acme-retail', outcome: 'success' },
  ];

  // ---- index ----
  const byRef = new Map<string, Stored>();
  (opts.entities ?? DEMO_ENTITIES).forEach((d, i) => {
    const ref = refOf(d);
    const spec = d.spec ?? {};
    const summary: EntitySummary = {
      ref,
      kind: d.kind,
      namespace: d.metadata.namespace ?? 'default',
      name: d.metadata.name,
      title: d.metadata.title,
      description: d.metadata.description,
      type: spec.type,
      lifecycle: spec.lifecycle,
      owner: spec.owner ? normalizeRef(spec.owner, 'group') : undefined,
      system: spec.system ? normalizeRef(spec.system, 'system') : undefined,
      tags: d.metadata.tags ?? [],
      source: 'acme-demo',
    };
    byRef.set(ref, { d, summary, file: `catalog/${d.kind.toLowerCase()}s.yaml`, line: 1 + (i % 12) * 14, source: 'acme-demo' });
  });

  // ---- relations ----
  const rels = new Map<string, Map<string, { type: string; targetRef: string }>>();
  const addRel = (from: string, type: string, to: string) => {
    if (!byRef.has(from)) return;
    const m = rels.get(from) ?? new Map();
    m.set(`${type}|${to}`, { type, targetRef: to });
    rels.set(from, m);
  };
  const addPair = (from: string, type: string, to: string) => {
    addRel(from, type, to);
    addRel(to, INVERSE_RELATION[type], from);
  };
  for (const [ref, s] of byRef) {
    const spec = s.d.spec ?? {};
    const list = (field: string): string[] =>
      (Array.isArray(spec[field]) ? spec[field] : spec[field] ? [spec[field]] : []).map((r: string) =>
        normalizeRef(r, DEFAULT_KIND_FOR_FIELD[field]),
      );
    for (const o of list('owner')) addPair(ref, 'ownedBy', o);
    for (const x of list('system')) addPair(ref, 'partOf', x);
    for (const x of list('domain')) addPair(ref, 'partOf', x);
    for (const x of list('dependsOn')) addPair(ref, 'dependsOn', x);
    for (const x of list('providesApis')) addPair(ref, 'providesApi', x);
    for (const x of list('consumesApis')) addPair(ref, 'consumesApi', x);
    for (const x of list('memberOf')) addPair(ref, 'memberOf', x);
    for (const x of list('parent')) addPair(ref, 'childOf', x);
    for (const x of list('children')) addPair(ref, 'parentOf', x);
  }
  const relationsOf = (ref: string): RelationView[] =>
    [...(rels.get(ref)?.values() ?? [])].map((r) => ({ ...r, target: byRef.get(r.targetRef)?.summary }));

  // ---- helpers ----
  const wait = () => (latency > 0 ? new Promise((r) => setTimeout(r, latency)) : Promise.resolve());
  const emit = (name: string, ...data: unknown[]) => {
    for (const l of [...(listeners.get(name) ?? [])]) l(...data);
  };
  const resolveRef = (input: string): Stored => {
    const direct = byRef.get(input.toLowerCase());
    if (direct) return direct;
    const hasKind = input.includes(':');
    const [kind, rest] = hasKind ? [input.slice(0, input.indexOf(':')), input.slice(input.indexOf(':') + 1)] : ['', input];
    const [ns, name] = rest.includes('/') ? rest.split('/', 2) : ['', rest];
    const matches = [...byRef.values()].filter(
      (s) =>
        s.summary.name.toLowerCase() === name.toLowerCase() &&
        (!kind || s.summary.kind.toLowerCase() === kind.toLowerCase()) &&
        (!ns || s.summary.namespace.toLowerCase() === ns.toLowerCase()),
    );
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw backendError('invalid', `ambiguous entity reference "${input}": ${matches.map((m) => m.summary.ref).join(', ')}`);
    throw backendError('not_found', `entity "${input}" not found`);
  };

  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  const env = createFakeEnv({ emit, record, latencyMs: latency }, opts.env);

  const app: AppBindings = {
    // Golden paths: GoldenPaths, GoldenPath, ScaffoldPreview, Scaffold... (./fakeGoldenPaths.ts)
    ...createFakeGoldenPaths({ wait, emit, record }),
    // Local environments: EnvUp, EnvPs, EnvLogs... (./fakeEnv.ts)
    ...env.app,
    async Platform() {
      record('Platform', []);
      await wait();
      return platform;
    },

    async Search(q: SearchQuery): Promise<SearchResult> {
      record('Search', [q]);
      const t0 = performance.now();
      await wait();
      const terms = (q.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const textMatch = [...byRef.values()]
        .map((s) => s.summary)
        .filter((e) => {
          const hay = [e.name, e.title, e.description, e.kind, e.type, ...e.tags].filter(Boolean).join(' ').toLowerCase();
          return terms.every((t) => hay.includes(t));
        });
      const passes = (e: EntitySummary, except?: FacetName) =>
        (Object.keys(QUERY_FILTER) as FacetName[]).every((f) => {
          if (f === except) return true;
          const wanted = q[QUERY_FILTER[f]] as string[] | undefined;
          if (!wanted || !wanted.length) return true;
          const have = FACET_FIELD[f](e).map((v) => v.toLowerCase());
          return wanted.some((w) => have.includes(w.toLowerCase()));
        });
      const score = (e: EntitySummary) => {
        const n = e.name.toLowerCase();
        const t = terms[0] ?? '';
        return t && n === t ? 0 : t && n.startsWith(t) ? 1 : 2;
      };
      const all = textMatch
        .filter((e) => passes(e))
        .sort((a, b) => score(a) - score(b) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
      const offset = q.offset ?? 0;
      const limit = q.limit && q.limit > 0 ? q.limit : 50;
      let facets: SearchResult['facets'];
      if (q.facets) {
        facets = {};
        for (const f of Object.keys(FACET_FIELD) as FacetName[]) {
          const counts = new Map<string, number>();
          for (const e of textMatch.filter((x) => passes(x, f)))
            for (const v of FACET_FIELD[f](e)) counts.set(v, (counts.get(v) ?? 0) + 1);
          const list: FacetCount[] = [...counts].map(([value, count]) => ({ value, count }));
          facets[f] = list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
        }
      }
      return { total: all.length, items: all.slice(offset, offset + limit), facets, tookMs: performance.now() - t0 };
    },

    async Entity(ref: string): Promise<EntityDetail> {
      record('Entity', [ref]);
      await wait();
      const s = resolveRef(ref);
      const md = s.d.metadata;
      return {
        ...s.summary,
        entity: s.d,
        links: md.links ?? [],
        annotations: md.annotations ?? {},
        labels: md.labels ?? {},
        relations: relationsOf(s.summary.ref),
        sourceFile: { source: s.source, path: s.file, line: s.line },
        rawYaml: toYaml(s.d),
      };
    },

    async Graph(ref: string, depth: number, direction: GraphDirection): Promise<Graph> {
      record('Graph', [ref, depth, direction]);
      await wait();
      const root = resolveRef(ref).summary.ref;
      const nodes = new Map<string, GraphNode>();
      const edges: GraphEdge[] = [];
      const edgeKeys = new Set<string>();
      const nodeFor = (r: string, d: number): GraphNode => {
        const s = byRef.get(r)?.summary;
        const fallbackName = r.slice(r.indexOf('/') + 1);
        return s
          ? { ref: r, kind: s.kind, name: s.name, title: s.title, depth: d }
          : { ref: r, kind: r.slice(0, r.indexOf(':')).replace(/^./, (c) => c.toUpperCase()), name: fallbackName, missing: true, depth: d };
      };
      nodes.set(root, nodeFor(root, 0));
      let frontier = [root];
      for (let d = 1; d <= depth && frontier.length; d++) {
        const next: string[] = [];
        for (const r of frontier) {
          for (const rel of rels.get(r)?.values() ?? []) {
            const down = DOWN.has(rel.type);
            if (direction === 'down' && !down) continue;
            if (direction === 'up' && down) continue;
            // Report edges in their "downward" orientation so arrows read consistently.
            const e: GraphEdge = down
              ? { from: r, to: rel.targetRef, type: rel.type }
              : { from: rel.targetRef, to: r, type: INVERSE_RELATION[rel.type] ?? rel.type };
            const key = `${e.from}|${e.to}|${e.type}`;
            if (!edgeKeys.has(key)) {
              edgeKeys.add(key);
              edges.push(e);
            }
            if (!nodes.has(rel.targetRef)) {
              nodes.set(rel.targetRef, nodeFor(rel.targetRef, d));
              if (byRef.has(rel.targetRef)) next.push(rel.targetRef);
            }
          }
        }
        frontier = next;
      }
      return { root, nodes: [...nodes.values()], edges };
    },

    async Status(): Promise<SourceStatus[]> {
      record('Status', []);
      await wait();
      return [
        {
          name: 'acme-demo',
          kind: 'embedded',
          target: 'embedded:demo/acme-retail',
          origin: 'platform',
          lastSyncAt,
          lastAttemptAt: lastSyncAt,
          commit,
          entities: byRef.size,
          files: 6,
          errors: [],
        },
        {
          name: 'my-services',
          kind: 'dir',
          target: '/home/dev/src/my-services',
          origin: 'user',
          lastSyncAt,
          lastAttemptAt: lastSyncAt,
          entities: 0,
          files: 1,
          errors: [{ file: 'catalog-info.yaml', line: 7, field: 'spec.owner', message: 'is required for kind Component', fix: 'name the owning group, e.g. group:default/team-a' }],
        },
      ];
    },

    async Sync(source: string): Promise<SyncResult[]> {
      record('Sync', [source]);
      const names = source ? [source] : ['acme-demo', 'my-services'];
      const results: SyncResult[] = [];
      for (const name of names) {
        const total = name === 'acme-demo' ? 6 : 2;
        const steps: SyncProgress[] = [
          { source: name, stage: 'fetch', message: 'reading source', current: 0, total },
          ...Array.from({ length: total }, (_, i) => ({ source: name, stage: 'parse', message: `file ${i + 1}`, current: i + 1, total })),
          { source: name, stage: 'index', message: 'updating search index', current: total, total },
        ];
        for (const p of steps) {
          emit('catalog:sync', p);
          await new Promise((r) => setTimeout(r, latency ? latency : 0));
        }
        results.push({
          source: name,
          commit: name === 'acme-demo' ? commit : undefined,
          unchanged: false,
          filesRead: total,
          filesRemoved: 0,
          entities: name === 'acme-demo' ? byRef.size : 0,
          errors: [],
          durationMs: 12,
        });
      }
      lastSyncAt = new Date().toISOString();
      commit = commit.slice(1) + commit[0];
      audit.unshift({ id: (audit[0]?.id ?? 0) + 1, at: lastSyncAt, actor: 'dev', action: 'catalog.sync', target: source || '*', outcome: 'success' });
      emit('catalog:changed');
      return results;
    },

    async Audit(limit: number): Promise<AuditEntry[]> {
      record('Audit', [limit]);
      await wait();
      return audit.slice(0, limit);
    },
  };

  const runtime: FakeBackend['runtime'] = {
    EventsOn(name, cb) {
      const set = listeners.get(name) ?? new Set();
      set.add(cb);
      listeners.set(name, set);
      return () => set.delete(cb);
    },
    EventsOff(name) {
      listeners.delete(name);
    },
    EventsEmit: emit,
  };

  return { app, runtime, calls, env };
}

/** Install the fake on window (dev mode only). */
export function installFakeBackend(win: Window, opts: FakeBackendOptions = { latencyMs: 60 }): FakeBackend {
  const fake = createFakeBackend(opts);
  win.go = { app: { App: fake.app } };
  win.runtime = fake.runtime;
  return fake;
}

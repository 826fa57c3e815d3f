import { describe, expect, it } from 'vitest';
import { dedupeEdges, layoutGraph, NODE_HEIGHT, NODE_WIDTH } from '../../src/catalog/graphLayout';
import type { Graph } from '../../src/catalog/types';

const graph: Graph = {
  root: 'component:default/checkout',
  nodes: [
    { ref: 'component:default/checkout', kind: 'Component', name: 'checkout', title: 'Checkout', depth: 0 },
    { ref: 'component:default/payments', kind: 'Component', name: 'payments', depth: 1 },
    { ref: 'api:default/payments-rest', kind: 'API', name: 'payments-rest', depth: 1 },
    { ref: 'resource:default/db', kind: 'Resource', name: 'db', depth: 2 },
    { ref: 'component:default/ghost', kind: 'Component', name: 'ghost', missing: true, depth: 2 },
  ],
  edges: [
    { from: 'component:default/checkout', to: 'component:default/payments', type: 'dependsOn' },
    { from: 'component:default/payments', to: 'component:default/checkout', type: 'dependencyOf' }, // inverse duplicate
    { from: 'component:default/checkout', to: 'api:default/payments-rest', type: 'consumesApi' },
    { from: 'component:default/payments', to: 'resource:default/db', type: 'dependsOn' },
    { from: 'component:default/payments', to: 'resource:default/db', type: 'dependsOn' }, // exact duplicate
    { from: 'component:default/payments', to: 'component:default/ghost', type: 'dependsOn' },
    { from: 'component:default/payments', to: 'component:default/not-a-node', type: 'dependsOn' }, // dangling
    { from: 'resource:default/db', to: 'resource:default/db', type: 'dependsOn' }, // self loop
  ],
};

describe('dedupeEdges', () => {
  it('drops duplicates, inverse duplicates, self loops and dangling edges', () => {
    expect(dedupeEdges(graph).map((e) => `${e.from}>${e.to}:${e.type}`)).toEqual([
      'component:default/checkout>component:default/payments:dependsOn',
      'component:default/checkout>api:default/payments-rest:consumesApi',
      'component:default/payments>resource:default/db:dependsOn',
      'component:default/payments>component:default/ghost:dependsOn',
    ]);
  });
});

describe('layoutGraph', () => {
  const out = layoutGraph(graph);
  const byId = new Map(out.nodes.map((n) => [n.id, n]));

  it('returns one positioned node per graph node with data for rendering', () => {
    expect(out.nodes).toHaveLength(5);
    for (const n of out.nodes) {
      expect(n.type).toBe('entity');
      expect(Number.isFinite(n.position.x)).toBe(true);
      expect(Number.isFinite(n.position.y)).toBe(true);
      expect(n.width).toBe(NODE_WIDTH);
      expect(n.height).toBe(NODE_HEIGHT);
    }
    const root = byId.get('component:default/checkout')!;
    expect(root.data).toMatchObject({ isRoot: true, missing: false, label: 'Checkout', kind: 'Component' });
    expect(root.className).toContain('is-root');
    expect(root.className).toContain('kind-component');
    expect(byId.get('api:default/payments-rest')!.className).toContain('kind-api');
    const ghost = byId.get('component:default/ghost')!;
    expect(ghost.data.missing).toBe(true);
    expect(ghost.className).toContain('is-missing');
    expect(byId.get('component:default/payments')!.data.label).toBe('payments'); // falls back to name
  });

  it('lays out left to right: every edge points rightwards', () => {
    for (const e of out.edges) {
      expect(byId.get(e.target)!.position.x).toBeGreaterThan(byId.get(e.source)!.position.x);
    }
    expect(byId.get('component:default/checkout')!.sourcePosition).toBe('right');
    expect(byId.get('component:default/checkout')!.targetPosition).toBe('left');
  });

  it('does not overlap nodes', () => {
    const ns = out.nodes;
    for (let i = 0; i < ns.length; i++)
      for (let j = i + 1; j < ns.length; j++) {
        const a = ns[i].position;
        const b = ns[j].position;
        const overlap = Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
        expect(overlap, `${ns[i].id} overlaps ${ns[j].id}`).toBe(false);
      }
  });

  it('emits labelled edges with stable ids', () => {
    expect(out.edges).toHaveLength(4);
    expect(out.edges[0]).toMatchObject({
      id: 'component:default/checkout->component:default/payments:dependsOn',
      source: 'component:default/checkout',
      target: 'component:default/payments',
    });
    expect(out.edges[0].label).toBeUndefined(); // plain arrow = depends on
    expect(out.edges.find((e) => e.target === 'api:default/payments-rest')!.label).toBe('Consumes API');
    expect(new Set(out.edges.map((e) => e.id)).size).toBe(out.edges.length);
  });

  it('handles a lone root and an empty graph', () => {
    const lone = layoutGraph({ root: 'a', nodes: [{ ref: 'a', kind: 'Component', name: 'a', depth: 0 }], edges: [] });
    expect(lone.nodes).toHaveLength(1);
    expect(lone.edges).toHaveLength(0);
    expect(layoutGraph({ root: 'x', nodes: [], edges: [] }).nodes).toEqual([]);
  });

  it('supports top-to-bottom layouts', () => {
    const tb = layoutGraph(graph, { rankdir: 'TB' });
    const m = new Map(tb.nodes.map((n) => [n.id, n]));
    for (const e of tb.edges) expect(m.get(e.target)!.position.y).toBeGreaterThan(m.get(e.source)!.position.y);
  });
});

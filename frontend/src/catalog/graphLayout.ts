// Pure Graph -> positioned React Flow nodes/edges, laid out with dagre (left to right).

import dagre from '@dagrejs/dagre';
import { MarkerType, Position, type Edge, type Node } from '@xyflow/react';
import { INVERSE_RELATION, relationLabel } from './relations';
import { kindKey } from '../common/refs';
import type { Graph } from './types';

export const NODE_WIDTH = 200;
const API_EDGE = new Set(['consumesApi', 'apiConsumedBy', 'providesApi', 'apiProvidedBy']);
export const NODE_HEIGHT = 52;

export type EntityNodeData = {
  ref: string;
  kind: string;
  name: string;
  label: string;
  missing: boolean;
  isRoot: boolean;
  depth: number;
};

export type EntityFlowNode = Node<EntityNodeData, 'entity'>;

export type LaidOutGraph = {
  nodes: EntityFlowNode[];
  edges: Edge[];
  width: number;
  height: number;
};

export type LayoutOptions = {
  rankdir?: 'LR' | 'RL' | 'TB' | 'BT';
  nodeWidth?: number;
  nodeHeight?: number;
  rankSep?: number;
  nodeSep?: number;
  /** Label edges only when there are at most this many (default 12); dense graphs rely on edge colours. */
  maxLabelledEdges?: number;
};

/**
 * Drop self-loops, edges whose endpoints are not nodes, exact duplicates and
 * inverse duplicates (A dependsOn B + B dependencyOf A -> keep the first seen).
 */
export function dedupeEdges(graph: Graph): Graph['edges'] {
  const nodeRefs = new Set(graph.nodes.map((n) => n.ref));
  const seen = new Set<string>();
  const out: Graph['edges'] = [];
  for (const e of graph.edges) {
    if (e.from === e.to || !nodeRefs.has(e.from) || !nodeRefs.has(e.to)) continue;
    const key = `${e.from}\u0000${e.to}\u0000${e.type}`;
    const inverse = INVERSE_RELATION[e.type];
    const inverseKey = inverse ? `${e.to}\u0000${e.from}\u0000${inverse}` : '';
    if (seen.has(key) || (inverseKey && seen.has(inverseKey))) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

export function layoutGraph(graph: Graph, opts: LayoutOptions = {}): LaidOutGraph {
  const width = opts.nodeWidth ?? NODE_WIDTH;
  const height = opts.nodeHeight ?? NODE_HEIGHT;
  const rankdir = opts.rankdir ?? 'LR';

  // Unique nodes, first occurrence wins.
  const nodes = [...new Map(graph.nodes.map((n) => [n.ref, n])).values()];
  const edges = dedupeEdges({ ...graph, nodes });

  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir, ranksep: opts.rankSep ?? 70, nodesep: opts.nodeSep ?? 24, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.ref, { width, height });
  edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  dagre.layout(g);

  const horizontal = rankdir === 'LR' || rankdir === 'RL';
  const flowNodes: EntityFlowNode[] = nodes.map((n) => {
    const p = g.node(n.ref) as { x: number; y: number } | undefined;
    const isRoot = n.ref === graph.root;
    const classes = ['entity-node', `kind-${kindKey(n.kind)}`];
    if (isRoot) classes.push('is-root');
    if (n.missing) classes.push('is-missing');
    return {
      id: n.ref,
      type: 'entity',
      position: { x: (p?.x ?? 0) - width / 2, y: (p?.y ?? 0) - height / 2 },
      width,
      height,
      className: classes.join(' '),
      sourcePosition: horizontal ? (rankdir === 'LR' ? Position.Right : Position.Left) : Position.Bottom,
      targetPosition: horizontal ? (rankdir === 'LR' ? Position.Left : Position.Right) : Position.Top,
      data: {
        ref: n.ref,
        kind: n.kind,
        name: n.name,
        label: n.title && n.title.trim() ? n.title : n.name,
        missing: Boolean(n.missing),
        isRoot,
        depth: n.depth,
      },
    };
  });

  const labelled = edges.length <= (opts.maxLabelledEdges ?? 12);
  const flowEdges: Edge[] = edges.map((e) => ({
    id: `${e.from}->${e.to}:${e.type}`,
    source: e.from,
    target: e.to,
    // Plain arrows mean "depends on"; other relation types get a label in small graphs.
    label: labelled && e.type !== 'dependsOn' ? relationLabel(e.type) : undefined,
    ariaLabel: relationLabel(e.type),
    className: `relation-edge rel-${e.type}`,
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: API_EDGE.has(e.type) ? '#7c3aed' : '#8792a6' },
    data: { type: e.type },
    domAttributes: { 'data-testid': 'graph-edge', 'data-type': e.type } as Edge['domAttributes'],
  }));

  const info = g.graph() as { width?: number; height?: number };
  return { nodes: flowNodes, edges: flowEdges, width: info.width ?? 0, height: info.height ?? 0 };
}

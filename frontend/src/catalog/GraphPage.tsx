import { Background, Controls, Handle, Position, ReactFlow, type NodeProps, type NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import { getGraph } from './api';
import { EntityLink, ErrorBox, KindBadge, Loading } from '../common/components';
import { layoutGraph, type EntityFlowNode } from './graphLayout';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import { kindKey, shortRef } from '../common/refs';
import { relationLabel } from './relations';
import { clampDepth, entityHref, hrefFor, MAX_GRAPH_DEPTH, MIN_GRAPH_DEPTH, navigate, replaceHash } from '../common/router';
import type { GraphDirection } from './types';

const DIRECTIONS: { value: GraphDirection; label: string; hint: string }[] = [
  { value: 'up', label: 'Up', hint: 'What depends on / contains this entity' },
  { value: 'down', label: 'Down', hint: 'What this entity depends on / contains' },
  { value: 'both', label: 'Both', hint: 'Both directions' },
];

function EntityNodeView({ data, sourcePosition, targetPosition }: NodeProps<EntityFlowNode>) {
  return (
    <div
      className="entity-node-inner"
      data-testid="graph-node"
      data-ref={data.ref}
      data-root={data.isRoot ? 'true' : undefined}
      data-missing={data.missing ? 'true' : undefined}
      title={data.missing ? `${data.ref} (not in catalog)` : data.ref}
    >
      <Handle type="target" position={targetPosition ?? Position.Left} isConnectable={false} />
      <div className="node-kind">
        {data.kind}
        {data.missing && <span className="node-missing"> · not in catalog</span>}
      </div>
      <div className="node-label">{data.label}</div>
      <Handle type="source" position={sourcePosition ?? Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes: NodeTypes = { entity: EntityNodeView };

export function GraphPage({
  entityRef,
  initialDepth,
  initialDirection,
}: {
  entityRef: string;
  initialDepth: number;
  initialDirection: GraphDirection;
}) {
  const { version, platform } = useCatalog();
  const [depth, setDepth] = useState(clampDepth(initialDepth));
  const [direction, setDirection] = useState<GraphDirection>(initialDirection);
  const { data, error, loading, reload } = useAsync(
    () => getGraph(entityRef, depth, direction),
    [entityRef, depth, direction, version],
  );
  useDocumentTitle(`Graph · ${shortRef(entityRef)}`, platform?.title);

  useEffect(() => {
    replaceHash(hrefFor({ name: 'graph', ref: entityRef, depth, direction }));
  }, [entityRef, depth, direction]);

  const laidOut = useMemo(() => (data ? layoutGraph(data) : undefined), [data]);
  const rootRef = data?.root || entityRef;
  const rootNode = data?.nodes.find((n) => n.ref === data.root);
  const kinds = useMemo(() => [...new Set((data?.nodes ?? []).map((n) => n.kind))].sort(), [data]);
  const edgeTypes = useMemo(
    () => [...new Set((laidOut?.edges ?? []).map((e) => String((e.data as { type: string }).type)))].sort(),
    [laidOut],
  );

  return (
    <div className="page graph-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <a href="#/">Catalog</a> <span aria-hidden="true">›</span>{' '}
        <a href={entityHref(rootRef)}>{rootNode ? rootNode.title || rootNode.name : shortRef(entityRef)}</a>{' '}
        <span aria-hidden="true">›</span> <span>Graph</span>
      </nav>
      <div className="graph-toolbar" role="toolbar" aria-label="Graph options">
        <h1 className="graph-title">
          Dependency graph{' '}
          <span className="muted">
            of <EntityLink entityRef={rootRef} summary={rootNode} />
          </span>
        </h1>
        <div className="toolbar-controls">
          <label className="control">
            <span>Depth</span>
            <select value={depth} onChange={(e) => setDepth(clampDepth(Number(e.target.value)))} data-testid="graph-depth">
              {Array.from({ length: MAX_GRAPH_DEPTH - MIN_GRAPH_DEPTH + 1 }, (_, i) => i + MIN_GRAPH_DEPTH).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <div className="segmented" role="radiogroup" aria-label="Direction" data-testid="graph-direction">
            {DIRECTIONS.map((d) => (
              <label key={d.value} className={direction === d.value ? 'is-active' : ''} title={d.hint}>
                <input
                  type="radio"
                  name="graph-direction"
                  value={d.value}
                  checked={direction === d.value}
                  onChange={() => setDirection(d.value)}
                />
                {d.label}
              </label>
            ))}
          </div>
          {data && (
            <span className="muted small" data-testid="graph-stats">
              {data.nodes.length} nodes · {laidOut?.edges.length ?? 0} edges
            </span>
          )}
          {loading && data && <span className="spinner spinner-inline" aria-label="Loading" />}
        </div>
      </div>

      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <Loading label="Loading graph…" />}

      {laidOut && data && (
        <div className="graph-layout">
          <div className="graph-canvas" data-testid="graph-canvas" aria-label="Dependency graph" role="region">
            <ReactFlow
              key={`${data.root}|${depth}|${direction}|${laidOut.nodes.length}|${laidOut.edges.length}`}
              nodes={laidOut.nodes}
              edges={laidOut.edges}
              nodeTypes={nodeTypes}
              fitView
              fitViewOptions={{ padding: 0.15, maxZoom: 1.25 }}
              minZoom={0.1}
              nodesDraggable={false}
              nodesConnectable={false}
              edgesFocusable={false}
              onNodeClick={(_, node) => {
                if (!node.data.missing) navigate(entityHref(node.id));
              }}
            >
              <Background gap={16} size={1} />
              <Controls showInteractive={false} />
            </ReactFlow>
          </div>
          <aside className="graph-side" aria-label="Graph nodes">
            <h2 className="card-title">Legend</h2>
            <ul className="legend">
              {kinds.map((k) => (
                <li key={k}>
                  <span className={`legend-swatch kind-${kindKey(k)}`} aria-hidden="true" /> {k}
                </li>
              ))}
              <li>
                <span className="legend-swatch is-root-swatch" aria-hidden="true" /> root
              </li>
              <li>
                <span className="legend-swatch is-missing-swatch" aria-hidden="true" /> not in catalog
              </li>
            </ul>
            {edgeTypes.length > 0 && (
              <ul className="legend" aria-label="Edge types">
                {edgeTypes.map((t) => (
                  <li key={t}>
                    <svg className={`legend-edge rel-${t}`} width="26" height="8" aria-hidden="true">
                      <line x1="1" y1="4" x2="25" y2="4" />
                    </svg>{' '}
                    {relationLabel(t)}
                  </li>
                ))}
                <li className="muted small">Arrows point from the dependent to what it depends on.</li>
              </ul>
            )}
            <h2 className="card-title">Nodes ({data.nodes.length})</h2>
            <ul className="node-list">
              {[...data.nodes]
                .sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name))
                .map((n) => (
                  <li key={n.ref}>
                    <KindBadge kind={n.kind} />{' '}
                    <EntityLink entityRef={n.ref} summary={n} missing={n.missing} testId="graph-node-link" />
                    <span className="muted small"> d{n.depth}</span>
                  </li>
                ))}
            </ul>
          </aside>
        </div>
      )}
    </div>
  );
}

export default GraphPage;

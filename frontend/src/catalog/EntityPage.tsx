import { useState } from 'react';
import { getEntity } from './api';
import { EntityLink, ErrorBox, KindBadge, Loading, NotFoundBox, RefValue, Tag, Tags } from '../common/components';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import { displayName, kindKey, parseRef } from '../common/refs';
import { compareRelationTypes, relationLabel } from './relations';
import { graphHref, hrefFor } from '../common/router';
import type { EntityDetail, Link, RelationView } from './types';
import { LifecycleBadge } from './SearchPage';
import { RunLocally } from '../env/RunLocally';

/** Relation types rendered as dedicated sections on a team (Group) page. */
const TEAM_RELATIONS = new Set(['hasMember', 'parentOf', 'ownerOf']);

export function EntityPage({ entityRef }: { entityRef: string }) {
  const { version, platform } = useCatalog();
  const { data, error, loading, reload } = useAsync(() => getEntity(entityRef), [entityRef, version]);
  // The page is remounted on navigation, so `data` is always this entity (possibly
  // slightly stale while a catalog:changed reload is in flight).
  const current = data;
  useDocumentTitle(current ? displayName(current) : entityRef, platform?.title);

  if (error && !current) {
    return (
      <div className="page">
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <a href="#/">Catalog</a> <span aria-hidden="true">›</span> <span>{entityRef}</span>
        </nav>
        {error.kind === 'not_found' ? (
          <NotFoundBox error={error}>
            There is no entity <code>{entityRef}</code> in the catalog.{' '}
            <a href={hrefFor({ name: 'search', q: parseRef(entityRef).name, filters: {} })} data-testid="not-found-search">
              Search the catalog for “{parseRef(entityRef).name}”
            </a>
            .
          </NotFoundBox>
        ) : (
          <ErrorBox error={error} onRetry={reload} />
        )}
      </div>
    );
  }
  if (!current) return <Loading />;
  return <EntityView e={current} stale={loading} />;
}

function EntityView({ e, stale }: { e: EntityDetail; stale: boolean }) {
  const isGroup = e.kind.toLowerCase() === 'group';
  const generic = isGroup ? e.relations.filter((r) => !TEAM_RELATIONS.has(r.type)) : e.relations;
  return (
    <div className={`page entity-page${stale ? ' is-stale' : ''}`} data-testid="entity-page" data-ref={e.ref}>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <a href="#/">Catalog</a> <span aria-hidden="true">›</span> <span>{e.kind}</span>{' '}
        <span aria-hidden="true">›</span> <span className="mono">{e.ref}</span>
      </nav>

      <header className={`entity-header kind-accent-${kindKey(e.kind)}`}>
        <div className="entity-heading">
          <KindBadge kind={e.kind} testId="entity-kind" />
          <h1 data-testid="entity-title">{displayName(e)}</h1>
          {e.local && (
            <span className="tag tag-local" title="Defined in a local source">
              local
            </span>
          )}
        </div>
        <div className="entity-subtitle mono muted">{e.ref}</div>
        {e.description && (
          <p className="entity-description" data-testid="entity-description">
            {e.description}
          </p>
        )}
        <div className="entity-actions">
          <a className="btn btn-primary" href={graphHref(e.ref)} data-testid="graph-button">
            Open dependency graph
          </a>
          <RunLocally entity={e} />
        </div>
      </header>

      <div className="entity-grid">
        <div className="entity-main">
          {isGroup && <TeamSections e={e} />}
          <RelationsCard relations={generic} title={isGroup ? 'Other relations' : 'Relations'} hideEmpty={isGroup} />
          <RawYaml e={e} />
        </div>
        <div className="entity-side">
          <MetadataCard e={e} />
          <LinksCard links={e.links} />
          <SourceCard e={e} />
        </div>
      </div>
    </div>
  );
}

function Card({ title, children, testId, count }: { title: string; children: React.ReactNode; testId?: string; count?: number }) {
  const id = `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id} data-testid={testId}>
      <h2 id={id} className="card-title">
        {title}
        {count !== undefined && <span className="count-pill">{count}</span>}
      </h2>
      <div className="card-body">{children}</div>
    </section>
  );
}

function MetadataCard({ e }: { e: EntityDetail }) {
  const labels = Object.entries(e.labels);
  const annotations = Object.entries(e.annotations);
  return (
    <Card title="About" testId="metadata">
      <dl className="meta-list">
        <dt>Namespace</dt>
        <dd>{e.namespace || 'default'}</dd>
        <dt>Type</dt>
        <dd>{e.type || <span className="muted">—</span>}</dd>
        <dt>Lifecycle</dt>
        <dd>{e.lifecycle ? <LifecycleBadge lifecycle={e.lifecycle} /> : <span className="muted">—</span>}</dd>
        <dt>Owner</dt>
        <dd>
          <RefValue value={e.owner} testId="owner-link" />
        </dd>
        <dt>System</dt>
        <dd>
          <RefValue value={e.system} testId="system-link" />
        </dd>
        <dt>Tags</dt>
        <dd>
          <Tags tags={e.tags} />
        </dd>
        <dt>Labels</dt>
        <dd>
          {labels.length ? (
            <span className="tags">
              {labels.map(([k, v]) => (
                <Tag key={k}>
                  <span className="mono">
                    {k}={v}
                  </span>
                </Tag>
              ))}
            </span>
          ) : (
            <span className="muted">—</span>
          )}
        </dd>
      </dl>
      {annotations.length > 0 && (
        <>
          <h3 className="subheading">Annotations</h3>
          <dl className="kv-list" data-testid="annotations">
            {annotations.map(([k, v]) => (
              <div key={k} className="kv">
                <dt className="mono">{k}</dt>
                <dd className="mono">{v}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </Card>
  );
}

function safeUrl(url: string): string | undefined {
  try {
    const u = new URL(url, window.location.href);
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function LinksCard({ links }: { links: Link[] }) {
  return (
    <Card title="Links" testId="links" count={links.length}>
      {links.length === 0 ? (
        <p className="muted">No links.</p>
      ) : (
        <ul className="link-list">
          {links.map((l, i) => {
            const href = safeUrl(l.url);
            return (
              <li key={`${l.url}-${i}`}>
                {href ? (
                  <a href={href} target="_blank" rel="noreferrer noopener">
                    {l.title || l.url}
                  </a>
                ) : (
                  <span>{l.title || l.url}</span>
                )}
                {l.type && <span className="muted small"> · {l.type}</span>}
                {l.title && <div className="mono muted small truncate">{l.url}</div>}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

function SourceCard({ e }: { e: EntityDetail }) {
  const sf = e.sourceFile;
  return (
    <Card title="Source" testId="source-file">
      <dl className="meta-list">
        <dt>Source</dt>
        <dd>
          <a href="#/status">{sf.source || e.source}</a>
        </dd>
        <dt>File</dt>
        <dd className="mono break">
          {sf.path ? (
            <>
              {sf.path}
              {sf.line > 0 && <span className="muted">:{sf.line}</span>}
            </>
          ) : (
            <span className="muted">—</span>
          )}
        </dd>
      </dl>
    </Card>
  );
}

export function groupRelations(relations: RelationView[]): [string, RelationView[]][] {
  const groups = new Map<string, RelationView[]>();
  for (const r of relations) {
    const list = groups.get(r.type) ?? [];
    list.push(r);
    groups.set(r.type, list);
  }
  return [...groups.entries()].sort(([a], [b]) => compareRelationTypes(a, b));
}

function RelationsCard({ relations, title, hideEmpty }: { relations: RelationView[]; title: string; hideEmpty?: boolean }) {
  if (hideEmpty && relations.length === 0) return null;
  const groups = groupRelations(relations);
  return (
    <Card title={title} testId="relations" count={relations.length}>
      {groups.length === 0 ? (
        <p className="muted">No relations.</p>
      ) : (
        <div className="relation-groups">
          {groups.map(([type, rels]) => (
            <div key={type} className="relation-group" data-testid="relation-group" data-type={type}>
              <h3 className="relation-type">{relationLabel(type)}</h3>
              <ul>
                {rels.map((r) => (
                  <li key={r.targetRef} className={r.target ? '' : 'is-missing'}>
                    {r.target && <KindBadge kind={r.target.kind} />}
                    <EntityLink
                      entityRef={r.targetRef}
                      summary={r.target}
                      missing={!r.target}
                      testId={r.target ? 'relation-link' : 'relation-missing'}
                    />
                    {r.target?.description && <span className="muted small truncate rel-desc"> {r.target.description}</span>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}

function TeamSections({ e }: { e: EntityDetail }) {
  const members = e.relations.filter((r) => r.type === 'hasMember');
  const children = e.relations.filter((r) => r.type === 'parentOf');
  const parents = e.relations.filter((r) => r.type === 'childOf');
  const owns = e.relations.filter((r) => r.type === 'ownerOf');
  // The descriptor is free-form JSON: a Group's spec.profile, when present.
  const spec = e.entity.spec as { profile?: { displayName?: string; email?: string } } | undefined;
  const profile = spec?.profile ?? {};
  return (
    <>
      {(profile.email || parents.length > 0) && (
        <div className="team-profile">
          {profile.email && (
            <span>
              ✉ <a href={`mailto:${profile.email}`}>{profile.email}</a>
            </span>
          )}
          {parents.length > 0 && (
            <span>
              Parent team:{' '}
              {parents.map((p) => (
                <EntityLink key={p.targetRef} entityRef={p.targetRef} summary={p.target} missing={!p.target} testId="relation-link" />
              ))}
            </span>
          )}
        </div>
      )}
      <Card title="Members" testId="team-members" count={members.length}>
        {members.length === 0 ? (
          <p className="muted">No members.</p>
        ) : (
          <ul className="member-list">
            {members.map((m) => (
              <li key={m.targetRef}>
                <span className="avatar" aria-hidden="true">
                  {(m.target ? displayName(m.target) : m.targetRef.split('/').pop() || '?').slice(0, 1).toUpperCase()}
                </span>
                <EntityLink entityRef={m.targetRef} summary={m.target} missing={!m.target} testId={m.target ? 'relation-link' : 'relation-missing'} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      {children.length > 0 && (
        <Card title="Child teams" testId="team-children" count={children.length}>
          <ul className="member-list">
            {children.map((c) => (
              <li key={c.targetRef}>
                <EntityLink entityRef={c.targetRef} summary={c.target} missing={!c.target} testId={c.target ? 'relation-link' : 'relation-missing'} />
                {c.target?.description && <span className="muted small"> {c.target.description}</span>}
              </li>
            ))}
          </ul>
        </Card>
      )}
      <OwnsTable owns={owns} />
    </>
  );
}

function OwnsTable({ owns }: { owns: RelationView[] }) {
  const [kindFilter, setKindFilter] = useState('');
  const kinds = [...new Set(owns.map((o) => o.target?.kind).filter((k): k is string => Boolean(k)))].sort();
  const shown = kindFilter ? owns.filter((o) => o.target?.kind === kindFilter) : owns;
  return (
    <Card title="Owns" testId="team-owns" count={owns.length}>
      {owns.length === 0 ? (
        <p className="muted">This team owns nothing in the catalog.</p>
      ) : (
        <>
          {kinds.length > 1 && (
            <div className="chip-row" role="group" aria-label="Filter owned entities by kind">
              <button type="button" className={`chip${kindFilter === '' ? ' is-active' : ''}`} aria-pressed={kindFilter === ''} onClick={() => setKindFilter('')}>
                All
              </button>
              {kinds.map((k) => (
                <button key={k} type="button" className={`chip${kindFilter === k ? ' is-active' : ''}`} aria-pressed={kindFilter === k} onClick={() => setKindFilter(k)}>
                  {k}
                </button>
              ))}
            </div>
          )}
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Lifecycle</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.targetRef} data-testid="owns-row" className={o.target ? '' : 'is-missing'}>
                  <td>{o.target ? <KindBadge kind={o.target.kind} /> : <span className="muted">?</span>}</td>
                  <td>
                    <EntityLink entityRef={o.targetRef} summary={o.target} missing={!o.target} testId={o.target ? 'relation-link' : 'relation-missing'} />
                  </td>
                  <td>{o.target?.type || <span className="muted">—</span>}</td>
                  <td>{o.target?.lifecycle ? <LifecycleBadge lifecycle={o.target.lifecycle} /> : <span className="muted">—</span>}</td>
                  <td className="desc-cell">
                    <span className="clamp-2">{o.target?.description || ''}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}

function RawYaml({ e }: { e: EntityDetail }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(e.rawYaml).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => undefined,
    );
  };
  return (
    <section className="card" aria-labelledby="raw-yaml-title">
      <h2 id="raw-yaml-title" className="card-title">
        Descriptor (YAML)
        {navigator.clipboard && (
          <button type="button" className="btn btn-small card-action" onClick={copy}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </h2>
      <pre className="raw-yaml" data-testid="raw-yaml" tabIndex={0}>
        {e.rawYaml || '# (no YAML available)'}
      </pre>
    </section>
  );
}

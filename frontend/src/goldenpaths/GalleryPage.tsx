import { useState } from 'react';
import { ErrorBox, Loading, RefValue, Tags } from '../common/components';
import { listGoldenPaths } from './api';
import '../goldenpaths/goldenpaths.css';
import type { TemplateSummary } from './types';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import { goldenPathHref } from '../common/router';

const SOURCE_LABEL: Record<string, string> = { builtin: 'built-in', platform: 'platform', dir: 'directory' };

export function sourceLabel(source: string): string {
  return SOURCE_LABEL[source] ?? source;
}

export function SourceBadge({ t, compact }: { t: Pick<TemplateSummary, 'source' | 'overrides' | 'location'>; compact?: boolean }) {
  return (
    <span
      className={`gp-source gp-source-${t.source}`}
      data-testid="goldenpath-source"
      data-source={t.source}
      title={`${t.location}${t.overrides ? ' (replaces the built-in golden path of the same name)' : ''}`}
    >
      {sourceLabel(t.source)}
      {t.overrides && !compact ? ' · overrides built-in' : ''}
    </span>
  );
}

/** Matches every word of `q` against the template's name, title, description, type and tags. */
export function matchesFilter(t: TemplateSummary, q: string): boolean {
  const hay = [t.name, t.title, t.description, t.type, ...t.tags].filter(Boolean).join(' ').toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export function GoldenPathGallery() {
  const { version, platform } = useCatalog();
  const { data, error, reload } = useAsync(listGoldenPaths, [version]);
  const [filter, setFilter] = useState('');
  useDocumentTitle('Create', platform?.title);
  const shown = (data ?? []).filter((t) => matchesFilter(t, filter));

  return (
    <div className="page gp-gallery" data-testid="goldenpath-gallery">
      <div className="page-header">
        <div>
          <h1>Create something new</h1>
          <p className="muted">
            Pick a golden path: a production-ready starting point your platform team maintains. You get a new git repository
            that builds, passes its tests and shows up in the catalog at once.
          </p>
        </div>
      </div>

      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && data.length === 0 && <div className="empty">No golden paths are available.</div>}
      {data && data.length > 0 && (
        <>
          <div className="gp-gallery-bar">
            <input
              type="search"
              className="gp-input gp-filter"
              placeholder="Filter golden paths"
              aria-label="Filter golden paths"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              data-testid="goldenpath-filter"
            />
            <span className="muted small">
              {shown.length === data.length ? `${data.length} golden paths` : `${shown.length} of ${data.length}`}
            </span>
          </div>
          {shown.length === 0 ? (
            <div className="empty">No golden path matches “{filter}”.</div>
          ) : (
            <ul className="gp-cards">
              {shown.map((t) => (
                <li key={t.name}>
                  <GoldenPathCard t={t} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function GoldenPathCard({ t }: { t: TemplateSummary }) {
  const href = goldenPathHref(t.name);
  return (
    <article className="card gp-card" data-testid="goldenpath-card" data-name={t.name} aria-labelledby={`gp-card-${t.name}`}>
      <header className="gp-card-head">
        <h2 id={`gp-card-${t.name}`} className="gp-card-title">
          <a href={href} data-testid="goldenpath-link">
            {t.title || t.name}
          </a>
        </h2>
        <SourceBadge t={t} compact />
      </header>
      <div className="gp-card-name mono muted small">
        {t.name}
        {t.type && <span className="pill gp-type">{t.type}</span>}
        {t.overrides && <span className="gp-overrides">overrides built-in</span>}
      </div>
      <p className="gp-card-desc clamp-3">{t.description || <span className="muted">No description.</span>}</p>
      <div className="gp-card-tags">
        <Tags tags={t.tags} />
      </div>
      <footer className="gp-card-foot">
        <span className="small">
          <span className="muted">Owner </span>
          <RefValue value={t.owner} testId="goldenpath-owner" />
        </span>
        <a className="btn btn-primary btn-small" href={href} data-testid="goldenpath-choose">
          Choose
        </a>
      </footer>
    </article>
  );
}

export default GoldenPathGallery;

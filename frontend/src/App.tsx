import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from './common/backend';
import { getPlatform, onCatalogChanged, onSyncProgress } from './catalog/api';
import { Loading } from './common/components';
import { handleSlashKey } from './common/focus';
import { CatalogContext, useWarnings, type CatalogContextValue, type Warning } from './common/hooks';
import { hrefFor, navigate, useRoute, type Route } from './common/router';
import type { PlatformInfo, SyncProgress } from './catalog/types';
import { AuditPage } from './catalog/AuditPage';
import { EntityPage } from './catalog/EntityPage';
import { SearchPage } from './catalog/SearchPage';
import { StatusPage } from './catalog/StatusPage';
import { EnvListPage } from './env/EnvListPage';
import { EnvPage } from './env/EnvPage';

// The graph page pulls in React Flow + dagre: load it on demand.
const GraphPage = lazy(() => import('./catalog/GraphPage'));
// Golden paths pull in react-jsonschema-form + ajv + marked: also on demand.
const GoldenPathGallery = lazy(() => import('./goldenpaths/GalleryPage'));
const GoldenPathPage = lazy(() => import('./goldenpaths/GoldenPathPage'));

const SYNC_INDICATOR_IDLE_MS = 2500;

export function App() {
  const { route, key } = useRoute();
  const [platform, setPlatform] = useState<PlatformInfo | undefined>();
  const [platformError, setPlatformError] = useState<string | undefined>();
  const [version, setVersion] = useState(0);
  const [syncProgress, setSyncProgress] = useState<SyncProgress | null>(null);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { warnings, dismiss: dismissWarning } = useWarnings();

  useEffect(() => {
    getPlatform().then(setPlatform, (err: unknown) =>
      setPlatformError(errorMessage(err)),
    );
  }, [version]);

  useEffect(() => {
    const offChanged = onCatalogChanged(() => setVersion((v) => v + 1));
    const offSync = onSyncProgress((p) => {
      setSyncProgress(p);
      clearTimeout(idleTimer.current);
      // Hide the indicator shortly after a terminal stage, or when events stop coming.
      const terminal = p.stage === 'done' || p.stage === 'failed';
      idleTimer.current = setTimeout(() => setSyncProgress(null), terminal ? 800 : SYNC_INDICATOR_IDLE_MS);
    });
    return () => {
      offChanged();
      offSync();
      clearTimeout(idleTimer.current);
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => handleSlashKey(e, () => navigate('#/'));
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const ctx = useMemo<CatalogContextValue>(() => ({ version, syncProgress, platform }), [version, syncProgress, platform]);

  return (
    <CatalogContext.Provider value={ctx}>
      <a className="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        Skip to content
      </a>
      <Header route={route} platform={platform} platformError={platformError} syncProgress={syncProgress} />
      <Warnings warnings={warnings} onDismiss={dismissWarning} />
      <main id="main" tabIndex={-1} className="main">
        <Suspense fallback={<Loading />}>
          <Page key={key} route={route} />
        </Suspense>
      </main>
    </CatalogContext.Provider>
  );
}

/** The backend's warnings: things that failed without failing what the person did. */
function Warnings({ warnings, onDismiss }: { warnings: Warning[]; onDismiss: (id: number) => void }) {
  if (!warnings.length) return null;
  return (
    <div className="warnings" role="status" aria-live="polite" data-testid="warnings">
      {warnings.map((w) => (
        <div key={w.id} className="warning" data-testid="warning">
          <span className="warning-message">{w.message}</span>
          <button type="button" className="btn btn-small" onClick={() => onDismiss(w.id)} aria-label="Dismiss this warning">
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'search':
      return <SearchPage initialQuery={route.q} initialFilters={route.filters} />;
    case 'entity':
      return <EntityPage entityRef={route.ref} />;
    case 'graph':
      return <GraphPage entityRef={route.ref} initialDepth={route.depth} initialDirection={route.direction} />;
    case 'status':
      return <StatusPage />;
    case 'audit':
      return <AuditPage />;
    case 'goldenPaths':
      return <GoldenPathGallery />;
    case 'goldenPath':
      return <GoldenPathPage template={route.template} />;
    case 'envs':
      return <EnvListPage />;
    case 'env':
      return <EnvPage name={route.env} />;
    case 'notFound':
      return (
        <div className="page">
          <h1>Page not found</h1>
          <p>
            No page at <code>{route.path}</code>. <a href="#/">Back to the catalog</a>.
          </p>
        </div>
      );
  }
}

const NAV: { label: string; href: string; match: Route['name'][] }[] = [
  { label: 'Catalog', href: hrefFor({ name: 'search', q: '', filters: {} }), match: ['search', 'entity', 'graph'] },
  { label: 'Environments', href: '#/envs', match: ['envs', 'env'] },
  { label: 'Create', href: '#/new', match: ['goldenPaths', 'goldenPath'] },
  { label: 'Sync status', href: '#/status', match: ['status'] },
  { label: 'Audit log', href: '#/audit', match: ['audit'] },
];

function Header({
  route,
  platform,
  platformError,
  syncProgress,
}: {
  route: Route;
  platform?: PlatformInfo;
  platformError?: string;
  syncProgress: SyncProgress | null;
}) {
  return (
    <header className="app-header">
      <a className="brand" href="#/" aria-label="Paved catalog home">
        <span className="brand-mark" aria-hidden="true">
          P
        </span>
        <span className="brand-text">
          <span className="brand-title" data-testid="platform-title">
            {platform?.title || (platformError ? 'Paved' : '…')}
          </span>
          <span className="brand-sub">
            Paved{platform?.origin === 'demo' ? ' · demo organisation' : ''}
          </span>
        </span>
      </a>
      <nav className="app-nav" aria-label="Main">
        {NAV.map((n) => {
          const active = n.match.includes(route.name);
          return (
            <a key={n.href} href={n.href} className={active ? 'is-active' : ''} aria-current={active ? 'page' : undefined}>
              {n.label}
            </a>
          );
        })}
      </nav>
      <div className="header-right">
        {syncProgress && (
          <a href="#/status" className="sync-indicator" data-testid="sync-indicator" title={syncProgress.message}>
            <span className="spinner spinner-inline" aria-hidden="true" /> Syncing {syncProgress.source}
            {syncProgress.total > 0 ? ` ${syncProgress.current}/${syncProgress.total}` : ''}
          </a>
        )}
        {platformError && (
          <span className="backend-error" role="alert" title={platformError}>
            Backend unavailable
          </span>
        )}
        <span className="kbd-hint muted small" aria-hidden="true">
          Press <kbd>/</kbd> to search
        </span>
      </div>
    </header>
  );
}

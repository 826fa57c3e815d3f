import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { PlatformInfo, SyncProgress } from '../catalog/types';
import { onObjectEvent, toBackendError, type BackendError } from './backend';

export type AsyncState<T> = {
  data: T | undefined;
  /** Why the last load failed: its kind says "not found" from "try again". */
  error: BackendError | undefined;
  loading: boolean;
  reload: () => void;
};

/**
 * Run an async loader whenever deps change (or reload() is called). Keeps the
 * previous data while reloading and ignores results of superseded runs.
 */
export function useAsync<T>(loader: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: BackendError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const loaderRef = useRef(loader);
  useEffect(() => {
    loaderRef.current = loader;
  });

  useEffect(() => {
    const id = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    loaderRef.current().then(
      (data) => {
        if (id === seq.current) setState({ data, error: undefined, loading: false });
      },
      (err: unknown) => {
        if (id === seq.current)
          setState((s) => ({ data: s.data, error: toBackendError(err), loading: false }));
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function useDocumentTitle(title: string | undefined, platformTitle?: string): void {
  useEffect(() => {
    const base = platformTitle || 'Paved';
    document.title = title ? `${title} · ${base}` : base;
  }, [title, platformTitle]);
}

export type CatalogContextValue = {
  /** Incremented on every "catalog:changed" event: add to effect deps to refresh. */
  version: number;
  /** Latest "catalog:sync" progress while a sync is running, else null. */
  syncProgress: SyncProgress | null;
  platform: PlatformInfo | undefined;
};

export const CatalogContext = createContext<CatalogContextValue>({
  version: 0,
  syncProgress: null,
  platform: undefined,
});

export function useCatalog(): CatalogContextValue {
  return useContext(CatalogContext);
}

/** The event the backend sends a warning in: something failed without failing an action. */
export const EVENT_WARNING = 'paved:warning';

/** How many warnings are kept on screen (the oldest go first). */
export const MAX_WARNINGS = 5;

export type Warning = { id: number; message: string };

/**
 * The backend's recent warnings ("paved:warning"), newest last, and a way
 * to dismiss one. A warning repeated while shown is shown once.
 */
export function useWarnings(): { warnings: Warning[]; dismiss: (id: number) => void } {
  const [warnings, setWarnings] = useState<Warning[]>([]);
  const next = useRef(0);
  useEffect(
    () =>
      onObjectEvent(EVENT_WARNING, (w) => {
        if (typeof w.message !== 'string' || !w.message) return;
        setWarnings((ws) => (ws.some((x) => x.message === w.message) ? ws : [...ws, { id: ++next.current, message: w.message }].slice(-MAX_WARNINGS)));
      }),
    [],
  );
  const dismiss = useCallback((id: number) => setWarnings((ws) => ws.filter((w) => w.id !== id)), []);
  return { warnings, dismiss };
}

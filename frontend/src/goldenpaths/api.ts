// Typed wrappers for the golden-path bindings (docs/ui/goldenpath-api.md).
// Same transport as src/api.ts: window.go.app.App.<Method>() and Wails events.

import { invokeBackend, onEvent } from './api';
import type {
  GoldenPathBindings,
  GoldenPathProgress,
  NextAction,
  Preview,
  PreviewFile,
  ScaffoldDefaults,
  ScaffoldRequest,
  ScaffoldResult,
  ServiceStatus,
  TemplateDetail,
  TemplateSummary,
  UpdateResult,
} from './goldenpaths/types';

export const EVENT_GOLDENPATH_PROGRESS = 'goldenpath:progress';

function call<K extends keyof GoldenPathBindings>(
  method: K,
  ...args: Parameters<GoldenPathBindings[K]>
): Promise<Awaited<ReturnType<GoldenPathBindings[K]>>> {
  return invokeBackend<Awaited<ReturnType<GoldenPathBindings[K]>>>(method, ...args);
}

// Go marshals nil slices/maps as null.
function arr<T>(v: T[] | null | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

function obj<T>(v: Record<string, T> | null | undefined): Record<string, T> {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function normalizeTemplate<T extends TemplateSummary>(t: T): T {
  return { ...t, tags: arr(t.tags), source: t.source ?? '', location: t.location ?? '', version: t.version ?? '' };
}

function normalizeFiles(files: PreviewFile[] | null | undefined): PreviewFile[] {
  return arr(files).map((f) => ({ ...f, size: f.size ?? 0, mode: f.mode ?? 0o644 }));
}

export async function listGoldenPaths(): Promise<TemplateSummary[]> {
  return arr(await call('GoldenPaths')).map(normalizeTemplate);
}

export async function getGoldenPath(name: string): Promise<TemplateDetail> {
  const d = await call('GoldenPath', name);
  return {
    ...normalizeTemplate(d),
    readme: d.readme ?? '',
    parameters: arr(d.parameters).map((p) => ({
      ...p,
      schema: obj(p.schema),
      jsonSchema: obj(p.jsonSchema),
      uiSchema: obj(p.uiSchema),
    })),
    steps: arr(d.steps),
    defaults: obj(d.defaults),
    required: arr(d.required),
  };
}

export async function scaffoldPreview(req: ScaffoldRequest): Promise<Preview> {
  const p = await call('ScaffoldPreview', req);
  return { ...p, files: normalizeFiles(p.files), problems: arr(p.problems) };
}

export async function scaffold(req: ScaffoldRequest): Promise<ScaffoldResult> {
  const r = await call('Scaffold', req);
  return {
    ...r,
    files: normalizeFiles(r.files),
    steps: arr(r.steps),
    links: arr(r.links),
    nextActions: arr<NextAction>(r.nextActions),
    log: arr(r.log),
  };
}

export async function getScaffoldDefaults(): Promise<ScaffoldDefaults> {
  const d = obj(await call('ScaffoldDefaults')) as Partial<ScaffoldDefaults>;
  return { parentDir: d.parentDir ?? '' };
}

export async function getTemplateStatus(dirs: string[]): Promise<ServiceStatus[]> {
  return arr(await call('TemplateStatus', dirs));
}

export async function updateTemplate(dir: string, to = ''): Promise<UpdateResult> {
  const u = await call('TemplateUpdate', dir, to);
  return { ...u, changed: arr(u.changed), added: arr(u.added), deleted: arr(u.deleted), conflicts: arr(u.conflicts) };
}

export async function openFolder(dir: string): Promise<void> {
  await call('OpenFolder', dir);
}

export function onGoldenPathProgress(cb: (p: GoldenPathProgress) => void): () => void {
  return onEvent(EVENT_GOLDENPATH_PROGRESS, (payload) => {
    if (payload && typeof payload === 'object') cb(payload as GoldenPathProgress);
  });
}

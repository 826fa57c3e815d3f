// The golden-path calls and events (Go: app/goldenpath.go).

import { callBackend, onObjectEvent } from '../common/backend';
import type {
  GoldenPathProgress,
  Preview,
  ScaffoldDefaults,
  ScaffoldRequest,
  ScaffoldResult,
  ServiceStatus,
  TemplateDetail,
  TemplateSummary,
  UpdateResult,
} from './types';

export const EVENT_GOLDENPATH_PROGRESS = 'goldenpath:progress';

export function listGoldenPaths(): Promise<TemplateSummary[]> {
  return callBackend('GoldenPaths');
}

export function getGoldenPath(name: string): Promise<TemplateDetail> {
  return callBackend('GoldenPath', name);
}

export function scaffoldPreview(req: ScaffoldRequest): Promise<Preview> {
  return callBackend('ScaffoldPreview', req);
}

/** Scaffold; an empty or absent outDir means the backend's default folder. */
export function scaffold(req: ScaffoldRequest): Promise<ScaffoldResult> {
  return callBackend('Scaffold', req);
}

export async function getScaffoldDefaults(): Promise<ScaffoldDefaults> {
  const d = await callBackend('ScaffoldDefaults');
  return { parentDir: d.parentDir ?? '' };
}

export function getTemplateStatus(dirs: string[]): Promise<ServiceStatus[]> {
  return callBackend('TemplateStatus', dirs);
}

export function updateTemplate(dir: string, to = ''): Promise<UpdateResult> {
  return callBackend('TemplateUpdate', dir, to);
}

export async function openFolder(dir: string): Promise<void> {
  await callBackend('OpenFolder', dir);
}

export function onGoldenPathProgress(cb: (p: GoldenPathProgress) => void): () => void {
  return onObjectEvent(EVENT_GOLDENPATH_PROGRESS, cb);
}

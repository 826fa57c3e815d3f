// Local-environment types: the generated Go shapes (src/gen/types.ts) under
// the names the environment pages use, and the one UI-only type.

import type { AppBindings } from '../gen/types';

export type {
  AppEnvChanged as EnvChanged,
  AppEnvDownRequest as EnvDownRequest,
  AppEnvLogBatch as EnvLogBatch,
  AppEnvLogEnd as EnvLogEnd,
  AppEnvLogsRequest as EnvLogsRequest,
  AppEnvUpRequest as EnvUpRequest,
  DevenvDownResult as DownResult,
  DevenvEnvironment as Environment,
  DevenvExportResult as ExportResult,
  DevenvLogLine as LogLine,
  DevenvPortBinding as PortBinding,
  DevenvRunInfo as RunInfo,
  DevenvServiceStatus as ServiceStatus,
  DevenvSummary as EnvSummary,
  ProgressEvent as EnvProgressEvent,
} from '../gen/types';

/** Which catalog dependencies start too (EnvUpRequest.deps). */
export type EnvDeps = 'none' | 'direct' | 'all';

/** The environment methods bound on window.go.app.App. */
export type EnvBindings = Pick<
  AppBindings,
  'EnvCanRun' | 'EnvUp' | 'EnvDown' | 'EnvPs' | 'EnvList' | 'EnvRestart' | 'EnvLogs' | 'EnvLogsFollow' | 'EnvLogsStop' | 'EnvExport'
>;

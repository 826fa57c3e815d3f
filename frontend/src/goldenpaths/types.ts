// Golden-path types: the generated Go shapes (src/gen/types.ts) under the
// names the golden-path pages use, and the few types that exist only in the
// UI.

import type { AppBindings, GoldenpathPreview } from '../gen/types';

export type {
  AppScaffoldRequest as ScaffoldRequest,
  GoldenpathFile as PreviewFile,
  GoldenpathLink as OutputLink,
  GoldenpathNextAction as NextAction,
  GoldenpathParameterPage as ParameterPage,
  GoldenpathPreview as Preview,
  GoldenpathResult as ScaffoldResult,
  GoldenpathServiceStatus as ServiceStatus,
  GoldenpathStepInfo as StepInfo,
  GoldenpathStepResult as StepResult,
  GoldenpathTemplateDetail as TemplateDetail,
  GoldenpathTemplateSummary as TemplateSummary,
  GoldenpathUpdateResult as UpdateResult,
  ProgressEvent as GoldenPathProgress,
} from '../gen/types';

/** A value the live preview says is missing or wrong (whatever Go names its type). */
export type PreviewProblem = GoldenpathPreview['problems'][number];

/** Where new repositories go unless the form names a folder. */
export type ScaffoldDefaults = { parentDir: string };

/** The golden-path methods bound on window.go.app.App. */
export type GoldenPathBindings = Pick<
  AppBindings,
  'GoldenPaths' | 'GoldenPath' | 'ScaffoldPreview' | 'Scaffold' | 'ScaffoldDefaults' | 'TemplateStatus' | 'TemplateUpdate' | 'OpenFolder'
>;

/** A JSON Schema object as templates write it (kept loose on purpose: rjsf and ajv check it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JSONSchema = Record<string, any>;

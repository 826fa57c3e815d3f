// JSON shapes of the golden-path bindings (docs/ui/goldenpath-api.md; Go types in
// internal/goldenpath/types.go and app/goldenpath.go). Field names are the contract.

/** A JSON Schema object as the templates write it (kept loose on purpose). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JSONSchema = Record<string, any>;

export type TemplateSource = 'builtin' | 'platform' | 'dir';

export type TemplateSummary = {
  /** What `paved new` takes. */
  name: string;
  title: string;
  description?: string;
  /** spec.type: service, job, website... */
  type?: string;
  tags: string[];
  /** Entity ref of the owning team. */
  owner?: string;
  source: TemplateSource | string;
  location: string;
  /** git commit, built-in version ("2026.1.0") or "sha256:..." */
  version: string;
  /** A platform template replacing a built-in one of the same name. */
  overrides?: boolean;
  catalogRef: string;
};

export type ParameterPage = {
  title?: string;
  description?: string;
  /** The page as written, ui:* keys kept. */
  schema: JSONSchema;
  /** ui:* keys removed: react-jsonschema-form's `schema`. */
  jsonSchema: JSONSchema;
  /** ui:* keys per property: react-jsonschema-form's `uiSchema`. */
  uiSchema: Record<string, unknown>;
};

export type StepInfo = { id: string; name?: string; action: string; if?: string };

export type TemplateDetail = TemplateSummary & {
  /** Markdown ("" if none). */
  readme: string;
  parameters: ParameterPage[];
  steps: StepInfo[];
  /** Value used for each parameter left out. */
  defaults: Record<string, unknown>;
  /** Parameters that must be filled in. */
  required: string[];
};

export type ScaffoldRequest = {
  template: string;
  values: Record<string, unknown>;
  /** Default: ScaffoldDefaults().parentDir + "/" + values.name */
  outDir?: string;
  /** git remote URL to push to. */
  push?: string;
};

export type PreviewFile = {
  /** Slash-separated, relative to the new repository. */
  path: string;
  size: number;
  /** Unix permission bits as a number (0o644, 0o755). */
  mode: number;
  /** Text, cut at 64 KiB in previews (truncated: true). */
  content?: string;
  binary?: boolean;
  truncated?: boolean;
};

export type Problem = { field: string; message: string };

export type Preview = {
  template: string;
  version: string;
  files: PreviewFile[];
  /** field "" = the whole form */
  problems: Problem[];
  /** Why the template could not be rendered with these values (files may be partial). */
  error?: string;
};

export type StepResult = { id: string; name?: string; action: string; skipped?: boolean; output?: Record<string, unknown> };

export type OutputLink = { title?: string; url?: string; entityRef?: string; icon?: string };

export type NextActionId = 'open-folder' | 'run-locally' | 'run-tests' | 'view-in-catalog' | 'push';

export type NextAction = {
  id: NextActionId | string;
  title: string;
  /** Shell command to run in dir. */
  command?: string;
  dir?: string;
  /** view-in-catalog → the entity page */
  entityRef?: string;
};

export type ScaffoldResult = {
  template: string;
  source: string;
  version: string;
  /** Absolute path of the new repository. */
  dir: string;
  dryRun: boolean;
  files: PreviewFile[];
  steps: StepResult[];
  commit?: string;
  branch?: string;
  remote?: string;
  catalogRef?: string;
  catalogSource?: string;
  links: OutputLink[];
  nextActions: NextAction[];
  log: string[];
  durationMs: number;
};

export type ScaffoldDefaults = { parentDir: string };

export type ServiceState = 'up-to-date' | 'behind' | 'unknown-version' | 'template-missing' | 'not-scaffolded';

export type ServiceStatus = {
  dir: string;
  template?: string;
  source?: string;
  version?: string;
  latest?: string;
  state: ServiceState | string;
  commitsBehind?: number;
  message?: string;
};

export type UpdateResult = {
  dir: string;
  template: string;
  from: string;
  to: string;
  upToDate: boolean;
  branch?: string;
  commit?: string;
  changed: string[];
  added: string[];
  deleted: string[];
  conflicts: string[];
};

/** Payload of the "goldenpath:progress" event. */
export type GoldenPathProgress = {
  /** Template name (scaffold) or directory (update). */
  source: string;
  /** validate | render | step | write | git | push | register | merge | done */
  stage: string;
  message: string;
  /** 1-based step number when stage is "step". */
  current: number;
  /** Number of steps (0 = unknown). */
  total: number;
};

/** The golden-path methods bound on window.go.app.App. */
export interface GoldenPathBindings {
  GoldenPaths(): Promise<TemplateSummary[]>;
  GoldenPath(name: string): Promise<TemplateDetail>;
  ScaffoldPreview(req: ScaffoldRequest): Promise<Preview>;
  Scaffold(req: ScaffoldRequest): Promise<ScaffoldResult>;
  ScaffoldDefaults(): Promise<ScaffoldDefaults>;
  TemplateStatus(dirs: string[]): Promise<ServiceStatus[]>;
  TemplateUpdate(dir: string, to: string): Promise<UpdateResult>;
  OpenFolder(dir: string): Promise<void>;
}

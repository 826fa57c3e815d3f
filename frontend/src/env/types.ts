// JSON shapes of the local-environment bindings (docs/ui/env-api.md; Go:
// app/env.go and internal/devenv/types.go). Field names are the contract.

export type EnvState = 'running' | 'starting' | 'partial' | 'stopped';
export type EnvDeps = 'none' | 'direct' | 'all';

export type EnvUpRequest = {
  target: string;
  /** catalog dependsOn components to start too (default none) */
  deps?: EnvDeps;
  /** rebuild images built from source */
  build?: boolean;
};

export type EnvDownRequest = { target: string; volumes?: boolean };

export type EnvLogsRequest = {
  target: string;
  /** "" = every service */
  service?: string;
  /** lines per service to start with: 0 = 200, -1 = all */
  tail?: number;
};

export type RunInfo = {
  ref: string;
  canRun: boolean;
  /** where score.yaml / compose.yaml is */
  dir?: string;
  /** its path */
  spec?: string;
  /** when the component runs from its paved.dev/image annotation */
  image?: string;
  /** the environment's name (pass it as target) */
  environment?: string;
  /** "stopped" when it never ran */
  state?: EnvState;
  /** why it cannot run (shown as a hint) */
  reason?: string;
};

export type PortBinding = {
  name?: string;
  containerPort: number;
  /** always on 127.0.0.1 */
  hostPort: number;
  protocol: 'tcp' | 'udp' | string;
  /** "http://127.0.0.1:<hostPort>" for tcp: rendered as a link */
  url?: string;
};

export type ServiceHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export type ServiceStatus = {
  /** also its host name inside the environment's network */
  name: string;
  role: 'workload' | 'resource' | 'dependency' | string;
  component?: string;
  resource?: string;
  image: string;
  container?: string;
  containerId?: string;
  /** Docker's: created | running | restarting | exited | ... | "missing" */
  state: string;
  health: ServiceHealth | string;
  ready: boolean;
  ports: PortBinding[];
  /** resource outputs; secrets are "********" */
  outputs?: Record<string, string>;
  dependsOn: string[];
  /** what EnvUp did (EnvUp only) */
  action?: 'created' | 'recreated' | 'started' | 'unchanged' | string;
  /** RFC 3339 */
  startedAt?: string;
};

export type Environment = {
  name: string;
  dir: string;
  spec?: string;
  entity?: string;
  deps: EnvDeps | string;
  network: string;
  state: EnvState | string;
  services: ServiceStatus[];
  volumes: string[];
  /** things a person should know, e.g. reassigned ports */
  notes: string[];
  durationMs?: number;
};

export type EnvSummary = {
  name: string;
  dir: string;
  entity?: string;
  state: EnvState | string;
  services: number;
  running: number;
  updatedAt?: string;
};

export type DownResult = {
  name: string;
  containers: string[];
  networks: string[];
  /** removed */
  volumes: string[];
  /** kept until down with volumes */
  keptVolumes: string[];
  durationMs: number;
};

export type LogLine = {
  service: string;
  stream: 'stdout' | 'stderr' | string;
  /** RFC 3339 with nanoseconds */
  time: string;
  text: string;
};

export type ExportResult = {
  name: string;
  /** compose.yaml text; generated secrets are ${VARS} */
  compose: string;
  /** .env with fresh random values for those vars */
  dotEnv: string;
};

/** Payload of "env:progress". */
export type EnvProgressEvent = {
  /** the environment's name */
  source: string;
  /** the service the event is about ("" or absent for the whole environment) */
  item?: string;
  stage: string;
  message: string;
  /** raw build or pull output behind the event */
  detail?: string;
  /** services ready so far (stage "ready"), else 0 */
  current: number;
  /** services in the environment, else 0 */
  total: number;
};

/** Payload of "env:changed". */
export type EnvChanged = { name: string; action: 'up' | 'down' | 'restart' | string };

/** Payload of "env:log". */
export type EnvLogBatch = { stream: string; lines: LogLine[] };

/** Payload of "env:log-end". */
export type EnvLogEnd = { stream: string; error?: string };

/** The environment methods bound on window.go.app.App. */
export interface EnvBindings {
  EnvCanRun(ref: string): Promise<RunInfo>;
  EnvUp(req: EnvUpRequest): Promise<Environment>;
  EnvDown(req: EnvDownRequest): Promise<DownResult>;
  EnvPs(target: string): Promise<Environment>;
  EnvList(): Promise<EnvSummary[]>;
  EnvRestart(target: string, service: string): Promise<Environment>;
  EnvLogs(req: EnvLogsRequest): Promise<LogLine[]>;
  EnvLogsFollow(req: EnvLogsRequest): Promise<string>;
  EnvLogsStop(stream: string): Promise<void>;
  EnvExport(target: string): Promise<ExportResult>;
}

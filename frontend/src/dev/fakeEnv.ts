// In-memory fake of the local-environment bindings (docs/ui/env-api.md),
// mounted on the fake backend's App by createFakeBackend. Dev mode gets a
// few runnable demo components; tests control it through FakeEnv.

import type {
  DownResult,
  EnvBindings,
  EnvDownRequest,
  EnvLogsRequest,
  EnvProgressEvent,
  EnvSummary,
  EnvUpRequest,
  Environment,
  ExportResult,
  LogLine,
  RunInfo,
  ServiceStatus,
} from '../env/types';
import { backendError } from './fakeErrors';

export type FakeEnvService = {
  name: string;
  role: 'workload' | 'resource' | 'dependency';
  resource?: string;
  image: string;
  /** container ports to publish (host port = the same, or +20000 when taken) */
  ports: number[];
  /** has a health check (health "healthy"), else "none" */
  healthCheck?: boolean;
  dependsOn?: string[];
  outputs?: Record<string, string>;
};

export type FakeEnvSpec = {
  /** the component's full ref, e.g. component:default/payments-api */
  ref: string;
  environment: string;
  dir: string;
  services: FakeEnvService[];
};

export type FakeEnvOptions = {
  /** components with a workload spec (default: two demo components) */
  runnable?: FakeEnvSpec[];
  /** delay between progress events, ms (default 3 × latency) */
  stepMs?: number;
  /** while an environment runs, its workload logs a request this often (0 = never; default 1500 in dev, 0 in tests) */
  logEveryMs?: number;
  /** environments whose up fails on a service (env name -> service) */
  failUp?: Record<string, string>;
};

export type FakeEnv = {
  app: EnvBindings;
  /** open follow streams: id -> request */
  streams: Map<string, EnvLogsRequest>;
  /** a container writes a line: kept for EnvLogs and sent to matching open streams */
  writeLog(env: string, service: string, text: string, stream?: 'stdout' | 'stderr'): void;
  /** change a running service (e.g. make it unhealthy) */
  setService(env: string, service: string, patch: Partial<ServiceStatus>): void;
  /** the current environment as EnvPs reports it */
  current(env: string): Environment | undefined;
  dispose(): void;
};

type Hooks = {
  emit(name: string, ...data: unknown[]): void;
  record(method: string, args: unknown[]): void;
  latencyMs: number;
};

const DEMO_RUNNABLE: FakeEnvSpec[] = [
  {
    ref: 'component:default/payments-api',
    environment: 'payments-api',
    dir: '/home/dev/src/payments-api',
    services: [
      { name: 'db', role: 'resource', resource: 'postgres', image: 'postgres:16-alpine', ports: [5432], healthCheck: true, outputs: { host: 'db', port: '5432', name: 'app', username: 'paved', password: '********' } },
      { name: 'cache', role: 'resource', resource: 'redis', image: 'redis:7-alpine', ports: [6379], healthCheck: true, outputs: { host: 'cache', port: '6379', password: '********' } },
      { name: 'payments-api', role: 'workload', image: 'paved.local/payments-api:dev', ports: [8080], dependsOn: ['db', 'cache'] },
    ],
  },
  {
    ref: 'component:default/checkout-service',
    environment: 'checkout-service',
    dir: '/home/dev/src/checkout-service',
    services: [
      { name: 'orders-db', role: 'resource', resource: 'postgres', image: 'postgres:16-alpine', ports: [5432], healthCheck: true, outputs: { host: 'orders-db', port: '5432', password: '********' } },
      { name: 'checkout-service', role: 'workload', image: 'paved.local/checkout-service:dev', ports: [8080, 9090], dependsOn: ['orders-db'] },
    ],
  },
];

function normalizeRef(ref: string): string {
  let r = ref.toLowerCase();
  if (!r.includes(':')) r = `component:${r}`;
  if (!r.slice(r.indexOf(':') + 1).includes('/')) r = r.replace(':', ':default/');
  return r;
}

type Running = {
  env: Environment;
  updatedAt: string;
  volumes: string[];
};

export function createFakeEnv(hooks: Hooks, opts: FakeEnvOptions = {}): FakeEnv {
  const specs = opts.runnable ?? DEMO_RUNNABLE;
  const stepMs = opts.stepMs ?? hooks.latencyMs * 3;
  const logEveryMs = opts.logEveryMs ?? (hooks.latencyMs > 0 ? 1500 : 0);
  const state = new Map<string, Running>(); // environments that ran at least once
  const logs = new Map<string, LogLine[]>();
  const streams = new Map<string, EnvLogsRequest & { env: string }>();
  const tickers = new Map<string, ReturnType<typeof setInterval>>();
  const instance = Math.random().toString(36).slice(2, 8);
  let streamSeq = 0;
  let containerSeq = 0;

  const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
  const step = () => sleep(stepMs);
  const progress = (source: string, stage: string, message: string, current = 0, total = 0) => {
    const ev: EnvProgressEvent = { source, stage, message, current, total };
    hooks.emit('env:progress', ev);
  };

  const find = (target: string): FakeEnvSpec | undefined => {
    const ref = normalizeRef(target);
    return specs.find((s) => s.environment === target || s.dir === target || s.ref === ref);
  };
  const mustFind = (target: string): FakeEnvSpec => {
    const s = find(target);
    if (!s) throw backendError('not_found', `"${target}" is not a directory, an environment (see \`paved env ls\`) nor a catalog entity that can run locally`);
    return s;
  };

  const usedPorts = (except: string) => {
    const used = new Set<number>();
    for (const [name, r] of state) {
      if (name === except) continue;
      for (const s of r.env.services) for (const p of s.ports) used.add(p.hostPort);
    }
    return used;
  };

  const stopped = (spec: FakeEnvSpec): Environment => ({
    name: spec.environment,
    dir: spec.dir,
    spec: `${spec.dir}/score.yaml`,
    entity: spec.ref,
    deps: state.get(spec.environment)?.env.deps ?? 'none',
    network: `paved-${spec.environment}`,
    state: 'stopped',
    services: [],
    volumes: state.get(spec.environment)?.volumes ?? [],
    notes: [],
  });

  const envState = (services: ServiceStatus[]): Environment['state'] => {
    if (services.length === 0) return 'stopped';
    if (services.some((s) => s.state !== 'running')) return 'partial';
    return services.every((s) => s.ready) ? 'running' : 'starting';
  };

  const snapshot = (name: string): Environment | undefined => {
    const r = state.get(name);
    if (!r) return undefined;
    const services = r.env.services.map((s) => ({ ...s, ports: s.ports.map((p) => ({ ...p })), dependsOn: [...s.dependsOn] }));
    return { ...r.env, services, notes: [...r.env.notes], volumes: [...r.volumes], state: envState(services) };
  };

  const pushLines = (env: string, lines: LogLine[]) => {
    const hist = logs.get(env) ?? [];
    hist.push(...lines);
    if (hist.length > 2000) hist.splice(0, hist.length - 2000);
    logs.set(env, hist);
    for (const [id, req] of streams) {
      if (req.env !== env) continue;
      const mine = lines.filter((l) => !req.service || l.service === req.service);
      if (mine.length) hooks.emit('env:log', { stream: id, lines: mine });
    }
  };
  const line = (service: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): LogLine => ({
    service,
    stream,
    time: new Date().toISOString(),
    text,
  });

  const endStreams = (env: string) => {
    for (const [id, req] of [...streams]) {
      if (req.env !== env) continue;
      streams.delete(id);
      hooks.emit('env:log-end', { stream: id });
    }
  };

  const startTicker = (spec: FakeEnvSpec) => {
    if (logEveryMs <= 0 || tickers.has(spec.environment)) return;
    const workload = spec.services.find((s) => s.role === 'workload')?.name ?? spec.services[0].name;
    const paths = ['/healthz', '/v1/payments', '/v1/refunds', '/metrics'];
    let n = 0;
    tickers.set(
      spec.environment,
      setInterval(() => {
        n += 1;
        const text = n % 7 === 0 ? `WARN slow request GET ${paths[n % paths.length]} took 812ms` : `GET ${paths[n % paths.length]} 200 ${(n * 7) % 40}ms`;
        pushLines(spec.environment, [line(workload, text, n % 7 === 0 ? 'stderr' : 'stdout')]);
      }, logEveryMs),
    );
  };
  const stopTicker = (env: string) => {
    clearInterval(tickers.get(env));
    tickers.delete(env);
  };

  const newContainer = (spec: FakeEnvSpec, svc: FakeEnvService, hostPorts: Map<number, number>): ServiceStatus => {
    containerSeq += 1;
    return {
      name: svc.name,
      role: svc.role,
      component: spec.ref,
      resource: svc.resource,
      image: svc.image,
      container: `paved-${spec.environment}-${svc.name}`,
      containerId: `${containerSeq.toString(16).padStart(12, '0')}${'0'.repeat(52)}`,
      state: 'running',
      health: svc.healthCheck ? 'healthy' : 'none',
      ready: true,
      ports: svc.ports.map((p) => ({ containerPort: p, hostPort: hostPorts.get(p) ?? p, protocol: 'tcp', url: `http://127.0.0.1:${hostPorts.get(p) ?? p}` })),
      outputs: svc.outputs,
      dependsOn: svc.dependsOn ?? [],
      startedAt: new Date().toISOString(),
    };
  };

  const app: EnvBindings = {
    async EnvCanRun(ref: string): Promise<RunInfo> {
      hooks.record('EnvCanRun', [ref]);
      await sleep(hooks.latencyMs);
      const norm = normalizeRef(ref);
      const spec = specs.find((s) => s.ref === norm);
      if (!spec) {
        if (!norm.startsWith('component:')) {
          return { ref: norm, canRun: false, reason: `only components run locally; this is a ${norm.slice(0, norm.indexOf(':'))}` };
        }
        const dir = `/home/dev/src/${norm.slice(norm.indexOf('/') + 1)}`;
        return { ref: norm, canRun: false, reason: `no score.yaml or compose.yaml in ${dir} (set the paved.dev/workload-dir annotation to the directory that has one)` };
      }
      return {
        ref: norm,
        canRun: true,
        dir: spec.dir,
        spec: `${spec.dir}/score.yaml`,
        environment: spec.environment,
        state: (snapshot(spec.environment)?.state as RunInfo['state']) ?? 'stopped',
      };
    },

    async EnvUp(req: EnvUpRequest): Promise<Environment> {
      hooks.record('EnvUp', [req]);
      const spec = mustFind(req.target);
      const name = spec.environment;
      const t0 = performance.now();
      const prev = snapshot(name);
      const total = spec.services.length;
      progress(name, 'resolve', `reading ${spec.dir}/score.yaml and the platform's provisioners`);
      await step();
      for (const s of spec.services) {
        progress(`${name}/${s.name}`, 'image', `${s.name}: image ${s.image} is present`);
      }
      await step();
      progress(name, 'network', `network paved-${name}`);
      await step();
      const taken = usedPorts(name);
      const notes: string[] = [];
      const hostPorts = new Map<number, number>();
      for (const s of spec.services) {
        for (const p of s.ports) {
          const old = prev?.services.find((x) => x.name === s.name)?.ports.find((x) => x.containerPort === p)?.hostPort;
          let hp = old ?? p;
          if (taken.has(hp)) {
            const was = hp;
            hp += 20000;
            notes.push(`${s.name}: port ${was} is taken, using ${hp}`);
          }
          taken.add(hp);
          hostPorts.set(p, hp);
        }
      }
      const order = [...spec.services].sort((a, b) => (a.role === 'workload' ? 1 : 0) - (b.role === 'workload' ? 1 : 0));
      const services: ServiceStatus[] = [];
      let ready = 0;
      for (const s of order) {
        const existing = prev?.services.find((x) => x.name === s.name && x.state === 'running');
        const src = `${name}/${s.name}`;
        if (existing) {
          services.push({ ...existing, action: 'unchanged' });
          ready += 1;
          progress(src, 'ready', `${s.name}: unchanged`, ready, total);
          continue;
        }
        progress(src, 'create', `${s.name}: creating container paved-${name}-${s.name}`);
        await step();
        progress(src, 'start', `${s.name}: starting`);
        await step();
        if (opts.failUp?.[name] === s.name) {
          progress(src, 'error', `${s.name}: exited with code 1 before it was ready`);
          const failed: ServiceStatus = { ...newContainer(spec, s, hostPorts), state: 'exited', health: s.healthCheck ? 'unhealthy' : 'none', ready: false };
          services.push(failed);
          state.set(name, {
            env: { ...stopped(spec), deps: req.deps ?? 'none', services, notes, state: 'partial' },
            updatedAt: new Date().toISOString(),
            volumes: prev?.volumes ?? [],
          });
          progress(name, 'done', `${name}: failed`);
          throw backendError('unavailable', `${name}: service ${s.name} exited with code 1 before it was ready: see \`paved env logs ${name} --service ${s.name}\``);
        }
        progress(src, 'wait', `${s.name}: waiting for ${s.healthCheck ? 'its health check' : `port ${s.ports[0] ?? ''}`}`);
        await step();
        const c = newContainer(spec, s, hostPorts);
        services.push({ ...c, action: prev?.services.some((x) => x.name === s.name) ? 'recreated' : 'created' });
        ready += 1;
        progress(src, 'ready', `${s.name}: ready after 0.${ready} s`, ready, total);
        pushLines(name, [
          line(s.name, `${s.resource ?? 'service'} ${s.name} starting`),
          line(s.name, `listening on :${s.ports[0] ?? 0}`),
        ]);
      }
      services.sort((a, b) => a.name.localeCompare(b.name));
      const volumes = prev?.volumes.length ? prev.volumes : spec.services.filter((s) => s.resource === 'postgres').map((s) => `paved-${name}-${s.name}-data`);
      const env: Environment = {
        ...stopped(spec),
        deps: req.deps ?? 'none',
        services,
        notes,
        volumes,
        state: 'running',
        durationMs: Math.round(performance.now() - t0 + total * 400),
      };
      state.set(name, { env: { ...env, durationMs: undefined }, updatedAt: new Date().toISOString(), volumes });
      progress(name, 'done', `${name} is running: ${total} services ready`, total, total);
      hooks.emit('env:changed', { name, action: 'up' });
      startTicker(spec);
      return env;
    },

    async EnvDown(req: EnvDownRequest): Promise<DownResult> {
      hooks.record('EnvDown', [req]);
      const spec = mustFind(req.target);
      const name = spec.environment;
      const t0 = performance.now();
      const r = state.get(name);
      const containers = (r?.env.services ?? []).map((s) => s.container ?? s.name);
      for (const s of r?.env.services ?? []) {
        progress(`${name}/${s.name}`, 'stop', `${s.name}: stopping`);
        await step();
      }
      stopTicker(name);
      endStreams(name);
      const volumes = r?.volumes ?? [];
      if (req.volumes) state.delete(name);
      else if (r) state.set(name, { env: { ...r.env, services: [], notes: [] }, updatedAt: new Date().toISOString(), volumes });
      progress(name, 'done', `${name} is down`);
      hooks.emit('env:changed', { name, action: 'down' });
      return {
        name,
        containers,
        networks: r ? [`paved-${name}`] : [],
        volumes: req.volumes ? volumes : [],
        keptVolumes: req.volumes ? [] : volumes,
        durationMs: Math.round(performance.now() - t0 + 300),
      };
    },

    async EnvPs(target: string): Promise<Environment> {
      hooks.record('EnvPs', [target]);
      await sleep(hooks.latencyMs);
      const spec = mustFind(target);
      return snapshot(spec.environment) ?? stopped(spec);
    },

    async EnvList(): Promise<EnvSummary[]> {
      hooks.record('EnvList', []);
      await sleep(hooks.latencyMs);
      return [...state.entries()].map(([name, r]) => {
        const e = snapshot(name)!;
        return {
          name,
          dir: e.dir,
          entity: e.entity,
          state: e.state,
          services: e.services.length,
          running: e.services.filter((s) => s.state === 'running').length,
          updatedAt: r.updatedAt,
        };
      });
    },

    async EnvRestart(target: string, service: string): Promise<Environment> {
      hooks.record('EnvRestart', [target, service]);
      const spec = mustFind(target);
      const name = spec.environment;
      const r = state.get(name);
      const svc = r?.env.services.find((s) => s.name === service);
      if (!r || !svc) throw backendError('not_found', `environment ${name} has no service ${service}: see \`paved env ps ${name}\``);
      const src = `${name}/${service}`;
      progress(src, 'stop', `${service}: stopping`);
      await step();
      progress(src, 'start', `${service}: starting`);
      await step();
      progress(src, 'wait', `${service}: waiting until it is ready`);
      await step();
      Object.assign(svc, { state: 'running', ready: true, health: svc.health === 'unhealthy' ? 'healthy' : svc.health, startedAt: new Date().toISOString() });
      progress(src, 'ready', `${service}: ready`, 1, 1);
      progress(name, 'done', `${service} restarted`);
      pushLines(name, [line(service, `${service} restarted`)]);
      hooks.emit('env:changed', { name, action: 'restart' });
      return { ...snapshot(name)!, durationMs: 300 };
    },

    async EnvLogs(req: EnvLogsRequest): Promise<LogLine[]> {
      hooks.record('EnvLogs', [req]);
      await sleep(hooks.latencyMs);
      const spec = mustFind(req.target);
      return tail(spec.environment, req);
    },

    async EnvLogsFollow(req: EnvLogsRequest): Promise<string> {
      hooks.record('EnvLogsFollow', [req]);
      await sleep(hooks.latencyMs);
      const spec = mustFind(req.target);
      const env = snapshot(spec.environment);
      if (!env || env.services.length === 0) throw backendError('conflict', `environment ${spec.environment} is not running: start it with \`paved env up\``);
      if (req.service && !env.services.some((s) => s.name === req.service)) {
        throw backendError('not_found', `environment ${spec.environment} has no service ${req.service}: see \`paved env ps ${spec.environment}\``);
      }
      streamSeq += 1;
      // Unique across fake backends: a late EnvLogsStop from a page torn
      // down with an earlier backend must not stop this one's stream.
      const id = `stream-${instance}-${streamSeq}`;
      streams.set(id, { ...req, env: spec.environment });
      const history = tail(spec.environment, req);
      // Like the Go side: history arrives as events after the id is returned.
      setTimeout(() => {
        if (streams.has(id) && history.length) hooks.emit('env:log', { stream: id, lines: history });
      }, 0);
      return id;
    },

    async EnvLogsStop(stream: string): Promise<void> {
      hooks.record('EnvLogsStop', [stream]);
      if (!stream) throw backendError('invalid', 'no stream id: give the id EnvLogsFollow returned');
      if (streams.delete(stream)) hooks.emit('env:log-end', { stream });
    },

    async EnvExport(target: string): Promise<ExportResult> {
      hooks.record('EnvExport', [target]);
      await sleep(hooks.latencyMs);
      const spec = mustFind(target);
      const lines = ['name: ' + spec.environment, 'services:'];
      for (const s of spec.services) {
        lines.push(`  ${s.name}:`, `    image: ${s.image}`);
        if (s.ports.length) lines.push('    ports:', ...s.ports.map((p) => `      - 127.0.0.1:${p}:${p}`));
        if (s.dependsOn?.length) lines.push('    depends_on:', ...s.dependsOn.map((d) => `      ${d}:\n        condition: service_healthy`));
      }
      return { name: spec.environment, compose: lines.join('\n') + '\n', dotEnv: 'DB_PASSWORD=3f9a1c0d2b7e\n' };
    },
  };

  function tail(env: string, req: EnvLogsRequest): LogLine[] {
    const all = (logs.get(env) ?? []).filter((l) => !req.service || l.service === req.service);
    const n = req.tail === -1 ? all.length : req.tail && req.tail > 0 ? req.tail : 200;
    // n lines per service
    const counts = new Map<string, number>();
    const out: LogLine[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const c = counts.get(all[i].service) ?? 0;
      if (c >= n) continue;
      counts.set(all[i].service, c + 1);
      out.push(all[i]);
    }
    return out.reverse();
  }

  return {
    app,
    streams,
    writeLog(env, service, text, stream = 'stdout') {
      pushLines(env, [line(service, text, stream)]);
    },
    setService(env, service, patch) {
      const svc = state.get(env)?.env.services.find((s) => s.name === service);
      if (svc) Object.assign(svc, patch);
    },
    current: snapshot,
    dispose() {
      for (const t of tickers.values()) clearInterval(t);
      tickers.clear();
    },
  };
}

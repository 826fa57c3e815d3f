// In-memory fake of the golden-path bindings (docs/ui/goldenpath-api.md), used
// by `vite dev` without Go and by component tests. Shapes follow the Go side:
// parameter pages carry schema / jsonSchema / uiSchema, a scaffold reports
// validate, render, in-memory steps, write, publish/register steps, done.

import type {
  GoldenPathBindings,
  GoldenPathProgress,
  JSONSchema,
  ParameterPage,
  Preview,
  PreviewFile,
  PreviewProblem as Problem,
  ScaffoldRequest,
  ScaffoldResult,
  StepInfo,
  TemplateDetail,
  TemplateSummary,
} from '../goldenpaths/types';
import { backendError } from './fakeErrors';

export type FakeGoldenPathDeps = {
  wait: () => Promise<unknown>;
  emit: (name: string, ...data: unknown[]) => void;
  record: (method: string, args: unknown[]) => void;
};

/** Split a page into its JSON Schema and uiSchema, as internal/goldenpath/template.SplitUI does. */
export function splitUI(s: JSONSchema): { schema: JSONSchema; ui: Record<string, unknown> } {
  const schema: JSONSchema = {};
  const ui: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('ui:')) {
      ui[k] = v;
    } else if (k === 'properties' && v && typeof v === 'object') {
      const sp: JSONSchema = {};
      for (const [n, p] of Object.entries(v as JSONSchema)) {
        if (p && typeof p === 'object' && !Array.isArray(p)) {
          const r = splitUI(p as JSONSchema);
          sp[n] = r.schema;
          if (Object.keys(r.ui).length) ui[n] = r.ui;
        } else sp[n] = p;
      }
      schema[k] = sp;
    } else if (k === 'items' && v && typeof v === 'object' && !Array.isArray(v)) {
      const r = splitUI(v as JSONSchema);
      schema[k] = r.schema;
      if (Object.keys(r.ui).length) ui.items = r.ui;
    } else {
      schema[k] = v;
    }
  }
  return { schema, ui };
}

const NAME_PATTERN = '^[a-z][a-z0-9-]{0,61}[a-z0-9]$';
const OWNER_PATTERN = '^([a-z]+:)?([a-z0-9-]+/)?[a-z0-9][a-z0-9._-]*$';

const aboutPage = (example: string): JSONSchema => ({
  title: 'About the service',
  required: ['name', 'owner', 'description'],
  properties: {
    name: { title: 'Name', type: 'string', description: `Lower-case letters, digits and dashes, e.g. ${example}.`, pattern: NAME_PATTERN, 'ui:autofocus': true },
    owner: {
      title: 'Owner',
      type: 'string',
      description: 'The team that runs it, as an entity reference such as group:default/team-a.',
      pattern: OWNER_PATTERN,
      'ui:field': 'OwnerPicker',
      'ui:options': { catalogFilter: { kind: 'Group' } },
    },
    description: { title: 'Description', type: 'string', description: 'One line a new joiner would understand.', minLength: 3, maxLength: 300 },
  },
});

const systemProp = {
  title: 'System',
  type: 'string',
  description: 'The system it is part of (an entity reference), if any.',
  default: '',
  'ui:field': 'EntityPicker',
  'ui:options': { catalogFilter: { kind: 'System' } },
};
const lifecycleProp = { title: 'Lifecycle', type: 'string', enum: ['experimental', 'production'], default: 'experimental' };
const postgresProp = { title: 'PostgreSQL database', type: 'boolean', description: 'Ask the platform for a PostgreSQL database (DATABASE_URL).', default: false };
const portProp = { title: 'Port', type: 'integer', description: 'The port it listens on.', default: 8080, minimum: 1024, maximum: 65535 };

const STEPS: StepInfo[] = [
  { id: 'fetch', name: 'Render the skeleton', action: 'fetch:template' },
  { id: 'log', name: 'Say what was made', action: 'debug:log' },
  { id: 'publish', name: 'Create the git repository', action: 'publish:git' },
  { id: 'register', name: 'Register in the catalog', action: 'catalog:register' },
];

type FakeTemplate = { summary: TemplateSummary; readme: string; pages: JSONSchema[]; lang: 'go' | 'node'; job?: boolean };

const GO_README = `# Go HTTP service

A Go service that is ready for production on day one, not a demo.

## What you get

- **HTTP server** on Go's standard library router, with timeouts.
- **Health**: \`GET /healthz\` and \`GET /readyz\`.
- **Metrics**: \`GET /metrics\` for Prometheus.
- **Tracing**: OpenTelemetry over OTLP/HTTP when \`OTEL_EXPORTER_OTLP_ENDPOINT\` is set.

| Make target | What it does |
| --- | --- |
| \`make run\` | Run it locally |
| \`make test\` | Race-enabled tests |

## Stepping off the paved road

The generated code is yours: \`paved template update\` keeps your changes and merges
the platform team's improvements. See [the docs](https://paved.dev/docs/golden-paths).
`;

const TEMPLATES: FakeTemplate[] = [
  {
    lang: 'go',
    summary: {
      name: 'go-service',
      title: 'Go HTTP service',
      description: 'A production-ready Go HTTP service with health checks, Prometheus metrics, OpenTelemetry tracing, a Dockerfile, CI and a Score workload spec.',
      type: 'service',
      tags: ['go', 'http', 'service', 'recommended'],
      owner: 'group:default/team-platform',
      source: 'builtin',
      location: 'goldenpaths/go-service',
      version: '2026.1.0',
      catalogRef: 'template:default/go-service',
    },
    readme: GO_README,
    pages: [
      aboutPage('orders-api'),
      {
        title: 'Options',
        properties: {
          system: systemProp,
          modulePath: { title: 'Go module path', type: 'string', description: 'Defaults to example.com/<team>/<name>.', default: '', pattern: '^$|^[a-zA-Z0-9][a-zA-Z0-9._~/-]*$' },
          port: portProp,
          postgres: postgresProp,
          lifecycle: lifecycleProp,
        },
      },
    ],
  },
  {
    lang: 'go',
    job: true,
    summary: {
      name: 'go-cron-job',
      title: 'Go scheduled job',
      description: 'A production-ready scheduled job in Go with a timeout, clean stop on SIGTERM, pushed metrics and tracing.',
      type: 'job',
      tags: ['go', 'job', 'cron'],
      owner: 'group:default/team-platform',
      source: 'builtin',
      location: 'goldenpaths/go-cron-job',
      version: '2026.1.0',
      catalogRef: 'template:default/go-cron-job',
    },
    readme: '# Go scheduled job\n\nRuns once per start, on a **cron** schedule.\n',
    pages: [
      aboutPage('nightly-export'),
      {
        title: 'Options',
        properties: {
          system: systemProp,
          schedule: { title: 'Schedule', type: 'string', description: 'When it runs, in cron syntax, in UTC.', default: '0 3 * * *' },
          timeoutMinutes: { title: 'Timeout (minutes)', type: 'integer', default: 15, minimum: 1, maximum: 1440 },
          lifecycle: lifecycleProp,
        },
      },
    ],
  },
  {
    lang: 'node',
    summary: {
      name: 'node-service',
      title: 'Node.js HTTP service (TypeScript)',
      description: 'A production-ready TypeScript HTTP service on Node.js 20 with health checks, metrics and tracing.',
      type: 'service',
      tags: ['typescript', 'node', 'http', 'service'],
      owner: 'group:default/team-platform',
      source: 'platform',
      location: 'https://git.acme.example/platform/templates.git/node-service',
      version: '4f2c1a9e0b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a',
      overrides: true,
      catalogRef: 'template:default/node-service',
    },
    readme: '',
    pages: [aboutPage('orders-api'), { title: 'Options', properties: { system: systemProp, port: portProp, postgres: postgresProp, lifecycle: lifecycleProp } }],
  },
];

/** Go marshals maps with sorted keys: so does the fake (the form must not rely on property order). */
function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as T;
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  ) as T;
}

function detailOf(t: FakeTemplate): TemplateDetail {
  const parameters: ParameterPage[] = t.pages.map((p) => {
    const { schema, ui } = splitUI(p);
    return sortKeys({ title: p.title, description: p.description, schema: p, jsonSchema: schema, uiSchema: ui });
  });
  const defaults: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of t.pages) {
    for (const [k, s] of Object.entries((p.properties ?? {}) as Record<string, JSONSchema>)) {
      if ('default' in s) defaults[k] = s.default;
    }
    for (const r of (p.required ?? []) as string[]) if (!(r in defaults)) required.push(r);
  }
  return { ...t.summary, readme: t.readme, parameters, steps: STEPS, defaults, required };
}

/** What's wrong with the values, as Go's JSON Schema validation would say it. */
function problemsOf(t: FakeTemplate, values: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const p of t.pages) {
    const props = (p.properties ?? {}) as Record<string, JSONSchema>;
    for (const r of (p.required ?? []) as string[]) {
      if (values[r] === undefined || values[r] === '') problems.push({ field: r, message: 'is required' });
    }
    for (const [k, s] of Object.entries(props)) {
      const v = values[k];
      if (typeof v === 'string' && v !== '' && typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) {
        problems.push({ field: k, message: `does not match pattern ${JSON.stringify(s.pattern)}` });
      }
      if (typeof v === 'string' && v !== '' && typeof s.minLength === 'number' && v.length < s.minLength) {
        problems.push({ field: k, message: `must be at least ${s.minLength} characters` });
      }
    }
  }
  return problems;
}

function filesOf(t: FakeTemplate, values: Record<string, unknown>, withContent: boolean): PreviewFile[] {
  const v = (k: string, d = ''): string => (values[k] === undefined || values[k] === null ? d : String(values[k]));
  const name = v('name') || 'new-service';
  const owner = v('owner', 'group:default/unknown');
  const port = v('port', '8080');
  const files: { path: string; content: string; mode?: number }[] = [
    { path: 'README.md', content: `# ${name}\n\n${v('description')}\n\nOwned by ${owner}.\n` },
    {
      path: 'catalog-info.yaml',
      content: `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${JSON.stringify(v('description'))}\nspec:\n  type: ${t.job ? 'job' : 'service'}\n  lifecycle: ${v('lifecycle', 'experimental')}\n  owner: ${owner}\n${v('system') ? `  system: ${v('system')}\n` : ''}`,
    },
    {
      path: 'score.yaml',
      content: `apiVersion: score.dev/v1b1\nmetadata:\n  name: ${name}\ncontainers:\n  main:\n    image: .\n${values.postgres ? 'resources:\n  db:\n    type: postgres\n' : ''}`,
    },
    { path: 'Makefile', content: 'run:\n\tgo run ./cmd/...\n\ntest:\n\tgo test ./...\n' },
    { path: 'Dockerfile', content: 'FROM golang:1.26 AS build\n' },
    { path: '.github/workflows/ci.yaml', content: 'name: ci\non: [push]\n' },
    { path: '.paved/template.yaml', content: `template: ${t.summary.name}\nversion: ${t.summary.version}\nanswers:\n  name: ${name}\n` },
    { path: 'scripts/check.sh', content: '#!/bin/sh\nset -eu\nmake test\n', mode: 0o755 },
  ];
  if (t.lang === 'go') {
    files.push(
      { path: 'go.mod', content: `module ${v('modulePath') || `example.com/${owner.split('/').pop()}/${name}`}\n\ngo 1.26\n` },
      { path: `cmd/${name}/main.go`, content: `package main\n\n// ${name}: ${v('description')}\nfunc main() {\n\trun(":${port}")\n}\n` },
      { path: 'internal/server/server.go', content: 'package server\n' },
      { path: 'internal/server/server_test.go', content: 'package server\n' },
    );
  } else {
    files.push(
      { path: 'package.json', content: JSON.stringify({ name, version: '0.1.0', private: true }, null, 2) + '\n' },
      { path: 'src/index.ts', content: `// ${name}\nconst port = ${port};\n` },
    );
  }
  return files
    .map((f) => ({
      path: f.path,
      size: new TextEncoder().encode(f.content).length,
      mode: f.mode ?? 0o644,
      ...(withContent ? { content: f.content } : {}),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function createFakeGoldenPaths({ wait, emit, record }: FakeGoldenPathDeps): GoldenPathBindings {
  const find = (name: string): FakeTemplate => {
    const t = TEMPLATES.find((x) => x.summary.name === name);
    if (!t) throw backendError('not_found', `golden path "${name}" not found (known: ${TEMPLATES.map((x) => x.summary.name).join(', ')})`);
    return t;
  };
  const used = new Set<string>();
  const parentDir = '/home/dev/src';
  const withDefaults = (t: FakeTemplate, values: Record<string, unknown>) => ({ ...detailOf(t).defaults, ...values });
  // The backend's default rule, as the fake plays it: <parentDir>/<name>.
  const outDirOf = (req: ScaffoldRequest, values: Record<string, unknown>) =>
    req.outDir || (typeof values.name === 'string' && values.name ? `${parentDir}/${values.name}` : '');

  return {
    async GoldenPaths() {
      record('GoldenPaths', []);
      await wait();
      return TEMPLATES.map((t) => ({ ...t.summary, tags: [...t.summary.tags] }));
    },

    async GoldenPath(name: string) {
      record('GoldenPath', [name]);
      await wait();
      return detailOf(find(name));
    },

    async ScaffoldPreview(req: ScaffoldRequest): Promise<Preview> {
      record('ScaffoldPreview', [req]);
      await wait();
      const t = find(req.template);
      const values = withDefaults(t, req.values ?? {});
      return {
        template: t.summary.name,
        version: t.summary.version,
        outDir: outDirOf(req, values),
        files: filesOf(t, values, true),
        problems: problemsOf(t, values),
      };
    },

    async Scaffold(req: ScaffoldRequest): Promise<ScaffoldResult> {
      record('Scaffold', [req]);
      const t = find(req.template);
      const values = withDefaults(t, req.values ?? {});
      const name = String(values.name ?? '');
      const dir = outDirOf(req, values);
      const progress = async (p: Omit<GoldenPathProgress, 'source' | 'current' | 'total'> & Partial<GoldenPathProgress>) => {
        emit('goldenpath:progress', { source: t.summary.name, current: 0, total: 0, ...p });
        await wait();
      };
      // As Go reports steps: the step's id in item, a readable message.
      const step = (i: number) => progress({ stage: 'step', item: STEPS[i].id, message: STEPS[i].name ?? STEPS[i].id, current: i + 1, total: STEPS.length });

      await progress({ stage: 'validate', message: 'Checking the template and the values' });
      const problems = problemsOf(t, values);
      if (!dir && !problems.some((p) => p.field === 'name')) problems.push({ field: 'name', message: 'is required for the default folder' });
      if (problems.length) {
        throw backendError('invalid', `the values do not fit template ${t.summary.name}`, problems);
      }
      if (used.has(dir)) throw backendError('conflict', `${dir} already exists and is not empty: choose another folder`);
      await progress({ stage: 'render', message: `Rendering ${t.summary.title}` });
      await step(0);
      await step(1);
      const files = filesOf(t, values, false);
      await progress({ stage: 'write', message: `Writing ${files.length} files` });
      await step(2);
      await step(3);
      await progress({ stage: 'register', message: 'Registering in the local catalog' });
      used.add(dir);
      const catalogRef = `component:default/${name}`;
      await progress({ stage: 'done', message: `Created ${dir}` });
      emit('catalog:changed');
      return {
        template: t.summary.name,
        source: t.summary.source,
        version: t.summary.version,
        dir,
        dryRun: false,
        files,
        steps: STEPS.map((s) => ({ id: s.id, name: s.name, action: s.action, output: {} })),
        commit: '3f9a2c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
        branch: 'main',
        remote: req.push || undefined,
        catalogRef,
        catalogSource: `local-${name}`,
        links: [
          { title: 'Open in the catalog', icon: 'catalog', entityRef: catalogRef },
          { title: 'Repository', url: req.push ?? '' },
        ],
        nextActions: [
          { id: 'open-folder', title: 'Open the folder', dir },
          { id: 'run-locally', title: 'Run it locally', command: 'make run', dir },
          { id: 'run-tests', title: 'Run its tests', command: 'make test', dir },
          { id: 'view-in-catalog', title: 'See it in the catalog', entityRef: catalogRef },
          ...(req.push ? [] : [{ id: 'push', title: 'Push it to your git server', command: 'git remote add origin <url> && git push -u origin main', dir }]),
        ],
        log: [`Rendered ${name} (${t.lang === 'go' ? 'Go' : 'Node.js'} service, port ${String(values.port ?? 8080)})`],
        durationMs: 87,
      };
    },

    async ScaffoldDefaults() {
      record('ScaffoldDefaults', []);
      await wait();
      return { parentDir };
    },

    async TemplateStatus(dirs: string[]) {
      record('TemplateStatus', [dirs]);
      await wait();
      return dirs.map((dir) => ({ dir, state: 'not-scaffolded', message: 'no .paved/template.yaml' }));
    },

    async TemplateUpdate(dir: string, to: string) {
      record('TemplateUpdate', [dir, to]);
      await wait();
      throw backendError('invalid', `${dir} was not made from a golden path (no .paved/template.yaml)`);
    },

    async OpenFolder(dir: string) {
      record('OpenFolder', [dir]);
      await wait();
      if (!used.has(dir)) throw backendError('invalid', `${dir} is not a directory`);
    },
  };
}

// The HTTP surface: the API routes plus the operational endpoints every
// service on the paved road has: /healthz (liveness), /readyz (readiness:
// dependencies answer and it is not shutting down) and /metrics
// (Prometheus). Every request is counted and timed.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from './logger.js';

/** A readiness check: resolves when the dependency is usable. */
export type Check = () => Promise<void>;

export interface App {
  server: Server;
  registry: Registry;
  /** Makes /readyz fail so load balancers stop sending traffic. */
  drain(): void;
}

export function createApp(log: Logger, checks: Record<string, Check> = {}): App {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by route, method and status code.',
    labelNames: ['route', 'method', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to handle HTTP requests, by route and method.',
    labelNames: ['route', 'method'],
    registers: [registry],
  });
  let draining = false;

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void> = {
    'GET /healthz': (_req, res) => json(res, 200, { status: 'ok' }),
    'GET /readyz': async (_req, res) => {
      if (draining) return json(res, 503, { status: 'shutting down' });
      const failed: Record<string, string> = {};
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await withTimeout(check(), 2000);
          } catch (err) {
            failed[name] = err instanceof Error ? err.message : String(err);
          }
        }),
      );
      if (Object.keys(failed).length > 0) {
        log.warn('not ready', { failed });
        return json(res, 503, { status: 'unavailable', failed });
      }
      json(res, 200, { status: 'ready' });
    },
    'GET /metrics': async (_req, res) => {
      res.writeHead(200, { 'Content-Type': registry.contentType });
      res.end(await registry.metrics());
    },
    'GET /v1/hello': (_req, res, url) => {
      const name = url.searchParams.get('name') || 'world';
      log.info('said hello', { name });
      json(res, 200, { message: `hello, ${name}` });
    },
  };

  const server = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    const handler = Object.hasOwn(routes, route) ? routes[route] : undefined;
    const start = process.hrtime.bigint();
    const label = handler ? route : 'unmatched';
    try {
      if (!handler) {
        json(res, 404, { error: 'not found' });
      } else {
        await handler(req, res, url);
      }
    } catch (err) {
      log.error('request failed', { route, err: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    } finally {
      if (url.pathname !== '/metrics') {
        requests.inc({ route: label, method: req.method ?? '', code: String(res.statusCode) });
        duration.observe({ route: label, method: req.method ?? '' }, Number(process.hrtime.bigint() - start) / 1e9);
      }
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return { server, registry, drain: () => { draining = true; } };
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms}ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

/** tcpCheck reports whether something accepts connections at the URL's host and port (e.g. the database), without its driver. */
export function tcpCheck(rawUrl: string, defaultPort: number): Check {
  const u = new URL(rawUrl);
  if (!u.hostname) throw new Error(`not a URL with a host: ${rawUrl}`);
  const port = Number(u.port || defaultPort);
  return () =>
    new Promise<void>((resolve, reject) => {
      const sock = connect({ host: u.hostname, port }, () => {
        sock.end();
        resolve();
      });
      sock.on('error', (err) => reject(new Error(`connect to ${u.hostname}:${port}: ${err.message}`)));
    });
}

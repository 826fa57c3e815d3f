// End-to-end test of local environments in browser mode: a real `paved`
// binary, a real Docker engine and Chromium. From a component page it starts
// the component's environment, sees it healthy, opens its port, reads and
// filters its live logs, restarts a service and stops it.
//
//   bash build/scripts/testenv-docker.sh up      # dockerd + locally built test images
//   PAVED_BIN=/path/to/paved-cli npm run e2e
//
// Uses the fixtures of testdata/devenv (a platform whose provisioners run the
// locally built paved-test/standin:1 image, so no registry is needed), copied
// to a temp dir with a unique workload name, and a temp PAVED_HOME.
//
// Env: PAVED_BIN (default ../build/bin/paved-cli), CHROMIUM (default
// /usr/bin/chromium), E2E_SHOTS (screenshot dir, default a new temp dir),
// DOCKER_HOST (unix:// or tcp://; default unix:///var/run/docker.sock).
// The suite FAILS (never skips) when no Docker engine answers. The environment
// is removed in after(), whatever happened.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PAVED_BIN, PavedBrowser, REPO, cssEscape, pavedEnv, requireTools, sel } from './harness.mjs';

const FIXTURES = path.join(REPO, 'testdata', 'devenv');
const TEST_IMAGE = 'paved-test/standin:1';
const START_HINT = 'start one with `bash build/scripts/testenv-docker.sh up` (it also builds the test images), or run `make test`';
const STEP_TIMEOUT = 120_000;
const LABEL_ENV = 'dev.paved.env';

// ---- Docker Engine API (no docker CLI needed) ------------------------------------

function dockerEndpoint() {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length), where: host };
  if (host.startsWith('tcp://') || host.startsWith('http://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    return { host: u.hostname, port: Number(u.port) || 2375, where: host };
  }
  throw new Error(`DOCKER_HOST=${host}: this test talks to unix:// or tcp:// engines only`);
}

/** One Engine API request; resolves with {status, body} (body parsed when JSON). */
function docker(method, urlPath, timeoutMs = 15_000) {
  const ep = dockerEndpoint();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: ep.socketPath, host: ep.host, port: ep.port, method, path: urlPath, timeout: timeoutMs },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => {
          let body = data;
          try {
            body = data ? JSON.parse(data) : undefined;
          } catch {
            /* plain text */
          }
          resolve({ status: res.statusCode, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function requireDocker() {
  const ep = dockerEndpoint();
  let ping;
  try {
    ping = await docker('GET', '/_ping', 10_000);
  } catch (err) {
    assert.fail(`this suite needs a running Docker engine, and none answers at ${ep.where}: ${err.message}\n${START_HINT}`);
  }
  assert.equal(ping.status, 200, `the Docker engine at ${ep.where} answered /_ping with HTTP ${ping.status}\n${START_HINT}`);
  const img = await docker('GET', `/images/${encodeURIComponent(TEST_IMAGE)}/json`);
  assert.equal(img.status, 200, `test image ${TEST_IMAGE} is missing from the engine at ${ep.where}: build it with \`bash build/scripts/testenv-docker.sh up\``);
}

const labelFilter = (name) => encodeURIComponent(JSON.stringify({ label: [`${LABEL_ENV}=${name}`] }));

/** What Docker still holds of environment name. */
async function leftovers(name) {
  const [cs, nets, vols] = await Promise.all([
    docker('GET', `/containers/json?all=1&filters=${labelFilter(name)}`),
    docker('GET', `/networks?filters=${labelFilter(name)}`),
    docker('GET', `/volumes?filters=${labelFilter(name)}`),
  ]);
  return {
    containers: (cs.body || []).map((c) => c.Id),
    networks: (nets.body || []).map((n) => n.Id),
    volumes: ((vols.body && vols.body.Volumes) || []).map((v) => v.Name),
  };
}

/** Last resort when `paved env down` failed: remove by label through the API. */
async function forceRemove(name) {
  const left = await leftovers(name);
  for (const id of left.containers) await docker('DELETE', `/containers/${id}?force=1&v=1`).catch(() => undefined);
  for (const id of left.networks) await docker('DELETE', `/networks/${id}`).catch(() => undefined);
  for (const v of left.volumes) await docker('DELETE', `/volumes/${encodeURIComponent(v)}?force=1`).catch(() => undefined);
}

// ---- paved ---------------------------------------------------------------------

function paved(home, args, timeout = 120_000) {
  const r = spawnSync(PAVED_BIN, args, {
    env: pavedEnv(home),
    encoding: 'utf8',
    timeout,
  });
  return { code: r.status, out: `${r.stdout || ''}${r.stderr || ''}${r.error ? String(r.error) : ''}` };
}

async function httpGet(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

describe('local environments UI (browser mode, real Docker)', () => {
  const COMPONENT = 'component:default/shop';
  const envName = `e2e${randomBytes(3).toString('hex')}-shop`;
  let home;
  let work;
  let baseUrl;
  let page;
  let webUrl; // the workload's published port
  let dockerOk = false;
  const ui = new PavedBrowser({ shotPrefix: 'env-', fullPage: true, viewport: { width: 1400, height: 1000 }, timeout: 30_000 });
  const shot = (name) => ui.shot(name);
  const goHash = (hash) => ui.goHash(hash);
  const row = (service) => page.locator(sel('service-row', `[data-service="${cssEscape(service)}"]`));
  const logLines = () => page.locator(`${sel('log-lines')} ${sel('log-line')}`);
  /** Wait until the operation ends: failed, or done with a text matching re. */
  const outcome = (timeout, re) =>
    page.waitForFunction(
      (src) =>
        document.querySelector('[data-testid="env-op-error"]') ||
        new RegExp(src).test(document.querySelector('[data-testid="env-op-done"]')?.textContent || '\u0000'),
      re,
      { timeout },
    );
  const noError = async (what = 'the operation failed') => {
    const err = page.locator(sel('env-op-error'));
    if ((await err.count()) > 0) assert.fail(`${what}: ${await err.textContent()}\npaved stderr:\n${ui.server.logs().err}`);
  };

  before(async () => {
    requireTools();
    await requireDocker();
    dockerOk = true;

    home = mkdtempSync(path.join(tmpdir(), 'paved-e2e-env-home-'));
    work = mkdtempSync(path.join(tmpdir(), 'paved-e2e-env-src-'));

    // The test platform, with shop renamed so this run owns its environment.
    const platformDir = path.join(work, 'platform');
    cpSync(FIXTURES, platformDir, { recursive: true });
    const score = path.join(platformDir, 'shop', 'score.yaml');
    const text = readFileSync(score, 'utf8');
    assert.match(text, /^ {2}name: shop$/m, 'testdata/devenv/shop/score.yaml names its workload "shop"');
    writeFileSync(score, text.replace(/^ {2}name: shop$/m, `  name: ${envName}`));
    const use = paved(home, ['platform', 'use', platformDir]);
    assert.equal(use.code, 0, `paved platform use ${platformDir} failed:\n${use.out}`);
    console.log(`# environment ${envName} from ${platformDir}`);

    page = await ui.start(home);
    baseUrl = ui.baseUrl;
  }, { timeout: 180_000 });

  after(async () => {
    await ui.close();
    // Whatever happened above: nothing of the environment may stay behind.
    if (home && dockerOk) {
      const down = paved(home, ['env', 'down', envName, '--volumes'], 90_000);
      if (down.code !== 0) console.log(`# paved env down ${envName} --volumes failed (${down.code}):\n${down.out}`);
    }
    try {
      if (!dockerOk) return; // before() already failed saying why
      let left = await leftovers(envName);
      if (left.containers.length || left.networks.length || left.volumes.length) {
        console.log(`# removing leftovers of ${envName} through the Engine API: ${JSON.stringify(left)}`);
        await forceRemove(envName);
        left = await leftovers(envName);
      }
      assert.deepEqual(left, { containers: [], networks: [], volumes: [] }, `environment ${envName} left Docker objects behind`);
    } finally {
      if (home) rmSync(home, { recursive: true, force: true });
      if (work) rmSync(work, { recursive: true, force: true });
    }
  }, { timeout: 150_000 });

  it('(a) a component page offers "Run locally" and starts the environment with progress', { timeout: STEP_TIMEOUT }, async () => {
    await page.goto(`${baseUrl}#/entity/${COMPONENT}`);
    await page.locator(sel('entity-page', `[data-ref="${COMPONENT}"]`)).waitFor();
    const run = page.locator(sel('run-locally'));
    await run.waitFor();
    assert.equal((await run.textContent())?.trim(), 'Run locally');
    await shot('component');

    // Progress shows while it starts; watch for it before clicking (it can be quick).
    const progressSeen = page.locator(sel('env-progress')).waitFor({ timeout: 60_000 });
    await run.click();
    await progressSeen;
    await shot('starting');

    await outcome(90_000, 'services ready');
    await noError('the environment did not start');
    const done = page.locator(sel('env-op-done'));
    assert.match(await done.textContent(), /Running: 3\/3 services ready/);
    const link = page.locator(sel('env-link'));
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `#/env/${envName}`);
    await page.locator(sel('env-link-state', '[data-value="running"]')).waitFor();
    await shot('started');
  });

  it('(b) the environment view shows every container running and healthy, ports as links', { timeout: STEP_TIMEOUT }, async () => {
    await page.locator(sel('env-open')).click();
    await page.locator(sel('env-page', `[data-env="${envName}"]`)).waitFor();
    await page.waitForFunction(() => window.location.hash.startsWith('#/env/'));
    assert.equal((await page.locator(sel('env-title')).textContent())?.trim(), envName);

    // db and cache have Docker health checks (1 s interval); the web service is probed.
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid="service-row"]')];
        return (
          rows.length === 3 &&
          rows.every((r) => r.getAttribute('data-state') === 'running' && r.getAttribute('data-ready') === 'true') &&
          rows.filter((r) => r.getAttribute('data-health') === 'healthy').length === 2
        );
      },
      undefined,
      { timeout: 90_000 },
    );
    const services = await page.locator(sel('service-row')).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-service')).sort());
    assert.deepEqual(services, ['cache', 'db', envName].sort());
    for (const s of ['db', 'cache']) {
      const health = row(s).locator(sel('service-health'));
      assert.equal(await health.getAttribute('data-value'), 'healthy');
      assert.equal((await health.textContent())?.trim(), 'healthy');
    }
    await page.locator(sel('env-state', '[data-value="running"]')).waitFor();

    // The workload's port is a link to 127.0.0.1 that answers.
    const port = row(envName).locator(sel('port-link'));
    webUrl = await port.getAttribute('href');
    assert.match(webUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(await port.getAttribute('target'), '_blank');
    const health = await httpGet(`${webUrl}healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.text.trim(), 'ok');
    await shot('environment');

    // Clicking it opens the service in a new browser tab (BrowserOpenURL in browser mode).
    const opened = ui.context.waitForEvent('page', { timeout: 20_000 });
    await port.click();
    const tab = await opened;
    await tab.waitForLoadState('domcontentloaded');
    assert.equal(tab.url(), webUrl);
    assert.match(await tab.locator('body').textContent(), /hello from standin/);
    await tab.close();
  });

  it('(c) the log viewer follows live logs, filters them and selects a service', { timeout: STEP_TIMEOUT }, async () => {
    assert.ok(webUrl, 'step (b) found the web port');
    const viewer = page.locator(sel('log-viewer'));
    await viewer.scrollIntoViewIfNeeded();
    await page.locator(sel('log-status', '[data-status="live"]')).waitFor();
    await page.waitForFunction(
      (svc) =>
        [...document.querySelectorAll('[data-testid="log-line"]')].some(
          (l) => l.getAttribute('data-service') === svc && l.textContent.includes('standin http listening on :8080'),
        ),
      envName,
    );

    // A request now shows up as a new line without reloading anything.
    const marker = `/e2e-ping-${randomBytes(4).toString('hex')}`;
    const res = await httpGet(`${webUrl}${marker.slice(1)}`);
    assert.equal(res.status, 200);
    await page.waitForFunction(
      (m) => [...document.querySelectorAll('[data-testid="log-line"]')].some((l) => l.textContent.includes(`GET ${m}`)),
      marker,
      { timeout: 30_000 },
    );
    await shot('logs-live');

    // Free-text filter.
    await page.locator(sel('log-filter')).fill(marker);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-line"]').length === 1);
    assert.match(await logLines().first().textContent(), new RegExp(`GET ${marker}`));
    assert.match(await page.locator(sel('log-count')).textContent(), /^1 of \d+$/);
    await shot('logs-filtered');
    await page.locator(sel('log-filter')).fill('');

    // One service only.
    await page.locator(sel('log-service')).selectOption('db');
    await page.waitForFunction(() => {
      const lines = [...document.querySelectorAll('[data-testid="log-line"]')];
      return lines.length > 0 && lines.every((l) => l.getAttribute('data-service') === 'db') && lines.some((l) => l.textContent.includes('standin tcp listening on :5432'));
    });
    await page.locator(sel('log-service')).selectOption('');
    await page.locator(sel('log-status', '[data-status="live"]')).waitFor();
  });

  it('(d) restart brings one service back healthy', { timeout: STEP_TIMEOUT }, async () => {
    await row('cache').locator(sel('service-restart')).click();
    const done = page.locator(sel('env-op-done'));
    await outcome(90_000, 'Restarted cache');
    await noError();
    assert.match(await done.textContent(), /Restarted cache/);
    await page.waitForFunction(
      () => {
        const r = document.querySelector('[data-testid="service-row"][data-service="cache"]');
        return r && r.getAttribute('data-state') === 'running' && r.getAttribute('data-ready') === 'true';
      },
      undefined,
      { timeout: 60_000 },
    );
  });

  it('(e) stop removes every container, and the list shows it stopped', { timeout: STEP_TIMEOUT }, async () => {
    await page.locator(sel('env-stop')).click();
    await outcome(90_000, 'Stopped');
    await noError();
    assert.match(await page.locator(sel('env-op-done')).textContent(), /Stopped in .*removed 3 containers/);
    await page.locator(sel('env-empty')).waitFor();
    await page.locator(sel('env-state', '[data-value="stopped"]')).waitFor();
    await shot('stopped');

    const left = await leftovers(envName);
    assert.deepEqual(left.containers, [], 'no container of the environment is left');
    assert.deepEqual(left.networks, [], 'its network is removed');

    await goHash('#/envs');
    const listed = page.locator(sel('envs-row', `[data-env="${cssEscape(envName)}"]`));
    await listed.waitFor();
    assert.equal(await listed.getAttribute('data-state'), 'stopped');
    await shot('list');

    // The component page is back to "stopped" and can run it again.
    await goHash(`#/entity/${COMPONENT}`);
    await page.locator(sel('run-locally')).waitFor();
    assert.equal(await page.locator(sel('env-link')).count(), 0);
  });

  it('raised no uncaught page errors', () => {
    assert.deepEqual(ui.pageErrors, []);
  });
});

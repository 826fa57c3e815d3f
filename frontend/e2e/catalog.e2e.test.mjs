// End-to-end test of the catalog UI against a real `paved` binary in browser mode.
//
//   PAVED_BIN=/path/to/paved-cli npm run e2e
//
// Env: PAVED_BIN (default ../build/bin/paved-cli; the suite fails when it is
// missing: build it with `make cli`), CHROMIUM (default /usr/bin/chromium), E2E_SHOTS (screenshot dir,
// default a new temp dir).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultBin = path.resolve(here, '../../build/bin/paved-cli');
const PAVED_BIN = process.env.PAVED_BIN || defaultBin;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT = 90_000;

// Skip only when no binary is configured at all; a configured but missing
// binary or browser is an error (the before() hook fails).

/** Start `paved ui --browser` and resolve with its URL once it prints "Paved is running at ...". */
function startPaved(home) {
  const proc = spawn(PAVED_BIN, ['ui', '--browser', '--addr', '127.0.0.1:0'], {
    env: { ...process.env, PAVED_HOME: home, BROWSER: 'true', DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`paved did not print its URL within 60s\nstdout:\n${out}\nstderr:\n${err}`)),
      60_000,
    );
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Paved is running at (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].endsWith('/') ? m[1] : `${m[1]}/`);
      }
    });
    proc.stderr.on('data', (chunk) => {
      err += chunk;
    });
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`paved exited early (code ${code}, signal ${signal})\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  return { proc, url, logs: () => ({ out, err }) };
}

async function stopProcess(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

const sel = (testId, extra = '') => `[data-testid="${testId}"]${extra}`;
const cssEscape = (s) => s.replace(/["\\]/g, '\\$&');

describe('catalog UI (browser mode, demo organisation)', () => {
  let home;
  let server;
  let baseUrl;
  let browser;
  let page;
  let shotsDir;
  let shotN = 0;
  const pageErrors = [];
  let component; // EntitySummary of the first Component in the catalog

  const shot = async (name) => {
    shotN += 1;
    const file = path.join(shotsDir, `${String(shotN).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    return file;
  };
  const goHash = async (hash) => {
    await page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
  };

  before(async () => {
    assert.ok(existsSync(PAVED_BIN), `PAVED_BIN ${PAVED_BIN} does not exist`);
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (set CHROMIUM)`);
    home = mkdtempSync(path.join(tmpdir(), 'paved-e2e-home-'));
    shotsDir = process.env.E2E_SHOTS || mkdtempSync(path.join(tmpdir(), 'paved-e2e-shots-'));
    mkdirSync(shotsDir, { recursive: true });
    console.log(`# screenshots: ${shotsDir}`);
    server = startPaved(home);
    baseUrl = await server.url;
    console.log(`# paved at ${baseUrl}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') console.log(`# browser console error: ${m.text()}`);
    });
  }, { timeout: 120_000 });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await stopProcess(server?.proc);
    if (home) rmSync(home, { recursive: true, force: true });
  }, { timeout: 30_000 });

  it('(a) home lists entities; typing a prefix finds a component; the kind facet filters', { timeout: STEP_TIMEOUT }, async () => {
    await page.goto(baseUrl);
    await page.locator(sel('result-row')).first().waitFor();
    const title = (await page.locator(sel('platform-title')).textContent())?.trim();
    assert.ok(title && title !== '…', 'platform title is shown');
    assert.ok((await page.locator(sel('result-row')).count()) > 0);
    assert.match(await page.locator(sel('result-count')).textContent(), /\d+\s+(entity|entities)/);
    await shot('home');

    // Pick the component dynamically: first Search result of kind Component.
    component = await page.evaluate(async () => {
      const res = await window.go.app.App.Search({ query: '', limit: 500 });
      return (res.items || []).find((e) => String(e.kind).toLowerCase() === 'component');
    });
    assert.ok(component, 'the demo catalog has at least one Component');
    const word = component.name.split(/[-_.]/)[0] || component.name;
    const prefix = word.slice(0, Math.max(3, Math.ceil(word.length * 0.7)));
    console.log(`# component ${component.ref}, typing "${prefix}"`);

    const input = page.locator(sel('search-input'));
    await input.click();
    await input.pressSequentially(prefix, { delay: 40 });
    const row = page.locator(sel('result-row', `[data-ref="${cssEscape(component.ref)}"]`));
    await row.waitFor();
    await page.waitForFunction((p) => window.location.hash.includes(`q=${encodeURIComponent(p)}`), prefix);
    await shot('search-prefix');

    // The facet value for the component's kind (compared case-insensitively).
    const kindValue = await page.evaluate((kind) => {
      const boxes = [...document.querySelectorAll('input[data-facet="kind"]')];
      return boxes.map((b) => b.getAttribute('data-value')).find((v) => v.toLowerCase() === kind.toLowerCase());
    }, component.kind);
    assert.ok(kindValue, `a kind facet for ${component.kind} is offered`);
    const facet = page.locator(`input[data-facet="kind"][data-value="${cssEscape(kindValue)}"]`);
    await facet.check();
    await page.waitForFunction((kind) => {
      const rows = [...document.querySelectorAll('[data-testid="result-row"]')];
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-kind').toLowerCase() === kind.toLowerCase());
    }, component.kind);
    await page.waitForFunction((v) => window.location.hash.includes(`kind=${encodeURIComponent(v)}`), kindValue);
    assert.equal(await facet.isChecked(), true);
    await row.waitFor();
    await shot('kind-facet');
  });

  it('(b) entity page shows title, owner link and relations; a relation link navigates', { timeout: STEP_TIMEOUT }, async () => {
    assert.ok(component, 'step (a) picked a component');
    await page.locator(sel('result-row', `[data-ref="${cssEscape(component.ref)}"]`)).locator(sel('result-link')).click();
    const expectedTitle = component.title || component.name;
    await page.locator(sel('entity-page', `[data-ref="${cssEscape(component.ref)}"]`)).waitFor();
    assert.equal((await page.locator(sel('entity-title')).textContent())?.trim(), expectedTitle);
    assert.match(await page.evaluate(() => window.location.hash), /^#\/entity\//);
    assert.equal((await page.locator(sel('entity-kind')).textContent())?.trim(), component.kind);

    if (component.owner) {
      const owner = page.locator(sel('owner-link'));
      await owner.waitFor();
      assert.equal(await owner.getAttribute('data-ref'), component.owner);
    }
    const relLinks = page.locator(`${sel('relations')} ${sel('relation-link')}`);
    await relLinks.first().waitFor();
    assert.ok((await relLinks.count()) >= 1, 'component has at least one relation in the catalog');
    await page.locator(sel('raw-yaml')).waitFor();
    await shot('entity');

    const first = relLinks.first();
    const targetRef = await first.getAttribute('data-ref');
    const targetLabel = (await first.textContent())?.trim();
    await first.click();
    await page.locator(sel('entity-page', `[data-ref="${cssEscape(targetRef)}"]`)).waitFor();
    assert.equal((await page.locator(sel('entity-title')).textContent())?.trim(), targetLabel);
    await shot('relation-target');
  });

  it('(c) graph page renders nodes and edges; clicking a node opens its entity', { timeout: STEP_TIMEOUT }, async () => {
    assert.ok(component);
    await goHash(`#/entity/${component.ref}`);
    await page.locator(sel('entity-page', `[data-ref="${cssEscape(component.ref)}"]`)).waitFor();
    await page.locator(sel('graph-button')).click();
    await page.locator(sel('graph-canvas')).waitFor();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="graph-canvas"] [data-testid="graph-node"]').length >= 2 &&
        document.querySelectorAll('[data-testid="graph-canvas"] [data-testid="graph-edge"]').length >= 1,
    );
    const nodes = page.locator(`${sel('graph-canvas')} ${sel('graph-node')}`);
    await nodes.first().waitFor({ state: 'visible' });
    assert.ok((await nodes.count()) >= 2);
    assert.ok((await page.locator(`${sel('graph-canvas')} ${sel('graph-edge')}`).count()) >= 1);
    assert.equal(await page.locator(sel('graph-node', '[data-root="true"]')).count(), 1, 'root is highlighted');
    // Wait for fitView to settle (nodes are hidden until measured).
    await page.waitForTimeout(400);
    await shot('graph');

    // Depth control re-queries the backend.
    await page.locator(sel('graph-depth')).selectOption('1');
    await page.waitForFunction(() => window.location.hash.includes('depth=1'));
    await nodes.first().waitFor({ state: 'visible' });

    const target = page.locator(`${sel('graph-canvas')} ${sel('graph-node')}:not([data-root]):not([data-missing])`).first();
    const targetRef = await target.getAttribute('data-ref');
    await target.click();
    await page.locator(sel('entity-page', `[data-ref="${cssEscape(targetRef)}"]`)).waitFor();
  });

  it('(d) status page lists the source with entities > 0; Sync now completes', { timeout: STEP_TIMEOUT }, async () => {
    await goHash('#/status');
    const rows = page.locator(sel('status-row'));
    await rows.first().waitFor();
    const counts = await page.locator(sel('status-entities')).allTextContents();
    assert.ok(counts.some((c) => Number(c.trim()) > 0), `some source has entities (got ${counts.join(', ')})`);
    await shot('status');

    await page.locator(sel('sync-now')).click();
    await page.locator(sel('sync-done')).waitFor({ timeout: 60_000 });
    await rows.first().waitFor();
    await shot('status-synced');
  });

  it('(e) pressing "/" focuses the search box (also from another page)', { timeout: STEP_TIMEOUT }, async () => {
    await goHash('#/');
    await page.locator(sel('result-row')).first().waitFor();
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    await page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    });
    assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-input');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-input');
    assert.equal(await page.locator(sel('search-input')).inputValue(), '', '"/" is not typed into the box');
    await shot('slash-focus');

    await goHash('#/audit');
    await page.locator(`${sel('audit-table')}, ${sel('audit-empty')}`).first().waitFor();
    await shot('audit');
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'search-input');
  });

  it('raised no uncaught page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});

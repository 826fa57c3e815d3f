// What the e2e suites share: a real `paved ui --browser` on a loopback port,
// Chromium driven by playwright-core, screenshots, and the teardown of both.
// Not a test file itself (`node --test e2e/` runs the *.test.mjs files only).
//
// Env: PAVED_BIN (default ../build/bin/paved-cli; a missing binary fails the
// suite: build it with `make cli`), CHROMIUM (default /usr/bin/chromium),
// E2E_SHOTS (screenshot dir, default a new temp dir).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's root. */
export const REPO = path.resolve(here, '../..');
export const PAVED_BIN = process.env.PAVED_BIN || path.join(REPO, 'build', 'bin', 'paved-cli');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const sel = (testId, extra = '') => `[data-testid="${testId}"]${extra}`;
export const cssEscape = (s) => s.replace(/["\\]/g, '\\$&');

/** Fails (never skips) when the paved binary or Chromium is missing. */
export function requireTools() {
  assert.ok(existsSync(PAVED_BIN), `PAVED_BIN ${PAVED_BIN} does not exist: build it with \`make cli\``);
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (set CHROMIUM)`);
}

/** The environment paved runs with: PAVED_HOME home, no browser or display to open, then extraEnv. */
export function pavedEnv(home, extraEnv = {}) {
  // HOME is the test's own too, so a default folder (~/src/...) never lands
  // in the real home directory; Go's caches stay the real ones, so a
  // base-image-free build in an environment test is not a cold one.
  const realHome = process.env.HOME || tmpdir();
  const goEnv = {
    GOCACHE: process.env.GOCACHE || path.join(realHome, '.cache', 'go-build'),
    GOMODCACHE: process.env.GOMODCACHE || path.join(process.env.GOPATH || path.join(realHome, 'go'), 'pkg', 'mod'),
    GOPATH: process.env.GOPATH || path.join(realHome, 'go'),
  };
  const testHome = path.join(home, 'home');
  mkdirSync(testHome, { recursive: true });
  return { ...process.env, ...goEnv, PAVED_HOME: home, HOME: testHome, BROWSER: 'true', DISPLAY: '', ...extraEnv };
}

/**
 * Where a browser-mode Paved is: `open` is the URL it printed, with this
 * launch's secret (http://127.0.0.1:PORT/?token=...; opening it sets the
 * session cookie and redirects to the page without the token), `base` the
 * page's own URL (http://127.0.0.1:PORT/) for navigating once signed in.
 */
export function parsePavedUrl(printed) {
  const u = new URL(printed);
  assert.ok(u.searchParams.get('token'), `paved printed ${printed} without a ?token=`);
  return { open: u.href, base: `${u.origin}/` };
}

/** Start `paved ui --browser` and resolve with parsePavedUrl of what it prints ("Paved is running at ..."). */
export function startPaved(home, extraEnv) {
  const proc = spawn(PAVED_BIN, ['ui', '--browser', '--addr', '127.0.0.1:0'], {
    env: pavedEnv(home, extraEnv),
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
        try {
          resolve(parsePavedUrl(m[1]));
        } catch (e) {
          reject(e);
        }
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

/** SIGTERM, then SIGKILL after 5s; resolves once proc has exited. */
export async function stopProcess(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

/**
 * A paved window in Chromium for one suite: start() in before(), close() in
 * after() (it also cleans up after a start() that failed half-way).
 *
 * Options: shotPrefix (screenshot file name prefix), fullPage (whole-page
 * screenshots), viewport, timeout (the page's default timeout).
 */
export class PavedBrowser {
  constructor({ shotPrefix = '', fullPage = false, viewport = { width: 1400, height: 900 }, timeout = 20_000 } = {}) {
    this.options = { shotPrefix, fullPage, viewport, timeout };
    this.server = undefined; // startPaved's handle
    this.baseUrl = undefined; // the page without the token; the browser context holds the session cookie
    this.browser = undefined;
    this.context = undefined;
    this.page = undefined;
    this.shotsDir = undefined;
    this.shotN = 0;
    /** Uncaught errors of the page. */
    this.pageErrors = [];
  }

  /** Start paved with PAVED_HOME home (and extraEnv), then Chromium signed in through the URL it printed. */
  async start(home, extraEnv) {
    this.shotsDir = process.env.E2E_SHOTS || mkdtempSync(path.join(tmpdir(), 'paved-e2e-shots-'));
    mkdirSync(this.shotsDir, { recursive: true });
    console.log(`# screenshots: ${this.shotsDir}`);
    this.server = startPaved(home, extraEnv);
    const { open, base } = await this.server.url;
    this.baseUrl = base;
    console.log(`# paved at ${base}`); // never the token
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    this.context = await this.browser.newContext({ viewport: this.options.viewport });
    this.page = await this.context.newPage();
    this.page.setDefaultTimeout(this.options.timeout);
    this.page.on('pageerror', (e) => this.pageErrors.push(e.message));
    this.page.on('console', (m) => {
      if (m.type() === 'error') console.log(`# browser console error: ${m.text()}`);
    });
    // Opening the printed URL trades the token for the session cookie and
    // lands on the page without it (so it stays out of the history).
    await this.page.goto(open);
    assert.equal(this.page.url(), base, `opening the printed URL should land on ${base} without the token`);
    const cookies = await this.context.cookies(base);
    assert.ok(
      cookies.some((c) => c.httpOnly && c.sameSite === 'Strict'),
      'opening the printed URL set no HttpOnly SameSite=Strict session cookie',
    );
    return this.page;
  }

  /** Close Chromium and stop paved, whatever start() got to. */
  async close() {
    await this.browser?.close().catch(() => undefined);
    await stopProcess(this.server?.proc);
  }

  /** Screenshot the page as the next numbered file; resolves with its path. */
  async shot(name) {
    this.shotN += 1;
    const file = path.join(this.shotsDir, `${this.options.shotPrefix}${String(this.shotN).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file, fullPage: this.options.fullPage });
    return file;
  }

  /** Navigate within the app by setting location.hash. */
  async goHash(hash) {
    await this.page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
  }
}

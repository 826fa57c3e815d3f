// End-to-end test of the golden-path UI against a real `paved` binary in browser
// mode: pick the go-service golden path, fill the form, scaffold into a temp
// directory, see the file tree of the result, and check the files on disk.
//
//   PAVED_BIN=/path/to/paved-cli npm run e2e
//
// Env: PAVED_BIN (default ../build/bin/paved-cli; build it with `make cli`),
// CHROMIUM (default /usr/bin/chromium), E2E_SHOTS (screenshot dir, default a new
// temp dir).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PavedBrowser, cssEscape, requireTools, sel } from './harness.mjs';

const STEP_TIMEOUT = 90_000;

describe('golden paths UI (browser mode): scaffold the go-service golden path', () => {
  let home;
  let work; // where the new repository goes
  let baseUrl;
  let page;
  const serviceName = `e2e-orders-${process.pid}`;
  let outDir;
  let ownerRef;
  let resultFiles = [];
  let runLocallyHref;
  const ui = new PavedBrowser({ shotPrefix: 'gp-' });
  const shot = (name) => ui.shot(name);
  const goHash = (hash) => ui.goHash(hash);

  before(async () => {
    requireTools();
    home = mkdtempSync(path.join(tmpdir(), 'paved-e2e-gp-home-'));
    work = mkdtempSync(path.join(tmpdir(), 'paved-e2e-gp-work-'));
    outDir = path.join(work, serviceName);
    // publish:git commits with the user's git identity: give it one that does not
    // depend on the machine's git config.
    page = await ui.start(home, {
      GIT_AUTHOR_NAME: 'Paved E2E',
      GIT_AUTHOR_EMAIL: 'e2e@paved.invalid',
      GIT_COMMITTER_NAME: 'Paved E2E',
      GIT_COMMITTER_EMAIL: 'e2e@paved.invalid',
    });
    baseUrl = ui.baseUrl;
  }, { timeout: 120_000 });

  after(async () => {
    await ui.close();
    if (home) rmSync(home, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  }, { timeout: 30_000 });

  it('(a) the gallery lists the built-in golden paths; "Create" opens it', { timeout: STEP_TIMEOUT }, async () => {
    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Create', exact: true }).click();
    await page.waitForFunction(() => window.location.hash === '#/new');
    const card = page.locator(sel('goldenpath-card', '[data-name="go-service"]'));
    await card.waitFor();
    for (const name of ['go-service', 'go-cron-job', 'node-service']) {
      assert.equal(await page.locator(sel('goldenpath-card', `[data-name="${name}"]`)).count(), 1, `${name} is in the gallery`);
    }
    assert.equal((await card.locator(sel('goldenpath-link')).textContent())?.trim(), 'Go HTTP service');
    assert.equal((await card.locator(sel('goldenpath-source')).getAttribute('data-source')), 'builtin');
    await shot('gallery');
  });

  it('(b) the template page shows the README and a live preview', { timeout: STEP_TIMEOUT }, async () => {
    await page.locator(sel('goldenpath-card', '[data-name="go-service"]')).locator(sel('goldenpath-choose')).click();
    await page.locator(sel('goldenpath-page', '[data-name="go-service"]')).waitFor();
    assert.equal(await page.evaluate(() => window.location.hash), '#/new/go-service');

    await page.locator(sel('tab-readme')).click();
    const readme = page.locator(sel('goldenpath-readme'));
    await readme.waitFor();
    assert.ok(await readme.getByRole('heading', { name: 'What you get' }).isVisible(), 'the README is rendered');
    await shot('readme');

    await page.locator(sel('tab-create')).click();
    await page.locator(`${sel('preview-tree')} ${sel('preview-tree-file', '[data-path="go.mod"]')}`).waitFor();
    await page.locator('#root_name').waitFor();
    await shot('form');
  });

  it('(c) fill the form: inline validation, owner from the catalog, preview follows', { timeout: STEP_TIMEOUT }, async () => {
    // Next with nothing filled in: errors on the fields, still on the first page.
    await page.locator(sel('gp-next')).click();
    await page.locator(sel('gp-field', '[data-field="name"][data-invalid="true"]')).waitFor();
    assert.equal((await page.locator(sel('gp-page-title')).textContent())?.trim(), 'About the service');

    await page.locator('#root_name').fill(serviceName);
    // Owner: search the catalog's groups and pick the first suggestion.
    const owner = page.locator('#root_owner');
    await owner.click();
    const option = page.locator(sel('entity-picker-option')).first();
    await option.waitFor();
    ownerRef = await option.getAttribute('data-ref');
    assert.match(ownerRef, /^group:/, 'the owner picker offers groups');
    await option.click();
    assert.equal(await owner.inputValue(), ownerRef);
    await page.locator('#root_description').fill('Takes orders, end to end.');

    // The preview re-renders with the name (debounced dry run).
    await page.locator(sel('preview-tree-dir', `[data-path="cmd/${serviceName}"]`)).waitFor();
    await page.locator(sel('preview-tree-file', '[data-path="catalog-info.yaml"]')).click();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="preview-content"]')?.textContent?.includes(`name: ${n}`),
      serviceName,
    );
    await shot('form-filled');

    await page.locator(sel('gp-next')).click();
    await page.locator('#root_postgres').waitFor();
    assert.equal(await page.locator('#root_port').inputValue(), '8080', 'defaults fill the options page');
    await page.locator('#root_postgres').check();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="preview-tree-file"][data-path="score.yaml"]') !== null,
    );
    await page.locator(sel('gp-next')).click();
    await page.locator(sel('gp-review')).waitFor();
    const outInput = page.locator(sel('gp-outdir'));
    // The backend's default folder (under the workspace folder) shows as the
    // placeholder; then the test points it at its temp dir.
    await page.waitForFunction((n) => document.querySelector('[data-testid="gp-outdir"]')?.placeholder.endsWith(`/${n}`), serviceName);
    await outInput.fill(outDir);
    await shot('review');
  });

  it('(d) scaffold: step progress, then the result page with the file tree', { timeout: STEP_TIMEOUT }, async () => {
    await page.locator(sel('gp-create')).click();
    const result = page.locator(sel('scaffold-result'));
    await Promise.race([
      result.waitFor({ timeout: 60_000 }),
      page.locator(sel('scaffold-error')).waitFor({ timeout: 60_000 }).then(async () => {
        throw new Error(`scaffold failed: ${await page.locator(sel('scaffold-error')).textContent()}`);
      }),
    ]);
    assert.equal((await page.locator(sel('result-dir')).textContent())?.trim(), outDir);
    const states = await page.locator(sel('progress-step')).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    assert.ok(states.length >= 5 && states.every((s) => s === 'done' || s === 'skipped'), `all steps finished (${states.join(', ')})`);

    resultFiles = await page.locator(`${sel('result-tree')} ${sel('result-tree-file')}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    for (const f of ['go.mod', 'catalog-info.yaml', 'score.yaml', 'Dockerfile', 'Makefile', `cmd/${serviceName}/main.go`, '.paved/template.yaml']) {
      assert.ok(resultFiles.includes(f), `the result tree lists ${f} (got ${resultFiles.join(', ')})`);
    }
    const actions = await page.locator(sel('next-action')).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    assert.ok(actions.includes('open-folder') && actions.includes('view-in-catalog'), `next actions: ${actions.join(', ')}`);
    // "Run locally" leads to the new service's environment (named by
    // EnvCanRun): the generated service has a score.yaml.
    assert.ok(actions.includes('run-locally'), `next actions offer run-locally: ${actions.join(', ')}`);
    const run = page.locator(sel('run-locally-link'));
    await run.waitFor();
    runLocallyHref = await run.getAttribute('href');
    assert.equal(runLocallyHref, `#/env/${serviceName}`);
    await shot('result');
  });

  it('(e) the files are on disk, in a new git repository', { timeout: STEP_TIMEOUT }, () => {
    assert.ok(statSync(outDir).isDirectory(), `${outDir} exists`);
    assert.ok(existsSync(path.join(outDir, '.git')), 'publish:git made a repository');
    for (const f of resultFiles) {
      assert.ok(existsSync(path.join(outDir, f)), `${f} exists on disk`);
    }
    const info = readFileSync(path.join(outDir, 'catalog-info.yaml'), 'utf8');
    assert.match(info, new RegExp(`name: ${serviceName}`));
    assert.ok(info.includes(ownerRef.replace(/^group:default\//, '')), `catalog-info.yaml names the owner ${ownerRef}`);
    assert.match(readFileSync(path.join(outDir, 'score.yaml'), 'utf8'), /postgres/, 'the postgres option reached the template');
    assert.match(readFileSync(path.join(outDir, '.paved', 'template.yaml'), 'utf8'), /go-service/);
  });

  it('(f) the new component is in the catalog', { timeout: STEP_TIMEOUT }, async () => {
    const link = page.locator(sel('result-entity-link'));
    const ref = await link.getAttribute('data-ref');
    assert.equal(ref, `component:default/${serviceName}`);
    await link.click();
    await page.locator(sel('entity-page', `[data-ref="${cssEscape(ref)}"]`)).waitFor();
    assert.equal((await page.locator(sel('entity-title')).textContent())?.trim(), serviceName);
    await shot('entity');
    // And it is in the audit log.
    await goHash('#/audit');
    await page.locator(sel('audit-row')).first().waitFor();
    const audit = await page.locator(sel('audit-table')).textContent();
    assert.ok(audit.includes('goldenpath.scaffold'), 'the scaffold is an audit entry');
  });

  it('(g) "Run locally" opens the environment page of the new service', { timeout: STEP_TIMEOUT }, async () => {
    assert.ok(runLocallyHref, 'the result page offers "Run locally" for the new service');
    await goHash(runLocallyHref);
    await page.locator(sel('env-page', `[data-env="${cssEscape(serviceName)}"]`)).waitFor();
    await shot('env');
  });

  it('raised no uncaught page errors', () => {
    assert.deepEqual(ui.pageErrors, []);
  });
});

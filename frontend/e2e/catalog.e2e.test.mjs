// End-to-end test of the catalog UI against a real `paved` binary in browser mode.
//
//   PAVED_BIN=/path/to/paved-cli npm run e2e
//
// Env: PAVED_BIN (default ../build/bin/paved-cli; the suite fails when it is
// missing: build it with `make cli`), CHROMIUM (default /usr/bin/chromium), E2E_SHOTS (screenshot dir,
// default a new temp dir).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PavedBrowser, cssEscape, requireTools, sel } from './harness.mjs';

const STEP_TIMEOUT = 90_000;

describe('catalog UI (browser mode, demo organisation)', () => {
  let home;
  let baseUrl;
  let page;
  let component; // EntitySummary of the first Component in the catalog
  const ui = new PavedBrowser();
  const shot = (name) => ui.shot(name);
  const goHash = (hash) => ui.goHash(hash);

  before(async () => {
    requireTools();
    home = mkdtempSync(path.join(tmpdir(), 'paved-e2e-home-'));
    page = await ui.start(home);
    baseUrl = ui.baseUrl;
  }, { timeout: 120_000 });

  after(async () => {
    await ui.close();
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
    assert.deepEqual(ui.pageErrors, []);
  });
});

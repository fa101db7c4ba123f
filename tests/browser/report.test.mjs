// day2's HTML report in a real browser: Debian's chromium, headless, driven
// by playwright-core. The reports are made by the built binary:
//
//   DAY2=target/debug/day2 node --test tests/browser/report.test.mjs
//
// Optional: DAY2_LARGE_SNAPSHOT=FILE (a snapshot, e.g. from
// `day2-bench gen --pods 150000`) adds the large-report checks, or
// DAY2_LARGE_HTML=FILE the same checks on a report already made; load and
// filter times are printed, not asserted. Screenshots go to
// tests/browser/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const day2 = path.resolve(root, process.env.DAY2 || 'target/debug/day2');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = path.join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'day2-browser-'));

/** Run day2; exit code 1 means findings, which a report has. */
function report(args, name) {
  let out;
  try {
    out = execFileSync(day2, args, { maxBuffer: 1 << 30 });
  } catch (e) {
    if (e.status !== 1) throw e;
    out = e.stdout;
  }
  const file = path.join(work, name);
  writeFileSync(file, out);
  return file;
}

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  if (browser) await browser.close();
  rmSync(work, { recursive: true, force: true });
});

/** A page that records every request that is not the file itself, and every console error. */
async function open(file, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const requests = [];
  const errors = [];
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  const loadMs = Date.now() - t0;
  return { page, context, requests, errors, loadMs };
}

/** The visible rule groups: [rule, loop, severity]. */
async function visibleRules(page) {
  return page.$$eval('details.rule', (gs) => gs.filter((g) => !g.hidden).map((g) =>
    [g.dataset.rule, g.dataset.loop, g.dataset.sev]));
}

test('the demo report: checklist, loops, the domino incident, filters, keyboard, no request', async () => {
  const file = report(['demo', '-o', 'html'], 'demo.html');
  const { page, context, requests, errors } = await open(file);

  // The checklist first: five loop cards, each with a status.
  await page.locator('#checklist').waitFor({ state: 'visible' });
  const cards = page.locator('#checklist article.card');
  assert.equal(await cards.count(), 5);
  for (const l of ['Identity', 'Compute', 'Network', 'Storage', 'Observability']) {
    assert.match(await page.locator('#checklist').innerText(), new RegExp(l));
  }
  // The header: the bundled demo is a list that does not say when it was taken.
  assert.match(await page.locator('header.top dl.meta').innerText(), /captured\s+unknown/);
  const firstSection = await page.$eval('main section', (s) => s.id);
  assert.equal(firstSection, 'checklist');

  // The loop picture with its cross-loop arrow to storage.
  assert.ok(await page.locator('svg.loops').isVisible());
  const arrows = page.locator('svg.loops g.crossing[data-to="storage"]');
  assert.ok(await arrows.count() >= 1, 'an arrow to the storage loop');
  assert.ok(await arrows.first().isVisible());
  assert.match(await arrows.first().textContent(), /incident #1/);

  // The domino, left to right: StorageClass first, the Ingress last, markers in time order.
  const incident = page.locator('#incident-1');
  const lanes = incident.locator('svg.lanes');
  assert.ok(await lanes.isVisible());
  const marks = await lanes.locator('a.ev circle').evaluateAll((cs) => cs.map((c) => +c.getAttribute('cx')));
  assert.ok(marks.length >= 6, `${marks.length} events`);
  for (let i = 1; i < marks.length; i++) assert.ok(marks[i] >= marks[i - 1], `event ${i + 1} left of ${i}`);
  const items = incident.locator('ol.events > li');
  assert.match(await items.first().innerText(), /StorageClass/);
  assert.match(await items.last().innerText(), /Ingress|Service/);
  assert.match(await incident.locator('aside.cause').innerText(), /Root cause[\s\S]*Fix/);

  // Focus an event: its details show beside the drawing.
  await lanes.locator('a.ev').nth(1).focus();
  const detail = incident.locator('.evdetail');
  assert.ok(await detail.isVisible());
  assert.match(await detail.innerText(), /^2\./);

  // Close and open the incident.
  await incident.locator('summary').first().click();
  assert.equal(await lanes.isVisible(), false, 'closed');
  await incident.locator('summary').first().click();
  assert.ok(await lanes.isVisible(), 'open again');

  // Filters: by loop, then severity; the rows change.
  const all = await visibleRules(page);
  assert.ok(all.length > 3);
  const status0 = await page.locator('#f-status').innerText();
  await page.selectOption('#f-loop', 'storage');
  const storage = await visibleRules(page);
  assert.ok(storage.length > 0 && storage.length < all.length);
  assert.ok(storage.every(([, l]) => l === 'storage'), JSON.stringify(storage));
  assert.notEqual(await page.locator('#f-status').innerText(), status0);
  await page.selectOption('#f-loop', '');
  await page.selectOption('#f-sev', 'critical');
  const critical = await visibleRules(page);
  assert.ok(critical.length > 0 && critical.length < all.length);
  assert.ok(critical.every(([, , s]) => s === 'critical'), JSON.stringify(critical));
  await page.screenshot({ path: path.join(artifacts, 'demo-filtered.png') });
  // Search narrows the rows to those that mention the text.
  await page.selectOption('#f-sev', '');
  await page.fill('#f-q', 'postgres');
  await page.waitForTimeout(300);
  const rows = await page.$$eval('details.rule:not([hidden]) table.rows tbody tr:not([hidden])', (rs) => rs.map((r) => r.textContent));
  assert.ok(rows.length > 0);
  const groups = await page.$$eval('details.rule:not([hidden])', (gs) => gs.map((g) => g.querySelector('summary').textContent));
  assert.ok(rows.every((t) => /postgres/i.test(t)) || groups.some((t) => /postgres/i.test(t)), rows.join('\n'));
  await page.click('#f-reset');
  await page.waitForTimeout(50);
  assert.equal((await visibleRules(page)).length, all.length, 'Clear shows every rule again');

  // A loop in the picture filters the findings.
  await page.locator('svg.loops a.loopnode[data-loop="network"]').click();
  assert.equal(await page.$eval('#f-loop', (s) => s.value), 'network');
  assert.ok((await visibleRules(page)).every(([, l]) => l === 'network'));
  await page.selectOption('#f-loop', '');

  // The keyboard: the skip link first, then the sections, the loop nodes,
  // the incident's events and the filters, each with a visible focus ring.
  await page.reload();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  const reached = new Set();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const [kind, ring] = await page.evaluate(() => {
      const e = document.activeElement;
      const cs = getComputedStyle(e);
      const kind = e.classList.contains('loopnode') ? 'loop' : e.classList.contains('ev') ? 'event'
        : e.id && e.id.startsWith('f-') ? 'filter' : e.tagName.toLowerCase();
      return [kind, cs.outlineStyle !== 'none' || e.closest('svg') !== null];
    });
    reached.add(kind);
    assert.ok(ring, `focus visible on ${kind}`);
  }
  for (const k of ['loop', 'event', 'summary', 'a']) assert.ok(reached.has(k), `Tab reaches ${k}: ${[...reached]}`);
  await page.screenshot({ path: path.join(artifacts, 'demo.png'), fullPage: true });

  // Dark mode and print render too.
  const dark = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
  const dp = await dark.newPage();
  await dp.goto(pathToFileURL(file).href);
  const bg = await dp.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(255, 255, 255)', 'dark background');
  await dp.screenshot({ path: path.join(artifacts, 'demo-dark.png') });
  await dark.close();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#filters').isVisible(), false, 'no filters on paper');
  await page.pdf({ path: path.join(artifacts, 'demo.pdf') });

  assert.deepEqual(requests, [], 'no request left the page');
  assert.deepEqual(errors, [], 'no console error');
  await context.close();
});

test('the logs view: a coverage bar per field and source', async () => {
  const log = path.join(work, 'web.log');
  writeFileSync(log, '{"trace_id":"a","pod_name":"web-0","node_name":"n1","namespace":"shop","zone":"a","msg":"ok"}\nplain text line <b>\n');
  const file = report(['logs', log, '-o', 'html'], 'logs.html');
  const { page, context, requests, errors } = await open(file);
  const bars = page.locator('#coverage svg.bar');
  assert.equal(await bars.count(), 6, 'structured and the five golden fields');
  assert.ok(await bars.first().isVisible());
  assert.match(await page.locator('#coverage').innerText(), /trace_id[\s\S]*50\.0%/);
  assert.match(await page.locator('#sources').innerText(), /web\.log/);
  await page.screenshot({ path: path.join(artifacts, 'logs.png') });
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the explain view: every node, fit or why not', async () => {
  const file = report(['explain', 'pod', 'db/postgres-0', '--demo', '-o', 'html'], 'explain.html');
  const { page, context, requests, errors } = await open(file);
  const rows = page.locator('#nodes tbody tr');
  assert.ok(await rows.count() >= 3, 'the demo cluster\'s nodes');
  assert.ok(await rows.first().isVisible());
  assert.match(await page.locator('#nodes').innerText(), /NodeResourcesFit|VolumeBinding|zone/i);
  assert.ok(await page.locator('#reasons tbody tr').count() >= 1, 'counts by reason');
  assert.match(await page.locator('header').innerText(), /postgres-0/);
  await page.screenshot({ path: path.join(artifacts, 'explain.png'), fullPage: true });
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the README screenshot', { skip: !process.env.DAY2_README_SHOT }, async () => {
  const file = report(['demo', '-o', 'html'], 'demo-shot.html');
  const { page, context } = await open(file, { viewport: { width: 1100, height: 1480 } });
  await page.screenshot({ path: process.env.DAY2_README_SHOT, type: 'png' });
  await context.close();
});

test('a large report loads, filters and pages', { skip: !process.env.DAY2_LARGE_SNAPSHOT && !process.env.DAY2_LARGE_HTML }, async () => {
  const file = process.env.DAY2_LARGE_HTML
    || report(['diagnose', '--snapshot', process.env.DAY2_LARGE_SNAPSHOT, '-o', 'html'], 'large.html');
  const mb = statSync(file).size / 1e6;
  const { page, context, requests, errors, loadMs } = await open(file);
  // In the page's own clock: the DOM parsed, and the findings drawn (the
  // script marks `day2-findings` once the filters have run).
  const [dcl, ready] = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const m = performance.getEntriesByName('day2-findings')[0];
    return [Math.round(nav.domContentLoadedEventEnd), m ? Math.round(m.startTime) : -1];
  });
  assert.ok(ready >= 0, 'the findings were drawn');
  const all = await visibleRules(page);
  assert.ok(all.length > 0);
  const total = await page.$$eval('details.rule', (gs) => gs.reduce((n, g) => n + +g.dataset.count, 0));
  // Filter by the loop with the most findings, time it.
  const loop = all[0][1];
  const t0 = Date.now();
  await page.selectOption('#f-loop', loop);
  const filtered = await visibleRules(page);
  const filterMs = Date.now() - t0;
  assert.ok(filtered.every(([, l]) => l === loop));
  // A namespace filter counts every finding of the namespace, shown or not.
  await page.selectOption('#f-loop', '');
  const ns = await page.$eval('#f-ns option:nth-child(2)', (o) => o.value);
  const t1 = Date.now();
  await page.selectOption('#f-ns', ns);
  const nsMs = Date.now() - t1;
  const rows = await page.$$eval('details.rule:not([hidden]) table.rows tbody tr:not([hidden])', (rs) => rs.map((r) => r.dataset.ns));
  assert.ok(rows.every((n) => n === ns), 'only the namespace\'s rows');
  const inNs = await page.$$eval('details.rule:not([hidden])', (gs) => gs.length);
  assert.ok(inNs > 0, 'rules with findings in the namespace');
  // Paging: a rule shows a page of rows, and more on request.
  await page.selectOption('#f-ns', '');
  await page.selectOption('#f-loop', '');
  const paged = page.locator('details.rule', { has: page.locator('button.more-rows') });
  if (await paged.count()) {
    const rule = await paged.first().getAttribute('data-rule');
    const g = page.locator(`details.rule[data-rule="${rule}"]`);
    await g.evaluate((e) => { e.open = true; });
    const before = await g.locator('table.rows tbody tr:not([hidden])').count();
    await g.locator('button.more-rows').click();
    assert.ok(await g.locator('table.rows tbody tr:not([hidden])').count() > before, 'a page more');
  }
  await page.screenshot({ path: path.join(artifacts, 'large.png') });
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  console.log(`large report: ${mb.toFixed(2)} MB, ${total} findings; DOMContentLoaded ${dcl} ms, findings drawn ${ready} ms, load ${loadMs} ms, loop filter ${filterMs} ms, namespace filter ${nsMs} ms`);
  await context.close();
});

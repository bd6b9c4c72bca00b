// Shared pieces of the browser tests: a static server for a built site, Debian's Chromium driven by
// playwright-core, and a watch on every page for console errors and failed requests.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { serveSite as serve } from '../../tools/serve-site.mjs';

export const SITE_ROOT = resolve(process.env.SITE_ROOT ?? 'target/site/root');
export const SITE_SUB = resolve(process.env.SITE_SUB ?? 'target/site/sub');
export const SUB_PATH = '/any/sub/path/';
const SCREENSHOTS = resolve('test-results/screenshots');

export { LESSONS } from '../../tools/course-lessons.mjs';

/** Serves `dir` at `prefix` on 127.0.0.1 (a free port unless given), every file as it is. */
export const serveSite = (dir, prefix = '/', port = 0) => serve(dir, { prefix, port, compressed: false });

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A fresh context and page, with every console error, page error and failed request recorded. */
/** A browser and the built site served for the tests of one file: `lab.browser`, `lab.site.url`. */
export function servedLab() {
  const lab = {};
  before(async () => {
    lab.browser = await launch();
    lab.site = await serveSite(SITE_ROOT);
  });
  after(async () => {
    await lab.browser?.close();
    await lab.site?.stop();
  });
  return lab;
}

export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { context, page, problems };
}

/** Waits until the service worker has cached the site and controls the page. */
export async function waitForOfflineReady(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((done) =>
        navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }),
      );
    }
  });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export function siteExists(dir) {
  try {
    return statSync(join(dir, 'index.html')).isFile();
  } catch {
    return false;
  }
}

const AXE = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page and returns its serious and critical violations, one line each. */
export async function seriousA11yViolations(page) {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

/** Opens one of the player's panels (Code, Actions, Ledger, Database, Event log, Real cluster, Scenario). */
export async function openPanel(page, name) {
  await page.getByRole('tab', { name, exact: true }).click();
  await page.locator('[role=tabpanel]:not([hidden])', { has: page.locator(':scope') }).first().waitFor();
}

/** The palette button for a scenario step, as the app labels actions: the client calls in the flavor's words. */
export function paletteLabel(step, flavor = 'kafka-python') {
  const java = flavor === 'java';
  const call = (python, javaName, args = '') => `${java ? javaName : python}(${args})`;
  const what =
    {
      poll: () => call('poll', 'poll'),
      send: () => `send ${step.value} to ${step.topic}`,
      flush: () => call('flush', 'flush'),
      close: () => call('close', 'close'),
      commit: () =>
        call('commit', 'commitSync', step.offsets ? `{${step.offsets.map((o) => `${o.topic}-${o.partition ?? 0}: ${o.offset}`).join(', ')}}` : ''),
      seek: () => call('seek', 'seek', `${step.topic}-${step.partition ?? 0}, ${step.offset}`),
      init_transactions: () => call('init_transactions', 'initTransactions'),
      begin_transaction: () => call('begin_transaction', 'beginTransaction'),
      commit_transaction: () => call('commit_transaction', 'commitTransaction'),
      abort_transaction: () => call('abort_transaction', 'abortTransaction'),
      send_offsets_to_transaction: () =>
        `${call('send_offsets_to_transaction', 'sendOffsetsToTransaction', '…')} with ${step.consumer}'s positions`,
      lose_next_ack: () => 'lose the next acknowledgement',
      crash_broker: () => `crash broker ${step.broker}`,
      restart_broker: () => `restart broker ${step.broker}`,
      advance: () => `advance the clock ${step.ms} ms`,
    }[step.op]?.() ?? step.op.replaceAll('_', ' ');
  return step.actor ? `${step.actor}: ${what}` : what;
}

/** Clicks the palette's button for an action, opening "More actions" when the chapter keeps it there. */
export async function act(page, label) {
  const button = page.locator('.action-palette button.action').getByText(label, { exact: true }).first();
  // Rendered first (shown or folded), so a palette still drawing is not taken for one without the action.
  await button.waitFor({ state: 'attached' });
  if (!(await button.isVisible())) {
    const more = page.locator('.action-palette .more-actions');
    if ((await more.count()) && !(await more.evaluate((d) => d.open))) await more.locator('summary').click();
  }
  await button.click();
}

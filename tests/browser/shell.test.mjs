// The app shell in a real browser: routes, deep links, history, errors, sub-path hosting and offline use.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  SITE_ROOT,
  SITE_SUB,
  SUB_PATH,
  launch,
  openPage,
  screenshot,
  serveSite,
  siteExists,
  waitForOfflineReady,
} from './support.mjs';

let browser;
before(async () => {
  for (const dir of [SITE_ROOT, SITE_SUB]) {
    assert.ok(siteExists(dir), `no built site in ${dir}: run ./x test, which builds it first`);
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('the site at the root', () => {
  let site;
  before(async () => {
    site = await serveSite(SITE_ROOT);
  });
  after(async () => {
    await site.stop();
  });

  test('the home page lists the lessons', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(site.url);
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    const lessons = page.locator('.lesson-list > li');
    assert.ok((await lessons.count()) >= 9, 'the course lists its lessons');
    assert.match(await lessons.first().innerText(), /The log, the position and the committed offset/);
    assert.equal(await page.title(), 'Kafka Delivery Lab');
    await screenshot(page, 'home');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a deep link opens the lesson and step it names', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${site.url}#/lesson/durability/step/3`);
    await page.getByRole('heading', { level: 1, name: /Durability/ }).waitFor();
    await page.locator('.now-step', { hasText: 'Step 3' }).waitFor();
    assert.match(await page.title(), /Durability: acks, replicas and the ISR · Kafka Delivery Lab/);
    await screenshot(page, 'lesson');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('links change the route and the back button returns', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(site.url);
    await page.getByRole('link', { name: /The log, the position/ }).click();
    await page.getByRole('heading', { level: 1, name: /The log, the position/ }).waitFor();
    assert.match(page.url(), /#\/lesson\/offsets\/step\/0$/);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    await page.getByRole('link', { name: /lost order 5/ }).click();
    await page.getByRole('button', { name: 'Step forward' }).click();
    await page.getByRole('button', { name: 'Step forward' }).click();
    await page.locator('.now-step', { hasText: 'Step 2' }).waitFor();
    // Stepping keeps the address current without filling the history: back leaves the lesson.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: /lost order 5/ }).waitFor();
    await page.getByRole('link', { name: 'Sandbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sandbox' }).waitFor();
    await screenshot(page, 'sandbox');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('an unknown address shows a not-found page with a way home', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${site.url}#/lessons/nowhere`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await page.goto(`${site.url}#/lesson/offsets/step/three`);
    await page.getByText('"three" is not a whole number').waitFor();
    await page.goto(`${site.url}#/lesson/no-such-lesson/step/1`);
    await page.getByText('There is no lesson called "no-such-lesson"').waitFor();
    await screenshot(page, 'not-found');
    await page.getByRole('link', { name: 'Go to the course home' }).click();
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a panic replaces the page with a readable error panel', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${site.url}#/debug/panic`);
    const panel = page.getByRole('alert');
    await panel.waitFor();
    assert.match(await panel.innerText(), /Something went wrong[\s\S]*panics on purpose/);
    assert.ok(await page.getByRole('link', { name: 'Back to the course home' }).isVisible());
    await screenshot(page, 'error-panel');
    assert.ok(
      problems.some((problem) => problem.includes('panics on purpose')),
      'the panic is also reported on the console',
    );
    await context.close();
  });

  test('a WebAssembly trap also replaces the page with the error panel', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${site.url}#/`);
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    await page.evaluate(() => { location.hash = '#/debug/trap'; });
    const panel = page.getByRole('alert');
    await panel.waitFor();
    assert.match(await panel.innerText(), /Something went wrong[\s\S]*WebAssembly trap: unreachable/);
    assert.ok(await page.getByRole('link', { name: 'Back to the course home' }).isVisible());
    await context.close();
  });

  test('embed mode shows just the lesson', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${site.url}?embed=1#/lesson/manual-commit/step/2`);
    await page.locator('.now-step', { hasText: 'Step 2' }).waitFor();
    assert.equal(await page.locator('.site-header').isVisible(), false);
    assert.equal(await page.locator('.breadcrumb').isVisible(), false);
    await page.getByRole('button', { name: 'Step forward' }).click();
    await page.locator('.now-step', { hasText: 'Step 3' }).waitFor();
    assert.match(page.url(), /\?embed=1#\/lesson\/manual-commit\/step\/3$/, 'embed mode survives stepping');
    await screenshot(page, 'embed');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the theme can be chosen and is remembered', async () => {
    const { context, page, problems } = await openPage(browser, { colorScheme: 'light' });
    await page.goto(site.url);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    assert.equal(await theme(), 'system');
    await page.getByRole('button', { name: /Colour theme/ }).click();
    assert.equal(await theme(), 'light');
    await page.getByRole('button', { name: /Colour theme/ }).click();
    assert.equal(await theme(), 'dark');
    assert.notEqual(await background(), light, 'the dark theme changes the colours');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    assert.equal(await theme(), 'dark');
    await screenshot(page, 'home-dark');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the course works when storage is unavailable', async () => {
    const { context, page, problems } = await openPage(browser);
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('storage is disabled', 'SecurityError');
        },
      });
    });
    await page.goto(`${site.url}#/lesson/manual-commit/step/1`);
    await page.locator('.now-step', { hasText: 'Step 1' }).waitFor();
    await page.getByRole('button', { name: /Colour theme/ }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('after one visit the course works with the network off', async () => {
    const server = await serveSite(SITE_ROOT);
    const { context, page, problems } = await openPage(browser);
    await page.goto(server.url);
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    await waitForOfflineReady(page);
    await server.stop();
    await context.setOffline(true);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    await page.goto(`${server.url}#/lesson/durability/step/2`);
    await page.getByRole('heading', { level: 1, name: /Durability/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Course' }).click();
    await page.getByRole('link', { name: /Transaction timeout/ }).click();
    await page.getByRole('heading', { level: 1, name: /Transaction timeout/ }).waitFor();
    await screenshot(page, 'offline');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('a new build', () => {
  test('replaces the cached one cleanly', async () => {
    // The next build: the same site with a changed page and service worker, as any rebuild gives.
    const next = mkdtempSync(join(tmpdir(), 'kdl-next-build-'));
    cpSync(SITE_ROOT, next, { recursive: true });
    const index = join(next, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('<head>', '<head><meta name="build" content="next" />'));
    const worker = join(next, 'sw.js');
    writeFileSync(worker, readFileSync(worker, 'utf8').replace(/const VERSION = '([^']*)'/, "const VERSION = 'next-$1'"));

    const first = await serveSite(SITE_ROOT);
    const { context, page, problems } = await openPage(browser);
    await page.goto(first.url);
    await waitForOfflineReady(page);
    const cachesBefore = await page.evaluate(() => caches.keys());
    await first.stop();

    const second = await serveSite(next, '/', first.port);
    await page.goto('about:blank');
    await page.goto(`${second.url}#/sandbox`);
    await page.getByRole('heading', { level: 1, name: 'Sandbox' }).waitFor();
    let cachesAfter = [];
    for (let tries = 0; tries < 100; tries += 1) {
      cachesAfter = await page.evaluate(() => caches.keys());
      if (cachesAfter.length === 1 && cachesAfter[0] !== cachesBefore[0]) break;
      await page.waitForTimeout(100);
    }
    await second.stop();
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sandbox' }).waitFor();
    const build = await page.evaluate(() => document.querySelector('meta[name=build]')?.content);

    assert.equal(cachesBefore.length, 1);
    assert.equal(cachesAfter.length, 1, 'the old cache is deleted');
    assert.notEqual(cachesAfter[0], cachesBefore[0]);
    assert.equal(build, 'next', 'offline, the page comes from the new build');
    assert.deepEqual(problems, []);
    await context.close();
    rmSync(next, { recursive: true, force: true });
  });
});

describe('the site built for and served under a sub-path', () => {
  test('works online and offline under the sub-path', async () => {
    const server = await serveSite(SITE_SUB, SUB_PATH);
    const { context, page, problems } = await openPage(browser);
    const requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));

    await page.goto(`${server.url}#/lesson/transactions/step/4`);
    await page.getByRole('heading', { level: 1, name: /Transactions/ }).waitFor();
    await page.locator('.now-step', { hasText: 'Step 4' }).waitFor();
    for (const path of requested) assert.ok(path.startsWith(SUB_PATH), `${path} is outside ${SUB_PATH}`);
    await waitForOfflineReady(page);
    await server.stop();
    await context.setOffline(true);

    await page.goto(server.url);
    await page.getByRole('heading', { level: 1, name: /Delivery guarantees/ }).waitFor();
    await screenshot(page, 'sub-path-offline');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('the glossary', () => {
  test('every term has an address that opens it', async () => {
    const site = await serveSite(SITE_ROOT);
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${site.url}#/glossary/lso`);
    const term = page.locator('.term.current');
    await term.waitFor();
    assert.match(await term.innerText(), /last stable offset \(LSO\)[\s\S]*read_committed consumers stop here/);
    assert.ok(await term.isVisible());
    await page.getByRole('link', { name: 'control marker', exact: true }).click();
    await page.locator('.term.current', { hasText: 'COMMIT or ABORT' }).waitFor();
    assert.match(page.url(), /#\/glossary\/control-marker$/);
    // A rule's chip says the rule in a sentence and opens the rule's own entry.
    const chip = page.locator('.term.current').getByRole('link', { name: /^Rule T7: / });
    assert.match(await chip.getAttribute('title'), /takes one offset/);
    await chip.click();
    await page.locator('.term.current', { hasText: 'T7 · control markers' }).waitFor();
    assert.match(page.url(), /#\/glossary\/rule-t7$/);
    await screenshot(page, 'glossary');
    assert.deepEqual(problems, []);
    await context.close();
    await site.stop();
  });
});

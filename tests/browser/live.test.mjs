// Real-cluster mode in a real browser against a real proxy and a real Kafka broker: the "Real cluster" switch
// connects to kafka-proxy, runs a lesson's steps on the broker and shows the real state beside the model's with
// every difference (or "identical") marked; a wrong token and a stopped proxy say so and offer Retry.
// Needs KAFKA_BOOTSTRAP (a running broker; ./x test starts one) and KAFKA_PROXY_BIN (./x test passes
// target/debug/kafka-proxy, which `cargo test --workspace` builds).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { SITE_ROOT, launch, openPage, openPanel, screenshot, serveSite, seriousA11yViolations } from './support.mjs';

const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP;
const PROXY_BIN = process.env.KAFKA_PROXY_BIN && resolve(process.env.KAFKA_PROXY_BIN);
const TOKEN = `live-test-${process.pid}`;
const LESSON = '#/lesson/offsets/step/12';

let browser;
let site;
let proxy;
let proxyPort;

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Starts kafka-proxy (on `proxyPort`, for the test broker unless told) and waits until it answers. */
async function startProxy({ port = proxyPort, bootstrap = BOOTSTRAP } = {}) {
  const child = spawn(
    PROXY_BIN,
    [
      '--bootstrap-servers', bootstrap,
      '--listen', `127.0.0.1:${port}`,
      '--token', TOKEN,
      '--allow-origin', new URL(site.url).origin,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((done) => child.once('exit', (code) => done(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const code = await Promise.race([exited, new Promise((done) => setTimeout(() => done('waiting'), 200))]);
    if (code !== 'waiting') throw new Error(`kafka-proxy exited (${code}) before it answered:\n${output}`);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/v1/health`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      if (answer.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kafka-proxy did not answer within 30 s:\n${output}`);
    }
  }
  return { child, exited, output: () => output };
}

async function stopProxy(which = proxy) {
  if (!which) return;
  const { child, exited } = which;
  if (which === proxy) proxy = undefined;
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
}

before(async () => {
  assert.ok(
    BOOTSTRAP,
    'KAFKA_BOOTSTRAP is not set: run the tests with ./x test (it starts a broker), or start one with ' +
      '`tools/kafka/broker start` and export KAFKA_BOOTSTRAP=<the address it prints>',
  );
  assert.ok(
    PROXY_BIN && existsSync(PROXY_BIN),
    `the kafka-proxy binary is missing (KAFKA_PROXY_BIN=${process.env.KAFKA_PROXY_BIN ?? 'not set'}): ` +
      'build it with `cargo build -p kafka-proxy` and set KAFKA_PROXY_BIN=target/debug/kafka-proxy (./x test does both)',
  );
  browser = await launch();
  site = await serveSite(SITE_ROOT);
  proxyPort = await freePort();
  proxy = await startProxy();
});

after(async () => {
  await stopProxy();
  await browser?.close();
  await site?.stop();
});

const proxyAddress = () => `http://127.0.0.1:${proxyPort}`;
/** What the page's own requests to the proxy left in `problems` (expected in the failure tests). */
const aboutProxy = (problem) =>
  problem.includes(`127.0.0.1:${proxyPort}`) || /Failed to load resource|ERR_CONNECTION_REFUSED/.test(problem);

/** The switch: a panel of its own in the sandbox, folded under the code in a lesson. */
async function switchOn(page) {
  const tab = page.getByRole('tab', { name: 'Real cluster', exact: true });
  if (await tab.count()) {
    await openPanel(page, 'Real cluster');
  } else {
    await openPanel(page, 'Code');
    await page.locator('.real-run summary', { hasText: 'Run this on a real Kafka' }).click();
  }
  const toggle = page.getByRole('switch', { name: 'Real cluster' });
  assert.equal(await toggle.getAttribute('aria-checked'), 'false', 'off by default');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-checked'), 'true');
}

async function connect(page, token = TOKEN) {
  await page.getByLabel('Proxy address').fill(proxyAddress());
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();
}

const status = (page) => page.getByRole('status').filter({ hasText: /Connect|Ran|Running|Not connected/ });

test('the switch connects, runs the offsets lesson on the real broker and shows both states side by side', async () => {
  const { context, page, problems } = await openPage(browser);
  const proxyRequests = [];
  page.on('request', (request) => {
    if (request.url().startsWith(proxyAddress())) proxyRequests.push(request.url());
  });
  await page.goto(`${site.url}${LESSON}`);
  await page.locator('.now-step', { hasText: 'Step 12' }).waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(proxyRequests, [], 'the model-only course never calls the proxy');

  await switchOn(page);
  assert.equal(await page.getByLabel('Proxy address').inputValue(), 'http://127.0.0.1:8787', 'the default address');
  await connect(page);
  await status(page).filter({ hasText: 'Connected to kafka-proxy' }).waitFor();
  const run = page.getByRole('button', { name: 'Run these steps on the real cluster' });
  await run.click();
  await status(page).filter({ hasText: /Ran steps 1–12 on the real cluster/ }).waitFor({ timeout: 90_000 });

  // The real broker's state: its records, offsets and committed offset, beside the model's.
  const comparison = page.locator('.state-comparison');
  const partition = comparison.getByRole('table', { name: 'Partition orders/0' });
  const cells = async (label) =>
    partition.locator('tr', { has: page.getByRole('rowheader', { name: label, exact: true }) }).locator('td').allInnerTexts();
  const [modelHw, realHw] = await cells('High watermark');
  assert.equal(modelHw, '5');
  assert.match(realHw, /^5/, 'five records were written to the real partition');
  const [, realFirst] = await cells('Offset 0');
  assert.match(realFirst, /record #0/, 'the real log holds order 0 at offset 0');
  const committed = comparison.getByRole('table', { name: 'Committed offsets' });
  assert.match(await committed.locator('tbody tr').first().innerText(), /order-tracker · orders\/0\s+\d+\s+\d+/);
  assert.ok((await comparison.getByRole('table', { name: 'Steps' }).locator('tbody tr').count()) === 12);

  // Identical, or every difference marked in words, not by colour alone.
  const summary = await comparison.locator('.comparison-summary').innerText();
  const differing = comparison.locator('tr.differs');
  if (/Identical/.test(summary)) {
    assert.equal(await differing.count(), 0, summary);
  } else {
    const [, count] = summary.match(/≠ (\d+) difference/);
    assert.ok(Number(count) >= 1);
    assert.ok((await differing.count()) >= 1, summary);
    for (const row of await differing.all()) assert.match(await row.innerText(), /≠ differs/);
  }
  assert.match(await page.getByRole('status').filter({ hasText: 'Ran' }).innerText(), /identical to the model|from the model/);
  assert.deepEqual(await seriousA11yViolations(page), []);
  await screenshot(page, 'live-offsets-1280');

  // Moving the player makes the shown run out of date, and says so.
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.getByText('This comparison is for steps 1–12; the player is at step 13 now.').waitFor();

  await page.setViewportSize({ width: 375, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the 375 px screen`);
  await screenshot(page, 'live-offsets-375');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong token shows the 401 message, and Retry with the right one connects', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${site.url}#/sandbox`);
  await switchOn(page);
  await connect(page, 'not-the-token');
  const alert = page.getByRole('alert').filter({ hasText: 'refused the token (401' });
  await alert.waitFor();
  await page.getByLabel('Token').fill(TOKEN);
  await alert.getByRole('button', { name: 'Retry' }).click();
  await status(page).filter({ hasText: 'Connected to kafka-proxy' }).waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: '401' }).count(), 0, 'the message goes once connected');

  // The address and token are remembered for the next visit; the switch starts off again.
  await page.reload();
  await switchOn(page);
  assert.equal(await page.getByLabel('Proxy address').inputValue(), proxyAddress());
  assert.equal(await page.getByLabel('Token').inputValue(), TOKEN);
  assert.deepEqual(problems.filter((p) => !aboutProxy(p)), []);
  await context.close();
});

test('a stopped proxy shows "not running", and Retry works once it is started again', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${site.url}#/lesson/offsets/step/6`);
  await page.locator('.now-step', { hasText: 'Step 6' }).waitFor();
  await switchOn(page);
  await connect(page);
  await status(page).filter({ hasText: 'Connected to kafka-proxy' }).waitFor();

  await stopProxy();
  await page.getByRole('button', { name: 'Run these steps on the real cluster' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'not running' });
  await alert.waitFor();
  assert.match(await alert.innerText(), new RegExp(`not running at ${proxyAddress().replace(/\./g, '\\.')}`));
  await screenshot(page, 'live-not-running');
  // The model-only course keeps working meanwhile.
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.locator('.now-step', { hasText: 'Step 7' }).waitFor();
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.locator('.now-step', { hasText: 'Step 6' }).waitFor();

  proxy = await startProxy();
  await alert.getByRole('button', { name: 'Retry' }).click();
  await status(page).filter({ hasText: /Ran steps 1–6 on the real cluster/ }).waitFor({ timeout: 90_000 });
  assert.equal(await page.getByRole('alert').filter({ hasText: 'not running' }).count(), 0);
  const partition = page.locator('.state-comparison').getByRole('table', { name: 'Partition orders/0' });
  await partition.waitFor();
  assert.deepEqual(problems.filter((p) => !aboutProxy(p)), []);
  await context.close();
});

test('a proxy whose broker is down says the cluster cannot be reached, and offers Retry', async () => {
  const port = await freePort();
  const nowhere = await freePort();
  const lonely = await startProxy({ port, bootstrap: `127.0.0.1:${nowhere}` });
  try {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${site.url}${LESSON}`);
    await switchOn(page);
    await page.getByLabel('Proxy address').fill(`http://127.0.0.1:${port}`);
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Connect' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'the Kafka cluster does not answer' });
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.innerText(), /Is the broker running\?/);
    assert.ok(await alert.getByRole('button', { name: 'Retry' }).isVisible());
    assert.equal(await page.getByRole('button', { name: 'Run these steps on the real cluster' }).count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await stopProxy(lonely);
  }
});

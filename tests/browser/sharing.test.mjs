// Sharing and persistence: sandbox runs in the address bar, tampered links, scenario export, the warning
// before leaving changed work, and progress saved, exported and imported.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { act, openPage, openPanel, screenshot, servedLab } from './support.mjs';

const lab = servedLab();

const stepOf = (url) => Number(url.split('/').pop());
/** A link's run code in the first format, as links were made before compression: base64 of the JSON. */
const oldCode = (scenario) => Buffer.from(JSON.stringify(scenario)).toString('base64url');
/** A run code in the compressed format the app makes: "1." and base64 of the JSON through zlib's deflate. */
const newCode = (scenario) => `1.${deflateSync(JSON.stringify(scenario)).toString('base64url')}`;
const runCodeOf = (url) => url.match(/#\/sandbox\/run\/([^/]+)\/step\/\d+$/)?.[1];

test('a shared sandbox link restores the run, forks included, at its step', async () => {
  const first = await openPage(lab.browser);
  await first.page.goto(`${lab.site.url}#/sandbox`);
  // New links are compressed: "1." then URL-safe base64.
  await first.page.waitForURL(/#\/sandbox\/run\/1\.[A-Za-z0-9_-]+\/step\/0$/);
  await first.page.getByRole('button', { name: 'Step forward' }).click();
  await first.page.getByRole('button', { name: 'Step forward' }).click();
  await first.page.getByRole('button', { name: 'Step forward' }).click();
  await act(first.page, 'worker: commit()');
  await first.page.locator('.now-step', { hasText: 'Step 4' }).waitFor();
  await first.page.getByRole('button', { name: 'Step back' }).click();
  await first.page.waitForURL(/\/step\/3$/);
  const link = first.page.url();
  assert.match(link, /\/run\/1\.[A-Za-z0-9_-]+\/step\/3$/, 'the fork is written in the compressed format');
  const committedAtEnd = async (page) => {
    await page.getByRole('button', { name: 'Go to the last step' }).click();
    return page.locator('.marker.committed text').textContent();
  };
  const expected = await committedAtEnd(first.page);
  await first.context.close();

  const second = await openPage(lab.browser);
  await second.page.goto(link);
  await second.page.locator('.now-step', { hasText: 'Step 3' }).waitFor();
  assert.equal(await second.page.getByRole('slider').getAttribute('max'), '4', 'the fork is part of the link');
  assert.equal(await committedAtEnd(second.page), expected);
  assert.match(expected, /order-processor-v2 committed 1/);
  assert.deepEqual([...first.problems, ...second.problems], []);
  await second.context.close();
});

test('a tampered sandbox link shows what is wrong and a way out', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox/run/not$vali/step/2`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /cannot be opened: the link's run code contains "\$"/);
  const scenarioWithTypo = Buffer.from('{"topics": [], "steps": [{"op": "advance", "ms": -1}]}').toString('base64url');
  await page.goto(`${lab.site.url}#/sandbox/run/${scenarioWithTypo}/step/0`);
  await page.getByText(/the shared run's scenario is invalid: .*ms/).waitFor();
  await screenshot(page, 'sandbox-bad-link');
  await page.getByRole('link', { name: 'Open a fresh sandbox' }).click();
  await page.getByRole('button', { name: 'Step forward' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a link made before compression still opens at its step, and the address moves to the short form', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  const scenario = JSON.parse(readFileSync('crates/model/tests/golden/c-manual-commit-loses-order-5.json', 'utf8'));
  const code = oldCode(scenario);
  assert.match(code, /^ey/, 'an old code is base64 of "{"…');
  await page.goto(`${lab.site.url}#/sandbox/run/${code}/step/11`);
  await page.locator('.now-step', { hasText: 'Step 11' }).waitFor();
  assert.equal(await page.getByRole('slider').getAttribute('max'), String(scenario.steps.length));
  // The app writes the same run back in the new format, at the same step, and that link opens it the same.
  await page.waitForURL(/\/run\/1\.[A-Za-z0-9_-]+\/step\/11$/);
  const shortLink = page.url();
  // The run as the app records it (a step's note is for the reader, and not recorded).
  const recorded = JSON.parse(inflateSync(Buffer.from(runCodeOf(shortLink).slice(2), 'base64url')).toString());
  assert.deepEqual(recorded.steps, scenario.steps.map(({ note, ...step }) => step));
  assert.ok(shortLink.length < code.length, `${shortLink.length} < ${code.length}`);
  await page.goto('about:blank');
  await page.goto(shortLink);
  await page.locator('.now-step', { hasText: 'Step 11' }).waitFor();
  assert.equal(await page.getByRole('slider').getAttribute('max'), String(scenario.steps.length));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a damaged, cut or unknown compressed link says what is wrong', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  const scenario = JSON.parse(readFileSync('crates/model/tests/golden/c-manual-commit-loses-order-5.json', 'utf8'));
  const code = newCode(scenario);
  await page.goto(`${lab.site.url}#/sandbox/run/${code}/step/3`);
  await page.locator('.now-step', { hasText: 'Step 3' }).waitFor();
  const alert = page.getByRole('alert');
  const body = code.slice(2);
  const middle = Math.floor(code.length / 2);
  const flipped = `${code.slice(0, middle)}${code[middle] === 'A' ? 'B' : 'A'}${code.slice(middle + 1)}`;
  const cases = [
    // One character changed in the middle: the checksum at the end no longer matches.
    [flipped, /cannot be opened: the link's run code is damaged or cut short: its compressed scenario does not unpack\./],
    // Cut short at a length base64 can still read: the compressed stream ends too early.
    [code.slice(0, code.length - 12), /cannot be opened: the link's run code is damaged or cut short/],
    // Cut at a length no base64 has.
    [`1.${body.slice(0, body.length - (body.length % 4) - 3)}`, /cannot be opened: the link's run code has been cut short/],
    [`9.${code.slice(2)}`, /cannot be opened: the link's run code is in format 9, which this version of the course cannot open/],
  ];
  for (const [bad, message] of cases) {
    await page.evaluate(() => { location.hash = '#/sandbox'; });
    await page.getByRole('button', { name: 'Step forward' }).waitFor();
    await page.evaluate((hash) => { location.hash = hash; }, `#/sandbox/run/${bad}/step/3`);
    await alert.getByText(message).waitFor();
    await page.getByRole('link', { name: 'Open a fresh sandbox' }).waitFor();
  }
  await page.evaluate((hash) => { location.hash = hash; }, `#/sandbox/run/${flipped}/step/3`);
  await alert.getByText(/damaged or cut short/).waitFor();
  await screenshot(page, 'sandbox-damaged-link');
  // A code made to unpack to far more than any scenario (64 MiB from 64 KiB) is refused before it is all unpacked.
  const bomb = `1.${deflateSync(Buffer.concat([Buffer.from('{"title": "'), Buffer.alloc(64 << 20, ' ')]), { level: 9 }).toString('base64url')}`;
  const started = Date.now();
  await page.evaluate((hash) => { location.hash = hash; }, `#/sandbox/run/${bomb}/step/0`);
  await alert.getByText(/the link's run code unpacks to more than 4 MiB, and the lab opens at most 4 MiB of scenario/).waitFor();
  console.log(`# a ${Math.round(bomb.length / 1024)} KiB link unpacking to 64 MiB refused in ${Date.now() - started} ms`);
  await page.getByRole('link', { name: 'Open a fresh sandbox' }).click();
  await page.getByRole('button', { name: 'Step forward' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 1,000-step run has a short address', async () => {
  // bench/player.mjs's run: 200 sends, a flush, then poll, process and commit to 1,000 steps.
  const steps = Array.from({ length: 200 }, (_, i) => ({ actor: 'producer', op: 'send', topic: 'orders', value: `{"order_id": ${i}, "item": "widget"}` }));
  steps.push({ actor: 'producer', op: 'flush' });
  for (let op = 0; steps.length < 1000; op = (op + 1) % 3) steps.push({ actor: 'worker', op: ['poll', 'process', 'commit'][op] });
  const scenario = { title: 'Benchmark: 200 log cells, 1,000 steps', topics: [{ name: 'orders', partitions: 1 }], producers: [{ id: 'producer' }],
    consumers: [{ id: 'worker', subscribe: ['orders'], config: { 'group.id': 'bench', 'enable.auto.commit': false, 'auto.offset.reset': 'earliest' } }], steps };
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox/run/${oldCode(scenario)}/step/1000`);
  await page.locator('.now-step', { hasText: 'Step 1000' }).waitFor();
  await page.waitForURL(/\/run\/1\.[A-Za-z0-9_-]+\/step\/1000$/);
  const address = page.url();
  // The same run in the first format: base64 of exactly the JSON the app compressed.
  const json = inflateSync(Buffer.from(runCodeOf(address).slice(2), 'base64url'));
  const before = address.replace(runCodeOf(address), json.toString('base64url'));
  console.log(`# a 1,000-step run's address: ${before.length} bytes uncompressed, ${address.length} bytes compressed`);
  assert.ok(address.length * 10 < before.length, `${address.length} bytes against ${before.length}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a scenario too big to draw, or past the step cap, is refused at once and kept', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox`);
  await page.getByRole('button', { name: 'Step forward' }).waitFor();
  // Within the model's caps, far beyond the stage: 64 topics of 64 partitions, 128 clients, 10,000 sends.
  const topics = Array.from({ length: 64 }, (_, i) => ({ name: `t${i}`, partitions: 64 }));
  const wide = {
    topics,
    producers: Array.from({ length: 64 }, (_, i) => ({ id: `p${i}` })),
    consumers: Array.from({ length: 64 }, (_, i) => ({ id: `c${i}`, subscribe: ['t0'], config: { 'group.id': 'g' } })),
    steps: Array.from({ length: 10000 }, (_, i) => ({ actor: `p${i % 64}`, op: 'send', topic: `t${i % 64}`, value: `v${i}` })),
  };
  const code = Buffer.from(JSON.stringify(wide)).toString('base64url');
  let started = Date.now();
  await page.evaluate((hash) => { location.hash = hash; }, `#/sandbox/run/${code}/step/0`);
  await page.getByRole('alert').getByText(/4096 partitions across its topics, and the lab draws at most 64/).waitFor();
  console.log(`# a ${Math.round(code.length / 1024)} KiB link refused in ${Date.now() - started} ms`);
  assert.match(await page.locator('#scenario-json').inputValue(), /"t63"/, 'the link\'s scenario is kept for editing');
  // The same refusal for a compressed link, once unpacked.
  await page.evaluate((hash) => { location.hash = hash; }, `#/sandbox/run/${newCode({ ...wide, title: 'compressed' })}/step/0`);
  await page.waitForFunction(() => document.querySelector('#scenario-json')?.value.includes('"title":"compressed"'));
  await page.getByRole('alert').getByText(/4096 partitions across its topics, and the lab draws at most 64/).waitFor();

  const folder = mkdtempSync(join(tmpdir(), 'kdl-huge-'));
  const long = join(folder, 'long.json');
  writeFileSync(long, JSON.stringify({ steps: Array.from({ length: 100000 }, () => ({ op: 'advance', ms: 1 })) }));
  started = Date.now();
  await page.locator('.scenario-editor input[type=file]').setInputFiles(long);
  await page.getByRole('alert').getByText(/long\.json: steps: at most 10000 steps, got 100000/).waitFor();
  console.log(`# a 100,000-step file refused in ${Date.now() - started} ms`);
  await screenshot(page, 'sandbox-too-big');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the run exports as a scenario file that the sandbox loads again', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox`);
  await page.getByRole('button', { name: 'Go to the last step' }).click();
  await act(page, 'worker: process');
  await openPanel(page, 'Scenario');
  await page.getByText('Scenario (JSON)').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export the run as a scenario file' }).click(),
  ]);
  const exported = readFileSync(await download.path(), 'utf8');
  const scenario = JSON.parse(exported);
  assert.equal(scenario.steps.length, 9);
  assert.deepEqual(scenario.steps[8], { actor: 'worker', op: 'process' });

  // A fresh sandbox imports it; a broken file is refused with the model's error and changes nothing.
  await page.goto('about:blank');
  await page.goto(`${lab.site.url}#/sandbox`);
  await page.getByText('Scenario (JSON)').click();
  const folder = mkdtempSync(join(tmpdir(), 'kdl-scenario-'));
  const broken = join(folder, 'broken.json');
  writeFileSync(broken, exported.replace('"op": "flush"', '"op": "flsh"'));
  await page.locator('.scenario-editor input[type=file]').setInputFiles(broken);
  await page.getByRole('alert').getByText(/broken\.json: step 1: field "op": unknown op "flsh"/).waitFor();
  assert.equal(await page.getByRole('slider').getAttribute('max'), '8');
  const good = join(folder, 'run.json');
  writeFileSync(good, exported);
  await page.locator('.scenario-editor input[type=file]').setInputFiles(good);
  await page.waitForFunction(() => document.querySelector('input[type=range]').max === '9');
  assert.deepEqual(problems, []);
  await context.close();
});

test('leaving a changed sandbox asks first', async () => {
  const { context, page } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox`);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.getByRole('button', { name: 'worker: crash' }).first().waitFor({ state: 'attached' }).catch(() => {});
  const unchanged = await page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
  assert.equal(unchanged, false, 'no warning before anything changed');
  await act(page, 'producer: lose the next acknowledgement');
  const changed = await page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
  assert.equal(changed, true, 'a fork asks before leaving');
  await context.close();
});

test('progress is kept, exported and imported; a bad file changes nothing', async () => {
  const first = await openPage(lab.browser);
  let page = first.page;
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/27`);
  await page.locator('.question').getByLabel(/7 — past both/).check();
  await openPanel(page, 'Actions');
  await act(page, 'worker: process');
  await page.locator('.goal.reached').waitFor();
  await page.goto(`${lab.site.url}#/`);
  const card = page.locator('.lesson-card', { hasText: 'lost order 5' });
  await card.getByText('goal reached').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export progress to a file' }).click(),
  ]);
  const exported = readFileSync(await download.path(), 'utf8');
  const progress = JSON.parse(exported);
  assert.equal(progress.lessons['manual-commit'].goal_reached, true);
  assert.equal(progress.lessons['manual-commit'].answers['27'], 2);
  await first.context.close();

  // A fresh browser profile: nothing yet, then the import.
  const second = await openPage(lab.browser);
  page = second.page;
  await page.goto(`${lab.site.url}#/`);
  const freshCard = page.locator('.lesson-card', { hasText: 'lost order 5' });
  assert.equal(await freshCard.getByText('goal reached').count(), 0);
  const folder = mkdtempSync(join(tmpdir(), 'kdl-progress-'));
  const bad = join(folder, 'not-progress.json');
  writeFileSync(bad, '{"lessons": {"manual-commit": {"goal_reached": true}}}');
  await page.locator('input[type=file]').setInputFiles(bad);
  await page.getByRole('alert').getByText(/was not imported, and nothing changed: .*not a Kafka Delivery Lab progress file/).waitFor();
  assert.equal(await freshCard.getByText('goal reached').count(), 0);
  const junk = join(folder, 'out-of-range.json');
  writeFileSync(junk, JSON.stringify({ format: 'kafka-delivery-lab-progress', version: 1, lessons: {
    'manual-commit': { furthest_step: 4294967295, answers: {}, goal_reached: true } } }));
  await page.locator('input[type=file]').setInputFiles(junk);
  await page.getByRole('alert').getByText(/nothing changed: lesson "manual-commit" reached step 4294967295, but it has \d+ steps/).waitFor();
  assert.equal(await freshCard.getByText('goal reached').count(), 0);
  const good = join(folder, 'progress.json');
  writeFileSync(good, exported);
  await page.locator('input[type=file]').setInputFiles(good);
  await page.getByRole('status').getByText(/Imported progress.json/).waitFor();
  await freshCard.getByText('goal reached').waitFor();
  await page.reload();
  await freshCard.getByText('goal reached').waitFor();
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/27`);
  assert.equal(await page.locator('.question').getByLabel(/7 — past both/).isChecked(), true, 'the prediction came along');
  await screenshot(page, 'progress-imported');
  assert.deepEqual([...first.problems, ...second.problems], []);
  await second.context.close();
});

// The player in a real browser, on the manual-commit lesson (the course's loop that loses order 5) and the
// sandbox: stepping, keyboard, scrubbing, forks and undo, deep links, the ledger, bad scenarios.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { act, openPage, openPanel, screenshot, servedLab } from './support.mjs';

const LESSON = '#/lesson/manual-commit/step/';
// The lesson's length as written; its later parts run a second consumer (fixed-worker), whose card comes second.
const LAST = JSON.parse(readFileSync('crates/model/lessons/manual-commit.json', 'utf8')).scenario.steps.length;
const lab = servedLab();

const stepInUrl = (page) => Number(new URL(page.url()).hash.split('/').pop());
const scrubber = (page) => page.getByRole('slider');

async function atStep(page, step) {
  await page.locator('.now-step', { hasText: `Step ${step}` }).waitFor();
  assert.equal(stepInUrl(page), step, 'the address bar holds the step');
  assert.equal(Number(await scrubber(page).inputValue()), step);
}

test('a deep link restores the exact step, and the buttons step through it', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}${LESSON}12`);
  await atStep(page, 12);
  await page.locator('.now-label', { hasText: 'worker: poll' }).waitFor();
  assert.match(await page.locator('.consumer .client-activity').first().innerText(), /holding #0 \(offset 0\)/);

  await page.getByRole('button', { name: 'Step forward' }).click();
  await atStep(page, 13);
  assert.match(await page.locator('.now').innerText(), /side effect was applied/);
  await page.getByRole('button', { name: 'Step back' }).click();
  await atStep(page, 12);
  await page.getByRole('button', { name: 'Go to the last step' }).click();
  await atStep(page, LAST);
  await page.getByRole('button', { name: 'Reset to the start' }).click();
  await page.getByText('The start: nothing has happened yet').waitFor();
  assert.equal(stepInUrl(page), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the keyboard steps, plays and jumps', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}${LESSON}5`);
  await atStep(page, 5);
  await page.keyboard.press('ArrowRight');
  await atStep(page, 6);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await atStep(page, 4);
  await page.keyboard.press('End');
  await atStep(page, LAST);
  await page.keyboard.press('Home');
  await page.getByText('The start: nothing has happened yet').waitFor();
  await page.getByRole('combobox').selectOption('8');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  await page.waitForFunction(() => Number(location.hash.split('/').pop()) >= 3);
  await page.keyboard.press(' ');
  await page.getByRole('button', { name: 'Play' }).waitFor();
  const paused = stepInUrl(page);
  await page.waitForTimeout(400);
  assert.equal(stepInUrl(page), paused, 'nothing moves while paused');
  // Space on a focused button presses that button, not play.
  await page.getByRole('button', { name: 'Step forward' }).focus();
  await page.keyboard.press(' ');
  await atStep(page, paused + 1);
  assert.equal(await page.getByRole('button', { name: 'Play' }).count(), 1, 'still paused');
  assert.deepEqual(problems, []);
  await context.close();
});

test('scrubbing, the ledger and "jump to the first problem" show order 5 lost', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}${LESSON}0`);
  await scrubber(page).fill('29');
  await atStep(page, 29);
  await openPanel(page, 'Ledger');
  const order5 = page.locator('table.ledger tr', { has: page.locator('th', { hasText: '#5' }) });
  assert.equal(await order5.locator('.label-lost').count(), 0, 'not lost yet at step 29');

  await page.getByRole('button', { name: 'Jump to the first problem' }).click();
  const step = stepInUrl(page);
  assert.ok(step > 29, `the first problem comes after the failure (step ${step})`);
  await order5.locator('.label-lost').waitFor();
  await openPanel(page, 'Database');
  const database = page.locator('table.database tr', { has: page.locator('th', { hasText: '#5' }) });
  // The first column is the group order-processor-v2, the worker's.
  assert.equal(await database.locator('td').first().innerText(), '—', 'order 5 was never processed');
  assert.equal(await page.locator('.table-scroll.windowed').count(), 0, "a lesson's tables are drawn whole");
  await atStep(page, step);
  await screenshot(page, 'player-first-problem');

  await page.getByRole('button', { name: 'Go to the last step' }).click();
  await openPanel(page, 'Ledger');
  await order5.locator('.label-lost').click();
  await atStep(page, step);
  assert.deepEqual(problems, []);
  await context.close();
});

test('acting at an earlier step forks the timeline, and undo brings it back', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}${LESSON}13`);
  await atStep(page, 13);
  assert.equal(await scrubber(page).getAttribute('max'), String(LAST));
  await openPanel(page, 'Actions');
  await act(page, 'worker: crash');
  await atStep(page, 14);
  assert.equal(await scrubber(page).getAttribute('max'), '14', 'the later steps are replaced');
  assert.match(await page.locator('.consumer .client-state').first().innerText(), /crashed/);
  await page.getByRole('button', { name: 'Undo the fork' }).click();
  await page.waitForFunction((last) => document.querySelector('input[type=range]').max === String(last), LAST);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the sandbox runs a scenario and refuses a bad one without losing the running one', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox`);
  await page.getByRole('button', { name: 'Go to the last step' }).click();
  await page.locator('.now-step', { hasText: 'Step 8' }).waitFor();
  await openPanel(page, 'Scenario');
  await page.getByText('Scenario (JSON)').click();
  const editor = page.getByLabel('Scenario JSON');
  const good = await editor.inputValue();
  await editor.fill(good.replace('"op": "flush"', '"op": "fluhs"'));
  await page.getByRole('button', { name: 'Run this scenario' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /step 1/);
  assert.match(await alert.innerText(), /fluhs/);
  assert.equal(await scrubber(page).getAttribute('max'), '8', 'the running scenario is unchanged');
  await screenshot(page, 'sandbox-bad-scenario');

  await editor.fill(good.replace(/,\s*\{ "actor": "worker", "op": "poll" \}\s*\]/, ']'));
  await page.getByRole('button', { name: 'Run this scenario' }).click();
  await page.waitForFunction(() => document.querySelector('input[type=range]').max === '7');
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

const golden = (name) =>
  Buffer.from(readFileSync(`crates/model/tests/golden/${name}.json`, 'utf8')).toString('base64url');

test('the transaction coordinator and the replicas are drawn from the model', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox/run/${golden('i-corrected-exactly-once-loop')}/step/17`);
  const coordinator = page.getByRole('region', { name: /Transaction coordinator for order-processor-tx/ });
  await coordinator.waitFor();
  assert.equal(await coordinator.locator('.txn-state.current').textContent(), '▶ Ongoing');
  assert.match(await coordinator.innerText(), /pending group offsets\s+order-processor-eos orders-0: 1/);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await coordinator.locator('.txn-state.current', { hasText: 'PrepareCommit' }).waitFor();
  await screenshot(page, 'transaction-coordinator');

  await page.goto(`${lab.site.url}#/sandbox/run/${golden('k-acks-1-leader-crash-loses-an-acknowledged-record')}/step/6`);
  await page.locator('.replica.leader').waitFor();
  assert.match(await page.locator('.replica.leader').textContent(), /broker 1 · leader · in sync · copy ends at 1/);
  assert.match(await page.locator('.replica.down').textContent(), /broker 0 · out of sync · down/);
  await openPanel(page, 'Ledger');
  const order1 = page.locator('table.ledger tr', { has: page.locator('th', { hasText: '#1' }) });
  await order1.locator('.label-lost').waitFor();
  await screenshot(page, 'replicas');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a rebalance is drawn: who reads each partition, the generation, the member it stops and a late poll', async () => {
  for (const [width, height] of [[375, 812], [1280, 800], [1440, 900]]) {
    const { context, page, problems } = await openPage(lab.browser, { viewport: { width, height } });
    // worker-b has joined; worker-a must rejoin before anyone reads again.
    await page.goto(`${lab.site.url}#/sandbox/run/${golden('v-revocation-hook-commits-before-the-rebalance')}/step/5`);
    const b = page.getByRole('article', { name: 'Consumer worker-b' });
    await b.locator('.client-activity', { hasText: 'rebalancing: gave up its partitions, waits for worker-a' }).waitFor();
    assert.ok(await b.evaluate((el) => el.classList.contains('paused')));
    const a = page.getByRole('article', { name: 'Consumer worker-a' });
    assert.match(await a.innerText(), /a rebalance waits for its next poll/);
    assert.match(await page.locator('.partition-log figcaption').nth(1).innerText(), /orders-1\s*·?\s*read by worker-a/);
    const covered = await page.evaluate(() => {
      const button = document.querySelector('.stage-act').getBoundingClientRect();
      const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      return [...document.querySelectorAll('.partition-name, .partition-owner')]
        .filter((label) => meets(button, label.getBoundingClientRect())).map((label) => label.textContent);
    });
    assert.deepEqual(covered, [], 'the "Break it yourself…" button covers a partition\'s caption');
    await screenshot(page, `rebalance-paused-${width}`);
    // worker-a's poll: generation 2, one partition each.
    await page.getByRole('button', { name: 'Step forward' }).click();
    await page.locator('.partition-owner', { hasText: 'read by worker-b' }).waitFor();
    if (width > 400) {
      assert.match(await b.innerText(), /owns\s+orders-1/);
      assert.match(await b.innerText(), /order-processor · generation 2/);
    }
    // A late poll: the timer is past max.poll.interval.ms and the worker has left its group.
    await page.goto(`${lab.site.url}#/sandbox/run/${golden('t-late-poll-commit-fails')}/step/6`);
    const worker = page.getByRole('article', { name: 'Consumer worker' });
    await worker.locator('.client-activity', { hasText: 'left its group after a late poll, holding 1 record' }).waitFor();
    if (width > 400) {
      assert.match(await worker.locator('.poll-timer.late').innerText(), /15 s of max 10 s/);
    }
    await screenshot(page, `late-poll-${width}`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a step with many events sums them up at the top; the event log keeps every one', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  // Step 11 flushes ten records: ten sentences.
  await page.goto(`${lab.site.url}#/sandbox/run/${golden('c-manual-commit-loses-order-5')}/step/11`);
  await page.locator('.now-step', { hasText: 'Step 11' }).waitFor();
  assert.equal(await page.locator('.now li').count(), 8);
  assert.match(await page.locator('.now').innerText(), /… and 2 more: every one is in the event log\./);
  await openPanel(page, 'Event log');
  assert.equal(await page.locator('.event.current .event-reasons li').count(), 10);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a long log draws the cells near its visible part, follows the step, and scrolling draws the rest; the event log marks the step', async () => {
  const sends = Array.from({ length: 150 }, (_, i) => ({ actor: 'producer', op: 'send', topic: 'orders', value: `v${i}` }));
  const scenario = { topics: [{ name: 'orders' }], producers: [{ id: 'producer' }], consumers: [],
    steps: [...sends, { actor: 'producer', op: 'flush' }] };
  const code = Buffer.from(JSON.stringify(scenario)).toString('base64url');
  const { context, page, problems } = await openPage(lab.browser, { viewport: { width: 1440, height: 900 } });
  await page.goto(`${lab.site.url}#/sandbox/run/${code}/step/151`);
  await page.locator('.now-step', { hasText: 'Step 151' }).waitFor();
  // The log follows what the step changed: the flush wrote up to offset 149, so its end is in view.
  await page.locator('.log-cell[aria-label^="Offset 149:"]').waitFor();
  assert.ok(await page.locator('.log-cell').count() < 100, 'not every one of the 150 cells is drawn');
  assert.equal(await page.locator('.log-cell[aria-label^="Offset 0:"]').count(), 0);
  await page.locator('.log-scroll').first().evaluate((el) => { el.scrollLeft = 0; });
  await page.locator('.log-cell[aria-label^="Offset 0:"]').waitFor();
  await openPanel(page, 'Event log');
  // The event log marks one current step and hides the reasons of the steps still to come, wherever the cursor is.
  for (const step of [151, 100, 50, 1]) {
    await scrubber(page).fill(String(step));
    await page.locator('.now-step', { hasText: `Step ${step}` }).waitFor();
    const current = page.locator('.event-log [aria-current="step"]');
    assert.equal(await current.count(), 1);
    assert.equal(await current.locator('.event-number').textContent(), String(step));
    const hidden = await page.locator('.event-log [role=listitem]').evaluateAll((entries) =>
      entries.filter((entry) => getComputedStyle(entry.querySelector('.event-reasons')).display === 'none').length);
    assert.equal(hidden, 151 - step, 'the steps still to come show no reasons');
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the ledger and database tables draw the rows in view, at any font size, and scrolling draws the rest', async () => {
  const sends = Array.from({ length: 150 }, (_, i) => ({ actor: 'producer', op: 'send', topic: 'orders', value: `v${i}` }));
  const scenario = { topics: [{ name: 'orders' }], producers: [{ id: 'producer' }],
    consumers: [{ id: 'worker', subscribe: ['orders'], config: { 'group.id': 'g', 'auto.offset.reset': 'earliest' } }],
    steps: [...sends, { actor: 'producer', op: 'flush' }] };
  const code = Buffer.from(JSON.stringify(scenario)).toString('base64url');
  const { context, page, problems } = await openPage(lab.browser, { viewport: { width: 1440, height: 900 } });
  // A reader's larger root font: rows are sized in rem, and the tables must measure them in pixels right.
  await page.goto(`${lab.site.url}#/sandbox`);
  await page.evaluate(() => { document.documentElement.style.fontSize = '21.5px'; });
  await page.goto(`${lab.site.url}#/sandbox/run/${code}/step/151`);
  await page.locator('.now-step', { hasText: 'Step 151' }).waitFor();
  for (const table of ['ledger', 'database']) {
    await openPanel(page, table === 'ledger' ? 'Ledger' : 'Database');
    const rows = page.locator(`table.${table} tbody tr:not(.spacer)`);
    const row = (value) => page.locator(`table.${table} tbody tr`, { has: page.locator('th', { hasText: new RegExp(`^${value}$`) }) });
    await row('v0').waitFor();
    assert.equal(await page.locator(`table.${table}`).getAttribute('aria-rowcount'), '151');
    assert.ok(await rows.count() < 60, `${table}: not every one of the 150 rows is drawn`);
    assert.equal(await row('v149').count(), 0);
    const scroller = page.locator('.table-scroll', { has: page.locator(`table.${table}`) });
    // Scrolled down bit by bit, the view moves smoothly through drawn rows: never a gap, never a jump of
    // several rows when the drawn part moves (as there would be if rows were measured at the wrong size).
    const seen = await scroller.evaluate(async (el) => {
      el.scrollIntoView({ block: 'center' });
      const frame = () => new Promise((done) => requestAnimationFrame(done));
      const seen = [];
      for (let top = 0; top < el.scrollHeight / 2; top += 30) {
        el.scrollTop = top;
        await frame();
        await frame();
        const box = el.getBoundingClientRect();
        const row = document.elementFromPoint(box.left + 20, box.top + box.height / 2)?.closest('tr');
        seen.push(Number(row?.getAttribute('aria-rowindex') ?? -1));
      }
      return seen;
    });
    const moves = seen.slice(1).map((row, k) => row - seen[k]);
    assert.ok(seen.every((row) => row > 0) && moves.every((move) => move === 0 || move === 1),
      `${table}: rows at the middle of the view while scrolling: ${seen}`);
    await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await row('v149').waitFor();
    assert.equal(await row('v149').getAttribute('aria-rowindex'), '151');
    const [rowBox, viewBox] = [await row('v149').boundingBox(), await scroller.boundingBox()];
    assert.ok(rowBox.y + rowBox.height <= viewBox.y + viewBox.height + 1, `${table}: the last row is in view at the bottom`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the sandbox sets up a cluster and clients from a form', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/sandbox`);
  await openPanel(page, 'Scenario');
  await page.getByText('Set up a cluster and clients').click();
  await page.getByLabel('replication.factor').fill('3');
  await page.getByLabel('replication.factor').dispatchEvent('change');
  await page.getByLabel('how many').fill('2');
  await page.getByLabel('how many').dispatchEvent('change');
  await page.getByLabel('transactional.id').check();
  await page.getByLabel('partition.assignment.strategy').selectOption('cooperative-sticky');
  await page.getByLabel('group.instance.id').check();
  await page.getByRole('button', { name: 'Start from this set-up' }).click();
  await page.getByRole('region', { name: 'Consumer worker-2' }).or(page.locator('[aria-label="Consumer worker-2"]')).first().waitFor();
  const written = await page.locator('#scenario-json').inputValue();
  assert.match(written, /"partition.assignment.strategy": "cooperative-sticky"/);
  assert.match(written, /"group.instance.id": "worker-2"/);
  assert.equal(await page.getByRole('slider').getAttribute('max'), '0', 'a set-up starts with no steps');
  assert.equal(await page.locator('.replica').count(), 3, 'three copies of orders-0');
  await openPanel(page, 'Actions');
  await act(page, 'producer: init_transactions()');
  await page.getByRole('region', { name: /Transaction coordinator for sandbox-tx/ }).waitFor();
  await page.getByRole('button', { name: 'crash broker 1' }).waitFor();
  await screenshot(page, 'sandbox-setup');
  assert.deepEqual(problems, []);
  await context.close();
});

test('"?" and the timeline\'s button list every key; Escape, the button and a click beside it close the list', async () => {
  for (const width of [375, 1280, 1440]) {
    const { context, page, problems } = await openPage(lab.browser, { viewport: { width, height: 800 } });
    await page.goto(`${lab.site.url}${LESSON}3`);
    await atStep(page, 3);
    const keys = page.getByRole('dialog', { name: 'Keys' });
    await page.keyboard.press('?');
    await keys.waitFor();
    for (const what of ['Step forward', 'Step back', 'Play or pause', 'Go to the start', 'Go to the last step', 'move between the panels']) {
      assert.match(await keys.innerText(), new RegExp(what), what);
    }
    await screenshot(page, `keys-${width}`);
    await page.keyboard.press('Escape');
    await keys.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Keyboard keys' }).click();
    await keys.waitFor();
    await page.getByRole('button', { name: 'Close (Escape)' }).click();
    await keys.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Keyboard keys' }).click();
    await page.mouse.click(5, 5);
    await keys.waitFor({ state: 'detached' });
    // The keys still step the player once the list is closed.
    await page.keyboard.press('ArrowRight');
    await atStep(page, 4);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

// Lessons in a real browser: narration, predict-then-reveal graded by the model, the code line each step
// runs, and the goal the model checks at the end of the learner's own timeline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LESSONS, act, openPage, openPanel, screenshot, servedLab } from './support.mjs';

const lab = servedLab();

const open = async (hash) => {
  const opened = await openPage(lab.browser);
  await opened.page.goto(`${lab.site.url}${hash}`);
  await opened.page.locator('.narration').waitFor();
  return opened;
};

test('a right prediction is confirmed by what the model does', async () => {
  const { context, page, problems } = await open('#/lesson/manual-commit/step/27');
  const question = page.locator('.question');
  assert.match(await question.locator('legend').innerText(), /What will that commit store/);
  await question.getByLabel(/7 — past both/).check();
  await page.getByRole('button', { name: 'jump to the answer' }).click();
  await page.locator('.now-step', { hasText: 'Step 31' }).waitFor();
  assert.match(await page.locator('.reveal').innerText(), /^You predicted it\. commit\(\) without arguments/);
  assert.match(await question.locator('.choice.right').innerText(), /7 — past both/);
  assert.equal(await question.locator('.choice.wrong').count(), 0);
  await screenshot(page, 'lesson-question-revealed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong prediction is marked, with the right answer and why', async () => {
  const { context, page, problems } = await open('#/lesson/auto-commit/step/18');
  const question = page.locator('.question');
  await question.getByLabel(/Nothing yet/).check();
  // Arrow keys belong to the radio buttons while one has focus; the buttons step.
  for (let step = 18; step < 25; step += 1) await page.getByRole('button', { name: 'Step forward' }).click();
  await page.locator('.now-step', { hasText: 'Step 25' }).waitFor();
  assert.match(await page.locator('.reveal').innerText(), /^Not what happened\./);
  assert.match(await question.locator('.choice.wrong').innerText(), /Nothing yet/);
  assert.match(await question.locator('.choice.right').innerText(), /^5 — the position reached/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the code panel highlights the line each step runs', async () => {
  const { context, page, problems } = await open('#/lesson/manual-commit/step/28');
  const current = page.locator('.code-line.current');
  assert.match(await current.innerText(), /print\(f"failed/);
  await page.keyboard.press('ArrowRight');
  await page.locator('.code-line.current', { hasText: 'for message in consumer' }).waitFor();
  await page.keyboard.press('ArrowRight');
  await page.locator('.code-line.current', { hasText: 'process(order)' }).waitFor();
  await page.keyboard.press('ArrowRight');
  await page.locator('.code-line.current', { hasText: 'consumer.commit()' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the goal is graded by the model on the learner’s own timeline', async () => {
  const { context, page, problems } = await open('#/lesson/manual-commit/step/27');
  // The goal closes the lesson: on the script it shows in the last chapter only.
  assert.equal(await page.locator('.goal').count(), 0);
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/81`);
  assert.match(await page.locator('.goal-status').innerText(), /^Not reached yet: at the end of your timeline, #5 /);
  // Fork where order 5 fails: this time processing succeeds.
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/27`);
  await page.locator('.now-step', { hasText: 'Step 27' }).waitFor();
  await openPanel(page, 'Actions');
  await act(page, 'worker: process');
  await page.locator('.goal.reached').waitFor();
  assert.match(await page.locator('.goal-status').innerText(), /Goal reached/);
  await screenshot(page, 'lesson-goal-reached');
  await page.getByRole('button', { name: 'Undo the fork' }).click();
  await page.locator('.goal').waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the first-problem jump meets every unanswered question on the way, and play stops at each', async () => {
  const { context, page, problems } = await open('#/lesson/manual-commit/step/0');
  const jump = page.locator('.first-problem');
  const at = async () => Number(await page.getByRole('slider').inputValue());
  for (const question of [14, 27]) {
    assert.equal(await jump.getAttribute('aria-label'), 'Jump to the question before the first problem');
    await jump.click();
    await page.locator('.now-step', { hasText: `Step ${question}` }).waitFor();
    assert.ok(await page.locator('.question').count() > 0);
  }
  assert.equal(await jump.getAttribute('aria-label'), 'Jump to the first problem');
  await jump.click();
  await page.locator('.now-step', { hasText: 'Step 31' }).waitFor();
  // An answered question is not met again.
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/14`);
  await page.locator('.question').getByRole('radio').first().check();
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/0`);
  await jump.click();
  await page.locator('.now-step', { hasText: 'Step 27' }).waitFor();
  // Play from the start stops where the first question is asked.
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/0`);
  await page.locator('.speed select').selectOption('8');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.getByRole('button', { name: 'Play' }).waitFor();
  assert.equal(await at(), 14);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the palette seeks back to the committed offset, a fix the goal grades', async () => {
  const { context, page, problems } = await open('#/lesson/manual-commit/step/28');
  // Order 5 just failed: the group committed 5 and the position is 6, so a seek back is offered.
  await openPanel(page, 'Actions');
  await act(page, 'worker: seek(orders-0, 5)');
  await page.locator('.now-step', { hasText: 'Step 29' }).waitFor();
  assert.equal(await page.locator('.goal.reached').count(), 0);
  await act(page, 'worker: poll()');
  await act(page, 'worker: process');
  await page.locator('.goal.reached').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the code panel switches to the corrected loop where the lesson changes the code', async () => {
  const { context, page, problems } = await open('#/lesson/transactions/step/14');
  // As written: init_transactions() inside the loop.
  await page.locator('.code-line.current', { hasText: 'producer.init_transactions()' }).waitFor();
  assert.equal(await page.locator('.code-line', { hasText: 'consumer.seek(' }).count(), 0);
  await page.goto(`${lab.site.url}#/lesson/transactions/step/52`);
  await page.locator('.code-line.current', { hasText: 'consumer.seek(tp, consumer.committed(tp))' }).waitFor();
  await page.locator('.code-line', { hasText: 'init_transactions()  # once, before the loop' }).waitFor();
  // Another lesson by its address in the same page: its own timeline and code, not the last lesson's.
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/80`);
  await page.locator('.code-line.current', { hasText: 'already_saved' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('compare: one crash schedule, three guarantees, and each run opens in the sandbox', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/lesson/compare`);
  const column = (name) => page.getByRole('article', { name });
  // Seed 0: the at-most-once loop loses an order, the at-least-once loop repeats one, exactly-once neither.
  assert.match(await column('at-most-once').locator('.compare-summary').innerText(), /^orders: 5 exactly once · 1 lost · 0 twice/);
  assert.match(await column('at-least-once').locator('.compare-summary').innerText(), /^orders: 5 exactly once · 0 lost · 1 twice/);
  assert.match(await column('exactly-once').locator('.compare-summary').innerText(), /^processed-orders: 6 exactly once · 0 lost · 0 twice/);
  assert.equal(await column('at-most-once').locator('.label-lost').count(), 1);
  // Each summary counts the rows of the topic it names, and each topic's rows are titled.
  for (const name of ['at-most-once', 'at-least-once', 'exactly-once']) {
    const summary = await column(name).locator('.compare-summary').innerText();
    const [, topic, once, lost, twice] = summary.match(/^([\w-]+): (\d+) exactly once · (\d+) lost · (\d+) twice/);
    const table = column(name).locator('table', { has: page.locator('caption', { hasText: new RegExp(`^${topic} ·`) }) });
    assert.equal(await table.locator('.label-exactly-once').count(), Number(once), `${name}: ${summary}`);
    assert.equal(await table.locator('.label-lost').count(), Number(lost), `${name}: ${summary}`);
    assert.equal(await table.locator('.label-processed-twice, .label-duplicate-in-log').count(), Number(twice), `${name}: ${summary}`);
  }
  assert.deepEqual(await column('exactly-once').locator('caption').allInnerTexts(),
    ['orders · times processed by the worker', 'processed-orders · times received by shipping (read_committed)']);
  // Every column is whole at 1440 px: nothing cut off on the right.
  await page.setViewportSize({ width: 1440, height: 900 });
  for (const table of await page.locator('.compare-column table').all()) {
    assert.ok(await table.evaluate((el) => el.scrollWidth <= el.parentElement.clientWidth + 1), 'a table wider than its column');
  }
  // The crash schedule is part of the address.
  await page.getByLabel('Crash schedule (seed)').fill('3');
  await page.waitForURL(/#\/lesson\/compare\/seed\/3$/);
  await page.reload();
  assert.equal(await page.getByLabel('Crash schedule (seed)').inputValue(), '3');
  await page.getByLabel('Crash schedule (seed)').fill('0');
  await screenshot(page, 'compare');
  const runLink = column('at-least-once').getByRole('link', { name: 'Step through this run in the sandbox' });
  // Compressed once the page has packed it: "1." and base64.
  await column('at-least-once').locator('a[href*="#/sandbox/run/1."]').waitFor();
  await runLink.click();
  await page.getByRole('heading', { level: 1, name: 'Sandbox' }).waitFor();
  await openPanel(page, 'Ledger');
  await page.locator('table.ledger .label-processed-twice').first().waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('experiments: seeded crash schedules, with progress and a chart', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/lesson/experiments`);
  await page.getByRole('combobox').selectOption('100');
  await page.getByRole('button', { name: 'Run the experiment' }).click();
  await page.getByRole('status').getByText(/100 of 100 runs — done in \d+ ms/).waitFor();
  const row = (name) => page.locator('.outcome-table tr', { has: page.locator('th', { hasText: name }) });
  const cells = async (name) => (await row(name).locator('td').allInnerTexts()).map((t) => parseFloat(t));
  const [amoOnce, amoLost, amoTwice] = await cells('at-most-once');
  const [, aloLost, aloTwice] = await cells('at-least-once');
  const [eosOnce, eosLost, eosTwice] = await cells('exactly-once');
  assert.ok(amoLost > 0 && amoTwice === 0 && amoOnce < 100, 'at-most-once loses, never repeats');
  assert.ok(aloLost === 0 && aloTwice > 0, 'at-least-once repeats, never loses');
  assert.deepEqual([eosOnce, eosLost, eosTwice], [100, 0, 0], 'exactly-once: each result once');
  await screenshot(page, 'experiments');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Java lesson highlights the Java line each step runs', async () => {
  const { context, page, problems } = await open('#/lesson/transaction-version-2/step/4');
  assert.match(await page.locator('.code-line.current').innerText(), /producer\.commitTransaction\(\);/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the palette offers what the chapter is about, in the words of the lesson’s code', async () => {
  const { context, page, problems } = await open('#/lesson/manual-commit/step/0');
  await openPanel(page, 'Actions');
  const main = page.locator('.action-palette > ul button.action');
  const offered = await main.allInnerTexts();
  assert.ok(offered.includes('producer: send the next order to orders'), offered.join(' | '));
  assert.ok(!offered.some((label) => label.startsWith('fixed-worker')), 'the fixed worker waits for its chapter');
  const more = page.locator('.more-actions summary');
  assert.match(await more.innerText(), /^More actions \(\d+\)$/);
  await more.click();
  assert.ok((await page.locator('.more-actions button.action').allInnerTexts()).some((label) => label.startsWith('fixed-worker')));
  // In the chapter that brings it in, the fixed worker's calls come first.
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/43`);
  await page.locator('.action-palette > ul').getByRole('button', { name: 'fixed-worker: poll()', exact: true }).waitFor();
  // The Java lesson's buttons say what its code calls.
  await page.goto(`${lab.site.url}#/lesson/java-poll-loop/step/8`);
  await page.locator('.now-step', { hasText: 'Step 8' }).waitFor();
  await act(page, 'worker: commitSync()');
  await page.locator('.now-step', { hasText: 'Step 9' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a client card says what has not started yet, not empty state as facts', async () => {
  const { context, page, problems } = await open('#/lesson/zombie-fencing/step/0');
  const card = page.locator('.client-card.producer').first();
  assert.equal(await card.locator('.client-state').innerText(), 'not started');
  assert.match(await card.innerText(), /none yet/);
  assert.doesNotMatch(await card.innerText(), /not idempotent/);
  await page.goto(`${lab.site.url}#/lesson/zombie-fencing/step/2`);
  await page.locator('.now-step', { hasText: 'Step 2' }).waitFor();
  assert.equal(await card.locator('.client-state').innerText(), 'in a transaction');
  assert.match(await card.innerText(), /coordinator/);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const lesson of LESSONS.filter((lesson) => lesson.recap?.length)) {
  test(`lesson ${lesson.id}: its end offers what the learner now knows and a page to print`, async () => {
    const { context, page, problems } = await open(`#/lesson/${lesson.id}/step/${lesson.scenario.steps.length}`);
    const recap = page.locator('.chapter-end .recap li');
    await recap.first().waitFor();
    assert.equal(await recap.count(), lesson.recap.length);
    await page.getByRole('link', { name: 'The lesson on one page, to print' }).click();
    await page.locator('.handout').waitFor();
    assert.equal(new URL(page.url()).hash, `#/lesson/${lesson.id}/handout`);
    const questions = lesson.script.filter((entry) => entry.question);
    const moments = page.locator('.handout-moment');
    assert.equal(await moments.count(), questions.length, 'every question, at its moment');
    for (const [i, entry] of questions.entries()) {
      const moment = moments.nth(i);
      assert.match(await moment.locator('h2').innerText(), new RegExp(`after step ${entry.at}$`));
      assert.ok(await moment.locator('.lab-stage .partition-log').count() > 0, 'the stage there');
      assert.ok((await moment.innerText()).includes(entry.question.prompt));
      assert.match(await moment.innerText(), /Answer: \S/);
    }
    assert.equal(await page.locator('.handout .recap li').count(), lesson.recap.length);
    await page.locator('.handout-goal').waitFor();
    // Printed, the site's own header and the buttons go; the lesson stays.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.site-header').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await page.locator('.handout-actions').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await page.locator('.stage-act').count(), 0, 'no button on a printed stage');
    const pdf = await page.pdf({ format: 'A4' });
    assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
    if (lesson.id === 'manual-commit') await screenshot(page, 'handout-print');
    await page.emulateMedia({ media: 'screen' });
    if (lesson.id === 'manual-commit') await screenshot(page, 'handout');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the goal states an outcome; how to get there comes as hints on asking, the solution last', async () => {
  const { context, page, problems } = await open('#/lesson/manual-commit/step/81');
  const goal = page.locator('.goal');
  assert.doesNotMatch(await goal.locator('p').first().innerText(), /fork/i);
  assert.equal(await goal.locator('.solution').count(), 0);
  await goal.getByRole('button', { name: 'Hint 1 of 2' }).click();
  await goal.getByRole('button', { name: 'Hint 2 of 2' }).click();
  assert.equal(await goal.locator('.hint').count(), 2);
  await goal.locator('.solution summary').click();
  assert.equal(
    await goal.locator('.solution p').innerText(),
    'At step 28: worker: seek(orders-0, 5) → worker: poll() → worker: process.',
  );
  assert.deepEqual(problems, []);
  await context.close();
});

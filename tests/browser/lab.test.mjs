// The lab on one screen: on every lesson, at a desktop, a laptop and a phone size, the stage, the controls, the
// narration and the question or goal of the moment are all inside the viewport — at the lesson's first question,
// right after a fork, and once the goal is reached; and the panels open by keyboard.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LESSONS, act, openPage, openPanel, paletteLabel, screenshot, servedLab } from './support.mjs';

const SIZES = [
  [1440, 900],
  [1280, 720],
  [375, 812],
];
const ON_SCREEN = ['.lab-stage', '.timeline-bar', '.lab-now', '.lab-ask'];


const lab = servedLab();

/** Every part of the lab that must be seen is wholly inside the viewport, seen from the top of the page. */
async function allOnScreen(page, moment) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const { width, height } = page.viewportSize();
  for (const selector of ON_SCREEN) {
    const box = await page.locator(selector).boundingBox();
    assert.ok(box, `${moment}: ${selector} is drawn`);
    assert.ok(
      box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5,
      `${moment}: ${selector} at ${JSON.stringify(box)} is not inside the ${width}×${height} viewport`,
    );
  }
  // The card's own first line shows: the question (or the goal) starts inside it, not scrolled away.
  const ask = await page.locator('.lab-ask').boundingBox();
  const first = await page.locator('.lab-ask > *').first().boundingBox();
  assert.ok(first.y >= ask.y - 0.5 && first.y < ask.y + ask.height, `${moment}: the question or goal is in its card`);
}

for (const [width, height] of SIZES) {
  test(`at ${width}×${height}, every lesson keeps the stage, controls, narration and question or goal on screen`, async () => {
    const { context, page, problems } = await openPage(lab.browser, { viewport: { width, height } });
    for (const lesson of LESSONS) {
      const asked = lesson.script.find((entry) => entry.question)?.at ?? 0;
      await page.goto(`${lab.site.url}#/lesson/${lesson.id}/step/${asked}`);
      await page.locator('.now-step', { hasText: `Step ${asked}` }).or(page.getByText('The start: nothing')).first().waitFor();
      if (asked > 0) await page.locator('.question').first().waitFor();
      await allOnScreen(page, `${lesson.id} at its first question`);

      const { fork_at: forkAt, steps: solution } = lesson.goal.solution;
      await page.getByRole('slider').fill(String(forkAt));
      await page.locator('.now-step', { hasText: `Step ${forkAt}` }).or(page.getByText('The start: nothing')).first().waitFor();
      await openPanel(page, 'Actions');
      await act(page, paletteLabel(solution[0], lesson.scenario.flavor));
      await page.locator('.now-step', { hasText: `Step ${forkAt + 1}` }).waitFor();
      await allOnScreen(page, `${lesson.id} after a fork`);

      for (const step of solution.slice(1)) {
        await act(page, paletteLabel(step, lesson.scenario.flavor));
      }
      await page.locator('.goal.reached').waitFor();
      await allOnScreen(page, `${lesson.id} at its goal`);
      if (lesson.id === 'transactions') await screenshot(page, `lab-goal-${width}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the panels open by keyboard, and the open one is remembered', async () => {
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/31`);
  const tab = (name) => page.getByRole('tab', { name, exact: true });
  assert.equal(await tab('Code').getAttribute('aria-selected'), 'true', 'a lesson opens on its code');
  await tab('Code').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await tab('Design it').getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowRight');
  assert.equal(await tab('Actions').getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Actions');
  await page.getByRole('button', { name: 'worker: poll()', exact: true }).waitFor();
  assert.equal(await page.locator('.now-step').innerText(), 'Step 31', 'the arrow moved the tabs, not the timeline');
  await page.keyboard.press('End');
  assert.equal(await tab('Event log').getAttribute('aria-selected'), 'true');
  // A lesson keeps the real cluster folded under its code, not as a panel of its own.
  assert.equal(await tab('Real cluster').count(), 0);
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await tab('Ledger').getAttribute('aria-selected'), 'true');
  await page.locator('table.ledger').waitFor();
  // Each panel opens with Enter from the keyboard as well.
  for (const name of ['Code', 'Event log', 'Database']) {
    await tab(name).focus();
    await page.keyboard.press('Enter');
    assert.equal(await tab(name).getAttribute('aria-selected'), 'true', name);
  }
  await page.reload();
  assert.equal(await tab('Database').getAttribute('aria-selected'), 'true', 'the panel last opened opens again');
  // The stage's own button opens the actions.
  await page.getByRole('button', { name: 'Break it yourself…' }).click();
  await page.getByRole('button', { name: 'worker: poll()', exact: true }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

/** The left edge of the first element matching `selector`, every frame for 0.7 s while `act` runs. */
async function positionsWhile(page, selector, act) {
  const sampling = page.evaluate(
    (selector) =>
      new Promise((done) => {
        const xs = [];
        const start = performance.now();
        const frame = () => {
          const element = document.querySelector(selector);
          if (element) xs.push(Math.round(element.getBoundingClientRect().x * 10) / 10);
          if (performance.now() - start < 700) requestAnimationFrame(frame);
          else done(xs);
        };
        requestAnimationFrame(frame);
      }),
    selector,
  );
  await act();
  return sampling;
}

const distinct = (xs) => new Set(xs).size;

test('one step forward moves what changed; a scrub, a step back and reduced motion show the end at once', async () => {
  // Step 15 of the manual-commit lesson polls again: the worker's position moves one offset on.
  const marker = '.marker.position';
  const { context, page, problems } = await openPage(lab.browser);
  await page.goto(`${lab.site.url}#/lesson/manual-commit/step/14`);
  await page.locator('.now-step', { hasText: 'Step 14' }).waitFor();
  const forward = await positionsWhile(page, marker, () => page.keyboard.press('ArrowRight'));
  await page.locator('.now-step', { hasText: 'Step 15' }).waitFor();
  assert.ok(distinct(forward) >= 4, `the position marker slides through the frames: ${forward}`);
  assert.equal(await page.locator('.lab.animate').count(), 1);

  const back = await positionsWhile(page, marker, () => page.keyboard.press('ArrowLeft'));
  assert.ok(distinct(back) <= 2, `a step back jumps: ${back}`);
  const scrub = await positionsWhile(page, marker, () => page.getByRole('slider').fill('15'));
  assert.ok(distinct(scrub) <= 2, `a scrub jumps: ${scrub}`);
  assert.equal(await page.locator('.lab.animate').count(), 0);

  // The flush of step 6 writes five records: each arrives from the producer's side into its cell.
  await page.goto(`${lab.site.url}#/lesson/offsets/step/5`);
  await page.locator('.now-step', { hasText: 'Step 5' }).waitFor();
  const arriving = await page.evaluate(
    () =>
      new Promise((done) => {
        const seen = [];
        const start = performance.now();
        const frame = () => {
          const cell = document.querySelector('.log-cell.arrived');
          if (cell) seen.push(getComputedStyle(cell).transform);
          if (performance.now() - start < 700) requestAnimationFrame(frame);
          else done(seen);
        };
        document.querySelector('button[aria-label="Step forward"]').click();
        requestAnimationFrame(frame);
      }),
  );
  assert.ok(arriving.some((t) => t !== 'none') && arriving.at(-1) === 'none', `the cell moves, then rests: ${arriving}`);
  assert.deepEqual(problems, []);
  await context.close();

  const reduced = await openPage(lab.browser, { reducedMotion: 'reduce' });
  await reduced.page.goto(`${lab.site.url}#/lesson/manual-commit/step/14`);
  await reduced.page.locator('.now-step', { hasText: 'Step 14' }).waitFor();
  const still = await positionsWhile(reduced.page, marker, () => reduced.page.keyboard.press('ArrowRight'));
  await reduced.page.locator('.now-step', { hasText: 'Step 15' }).waitFor();
  assert.ok(distinct(still) <= 2, `no motion when the learner asks for less: ${still}`);
  assert.deepEqual(reduced.problems, []);
  await reduced.context.close();
});

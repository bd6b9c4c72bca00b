// Design goals in the browser: the learner picks how the loop is written, the model tries it with a crash
// before every call, a plausible wrong design is caught naming the message, and its run plays on the stage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LESSONS, openPage, openPanel, screenshot, servedLab } from './support.mjs';

const lab = servedLab();

/** A design a learner could well write, which the goal must catch: the loop as the lesson first shows it. */
const PLAUSIBLY_WRONG = {
  offsets: [1, 0],
  'auto-commit': [0, 0, 1],
  'manual-commit': [0, 0],
  'java-poll-loop': [0, 0],
  'producer-retries': [0],
  durability: [0],
  'zombie-fencing': [0],
  'transaction-timeout': [0],
  'transaction-version-2': [0],
  transactions: [0],
  // A listener that commits on revocation looks like the fix, and is not: the late member's partitions are lost.
  'slow-consumer': [0, 0, 1],
  'rebalance-duplicates': [0, 0],
  // Seeking back is the fix the manual-commit lesson taught, and loops for ever on a record that always fails.
  'poison-pill': [1],
  // Static membership looks like enough; with the default 45 s session the minute-long restart loses the place.
  'cooperative-static': [1, 0],
};

const designed = LESSONS.filter((lesson) => lesson.design);

test('the lessons with a design goal are the ones this test knows a wrong design for', () => {
  assert.deepEqual(designed.map((l) => l.id).sort(), Object.keys(PLAUSIBLY_WRONG).sort());
});

async function choose(page, design, choices) {
  const slots = page.locator('.design-slot');
  for (const [s, c] of choices.entries()) {
    await slots.nth(s).locator('.design-choice').nth(c).locator('input').check();
  }
}

for (const lesson of designed) {
  test(`lesson ${lesson.id}: its design goal is met the designed way and missed a plausible wrong way`, async () => {
    const { context, page, problems } = await openPage(lab.browser);
    const { design } = lesson;
    const last = lesson.scenario.steps.length;
    await page.goto(`${lab.site.url}#/lesson/${lesson.id}/step/${last}`);
    // The last chapter points at the design goal.
    await page.locator('.design-pointer').getByRole('button', { name: 'Design it' }).click();
    await page.locator('.design-panel').waitFor();
    assert.equal(await page.locator('.design-slot').count(), design.slots.length);
    const tryIt = page.getByRole('button', { name: 'Try my design' });
    assert.ok(await tryIt.isDisabled(), 'nothing to try before every choice is made');

    await choose(page, design, PLAUSIBLY_WRONG[lesson.id]);
    await tryIt.click();
    const failed = page.locator('.design-result.failed');
    await failed.waitFor();
    // The verdict names the message or the value that fails, and what the goal asks instead.
    assert.match(
      await failed.innerText(),
      /^✘ (With a crash just before call \d+ of the loop \(.+\)|Even without a crash|With these settings|With this design), .*(#\d+|epoch \d+).*; the goal asks for /,
    );
    if (lesson.id === 'manual-commit') await screenshot(page, 'design-failed');

    // The run that failed plays on the stage, as the learner's own timeline.
    await failed.getByRole('button', { name: 'Watch this run on the stage' }).click();
    if (design.per_record?.length) {
      await page.locator('.off-script').waitFor();
    } else {
      // Settings only: the lesson's own steps up to the design's end, played with the chosen settings.
      await page.waitForFunction((n) => document.querySelector('input[type=range]').max === String(n), design.prelude);
    }
    const max = Number(await page.getByRole('slider').getAttribute('max'));
    assert.equal(Number(await page.getByRole('slider').inputValue()), max, 'at the run’s end');

    // Hints one at a time, the solution last.
    await openPanel(page, 'Design it');
    assert.equal(await page.locator('.design-panel .solution').count(), 0);
    for (let i = 1; i <= design.hints.length; i++) {
      await page.locator('.design-panel').getByRole('button', { name: `Hint ${i} of ${design.hints.length}` }).click();
    }
    assert.equal(await page.locator('.design-panel .hint').count(), design.hints.length);
    await page.locator('.design-panel .solution summary').click();

    await choose(page, design, design.solution);
    await tryIt.click();
    const passed = page.locator('.design-result.passed');
    await passed.waitFor();
    assert.match(await passed.innerText(), /Your (design holds\. The model ran it \d+ times|design holds: the model ran the loop|settings hold)/);
    if (lesson.id === 'manual-commit') await screenshot(page, 'design-passed');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

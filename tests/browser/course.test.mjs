// Every lesson, start to finish, through the UI: each step taken, each question answered and revealed,
// and the goal reached by the lesson's own solution played on the action palette.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LESSONS, openPage, openPanel, paletteLabel, servedLab } from './support.mjs';

const lab = servedLab();

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: every step, every question, and the goal`, async () => {
    const { context, page, problems } = await openPage(lab.browser);
    await page.goto(`${lab.site.url}#/lesson/${lesson.id}/step/0`);
    const steps = lesson.scenario.steps.length;
    const questions = lesson.script.filter((entry) => entry.question).map((entry) => entry.question.prompt);
    const revealed = new Set();
    const forward = page.getByRole('button', { name: 'Step forward' });
    for (let step = 0; step <= steps; step += 1) {
      for (const question of await page.locator('.question').all()) {
        const prompt = (await question.locator('legend').innerText()).replace(/^Predict: /, '');
        const radios = question.locator('input[type=radio]');
        const answered = await question.locator('input[type=radio]:checked').count();
        if (!answered && !(await radios.first().isDisabled())) await radios.first().check();
        const reveal = question.locator('.reveal');
        if (await reveal.count()) {
          assert.match(await reveal.innerText(), /^(You predicted it\.|Not what happened\.)/);
          revealed.add(prompt);
        }
      }
      if (step < steps) await forward.click();
    }
    await page.locator('.now-step', { hasText: `Step ${steps}` }).waitFor();
    assert.deepEqual([...revealed].sort(), [...questions].sort(), 'every question was asked and revealed');
    assert.equal(await page.locator('.goal.reached').count(), 0, 'the lesson as written misses its goal');

    const { fork_at: forkAt, steps: solution } = lesson.goal.solution;
    await page.getByRole('slider').fill(String(forkAt));
    await page.locator('.now-step', { hasText: `Step ${forkAt}` }).or(page.getByText('The start: nothing')).first().waitFor();
    await openPanel(page, 'Actions');
    for (const step of solution) {
      await page.getByRole('button', { name: paletteLabel(step), exact: true }).first().click();
    }
    await page.locator('.goal.reached').waitFor();
    await page.goto(`${lab.site.url}#/`);
    await page.locator('.lesson-card', { hasText: lesson.title }).getByText('goal reached').waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
}

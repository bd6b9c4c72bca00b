// Off the script, the lesson's own text is hidden: it describes the lesson's run, not the learner's. Each
// lesson is forked at several steps; the narration is then the model's account of the learner's step, and
// one button leads back to the lesson where the learner left it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LESSONS, openPage, openPanel, paletteLabel, screenshot, servedLab } from './support.mjs';

const lab = servedLab();

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: forked at several steps, no scripted text is shown`, async () => {
    const { context, page, problems } = await openPage(lab.browser);
    const steps = lesson.scenario.steps;
    const forks = [...new Set([0.2, 0.5, 0.8].map((at) => Math.floor(steps.length * at)))];
    for (const at of forks) {
      await page.goto(`${lab.site.url}#/lesson/${lesson.id}/step/${at}`);
      await page.locator('.lab').waitFor();
      await openPanel(page, 'Actions');
      // An action the script does not take next, so the timeline really leaves the script.
      const scripted = steps[at] ? paletteLabel(steps[at], lesson.scenario.flavor) : null;
      // The chapter's own actions first; "More actions" when the chapter offers only the scripted one.
      let actions = page.locator('.action-palette > ul button.action');
      let labels = await actions.allInnerTexts();
      if (!labels.some((label) => label !== scripted)) {
        await page.locator('.more-actions summary').click();
        actions = page.locator('.action-palette button.action');
        labels = await actions.allInnerTexts();
      }
      const choice = labels.findIndex((label) => label !== scripted);
      assert.ok(choice >= 0, `${lesson.id} at step ${at}: an action to fork with`);
      await actions.nth(choice).click();
      const where = `${lesson.id}, forked at step ${at} with “${labels[choice]}”`;
      await page.locator('.now-step', { hasText: `Step ${at + 1}` }).waitFor();
      await page.locator('.off-script').waitFor();
      assert.equal(await page.locator('.lesson-narration').count(), 0, `${where}: the lesson's narration`);
      assert.equal(await page.locator('.question').count(), 0, `${where}: a question`);
      assert.equal(await page.locator('.reveal').count(), 0, `${where}: a reveal`);
      assert.ok(await page.locator('.lab-now .now li, .lab-now .event-error').count() > 0, `${where}: the model's account`);
      if (lesson.id === 'manual-commit' && at === forks[1]) await screenshot(page, 'lesson-off-script');
      await page.getByRole('button', { name: `Back to the lesson at step ${at}` }).click();
      await page.locator('.now-step', { hasText: `Step ${at}` }).or(page.getByText('The start: nothing')).first().waitFor();
      assert.equal(await page.locator('.off-script').count(), 0, `${where}: still off the script after going back`);
      assert.equal(await page.getByRole('slider').getAttribute('max'), String(steps.length), `${where}: the lesson's timeline`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// Every lesson, start to finish, through the UI: each step taken, each question answered and revealed,
// and the goal reached by the lesson's own solution played on the action palette.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LESSONS, act, openPage, openPanel, paletteLabel, servedLab } from './support.mjs';

const lab = servedLab();

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: every step, every question, and the goal`, async () => {
    const { context, page, problems } = await openPage(lab.browser);
    await page.goto(`${lab.site.url}#/lesson/${lesson.id}/step/0`);
    // The code names the client release it is for; the lesson shows that release's behaviour.
    const client = lesson.scenario.flavor === 'java' ? 'kafka-clients 4.4.0' : 'kafka-python 3.0.12';
    assert.equal(await page.locator('.code-version').innerText(), `${client} on Apache Kafka 4.4.0`);
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
      await act(page, paletteLabel(step, lesson.scenario.flavor));
    }
    await page.locator('.goal.reached').waitFor();
    await page.goto(`${lab.site.url}#/`);
    await page.locator('.lesson-card', { hasText: lesson.title }).getByText('goal reached').waitFor();
    assert.match(await page.locator('.home .versions').innerText(), /kafka-python 3\.0\.12\b.*kafka-clients 4\.4\.0\b.*Apache Kafka 4\.4\.0/);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const [number, lesson] of LESSONS.entries()) {
  test(`lesson ${lesson.id}: every chapter by its address, played to its end, and on to the next`, async () => {
    const { context, page, problems } = await openPage(lab.browser);
    const asked = new Set(lesson.script.filter((entry) => entry.question).map((entry) => entry.at));
    let start = 0;
    for (const [index, chapter] of lesson.chapters.entries()) {
      await page.goto(`${lab.site.url}#/lesson/${lesson.id}/chapter/${index + 1}`);
      await page.locator('.lab').waitFor();
      assert.equal(Number(await page.getByRole('slider').inputValue()), start, `${chapter.title} opens where it starts`);
      await page.locator('.speed select').selectOption('8');
      // Play stops at every question on the way, and at the chapter's end.
      let cursor = start;
      while (cursor < chapter.end) {
        await page.getByRole('button', { name: 'Play' }).click();
        await page.getByRole('button', { name: 'Play' }).waitFor();
        cursor = Number(await page.getByRole('slider').inputValue());
        assert.ok(asked.has(cursor) || cursor === chapter.end, `${lesson.id}: play stopped at step ${cursor}, where nothing is asked`);
        if (cursor < chapter.end) assert.ok(await page.locator('.question').count() > 0, `${lesson.id} step ${cursor}: the question`);
      }
      assert.equal(cursor, chapter.end, `${chapter.title}: play ran past its end`);
      const line = await page.locator('.chapter-line').innerText();
      assert.equal(line, `Chapter ${index + 1} of ${lesson.chapters.length} · ${chapter.title}`);
      const next = lesson.chapters[index + 1];
      if (next) {
        await page.locator('.question').first().waitFor();
        await page.getByRole('button', { name: `Next chapter: ${next.title} →` }).click();
        await page.locator('.chapter-line', { hasText: `Chapter ${index + 2} of` }).waitFor();
      } else {
        const following = LESSONS[number + 1];
        const link = page.getByRole('link', { name: /^Next lesson: / });
        assert.equal(await link.innerText(), `Next lesson: ${following ? following.title : 'Compare the three guarantees'} →`);
        await page.locator('.goal').waitFor();
      }
      start = chapter.end;
    }
    await page.goto(`${lab.site.url}#/`);
    const card = page.locator('.lesson-card', { hasText: lesson.title });
    await card.getByText(`${lesson.chapters.length} chapters · ${lesson.chapters.length} done`).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// A lesson embedded in a course page from another origin: the page of docs/embedding.md, served as it is
// written, hears the lab's events and sends it commands; a page at an origin the address does not name
// hears nothing and commands nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LESSONS, act, openPage, openPanel, paletteLabel, screenshot, serveSite, servedLab } from './support.mjs';

const lab = servedLab();
const course = {};
const lesson = LESSONS.find((l) => l.id === 'manual-commit');
const steps = lesson.scenario.steps.length;
const asked = lesson.script.filter((entry) => entry.question).map((entry) => entry.at);

// The host page exactly as the docs give it, but for the two addresses.
const documented = readFileSync('docs/embedding.md', 'utf8').match(/```html\n([\s\S]*?)```/)[1];

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'course-page-'));
  course.dir = dir;
  // As any site has; the browser asks for it.
  writeFileSync(join(dir, 'favicon.ico'), '');
  course.site = await serveSite(dir);
  course.origin = new URL(course.site.url).origin;
});
after(() => course.site?.stop());

/** Writes the documented page, with the lab's address and `origin` given, and opens it. */
async function openCoursePage(name, origin = course.origin, options = {}) {
  assert.notEqual(course.origin, new URL(lab.site.url).origin, 'the course page is at another origin');
  writeFileSync(
    join(course.dir, `${name}.html`),
    documented.replaceAll('https://lab.example/', lab.site.url).replaceAll('https://course.example', origin),
  );
  const opened = await openPage(lab.browser, options);
  // Every message the lab posts, in order, as the page received it.
  await opened.page.addInitScript(() => {
    window.heard = [];
    addEventListener('message', (event) => {
      if (event.data?.source === 'kafka-delivery-lab') window.heard.push({ origin: event.origin, ...event.data });
    });
  });
  await opened.page.goto(`${course.site.url}${name}.html`);
  const frame = opened.page.frameLocator('#lab');
  return { ...opened, frame };
}

/** Waits for the first message after `from` that matches, and returns it. */
async function heard(page, match, from = 0) {
  const handle = await page.waitForFunction(
    ([match, from]) => window.heard.slice(from).find((m) => Object.entries(match).every(([k, v]) => m[k] === v)),
    [match, from],
  );
  return handle.jsonValue();
}

const command = (page, message) =>
  page.evaluate(([message, target]) => document.getElementById('lab').contentWindow.postMessage(message, target), [
    message,
    new URL(lab.site.url).origin,
  ]);

const count = (page) => page.evaluate(() => window.heard.length);

test('the course page hears each step, prediction, chapter, goal and the lesson completed, with a score', async () => {
  const { context, page, frame, problems } = await openCoursePage('week-3');
  const ready = await heard(page, { type: 'ready' });
  assert.equal(ready.origin, new URL(lab.site.url).origin);
  assert.deepEqual([ready.version, ready.lesson, ready.step], [1, 'manual-commit', 0]);
  assert.equal(ready.progress.format, 'kafka-delivery-lab-progress');

  await frame.getByRole('button', { name: 'Step forward' }).click();
  assert.deepEqual(
    (({ lesson, step, chapter }) => ({ lesson, step, chapter }))(await heard(page, { type: 'step', step: 1 })),
    { lesson: 'manual-commit', step: 1, chapter: 1 },
  );

  // A command moves the lesson; stepping to the first question's moment ends chapter 1.
  let mark = await count(page);
  await command(page, { type: 'go-to-step', step: asked[0] });
  await frame.locator('.now-step', { hasText: `Step ${asked[0]}` }).waitFor();
  await heard(page, { type: 'step', step: asked[0] }, mark);
  const chapter = await heard(page, { type: 'chapter-completed' }, mark);
  assert.deepEqual([chapter.chapter, chapter.chapters], [1, lesson.chapters.length]);
  assert.equal(chapter.statement.verb.id, 'http://adlnet.gov/expapi/verbs/completed');
  assert.equal(chapter.statement.object.id, `${lab.site.url}#/lesson/manual-commit/chapter/1`);

  // A prediction: right or wrong as the lesson itself then shows it.
  mark = await count(page);
  const question = frame.locator('.question').first();
  await question.locator('input[type=radio]').first().check();
  const answer = await heard(page, { type: 'answered' }, mark);
  assert.deepEqual([answer.step, answer.choice], [asked[0], 0]);
  assert.equal(answer.statement.result.response, lesson.script.find((e) => e.at === asked[0]).question.choices[0].text);
  await frame.getByRole('button', { name: 'jump to the answer' }).click();
  const reveal = await frame.locator('.reveal').first().innerText();
  assert.equal(answer.correct, reveal.startsWith('You predicted it.'), reveal);
  assert.equal(answer.statement.result.success, answer.correct);

  // The whole lesson stepped through, then the goal met on the learner's own steps.
  mark = await count(page);
  await command(page, { type: 'go-to-step', step: steps });
  await frame.locator('.now-step', { hasText: `Step ${steps}` }).waitFor();
  await heard(page, { type: 'chapter-completed', chapter: lesson.chapters.length }, mark);
  const { fork_at: forkAt, steps: solution } = lesson.goal.solution;
  await frame.getByRole('slider').fill(String(forkAt));
  await frame.locator('.now-step', { hasText: `Step ${forkAt}` }).waitFor();
  await openPanel(frame, 'Actions');
  for (const step of solution) await act(frame, paletteLabel(step, lesson.scenario.flavor));
  await frame.locator('.goal.reached').waitFor();
  const goal = await heard(page, { type: 'goal-reached' }, mark);
  assert.equal(goal.statement.verb.id, 'http://adlnet.gov/expapi/verbs/passed');
  const completed = await heard(page, { type: 'lesson-completed' }, mark);
  assert.deepEqual(completed.score, {
    raw: answer.correct ? 1 : 0,
    min: 0,
    max: asked.length,
    scaled: (answer.correct ? 1 : 0) / asked.length,
  });
  assert.equal(completed.statement.object.id, `${lab.site.url}#/lesson/manual-commit/step/0`);
  assert.deepEqual(completed.statement.result.score, completed.score);
  // The page stored the progress the lab posted.
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('lab-progress') ?? '{}').lessons?.['manual-commit']?.goal_reached);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('lab-progress')));
  assert.equal(stored.lessons['manual-commit'].answers[asked[0]], 0);
  assert.ok((await page.locator('#log').innerText()).includes(`lesson completed: ${completed.score.raw} of ${asked.length}`));
  await screenshot(page, 'embed-course-page');

  // Starting again drops the learner's own steps: the lesson as written, at its start.
  mark = await count(page);
  await page.getByRole('button', { name: 'Start the lesson again' }).click();
  await heard(page, { type: 'step', step: 0 }, mark);
  await frame.locator('.now-step', { hasText: 'Step 0' }).or(frame.getByText('The start: nothing')).first().waitFor();
  assert.equal(await frame.getByRole('slider').getAttribute('max'), String(steps));
  assert.equal(await frame.locator('.goal.reached').count(), 0, 'the script, not the learner’s run');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a command the lab cannot carry out changes nothing and is answered with what is wrong', async () => {
  const { context, page, frame, problems } = await openCoursePage('refusals');
  await heard(page, { type: 'ready' });
  const refusals = [
    [{ type: 'jump', step: 3 }, /unknown variant `jump`, expected one of `go-to-step`, `reset`, `load-progress`/],
    [{ type: 'go-to-step' }, /missing field `step`/],
    [{ type: 'go-to-step', step: 9999 }, new RegExp(`has ${steps} steps: there is no step 9999`)],
    [{ type: 'reset', lesson: 'no-such-lesson' }, /no lesson "no-such-lesson"/],
    [{ type: 'load-progress', progress: { lessons: {} } }, /not loaded, and nothing changed: .*not a Kafka Delivery Lab progress file/],
    ['{"type": "go-to-step", "step": ', /not one the lab knows: EOF/],
  ];
  for (const [message, reason] of refusals) {
    const mark = await count(page);
    await command(page, message);
    const error = await heard(page, { type: 'error' }, mark);
    assert.match(error.message, reason);
  }
  assert.equal(await frame.getByRole('slider').inputValue(), '0', 'nothing moved');
  assert.match(await page.locator('#log').innerText(), /the lab refused a command: the command is not one the lab knows/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('progress the course page stored is given back to a learner on a fresh browser', async () => {
  const first = await openCoursePage('returning');
  await heard(first.page, { type: 'ready' });
  await command(first.page, { type: 'go-to-step', step: asked[1] });
  await first.frame.locator('.question').first().locator('input[type=radio]').nth(1).check();
  await first.page.waitForFunction(
    (at) => JSON.parse(localStorage.getItem('lab-progress') ?? '{}').lessons?.['manual-commit']?.answers?.[at] === 1,
    asked[1],
  );
  const stored = await first.page.evaluate(() => localStorage.getItem('lab-progress'));
  await first.context.close();

  // A new browser profile: the lab's own storage is empty, the course page still has what it stored.
  const second = await openCoursePage('returning');
  // Stored only once the page has heard the lab's ready, so this first visit has nothing to give back.
  await heard(second.page, { type: 'ready' });
  await second.page.evaluate((stored) => localStorage.setItem('lab-progress', stored), stored);
  await second.page.reload();
  const ready = await heard(second.page, { type: 'ready' });
  assert.deepEqual(ready.progress.lessons, {}, 'the lab had nothing of its own');
  const restored = await heard(second.page, { type: 'progress' });
  assert.equal(restored.progress.lessons['manual-commit'].answers[asked[1]], 1);
  await command(second.page, { type: 'go-to-step', step: asked[1] });
  await second.frame.locator('.question input[type=radio]:checked').waitFor();
  assert.equal(await second.frame.locator('.question input[type=radio]').nth(1).isChecked(), true);
  assert.deepEqual([...first.problems, ...second.problems], []);
  await second.context.close();
});

test('a page at an origin the address does not name hears nothing and commands nothing', async () => {
  const { context, page, frame, problems } = await openCoursePage('elsewhere', 'http://127.0.0.1:9');
  await frame.locator('.lab').waitFor();
  assert.match(
    await frame.getByRole('alert').first().innerText(),
    new RegExp(`shown in a page at ${course.origin}, but its address names http://127.0.0.1:9 as that page's origin`),
  );
  await frame.getByRole('button', { name: 'Step forward' }).click();
  await command(page, { type: 'go-to-step', step: 5 });
  await page.waitForTimeout(500);
  assert.equal(await frame.getByRole('slider').inputValue(), '1');
  assert.deepEqual(await page.evaluate(() => window.heard), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an origin that is not one is named above the lesson, which works as usual', async () => {
  const { context, page, frame, problems } = await openCoursePage('typo', 'course.example');
  await frame.getByRole('alert').filter({ hasText: '"course.example"' }).waitFor();
  assert.match(await frame.getByRole('alert').first().innerText(), /not one like https:\/\/course\.example: this lesson will not report progress/);
  await frame.getByRole('button', { name: 'Step forward' }).click();
  await frame.locator('.now-step', { hasText: 'Step 1' }).waitFor();
  assert.deepEqual(await page.evaluate(() => window.heard), []);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const width of [375, 1280, 1440]) {
  test(`the embedded lesson at ${width} px`, async () => {
    const { context, page, frame, problems } = await openCoursePage(`width-${width}`, course.origin, {
      viewport: { width, height: 900 },
    });
    await heard(page, { type: 'ready' });
    await frame.locator('.lab').waitFor();
    await screenshot(page, `embed-course-page-${width}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

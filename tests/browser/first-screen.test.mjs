// The first screen the page draws before the program has loaded: for every lesson, where it opens and where
// each chapter opens, the same words as the app then shows, and at a lesson's start on a phone, nothing moves
// when the app takes over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LESSONS, openPage, screenshot, servedLab } from './support.mjs';

const lab = servedLab();

const TEXTS = {
  title: '#lesson-title',
  summary: '.lab-head .lead',
  chapter: '.lab-now .chapter-line',
  narration: '.lab-now .lesson-narration',
};

/** The words of each part, and where the stage, the narration and the controls sit. */
const look = (page) =>
  page.evaluate((texts) => {
    const text = (selector) => document.querySelector(selector)?.innerText ?? null;
    const top = (selector) => Math.round(document.querySelector(selector)?.getBoundingClientRect().top ?? -1);
    return {
      texts: Object.fromEntries(Object.entries(texts).map(([name, selector]) => [name, text(selector)])),
      now: text('.lab-now .now'),
      steps: text('.step-count'),
      tops: ['.lab-stage', '.lab-now', '.timeline-bar'].map(top),
    };
  }, TEXTS);

/** Opens `hash` with the program held back, looks, then lets it load and looks again. */
async function beforeAndAfter(hash, pictured) {
  const opened = await openPage(lab.browser, { viewport: { width: 375, height: 740 }, serviceWorkers: 'block' });
  const { page } = opened;
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/*_bg.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${lab.site.url}${hash}`);
  await page.locator('[data-first-screen]').waitFor();
  const first = await look(page);
  if (pictured) await screenshot(page, `${pictured}-before`);
  release();
  await page.locator('.stage').waitFor();
  await page.locator('[data-first-screen]').waitFor({ state: 'detached' });
  return { ...opened, first, app: await look(page) };
}

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: the first screen says what the app says, at its start and where each chapter opens`, async () => {
    const addresses = [`#/lesson/${lesson.id}/step/0`, ...lesson.chapters.slice(1).map((_, i) => `#/lesson/${lesson.id}/chapter/${i + 2}`)];
    for (const hash of addresses) {
      const pictured = lesson === LESSONS[0] && hash.endsWith('/step/0') && 'first-screen-375';
      const { context, page, problems, first, app } = await beforeAndAfter(hash, pictured);
      assert.ok(first.texts.title && first.texts.narration !== '', `${hash}: the first screen has the lesson`);
      assert.deepEqual(first.texts, app.texts, `${hash}: the same words before and after the program loads`);
      assert.equal(first.steps, app.steps, hash);
      if (hash.endsWith('/step/0')) {
        assert.equal(first.now, app.now, `${hash}: the start`);
        assert.deepEqual(first.tops, app.tops, `${hash}: the stage, the narration and the controls stay where they were`);
        if (pictured) await screenshot(page, `${pictured}-after`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
}

test('an address the first screen does not know leaves the loading message to the app', async () => {
  for (const hash of ['#/', '#/lesson/no-such-lesson/step/0', '#/lesson/offsets/step/99999', '#/lesson/offsets/chapter/9', '#/sandbox']) {
    const { context, page } = await openPage(lab.browser, { serviceWorkers: 'block' });
    await page.route('**/*_bg.wasm', () => {});
    await page.goto(`${lab.site.url}${hash}`);
    await page.locator('.loading').waitFor();
    assert.equal(await page.locator('[data-first-screen]').count(), 0, hash);
    await context.close();
  }
});

// Accessibility (axe-core: no serious or critical violations) and fit, on every page at 375, 1280 and 1440 px.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, screenshot, seriousA11yViolations, servedLab } from './support.mjs';

const PAGES = [
  ['home', '#/', /Delivery guarantees/],
  ['lesson-start', '#/lesson/manual-commit/step/0', /lost order 5/],
  ['lesson-player', '#/lesson/manual-commit/step/31', /lost order 5/],
  ['lesson-transactions', '#/lesson/transactions/step/20', /Transactions/],
  ['lesson-durability', '#/lesson/durability/step/12', /Durability/],
  ['compare', '#/lesson/compare', /Compare/],
  ['experiments', '#/lesson/experiments', /Experiments/],
  ['glossary', '#/glossary/isr', /Glossary/],
  ['sandbox', '#/sandbox', /Sandbox/],
  ['not-found', '#/nowhere', /Page not found/],
];

const lab = servedLab();

for (const [width, height] of [[375, 812], [1280, 720], [1440, 900]]) {
  for (const [name, hash, heading] of PAGES) {
    test(`${name} at ${width} px: accessible and no wider than the screen`, async () => {
      const { context, page, problems } = await openPage(lab.browser, { viewport: { width, height } });
      await page.goto(`${lab.site.url}${hash}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      assert.deepEqual(await seriousA11yViolations(page), []);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the ${width} px screen`);
      // The stage's button covers none of its labels.
      const covered = await page.evaluate(() => {
        const button = document.querySelector('.stage-act')?.getBoundingClientRect();
        const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return button ? [...document.querySelectorAll('.stage .flow, .stage h4, .partition-name, .partition-owner')].filter((label) => meets(button, label.getBoundingClientRect())).map((label) => getComputedStyle(label, '::before').content.replace(/"/g, '') || label.textContent) : [];
      });
      assert.deepEqual(covered, [], 'the "Break it yourself…" button covers a label of the stage');
      await screenshot(page, `${name}-${width}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

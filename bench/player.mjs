// Measures the player in headless Chromium and prints numbers (not a test: nothing here passes or fails).
//   node bench/player.mjs            (after ./x test or a release build into target/site/root)
import { SITE_ROOT, launch, openPage, serveSite } from '../tests/browser/support.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (x) => `${x.toFixed(1)} ms`;

// 200 records in one log, then poll/process/commit to 1,000 steps.
function bigScenario() {
  const steps = [];
  for (let i = 0; i < 200; i += 1) {
    steps.push({ actor: 'producer', op: 'send', topic: 'orders', value: `{"order_id": ${i}, "item": "widget"}` });
  }
  steps.push({ actor: 'producer', op: 'flush' });
  for (let op = 0; steps.length < 1000; op = (op + 1) % 3) {
    steps.push({ actor: 'worker', op: ['poll', 'process', 'commit'][op] });
  }
  return {
    title: 'Benchmark: 200 log cells, 1,000 steps',
    topics: [{ name: 'orders', partitions: 1 }],
    producers: [{ id: 'producer' }],
    consumers: [{ id: 'worker', subscribe: ['orders'],
      config: { 'group.id': 'bench', 'enable.auto.commit': false, 'auto.offset.reset': 'earliest' } }],
    steps,
  };
}

const browser = await launch();
const site = await serveSite(SITE_ROOT);

const interactive = [];
for (let run = 0; run < 5; run += 1) {
  const { context, page } = await openPage(browser);
  await page.goto(`${site.url}#/lesson/manual-commit/step/0`);
  await page.getByRole('button', { name: 'Step forward' }).waitFor();
  interactive.push(await page.evaluate(() => performance.now()));
  await context.close();
}
console.log(`first interactive lesson after navigation: median ${ms(median(interactive))} of 5 cold loads (budget 1000 ms)`);

const code = Buffer.from(JSON.stringify(bigScenario())).toString('base64url');
const { context, page } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
const opened = performance.now();
await page.goto(`${site.url}#/sandbox/run/${code}/step/201`);
await page.locator('.now-step', { hasText: 'Step 201' }).waitFor();
console.log(`open a 1,000-step sandbox run: ${ms(performance.now() - opened)}`);
// The log's entries (the row draws only the cells near its visible part).
const caption = await page.locator('.partition-log figcaption .visually-hidden').first().textContent();
const cells = Number(caption.match(/(\d+) entries/)[1]);
console.log(`log entries: ${cells}, cells drawn: ${await page.locator('.log-cell').count()}`);

const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
const metrics = async () =>
  Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));

/** One step forward at a time (each animates), then a scrub across the timeline; `label` names the CPU. */
async function stepsAndScrub(label) {
  await page.getByRole('slider').fill('201');
  await page.locator('.now-step', { hasText: 'Step 201' }).waitFor();
  const before = await metrics();
  const stepTimes = await page.evaluate(async () => {
    const times = [];
    for (let i = 0; i < 100; i += 1) {
      const start = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      // Yield past Yew's render (a message, not setTimeout, which browsers clamp to 4 ms when nested).
      await new Promise((done) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = done;
        channel.port2.postMessage(0);
      });
      void document.body.offsetHeight; // include style and layout
      times.push(performance.now() - start);
    }
    return times;
  });
  const spent = await metrics();
  const per = (name) => ms(((spent[name] - before[name]) * 1000) / stepTimes.length);
  console.log(`${label}: per step: script ${per('ScriptDuration')}, style ${per('RecalcStyleDuration')}, layout ${per('LayoutDuration')}`);
  console.log(`${label}: render one step with ${cells} log cells: median ${ms(median(stepTimes))}, p95 ${ms(percentile(stepTimes, 0.95))} (budget p95 16 ms)`);

  const scrub = await page.evaluate(async () => {
    const slider = document.querySelector('input[type=range]');
    const max = Number(slider.max);
    const frames = [];
    await new Promise((done) => {
      let i = 0;
      const frame = (now) => {
        frames.push(now);
        slider.value = String((i * 37) % (max + 1));
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        i += 1;
        if (i < 600) requestAnimationFrame(frame);
        else done();
      };
      requestAnimationFrame(frame);
    });
    const gaps = frames.slice(1).map((t, k) => t - frames[k]);
    return {
      fps: (frames.length - 1) / ((frames.at(-1) - frames[0]) / 1000),
      worst: Math.max(...gaps),
      // A gap of about two display frames or more is a frame the scrub missed.
      missed: gaps.filter((gap) => gap > 25).length,
      frames: gaps.length,
    };
  });
  console.log(`${label}: scrub across the 1,000-step timeline: ${scrub.fps.toFixed(1)} frames per second, ${scrub.missed} of ${scrub.frames} frames missed, worst frame ${ms(scrub.worst)} (goal 60 fps)`);
}

await stepsAndScrub('desktop CPU');
// A mid-range phone: Chromium's CPU throttling, four times slower.
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
await stepsAndScrub('4× CPU slowdown');
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

await page.goto(`${site.url}#/lesson/experiments`);
await page.getByRole('combobox').selectOption('1000');
await page.getByRole('button', { name: 'Run the experiment' }).click();
const done = page.getByRole('status').getByText(/1000 of 1000 runs — done in \d+ ms/);
await done.waitFor({ timeout: 120000 });
console.log(`experiments: ${(await done.innerText()).split('— ')[1]} for 1,000 runs of 20 messages under each of the 3 guarantees (budget 1 s)`);

await context.close();
await browser.close();
await site.stop();

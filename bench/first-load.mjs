// A learner's first visit on a phone, measured in headless Chromium (numbers, not a test: nothing passes or
// fails). Each load is cold, in a fresh browser context, with DevTools' network and CPU throttling:
//   slow 4G + 4× CPU   562.5 ms latency, 180,000 B/s down, the CPU four times slower
//   fast 4G            150 ms latency, 1,012,500 B/s down, no slowdown
// The site is served compressed (the .br/.gz files the build writes beside each file) and uncompressed, as
// the simplest static hosts do. For each load: the bytes that crossed the wire before
// the lesson was interactive, when the lesson's title, summary and first narration could be read, and when
// "Step forward" was enabled with the stage drawn.
//   node bench/first-load.mjs            (after a release build into target/site/root)
import { LESSONS, SITE_ROOT, launch } from '../tests/browser/support.mjs';
import { serveSite } from '../tools/serve-site.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const LESSON = LESSONS[0].id;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Marks, in the page's own clock (from navigation start), when the text could be read and when the lesson
// could be stepped.
function watch() {
  window.firstLoad = {};
  const look = () => {
    const marks = window.firstLoad;
    const title = document.querySelector('#lesson-title');
    const narration = document.querySelector('.narration, .now-label');
    const summary = document.querySelector('.lab-head .lead');
    if (!marks.readable && title?.textContent.trim() && summary?.textContent.trim() && narration?.textContent.trim()) {
      marks.readable = performance.now();
    }
    const forward = document.querySelector('button[aria-label="Step forward"]');
    if (!marks.interactive && forward && !forward.disabled && document.querySelector('.stage')) {
      marks.interactive = performance.now();
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('DOMContentLoaded', look);
}

async function load(browser, url, network, cpu) {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  const finished = [];
  cdp.on('Network.loadingFinished', (event) => finished.push(event));
  await page.addInitScript(watch);
  await page.goto(`${url}#/lesson/${LESSON}/step/0`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.firstLoad?.interactive, null, { timeout: 120_000, polling: 100 });
  const marks = await page.evaluate(() => ({
    ...window.firstLoad,
    // When the program's last byte arrived: the rest of the time to interactive is the program starting.
    arrived: performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('.wasm'))?.responseEnd,
  }));
  const bytes = finished.reduce((sum, event) => sum + event.encodedDataLength, 0);
  await context.close();
  return { ...marks, bytes };
}

const SLOW_4G = { latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };
const FAST_4G = { latency: 150, downloadThroughput: 1_012_500, uploadThroughput: 168_750 };
const profiles = [
  ['slow 4G + 4× CPU, compressed', SLOW_4G, 4, true],
  ['fast 4G, compressed', FAST_4G, 1, true],
  ['slow 4G + 4× CPU, uncompressed', SLOW_4G, 4, false],
];

const browser = await launch();
console.log(`first load of lesson "${LESSON}" at 375 px, median of ${RUNS} cold loads each`);
for (const [name, network, cpu, compressed] of profiles) {
  const site = await serveSite(SITE_ROOT, { compressed });
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) runs.push(await load(browser, site.url, network, cpu));
  await site.stop();
  const s = (key) => `${(median(runs.map((r) => r[key])) / 1000).toFixed(2)} s`;
  const all = (key) => runs.map((r) => (r[key] / 1000).toFixed(2)).join(', ');
  console.log(
    `${name}: ${(median(runs.map((r) => r.bytes)) / 1000).toFixed(1)} kB transferred; ` +
      `readable ${s('readable')} (${all('readable')}); program arrived ${s('arrived')}; ` +
      `interactive ${s('interactive')} (${all('interactive')})`,
  );
}
await browser.close();

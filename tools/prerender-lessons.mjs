// Trunk post-build hook, before the service worker's: writes each lesson's first screen into index.html, so
// a learner on a slow phone reads the lesson's title, summary and narration while the program still loads.
// A small script there picks the lesson from the address and draws its screen with the app's own markup and
// classes, so nothing moves when the app takes over. tests/browser/first-screen.test.mjs keeps the two equal.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LESSONS as lessons } from './course-lessons.mjs';
import { stagingDir } from './trunk-staging.mjs';

const staging = stagingDir('prerender-lessons');

// The rules lesson text refers to, "(T8, C8)", drawn as chips as the app draws them.
const rules = new Map(
  [...readFileSync('src/rules.rs', 'utf8').matchAll(/Rule \{ id: "(\w+)", title: "(?:[^"\\]|\\.)*", sentence: "((?:[^"\\]|\\.)*)" \}/g)]
    .map(([, id, sentence]) => [id, JSON.parse(`"${sentence}"`)]),
);

const escape = (text) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** Lesson text with its parenthesised rule references as chips (the app's `rules::prose`). */
function prose(text) {
  return text.replace(/\(([^()]*)\)/g, (whole, inside) => {
    const items = inside.split(', ');
    if (!items.some((item) => rules.has(item))) return whole;
    const others = items.filter((item) => !rules.has(item));
    const chips = items.filter((item) => rules.has(item)).map((id) => {
      const sentence = escape(rules.get(id));
      return `<a class="rule-chip" href="#/glossary/rule-${id.toLowerCase()}" title="${sentence}" aria-label="Rule ${id}: ${sentence}">${id}</a>`;
    });
    return `\u0000${chips.join('')}${others.length ? ` (${others.join(', ')})` : ''}\u0001`;
  })
    .split(/(\u0000[^\u0001]*\u0001)/)
    .map((piece) => (piece.startsWith('\u0000') ? piece.slice(1, -1) : escape(piece)))
    .join('');
}

const icon = (path) =>
  `<svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="${path}"></path></svg>`;

const HEADER = `<a href="#main" class="skip-link">Skip to content</a><header class="site-header"><a href="#/" class="brand"><svg class="brand-mark" viewBox="0 0 64 64" aria-hidden="true" focusable="false"><rect width="64" height="64" rx="14" fill="#0b6e69"></rect><g fill="#ffffff"><rect x="10" y="24" width="10" height="16" rx="2"></rect><rect x="23" y="24" width="10" height="16" rx="2"></rect><rect x="36" y="24" width="10" height="16" rx="2" opacity="0.45"></rect></g><path d="M50 20v24" stroke="#fdba74" stroke-width="4" stroke-linecap="round"></path></svg><span class="brand-name">Kafka Delivery Lab</span></a><nav aria-label="Main"><a href="#/" aria-current="page">Course</a><a href="#/sandbox">Sandbox</a><a href="#/glossary">Glossary</a><button aria-label="Colour theme: system. Change theme" class="theme-toggle">Theme: system</button></nav></header>`;
const FOOTER = `<footer class="site-footer"><p>Kafka Delivery Lab — a model of Apache Kafka's delivery guarantees. Works offline once loaded.</p></footer>`;

function narration(entry) {
  return (
    '<div class="lesson-narration">' +
    (entry.claim ? `<aside class="claim" aria-label="A common claim"><strong>A common claim: </strong>${escape(entry.claim)}</aside>` : '') +
    `<p class="narration">${prose(entry.say)}</p>` +
    (entry.hint ? `<details class="hint"><summary>Hint</summary><p>${prose(entry.hint)}</p></details>` : '') +
    '</div>'
  );
}

/** What the first screen needs of a lesson: its head, its chapters, and what it says where each opens. */
function firstScreen(lesson) {
  const head = `<header class="lab-head"><p class="breadcrumb"><a href="#/">Course</a> /</p><h1 id="lesson-title">${escape(lesson.title)}</h1><p class="lead">${escape(lesson.summary)}</p></header>`;
  return {
    head,
    steps: lesson.scenario.steps.length,
    chapters: lesson.chapters.map((chapter, index) =>
      [chapter.end, `<p class="chapter-line"><span class="chapter-count">Chapter ${index + 1} of ${lesson.chapters.length}</span> · ${escape(chapter.title)}</p>`]),
    // What the lesson says where a lesson or a chapter opens (the app's `shown_entry`: the latest entry).
    said: Object.fromEntries(
      [0, ...lesson.chapters.slice(0, -1).map((chapter) => chapter.end)].flatMap((step) => {
        const entry = lesson.script.filter((e) => e.at <= step).pop();
        return entry ? [[step, narration(entry)]] : [];
      }),
    ),
  };
}

// Runs in the page, before the program: draws the lesson the address names at the step it names, with the
// lesson's words where it or a chapter opens. The model's own sentences for a step wait for the program.
function draw(pages, header, footer, icons) {
  var hash = location.hash;
  var match = /^#\/lesson\/([\w-]+)(?:\/(step|chapter)\/(\d+))?(?:[/?]|$)/.exec(hash);
  var page = match && pages[match[1]];
  if (!page) return;
  var number = match[3] ? Number(match[3]) : 0;
  var chapter = match[2] === 'chapter' ? page.chapters[number - 1] : null;
  if (match[2] === 'chapter' && !chapter) return;
  var step = chapter ? (number > 1 ? page.chapters[number - 2][0] : 0) : number;
  if (step > page.steps) return;
  var line = page.chapters.filter(function (c) { return step <= c[0]; })[0] || page.chapters[page.chapters.length - 1];
  var said = page.said[step] || '';
  var now = step === 0 ? '<p class="now-label">The start: nothing has happened yet. Step forward to begin.</p>' : '';
  var button = function (label, title, icon, off, kind) {
    return '<button' + (kind ? ' class="' + kind + '"' : '') + ' aria-label="' + label + '" title="' + title + '"' + (off ? ' disabled' : '') + '>' + icon + '</button>';
  };
  var bar = '<div role="toolbar" aria-label="Timeline" class="timeline-bar">' +
    button('Reset to the start', 'Reset (Home)', icons[0], true) +
    button('Step back', 'Step back (←)', icons[1], true) +
    button('Play', 'Play or pause (space)', icons[2], true, 'play') +
    button('Step forward', 'Step forward (→)', icons[3], true) +
    button('Go to the last step', 'Last step (End)', icons[4], true) +
    '<label class="scrubber"><span class="visually-hidden">Step</span><input type="range" min="0" max="' + page.steps + '" value="' + step + '" disabled></label>' +
    '<span aria-hidden="true" class="step-count">step ' + step + ' / ' + page.steps + '</span>' +
    '<label class="speed">speed <select disabled><option>2×</option></select></label>' +
    '<button class="keys" aria-label="Keyboard keys" title="Keys (?)" disabled>?</button></div>';
  var embedded = /(^|[?&])embed=1(&|$)/.test(location.search.slice(1)) || /[?&]embed=1(&|$)/.test(hash);
  document.getElementById('app').innerHTML =
    '<div class="app' + (embedded ? ' embed' : '') + '" data-first-screen="">' + header +
    '<main id="main" tabindex="-1"><article aria-labelledby="lesson-title" class="lesson">' + page.head +
    '<section aria-label="Player" class="player lab with-lesson"><section aria-label="Stage" tabindex="0" class="lab-stage"></section>' +
    '<section aria-label="What just happened" tabindex="0" class="lab-now">' + line[1] + said +
    '<div aria-live="polite" aria-atomic="true" class="now">' + now + '</div></section>' +
    '<section aria-label="Question and goal" tabindex="0" class="lab-ask"></section>' + bar +
    '</section></article></main>' + footer + '</div>';
}

const pages = Object.fromEntries(lessons.map((lesson) => [lesson.id, firstScreen(lesson)]));
const icons = ['M6 5v14M19 5l-9 7 9 7z', 'M16 5l-9 7 9 7z', 'M8 5l11 7-11 7z', 'M8 5l9 7-9 7z', 'M18 5v14M5 5l9 7-9 7z'].map(icon);
// `<` escaped, so no text in the data can close the script.
const data = (value) => JSON.stringify(value).replace(/</g, '\\u003c');
const script = `(${draw.toString()})(${data(pages)}, ${data(HEADER)}, ${data(FOOTER)}, ${data(icons)});`;

const index = join(staging, 'index.html');
const html = readFileSync(index, 'utf8');
const marker = /<script id="first-screen">[\s\S]*?<\/script>/;
if (!marker.test(html)) {
  console.error('prerender-lessons: index.html no longer has the <script id="first-screen"> to fill in');
  process.exit(1);
}
writeFileSync(index, html.replace(marker, () => `<script id="first-screen">${script}</script>`));
console.log(`prerender-lessons: ${lessons.length} lessons, ${(script.length / 1000).toFixed(1)} kB of script`);

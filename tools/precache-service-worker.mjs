// Trunk post-build hook: fills the service worker with the list of built files and a version derived from
// their contents, so a visit caches every file and a new build replaces the old cache.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { filesUnder, stagingDir } from './trunk-staging.mjs';

const staging = stagingDir('precache-service-worker');

const worker = join(staging, 'sw.js');
const files = filesUnder(staging)
  .filter((path) => path !== worker)
  .map((path) => relative(staging, path).split(sep).join('/'))
  .sort();

const hash = createHash('sha256');
for (const file of files) {
  hash.update(file);
  hash.update(readFileSync(join(staging, file)));
}
const version = hash.digest('hex').slice(0, 16);

const source = readFileSync(worker, 'utf8')
  .replace(/^const VERSION = .*;$/m, `const VERSION = '${version}';`)
  .replace(/^const FILES = .*;$/m, `const FILES = ${JSON.stringify(['./', ...files])};`);
if (!source.includes(version)) {
  console.error('precache-service-worker: sw.js no longer has the VERSION and FILES lines to fill in');
  process.exit(1);
}
writeFileSync(worker, source);
console.log(`precache-service-worker: ${files.length} files, version ${version}`);

// Trunk post-build hook, after the service worker's: writes a .br and a .gz beside each text and wasm file of
// the build, so any static host that serves precompressed files (nginx's gzip_static and brotli_static,
// Caddy's precompressed, `./x serve`) sends the smallest, compressed once at build time at the best level.
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { filesUnder, stagingDir } from './trunk-staging.mjs';

const staging = stagingDir('compress-site');

const COMPRESSIBLE = /\.(html|js|wasm|css|svg|json|webmanifest)$/;

let raw = 0;
let brotli = 0;
for (const file of filesUnder(staging).filter((path) => COMPRESSIBLE.test(path))) {
  const bytes = readFileSync(file);
  const br = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  raw += bytes.length;
  brotli += br.length;
}
console.log(`compress-site: ${(raw / 1000).toFixed(1)} kB, ${(brotli / 1000).toFixed(1)} kB as brotli`);

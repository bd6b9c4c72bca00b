// Serves a built site as a static host that keeps precompressed files would: each file as its .br or .gz
// beside it (tools/compress-site.mjs writes them) when the browser accepts that encoding, else as it is.
//   node tools/serve-site.mjs <dir> [port]      (./x serve: dist on 127.0.0.1:8080)
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** Serves `dir` at `prefix` on 127.0.0.1 (`port` 0: any free one); `compressed: false` serves every file as
 * it is. `stop()` also cuts open connections, so the port is free again at once. */
export async function serveSite(dir, { prefix = '/', port = 0, compressed = true } = {}) {
  const root = resolve(dir);
  const sockets = new Set();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) return response.writeHead(404).end('outside the site');
    let file = normalize(join(root, path.slice(prefix.length)));
    if (!file.startsWith(root)) return response.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return response.writeHead(404).end('not found');
    const headers = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      vary: 'accept-encoding',
    };
    const accepted = compressed ? String(request.headers['accept-encoding'] ?? '') : '';
    const encoding = [['br', '.br'], ['gzip', '.gz']].find(
      ([name, suffix]) => accepted.includes(name) && existsSync(file + suffix),
    );
    if (encoding) headers['content-encoding'] = encoding[0];
    response.writeHead(200, headers).end(readFileSync(encoding ? file + encoding[1] : file));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}${prefix}`,
    port: server.address().port,
    stop: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(done);
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, port] = process.argv.slice(2);
  if (!dir || !existsSync(join(dir, 'index.html'))) {
    console.error(`serve-site: ${dir ?? '(no folder given)'} holds no built site (index.html); build it with trunk first`);
    process.exit(2);
  }
  const site = await serveSite(dir, { port: Number(port ?? 8080) });
  console.log(`Serving ${dir} at ${site.url} (Ctrl-C stops)`);
}

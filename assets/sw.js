// Keeps the course available offline. The build writes VERSION and FILES (tools/precache-service-worker.mjs);
// a new build has a new VERSION, installs its own cache and deletes the old one.
const VERSION = 'development';
const FILES = [];

const SCOPE = self.registration.scope;
const CACHE_PREFIX = `kafka-delivery-lab:${SCOPE}:`;
const CACHE = CACHE_PREFIX + VERSION;
const INDEX = new URL('index.html', SCOPE).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map((file) => new URL(file, SCOPE).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  if (request.mode === 'navigate') {
    // Pages: the network first, so a new build shows at once; the cached shell when offline.
    event.respondWith(
      fetch(request).catch(() => caches.match(INDEX, { cacheName: CACHE })),
    );
    return;
  }
  // Built files carry a content hash in their names, so a cached copy is always the right one.
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

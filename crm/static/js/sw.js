// Magnet's service worker: keeps the visit form, 我的待办 and their files on the phone, so visits can be logged,
// and follow-ups marked done, offline.
// Served at /sw.js by crm/offline/views.py, which writes the version below from the static files' contents,
// so any change to them makes phones install this worker anew and drop the old cache.
// Pages: network first, the cached copy when offline. Static files: cache first. The API: never cached.
"use strict";

const VERSION = "__SHELL_VERSION__";
const CACHE_PREFIX = "magnet-shell-";
const CACHE = CACHE_PREFIX + VERSION;
const PAGES = ["/visits/new", "/visits/follow-ups"];
const ASSETS = [
  "/static/vendor/pico/pico.min.css",
  "/static/css/app.css",
  "/static/css/print.css",
  "/static/css/visits.css",
  "/static/js/app.js",
  "/static/js/date-input.js",
  "/static/js/follow-ups.js",
  "/static/js/messages.js",
  "/static/js/outbox.js",
  "/static/js/outbox-send.js",
  "/static/js/outbox-view.js",
  "/static/js/visit-form.js",
  "/static/favicon.svg",
  "/manifest.webmanifest",
];
const SHELL = [...PAGES, ...ASSETS];
const NETWORK_WAIT_MS = 8000; // on a weak signal, show the cached page rather than a blank screen
const GATEWAY_ERRORS = new Set([502, 503, 504]); // the server is unreachable behind its proxy
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
  + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

function cacheable(response) {
  // A redirect here is the sign-in page: never keep it in a page's place.
  return response.ok && response.type === "basic" && !response.redirected;
}

async function keep(cache, url) {
  try {
    const response = await fetch(new Request(url, { cache: "no-cache", credentials: "same-origin" }));
    if (cacheable(response)) await cache.put(url, response);
  } catch {
    // One file that fails (a page this role may not open, a dropped connection) must not stop the rest.
  }
}

async function precache(urls, onlyMissing) {
  const cache = await caches.open(CACHE);
  await Promise.all(urls.map(async (url) => {
    if (onlyMissing && await cache.match(url)) return;
    await keep(cache, url);
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache(SHELL, false).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// A signed-in page asks for the shell (emptied at sign-out) and its own static files to be kept,
// and for the pages anew when another person signed in on this phone.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache-shell") return;
  const extra = (Array.isArray(event.data.urls) ? event.data.urls : [])
    .map((href) => new URL(href, self.location.origin))
    .filter((url) => url.origin === self.location.origin && url.pathname.startsWith("/static/") && !url.search)
    .map((url) => url.pathname);
  const missing = precache([...new Set([...SHELL, ...extra])], true);
  event.waitUntil(event.data.refreshPages ? Promise.all([missing, precache(PAGES, false)]) : missing);
});

function cached(key) {
  return caches.match(key, { cacheName: CACHE }); // caches.open would bring back a cache emptied at sign-out
}

async function cachedPage(url) {
  return (await cached(url.pathname + url.search)) || (PAGES.includes(url.pathname) ? cached(url.pathname) : undefined);
}

async function refresh(key, response) {
  // Only into a cache that exists: after sign-out it is gone, and the sign-in page must not bring it back.
  try {
    if (await caches.has(CACHE)) await (await caches.open(CACHE)).put(key, response);
  } catch {
    // storage full: the response is still used
  }
}

async function fetchPage(request, url) {
  const response = await fetch(request);
  if (PAGES.includes(url.pathname) && !url.search && cacheable(response)) await refresh(url.pathname, response.clone());
  return response;
}

function offlinePage() {
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>当前离线 · 招商通</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/vendor/pico/pico.min.css"><link rel="stylesheet" href="/static/css/app.css">
</head><body><main class="container">
<h1>当前离线</h1>
<p>此页面没有保存在本机，请联网后再打开。拜访记录可以离线填写，联网后自动发送。</p>
<p lang="en">You are offline and this page is not kept on the device. Visits can still be logged offline.</p>
<p><a href="/visits/new">登记拜访 · Log visit</a></p>
</main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP, "Cache-Control": "no-store",
    },
  });
}

async function page(request) {
  const url = new URL(request.url);
  const network = fetchPage(request, url);
  const fallback = await cachedPage(url);
  if (!fallback) {
    try {
      return await network;
    } catch {
      return offlinePage();
    }
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), NETWORK_WAIT_MS);
    network.then((response) => {
      clearTimeout(timer);
      resolve(GATEWAY_ERRORS.has(response.status) ? fallback : response);
    }, () => {
      clearTimeout(timer);
      resolve(fallback);
    });
  });
}

async function asset(request) {
  return (await cached(request)) || fetch(request);
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (cacheable(response)) await refresh(new URL(request.url).pathname, response.clone());
    return response;
  } catch (error) {
    const copy = await cached(new URL(request.url).pathname);
    if (copy) return copy;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return; // always the network
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(networkFirst(request)); // the manifest
  }
});

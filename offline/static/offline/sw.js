/* Frontline's service worker: pages from the network, and when there is none, the copy
   the member kept (offline/static/offline/kit.js fills the cache deliberately; nothing
   is stored here on the way past). Served from /sw.js so its scope is the whole site.

   One cache per signed-in user, "frontline-kit-v1-u<id>"; kit.js deletes it at sign-out,
   when another person signs in, and when the server says the person's access changed. */
"use strict";

const PREFIX = "frontline-kit-v1-u";
const NEVER_FROM_CACHE = ["/offline/api/", "/sw.js", "/accounts/", "/admin/", "/api/"];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Caches of an older layout of this worker are dropped.
      for (const name of await caches.keys()) {
        if (name.startsWith("frontline-kit-") && !name.startsWith(PREFIX)) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

// A page that loaded while this worker was still installing asks to be taken over.
self.addEventListener("message", (event) => {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

async function kitCache() {
  const names = (await caches.keys()).filter((n) => n.startsWith(PREFIX));
  return names.length === 1 ? caches.open(names[0]) : null;
}

async function marked(response, kind) {
  // The page's script reads this mark to show the banner "Offline — this copy was valid as of ...".
  const html = await response.text();
  const body = html.replace("<body", `<body data-offline-copy="${kind}"`);
  return new Response(body, {
    status: 200,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

async function fromKit(request) {
  const cache = await kitCache();
  if (!cache) return null;
  const url = new URL(request.url);
  const hit = await cache.match(url.pathname + url.search, { ignoreVary: true });
  if (hit) return request.mode === "navigate" ? marked(hit, "copy") : hit;
  if (request.mode !== "navigate") return null;
  // Search offline runs over the kit on the kit page; anything else says it is not kept.
  const fallback = url.pathname.startsWith("/search/") ? "/offline/" : "/offline/not-kept/";
  const page = await cache.match(fallback, { ignoreVary: true });
  return page ? marked(page, fallback === "/offline/" ? "search" : "missing") : null;
}

async function networkThenKit(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await fromKit(request);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER_FROM_CACHE.some((p) => url.pathname.startsWith(p))) return;
  event.respondWith(networkThenKit(request));
});

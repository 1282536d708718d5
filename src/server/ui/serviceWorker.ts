/**
 * The service worker behind offline reading, served as /sw.js so its scope is the whole app.
 * Pages come from the network first, so an online reader never sees a stale river; the
 * river and article pages a reader saw, and the articles listed on the river page they last
 * opened, are kept (at most PAGE_LIMIT) for when the network is gone. Sign-in, set-up and
 * account pages are never kept, and signing out empties the cache (the server also sends
 * Clear-Site-Data), so the next person on the device cannot read the last one's river.
 * Prefetches carry `x-tidings-prefetch: 1`, which tells the server not to mark the article read.
 */
import { createHash } from 'node:crypto';
import { ASSETS } from './assets.js';

const assetUrls = [ASSETS.css.href, ASSETS.js.href, '/static/icon.svg', '/manifest.webmanifest'];
/** The asset URLs carry content hashes: a new set of them is a new static cache, the old one is dropped. */
const version = createHash('sha256').update(assetUrls.join(' ')).digest('hex').slice(0, 12);

export const SERVICE_WORKER = `'use strict';
const STATIC = 'tidings-static-${version}';
const PAGES = 'tidings-pages';
const PAGE_LIMIT = 300;
const ASSETS = ${JSON.stringify(assetUrls)};
const keepable = (url) => url.origin === location.origin && (url.pathname === '/' || /^\\/articles\\/\\d+$/.test(url.pathname));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(STATIC).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tidings-static-') && k !== STATIC).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function trim() {
  const cache = await caches.open(PAGES);
  const keys = await cache.keys();
  // Cache keys come back in insertion order: drop the oldest.
  for (const req of keys.slice(0, Math.max(0, keys.length - PAGE_LIMIT))) await cache.delete(req);
}

async function keep(cache, request, response) {
  if (!response.ok || response.redirected || response.type !== 'basic') return;
  await cache.put(request, response);
}

const OFFLINE_NOTE = '<p class="offline-note" role="status">You are offline: this is a saved copy.</p>';

async function savedCopy(request) {
  const hit = await caches.match(request, { cacheName: PAGES, ignoreVary: true });
  if (!hit) {
    return new Response('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · Tidings</title><link rel="stylesheet" href="${ASSETS.css.href}"></head><body><main><h1>You are offline</h1><p>This page was not saved for reading offline. Articles of the last river page you opened are; go <a href="/">back to the river</a>.</p></main></body></html>',
      { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
  const body = (await hit.text()).replace('<main', OFFLINE_NOTE + '<main');
  return new Response(body, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (ASSETS.includes(url.pathname)) {
    // Hashed names never change content; the icon and manifest are refreshed behind the copy.
    event.respondWith(caches.open(STATIC).then(async (cache) => {
      const hit = await cache.match(request);
      const fresh = fetch(request).then((r) => { if (r.ok) void cache.put(request, r.clone()); return r; });
      if (hit) { event.waitUntil(fresh.catch(() => undefined)); return hit; }
      return fresh;
    }));
    return;
  }
  if (request.mode !== 'navigate') return;
  event.respondWith(fetch(request).then((response) => {
    if (keepable(url)) event.waitUntil(caches.open(PAGES).then((cache) => keep(cache, request, response.clone())).then(trim));
    return response;
  }, () => savedCopy(request)));
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'forget') {
    event.waitUntil(caches.delete(PAGES));
  } else if (data.type === 'save' && Array.isArray(data.urls)) {
    event.waitUntil((async () => {
      const cache = await caches.open(PAGES);
      for (const raw of data.urls.slice(0, 50)) {
        const url = new URL(raw, location.origin);
        if (!keepable(url) || (await cache.match(url.href))) continue;
        try {
          const response = await fetch(url.href, { credentials: 'same-origin', headers: { 'x-tidings-prefetch': '1' } });
          await keep(cache, new Request(url.href), response);
        } catch {
          break; // offline again: try with the next river page
        }
      }
      await trim();
    })());
  }
});
`;

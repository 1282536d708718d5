import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { Fetcher } from '../fetch/fetcher.js';
import { newSecret } from '../accounts/tokens.js';
import { asTidingsError } from '../model/errors.js';

/**
 * Optional image proxy (TIDINGS_IMAGE_PROXY=true): article images load from this server
 * through signed URLs, so the reader's browser never contacts publishers' image hosts.
 * Only URLs Tidings itself signed are fetched (no open proxy), through the same guarded
 * fetcher as everything else, and only image responses (favicons too) are passed on.
 */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export async function proxyKey(store: Store): Promise<string> {
  let key = await store.getSetting('image_proxy_key');
  if (!key) {
    key = newSecret();
    await store.setSetting('image_proxy_key', key);
  }
  return key;
}

export function signImageUrl(key: string, url: string): string {
  const sig = createHmac('sha256', key).update(url).digest('base64url').slice(0, 32);
  return `/img?u=${encodeURIComponent(url)}&s=${sig}`;
}

/** Rewrites the src/srcset of article images to signed proxy URLs. */
export function proxyImages(html: string, key: string): string {
  return html
    .replace(/(<img\b[^>]*?\bsrc=")(https?:[^"]+)(")/g, (_m, a: string, url: string, b: string) => `${a}${signImageUrl(key, url.replace(/&amp;/g, '&')).replace(/&/g, '&amp;')}${b}`)
    .replace(/\bsrcset="[^"]*"/g, '');
}

export function registerImageProxy(app: FastifyInstance, opts: { store: Store; fetcher: Fetcher }): void {
  app.get<{ Querystring: { u?: string; s?: string } }>('/img', async (req, reply) => {
    const url = req.query.u ?? '';
    const key = await proxyKey(opts.store);
    const expected = createHmac('sha256', key).update(url).digest('base64url').slice(0, 32);
    const given = req.query.s ?? '';
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return reply.code(403).send('unsigned image URL');
    try {
      const res = await opts.fetcher.fetch(url, { accept: 'image/avif,image/webp,image/*;q=0.8' });
      const type = (res.contentType ?? '').split(';')[0]!.trim().toLowerCase();
      if (!/^image\/(?:png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)$/.test(type) || res.bytes.length > MAX_IMAGE_BYTES) return reply.code(415).send('not an image');
      return reply.type(type).header('cache-control', 'public, max-age=86400').header('x-content-type-options', 'nosniff').send(res.bytes);
    } catch (err) {
      req.failure = err;
      return reply.code(502).send(`image unavailable: ${asTidingsError(err).code}`);
    }
  });
}

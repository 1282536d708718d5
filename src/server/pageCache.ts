import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { LruMap } from '../model/lruMap.js';

/**
 * Pages rendered once per change. A reader's version (the newest article, revision and
 * deletion, the reader's own read/starred/subscription count from the database, so workers'
 * and other processes' writes count; and this process's own writes) forms a weak ETag: a
 * browser that has the page gets 304, and a small LRU answers anyone else asking again with
 * the same credentials. Wraps whatever the views render: it only sees URLs and payloads.
 * A kept page is compressed once, when kept: writing 43 KB to each client cost more than
 * the rest of the answer, and every browser takes gzip.
 */

/** Pages and API lists worth keeping; every other answer passes through untouched. */
const CACHED_PATHS = [/^\/$/, /^\/articles\/\d+$/, /^\/search$/, /^\/api\/v1\/(?:articles|search|feeds|folders)$/];

/**
 * Each page kept is compressed as it is rendered, even one never asked for again: on the
 * 43 KB river level 4 took ~150 µs for 5.5 KB, level 6 (zlib's default) ~350 µs for
 * 5.4 KB, level 3 ~120 µs for 5.8 KB.
 */
const GZIP_LEVEL = 4;

/** Relative times ("5 minutes ago") age: no page is kept longer than this. */
const FRESH_MS = 60_000;

export interface PageCacheOptions {
  store: Pick<Store, 'readerVersion'>;
  now: () => Date;
  /** Pages kept (least recently used leave first). */
  entries?: number;
  /** Pages larger than this are served but not kept. */
  maxPageBytes?: number;
}

interface Kept {
  version: string;
  etag: string;
  body: Buffer;
  gzipped: Buffer;
  contentType: string;
}

interface Pending {
  key: string;
  userId: number;
  version: string;
  hit: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    pageCache: Pending | null;
  }
}

/** A preHandler (after auth: nothing is answered before credentials are checked) and an onSend. */
export function registerPageCache(app: FastifyInstance, opts: PageCacheOptions): void {
  const pages = new LruMap<string, Kept>(opts.entries ?? 500);
  const maxBytes = opts.maxPageBytes ?? 512 * 1024;
  // Per process: a restart (perhaps new code rendering differently) never answers 304 to an old page.
  const nonce = crypto.randomBytes(8).toString('hex');
  let writes = 0;
  const versionOf = async (userId: number) =>
    `${nonce}.${writes}.${Math.floor(opts.now().getTime() / FRESH_MS)}.${await opts.store.readerVersion(userId)}`;

  app.decorateRequest('pageCache', null);
  app.addHook('onResponse', async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') writes++;
  });

  app.addHook('preHandler', async (req, reply) => {
    const userId = cacheableBy(req);
    if (userId === null) return;
    const key = keyOf(req);
    const version = await versionOf(userId);
    req.pageCache = { key, userId, version, hit: false };
    const kept = pages.get(key);
    const current = kept?.version === version ? kept : null;
    // The ETag is hashed once per kept page, not per request.
    const etag = current?.etag ?? etagOf(key, version);
    if (matches(req.headers['if-none-match'], etag)) {
      req.pageCache.hit = true;
      return answer(reply.code(304), etag).send();
    }
    if (!current) return;
    req.pageCache.hit = true;
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    if (gzip) reply.header('content-encoding', 'gzip');
    return answer(reply, etag).type(current.contentType).send(gzip ? current.gzipped : current.body);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const pending = req.pageCache;
    if (!pending || pending.hit || !keepable(reply, payload, maxBytes)) return payload;
    // The handler may have changed the reader's own state (opening an article marks it
    // read): the page shows that state. Any other change meanwhile makes it unsure: not kept.
    const after = await versionOf(pending.userId);
    if (contentPart(after) !== contentPart(pending.version)) return payload;
    const etag = etagOf(pending.key, after);
    answer(reply, etag);
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    if (after !== pending.version) {
      // The answer moved the reader's own version (opening an unread article): the same URL
      // is rarely asked again before the next change, so it is not kept, and compressed only
      // for a client that takes gzip. Its ETag still stands for a later conditional GET.
      if (!gzip) return payload;
      reply.header('content-encoding', 'gzip');
      return zlib.gzipSync(payload, { level: GZIP_LEVEL });
    }
    const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    const gzipped = zlib.gzipSync(body, { level: GZIP_LEVEL });
    pages.set(pending.key, { version: after, etag, body, gzipped, contentType: String(reply.getHeader('content-type') ?? '') });
    if (!gzip) return body;
    reply.header('content-encoding', 'gzip');
    return gzipped;
  });
}

/** What every answer of a kept page carries, 304s included: they may differ in encoding only. */
function answer(reply: FastifyReply, etag: string): FastifyReply {
  return reply.header('etag', etag).header('cache-control', REVALIDATE).header('vary', 'accept-encoding');
}

/** Whether the client takes gzip: `gzip;q=0` and `identity` refuse it, `*` takes it unless gzip is named. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const weight = params.find((p) => p.startsWith('q='));
    const q = weight === undefined ? 1 : Number(weight.slice(2));
    if (coding === 'gzip' || coding === 'x-gzip') gzip = q;
    else if (coding === '*') any = q;
  }
  return (gzip ?? any ?? 0) > 0;
}

/**
 * Private pages are never stored by browsers or proxies (signIn.test.ts holds to it): the
 * ETag serves clients that keep answers themselves, the LRU everyone.
 */
const REVALIDATE = 'no-store';

/** The reader a GET of a cached path is for, or null when the answer is not kept. */
function cacheableBy(req: FastifyRequest): number | null {
  if (req.method !== 'GET') return null;
  const path = req.url.split('?')[0]!;
  if (!CACHED_PATHS.some((re) => re.test(path))) return null;
  // A waiting flash message (server/flash.ts) is shown once: that page is neither kept nor replaced.
  if (req.session?.flash) return null;
  return req.session?.user.id ?? req.apiUser?.id ?? null;
}

/**
 * Everything the answer may depend on besides the data: the URL and every credential
 * (each session has its own form token; a cookie may carry a secret to show), and whether
 * a browser saves the page ahead (which does not mark it read). Never shared across them.
 * Headers hold no line breaks, so the joined parts are distinct; they are kept as they are
 * (a Map hashes a string cheaply) and leave this process only hashed, in the ETag.
 */
function keyOf(req: FastifyRequest): string {
  return `${req.url}\n${req.headers.cookie ?? ''}\n${req.headers.authorization ?? ''}\n${req.headers['x-tidings-prefetch'] ?? ''}`;
}

function etagOf(key: string, version: string): string {
  return `W/"${crypto.createHash('sha256').update(`${key}\n${version}`).digest('base64url').slice(0, 32)}"`;
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

/** The part of a version other readers' and processes' writes move (readers.ts: before the colon). */
function contentPart(version: string): string {
  return version.slice(0, version.lastIndexOf(':'));
}

/** A complete 200 the handler did not mark private to this answer (no-store, a cookie set). */
function keepable(reply: FastifyReply, payload: unknown, maxBytes: number): payload is string | Buffer {
  if (reply.statusCode !== 200 || reply.hasHeader('cache-control') || reply.hasHeader('set-cookie')) return false;
  if (typeof payload === 'string') return payload.length <= maxBytes;
  return Buffer.isBuffer(payload) && payload.length <= maxBytes;
}

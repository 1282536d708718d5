/**
 * Reader latency at scale: a SQLite store filled with N synthetic articles, `tidings serve`
 * in its own process, and a load generator here (undici, fixed concurrency, loopback)
 * timing the river (first page and deep keyset page), the article page and search. Like a
 * browser, the client says it takes gzip (the body is not unpacked: that is the browser's time).
 * Reports p50/p99 per endpoint; used by `npm run bench` (BENCH_ARTICLES=100000,1000000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Pool } from 'undici';
import { openSqliteStore } from '../src/store/sqlite/openSqlite.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { formatIso as iso } from '../src/text/dates.js';
import { startServe } from './serveProcess.js';
import type { Store } from '../src/store/store.js';

const WORDS = ('harbour ferry council budget quay storm bridge lighthouse fishing market school hospital election minister river ' +
  'train airport museum festival football weather energy housing police court climate university water forest mountain').split(' ');

/** News-like words from a fixed seed: the same text on every run. */
export function newsWords(seed: number): { word: () => string; sentence: () => string } {
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const word = () => WORDS[Math.floor(rnd() * WORDS.length)]!;
  return { word, sentence: () => Array.from({ length: 12 }, word).join(' ') };
}

/** The bench reader, following one feed, with a session: what every store gets before its articles. */
export async function seedReader(store: Store): Promise<{ cookie: string; feedId: number }> {
  const now = iso(Date.now());
  const { feed } = await store.addFeed({ url: 'https://bench.example/feed.xml', siteUrl: 'https://bench.example/', title: 'Bench', section: 'World', sourceName: 'Bench Times', sourceNameFrom: 'site', sourceHomepage: 'https://bench.example/', sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now });
  const user = await store.createUser({ name: 'bench', passwordHash: 'x', isAdmin: true, now });
  await store.subscribeUser(user.id, feed.id, null, now);
  const token = newSecret();
  await store.createSession({ userId: user.id, tokenHash: secretHash(token), csrfToken: newSecret(18), now, expiresAt: '2099-01-01T00:00:00Z' });
  return { cookie: `tidings_session=${token}`, feedId: feed.id };
}

const ARTICLES_START = Date.parse('2020-01-01T00:00:00Z');

/** Article i of the bench store: the same words on every store, so searches find the same rows. */
export function benchArticle(i: number, words: ReturnType<typeof newsWords>): { url: string; urlKey: string; title: string; text: string; at: string } {
  const url = `https://bench.example/a/${i}`;
  const title = `${words.word()} ${words.word()} ${words.word()} report ${i}`;
  const text = `${words.sentence()}. ${words.sentence()}.\n\n${words.sentence()}. ${words.sentence()}.`;
  return { url, urlKey: `bench.example/a/${i}`, title, text, at: iso(ARTICLES_START + i * 60_000) };
}

export async function fillStore(dbPath: string, n: number): Promise<{ cookie: string }> {
  const store = await openSqliteStore(dbPath);
  const { cookie, feedId } = await seedReader(store);
  await store.close();
  // Bulk rows straight through SQLite: the point is the read path, not the ingest path.
  const db = new BetterSqlite3(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insArticle = db.prepare(`insert into article (source_id, guid, url, canonical_url, url_key, title, byline, published_at, publisher_updated_at, changed_at, first_seen_at, text, html, lead_image_url, lang, word_count, content_hash, feed_hash, extract_status, extract_error, next_recheck_at)
    values (?, null, ?, ?, ?, ?, null, ?, null, null, ?, ?, ?, null, 'en', 60, ?, null, 'ok', null, null)`);
  const insLink = db.prepare('insert into article_feed (article_id, feed_id, guid, link_key, first_seen_at) values (?, ?, null, ?, ?)');
  const words = newsWords(42);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const a = benchArticle(i, words);
      const r = insArticle.run(1, a.url, a.url, a.urlKey, a.title, a.at, a.at, a.text, `<p>${a.text}</p>`, `h${i}`);
      insLink.run(Number(r.lastInsertRowid), feedId, a.urlKey, a.at);
    }
  });
  for (let i = 0; i < n; i += 20_000) batch(i, Math.min(n, i + 20_000));
  db.close();
  return { cookie };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

export interface LatencyRow {
  store?: LatencyStore;
  articles: number;
  endpoint: string;
  requests: number;
  p50: number;
  p99: number;
  reqPerS: number;
  /** CPU time of the serve process (every thread) per request, in µs; NaN where /proc is missing. */
  cpuUsPerRequest: number;
}

/** A signed-in reader's view of a store of n articles, served by its own `tidings serve`. */
export interface ReaderServer {
  origin: string;
  cookie: string;
  /** CPU time the serve process has used so far, in ms (Linux); NaN elsewhere. */
  cpuMs(): number;
  close(): Promise<void>;
}

/** Where the reader's articles live: a fresh SQLite file, or a fresh PostgreSQL database (bench/postgresArticles.ts). */
export type LatencyStore = 'sqlite' | 'postgres';

export async function startReaderServer(n: number, storeKind: LatencyStore = 'sqlite'): Promise<ReaderServer> {
  if (storeKind === 'postgres') {
    const { scratchPostgres } = await import('./postgresArticles.js');
    const template = await keptPostgres(n);
    const db = await scratchPostgres('latency', template?.name);
    try {
      const { cookie } = template ?? (await (await import('./postgresArticles.js')).fillPostgres(db.url, n));
      const serve = await startServe('', { databaseUrl: db.url });
      return { origin: serve.origin, cookie, cpuMs: serve.cpuMs, close: async () => { await serve.stop(); await db.drop(); } };
    } catch (err) {
      await db.drop();
      throw err;
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-latency-'));
  const dbPath = path.join(dir, 'bench.db');
  const { cookie } = await keptSqlite(dbPath, n);
  const serve = await startServe(dbPath);
  return {
    origin: serve.origin,
    cookie,
    cpuMs: serve.cpuMs,
    async close() {
      await serve.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * BENCH_KEEP_ARTICLES=DIR fills each size once and reuses it (a million articles take many
 * minutes to write): a SQLite file there, copied for each run; a PostgreSQL template
 * database, cloned. A kept store of an older schema is migrated by `serve` on each run.
 */
const KEEP_DIR = process.env.BENCH_KEEP_ARTICLES;

async function keptSqlite(dbPath: string, n: number): Promise<{ cookie: string }> {
  if (!KEEP_DIR) return fillStore(dbPath, n);
  const kept = path.join(KEEP_DIR, `articles-${n}.db`);
  const meta = `${kept}.json`;
  if (!fs.existsSync(meta)) {
    fs.mkdirSync(KEEP_DIR, { recursive: true });
    const filled = await fillStore(kept, n);
    fs.writeFileSync(meta, JSON.stringify(filled));
  }
  fs.copyFileSync(kept, dbPath);
  return JSON.parse(fs.readFileSync(meta, 'utf8')) as { cookie: string };
}

/** The kept template database of n articles (filled now when missing), or null without BENCH_KEEP_ARTICLES. */
async function keptPostgres(n: number): Promise<{ name: string; cookie: string } | null> {
  if (!KEEP_DIR) return null;
  const meta = path.join(KEEP_DIR, `articles-${n}-postgres.json`);
  if (!fs.existsSync(meta)) {
    const { scratchPostgres, fillPostgres } = await import('./postgresArticles.js');
    const db = await scratchPostgres(`articles_${n}`);
    fs.mkdirSync(KEEP_DIR, { recursive: true });
    fs.writeFileSync(meta, JSON.stringify({ name: db.name, ...(await fillPostgres(db.url, n)) }));
  }
  return JSON.parse(fs.readFileSync(meta, 'utf8')) as { name: string; cookie: string };
}

/** One measured endpoint: the next path to ask, the statuses it may answer, and headers of its own. */
interface Endpoint {
  name: string;
  path: () => string;
  accept?: number[];
  headers?: () => Record<string, string>;
  /** Sees each answer's headers (the 304 case keeps the newest ETag). */
  seen?: (headers: Record<string, string | string[] | undefined>) => void;
}

/**
 * The reader's pages as a browser asks for them. BENCH_WEB_ENDPOINTS=river,article keeps
 * only the endpoints whose names hold one of those words.
 */
function readerEndpoints(n: number): Endpoint[] {
  const deepCursor = `${iso(ARTICLES_START + Math.floor(n * 0.1) * 60_000)}_${Math.floor(n * 0.1) + 1}`;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const twoWords = () => `${WORDS[Math.floor(rnd() * WORDS.length)]}+${WORDS[Math.floor(rnd() * WORDS.length)]}`;
  // The river's ETag as a browser that has the page sends it back; a new one (each minute, as
  // relative times age) comes with a 200 and is sent from then on.
  let etag = '';
  const all: Endpoint[] = [
    { name: 'river, first page', path: () => '/' },
    {
      name: 'river, first page, 304 revalidation',
      path: () => '/',
      accept: [304, 200],
      headers: () => ({ 'if-none-match': etag }),
      seen: (h) => void (typeof h.etag === 'string' && (etag = h.etag)),
    },
    // A query the page ignores, new each time: the page cache never answers, the river is rendered.
    { name: 'river, first page, uncached', path: () => `/?n=${Math.floor(rnd() * 1e9)}` },
    { name: 'river, deep keyset page', path: () => `/?before=${encodeURIComponent(deepCursor)}` },
    { name: 'article page', path: () => `/articles/${1 + Math.floor(rnd() * n)}` },
    // What app.js asks after an opening where the list pane shows (wide screens): the walks both ways.
    { name: 'article list pane (wide screens)', path: () => `/articles/${1 + Math.floor(rnd() * n)}/list` },
    { name: 'feeds page (health, activity)', path: () => '/feeds' },
    { name: 'search', path: () => `/search?q=${twoWords()}` },
    // Every URL new, so the page cache never answers: the search itself.
    { name: 'search, uncached', path: () => `/search?q=${twoWords()}&n=${seed}` },
  ];
  const only = (process.env.BENCH_WEB_ENDPOINTS ?? '').split(',').map((w) => w.trim()).filter(Boolean);
  return only.length === 0 ? all : all.filter((e) => only.some((w) => e.name.includes(w)));
}

/** Serve CPU spent warming each endpoint before it is measured (BENCH_WARMUP_MS, as in run.ts). */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);

export async function measureLatency(n: number, requests = 1000, concurrency = 8, storeKind: LatencyStore = 'sqlite'): Promise<LatencyRow[]> {
  const server = await startReaderServer(n, storeKind);
  const pool = new Pool(server.origin, { connections: concurrency });
  const rows: LatencyRow[] = [];
  try {
    for (const endpoint of readerEndpoints(n)) {
      const ask = async (count: number, times: number[] | null) => {
        let sent = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (sent++ < count) {
              const s = performance.now();
              const res = await pool.request({ method: 'GET', path: endpoint.path(), headers: { cookie: server.cookie, 'accept-encoding': 'gzip', ...endpoint.headers?.() } });
              await res.body.text();
              if (!(endpoint.accept ?? [200]).includes(res.statusCode)) throw new Error(`${endpoint.name}: HTTP ${res.statusCode}`);
              endpoint.seen?.(res.headers);
              times?.push(performance.now() - s);
            }
          }),
        );
      };
      // Warm-up, untimed, alike for every endpoint: until serve has spent WARMUP_MS of CPU on
      // it (or 40 rounds), so compiled code is measured and not the JIT; 50 requests were not
      // enough (1,000 requests of the kept river cost 2.5x what 20,000 did).
      const warmStart = server.cpuMs();
      for (let i = 0; i < 40 && server.cpuMs() - warmStart < WARMUP_MS; i++) await ask(50, null);
      const times: number[] = [];
      const cpu0 = server.cpuMs();
      const t0 = performance.now();
      await ask(requests, times);
      const elapsed = (performance.now() - t0) / 1000;
      const cpuUsPerRequest = ((server.cpuMs() - cpu0) * 1000) / requests;
      times.sort((a, b) => a - b);
      rows.push({ store: storeKind, articles: n, endpoint: endpoint.name, requests, p50: percentile(times, 0.5), p99: percentile(times, 0.99), reqPerS: requests / elapsed, cpuUsPerRequest });
    }
  } finally {
    await pool.close();
    await server.close();
  }
  return rows;
}

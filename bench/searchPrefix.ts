/**
 * What a search costs by prefix length, on real news text: the 982 ECB+ documents repeated
 * to N articles in one feed (a vocabulary of ~14 k words, unlike the latency bench's 31),
 * stored in SQLite or PostgreSQL by the store's own migrations and write triggers.
 *
 *   node dist/bench/searchPrefix.js fill sqlite FILE N | fill postgres URL N
 *   node dist/bench/searchPrefix.js query sqlite FILE | query postgres URL
 *
 * Run from a checkout (the documents are ../shared, or BENCH_SHARED). `query` prints, per
 * query, the median wall time and this process's CPU time of 30 searches (after 3 warm-up
 * runs) through store.searchArticles, and how many hits: SQLite runs in this process, so its
 * CPU is the search's; PostgreSQL's work is in the wall time (a warm cache).
 * `npm run bench -- search` runs both stores in scratch files and databases (measureSearchPrefix).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite/openSqlite.js';
import { openPostgresStore } from '../src/store/postgres/openPostgres.js';
import type { Store } from '../src/store/store.js';
import { formatIso as iso } from '../src/text/dates.js';
import { seedReader } from './webLatency.js';
import { postgresReachable, scratchPostgres } from './postgresArticles.js';

/** The ECB+ documents under a checkout of the shared data. */
export function searchDocsPath(shared: string): string {
  return path.resolve(shared, 'datasets/ecbplus-story-clusters/ecbplus_docs.jsonl');
}

const DOCS = searchDocsPath(process.env.BENCH_SHARED ?? '../shared');
const START = Date.parse('2020-01-01T00:00:00Z');
const BATCH = 5_000;

/** 2-, 4- and 7-letter prefixes (the 7-letter ones longer than their word's stem), alone and beside words. */
export const QUERIES = ['pr*', 'pres*', 'preside*', 'ea*', 'eart*', 'earthqu*', 'po*', 'poli*', 'policem*', 'police arre*', 'killed earthqu*', '"prime minister" elec*', 'president'];

interface BenchArticle { url: string; title: string; text: string; at: string }

function articles(n: number, file: string): (i: number) => BenchArticle {
  const docs = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
  return (i) => {
    const text = docs[i % docs.length]!;
    return { url: `https://bench.example/p/${i}`, title: `${text.split(/\s+/).slice(0, 8).join(' ')} ${i}`, text, at: iso(START + (i * 60_000) % (n * 60_000)) };
  };
}

async function fillSqlite(file: string, n: number, docs: string): Promise<void> {
  const store = await openSqliteStore(file);
  const { feedId } = await seedReader(store);
  await store.close();
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  const ins = db.prepare(`insert into article (source_id, url, canonical_url, url_key, title, published_at, first_seen_at, text, html, lang, word_count, content_hash, extract_status)
    values (1, ?, ?, ?, ?, ?, ?, ?, '', 'en', 100, ?, 'ok')`);
  const link = db.prepare('insert into article_feed (article_id, feed_id, guid, link_key, first_seen_at) values (?, ?, null, ?, ?)');
  const article = articles(n, docs);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const a = article(i);
      const r = ins.run(a.url, a.url, a.url, a.title, a.at, a.at, a.text, `h${i}`);
      link.run(Number(r.lastInsertRowid), feedId, a.url, a.at);
    }
  });
  for (let i = 0; i < n; i += BATCH) batch(i, Math.min(n, i + BATCH));
  db.close();
}

async function fillPostgres(url: string, n: number, docs: string): Promise<void> {
  const store = await openPostgresStore(url);
  const { feedId } = await seedReader(store);
  await store.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const article = articles(n, docs);
  try {
    await c.query('set synchronous_commit = off');
    for (let from = 0; from < n; from += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, n - from) }, (_, k) => article(from + k));
      await c.query(
        // The links in the same batch: the unread triggers take a lock per link, too many for one statement.
        `with added as (insert into article (source_id, url, canonical_url, url_key, title, published_at, first_seen_at, text, html, lang, word_count, content_hash, extract_status)
           select 1, u, u, u, t, a, a, x, '', 'en', 100, 'h' || ($6::int + o), 'ok'
           from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) with ordinality as r(u, t, a, x, o) order by o
           returning id, url_key, first_seen_at)
         insert into article_feed (article_id, feed_id, link_key, first_seen_at) select id, $5, url_key, first_seen_at from added`,
        [rows.map((r) => r.url), rows.map((r) => r.title), rows.map((r) => r.at), rows.map((r) => r.text), feedId, from],
      );
    }
    await c.query('vacuum analyze');
  } finally {
    await c.end();
  }
}

export interface SearchTiming { text: string; hits: number; medianMs: number; cpuMs: number }

async function timeQueries(store: Store): Promise<SearchTiming[]> {
  const rows: SearchTiming[] = [];
  for (const text of QUERIES) {
    let hits = 0;
    for (let i = 0; i < 3; i++) hits = (await store.searchArticles({ text, limit: 50 })).length;
    const ms: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = process.hrtime.bigint();
      const c = process.cpuUsage();
      await store.searchArticles({ text, limit: 50 });
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1e3);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const median = (xs: number[]) => +xs.sort((a, b) => a - b)[15]!.toFixed(3);
    rows.push({ text, hits, medianMs: median(ms), cpuMs: median(cpu) });
  }
  return rows;
}

async function timeStore(open: () => Promise<Store>): Promise<SearchTiming[]> {
  const store = await open();
  try {
    return await timeQueries(store);
  } finally {
    await store.close();
  }
}

/**
 * The bench part: n articles of the ECB+ documents at `docs` in a scratch SQLite file and,
 * when the bench's server answers, a scratch PostgreSQL database; each dropped after.
 */
export async function measureSearchPrefix(n: number, docs: string): Promise<Array<SearchTiming & { store: string }>> {
  const rows: Array<SearchTiming & { store: string }> = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-search-'));
  try {
    const file = path.join(dir, 'search.db');
    await fillSqlite(file, n, docs);
    rows.push(...(await timeStore(() => openSqliteStore(file))).map((r) => ({ store: 'sqlite', ...r })));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!(await postgresReachable())) return rows;
  const scratch = await scratchPostgres('search');
  try {
    await fillPostgres(scratch.url, n, docs);
    rows.push(...(await timeStore(() => openPostgresStore(scratch.url, 1))).map((r) => ({ store: 'postgres', ...r })));
  } finally {
    await scratch.drop();
  }
  return rows;
}

async function main(): Promise<void> {
  const [command, kind, where, n] = process.argv.slice(2);
  if (command === 'fill') {
    await (kind === 'postgres' ? fillPostgres(where!, Number(n), DOCS) : fillSqlite(where!, Number(n), DOCS));
    return;
  }
  const rows = await timeStore(() => (kind === 'postgres' ? openPostgresStore(where!, 1) : openSqliteStore(where!)));
  for (const r of rows) console.log(JSON.stringify(r));
}

// Imported by run.ts as a bench part; run directly, the commands above.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

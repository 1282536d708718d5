/**
 * PostgreSQL for the benches: scratch databases (created here, dropped after) and a bulk
 * fill of the same synthetic articles webLatency.ts writes into SQLite, in the schema the
 * PostgreSQL migrations create, the search tsvector filled by its generated column.
 */
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/openPostgres.js';
import { SEARCH_INDEX } from '../src/store/postgres/migrations.js';
import { benchArticle, newsWords, seedReader } from './webLatency.js';

/** The server the benches create their databases on (BENCH_DATABASE_URL names its maintenance database). */
export const BENCH_SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase { url: string; name: string; drop(): Promise<void> }

function urlOf(name: string): string {
  const u = new URL(BENCH_SERVER_URL);
  u.pathname = `/${name}`;
  return u.href;
}

async function onServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new empty database (or a copy of `template`), dropped by drop() even while processes still hold connections to it. */
export async function scratchPostgres(label: string, template?: string): Promise<ScratchDatabase> {
  const name = `tidings_bench_scale_${label}_${process.pid}`;
  await onServer(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  });
  return { url: urlOf(name), name, drop: () => onServer(async (c) => void (await c.query(`drop database if exists ${name} with (force)`))) };
}

/** Whether the bench's PostgreSQL server answers; the PostgreSQL rows are skipped when not. */
export async function postgresReachable(): Promise<boolean> {
  try {
    await onServer((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

const BATCH = 10_000;
const LINK_BATCH = 2_000;

/** n articles in one feed the bench reader follows; ids 1..n in publication order, as in the SQLite fill. */
export async function fillPostgres(url: string, n: number): Promise<{ cookie: string }> {
  const store = await openPostgresStore(url);
  const { cookie, feedId } = await seedReader(store);
  await store.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // One GIN build at the end is several times faster than keeping the index up row by row.
    await c.query(`drop index ${SEARCH_INDEX}`);
    await c.query('set synchronous_commit = off');
    const words = newsWords(42);
    for (let from = 0; from < n; from += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, n - from) }, (_, k) => benchArticle(from + k, words));
      await c.query(
        `insert into article (source_id, url, canonical_url, url_key, title, published_at, first_seen_at, text, html, lang, word_count, content_hash, extract_status)
         select 1, u, u, k, t, a, a, x, '<p>' || x || '</p>', 'en', 60, 'h' || i, 'ok'
         from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[]) with ordinality as r(u, k, t, a, x, i, ord)
         order by ord`,
        [rows.map((r) => r.url), rows.map((r) => r.urlKey), rows.map((r) => r.title), rows.map((r) => r.at), rows.map((r) => r.text), rows.map((_, k) => from + k)],
      );
    }
    // The unread trigger takes an advisory lock per linked article: one statement (one
    // transaction) per range keeps them within the server's lock table.
    for (let from = 0; from < n; from += LINK_BATCH) {
      await c.query(
        `insert into article_feed (article_id, feed_id, link_key, first_seen_at)
         select id, $1, url_key, first_seen_at from article where id > $2 and id <= $3`,
        [feedId, from, from + LINK_BATCH],
      );
    }
    await c.query("set maintenance_work_mem = '512MB'");
    await c.query(`create index ${SEARCH_INDEX} on article using gin (search, search_prefix)`);
    await c.query('analyze');
  } finally {
    await c.end();
  }
  return { cookie };
}

/**
 * `npm run bench -- fold`: the cost of folding the river by story. The bench store of
 * webLatency.ts (one reader following one feed, BENCH_FOLD_ARTICLES articles, 100,000 by
 * default) gets synthetic placements: about 40 % of the articles open a story, the rest join
 * one of the 300 most recent stories (a tenth of those as wire copies), so stories
 * interleave in time as real ones do. Each query runs on SQLite and, when reachable,
 * PostgreSQL; the peer is the same page unfolded (today's river), in the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../src/store/store.js';
import type { ArticleQuery } from '../src/store/store.js';
import { openSqliteStore } from '../src/store/sqlite/openSqlite.js';
import { openPostgresStore } from '../src/store/postgres/openPostgres.js';
import { fillPostgres, postgresReachable, scratchPostgres } from './postgresArticles.js';
import { fillStore, percentile } from './webLatency.js';

export interface FoldRow {
  store: 'sqlite' | 'postgres';
  articles: number;
  query: string;
  foldedP50Ms: number;
  unfoldedP50Ms: number;
  ratio: number;
}

interface Placement {
  article: number;
  story: number;
  copyOf: number | null;
}

/** Placements for articles 1..n (ids in publication order), the same on every run. */
export function syntheticPlacements(n: number): Placement[] {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const open: number[] = [];
  const out: Placement[] = [];
  for (let id = 1; id <= n; id++) {
    if (!open.length || rnd() < 0.4) {
      open.push(id);
      if (open.length > 300) open.shift();
      out.push({ article: id, story: id, copyOf: null });
      continue;
    }
    const story = open[Math.floor(rnd() * open.length)]!;
    out.push({ article: id, story, copyOf: rnd() < 0.1 ? story : null });
  }
  return out;
}

function placeSqlite(dbPath: string, placements: Placement[]): void {
  const db = new BetterSqlite3(dbPath);
  const ins = db.prepare('insert into article_story (article_id, story_id, copy_of, seq) values (?, ?, ?, ?)');
  db.transaction(() => placements.forEach((p, i) => ins.run(p.article, p.story, p.copyOf, i + 1)))();
  db.exec('analyze');
  db.close();
}

async function placePostgres(url: string, placements: Placement[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (let i = 0; i < placements.length; i += 10_000) {
      const part = placements.slice(i, i + 10_000);
      await c.query('insert into article_story (article_id, story_id, copy_of, seq) select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])', [
        part.map((p) => p.article), part.map((p) => p.story), part.map((p) => p.copyOf), part.map((_, k) => i + k + 1),
      ]);
    }
    await c.query('analyze');
  } finally {
    await c.end();
  }
}

async function p50(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return percentile(times.sort((a, b) => a - b), 0.5);
}

/** First page, a page half-way down (keyset cursor), and the unread river, folded against unfolded. */
async function measure(store: Store, kind: FoldRow['store'], n: number, runs: number): Promise<FoldRow[]> {
  const userId = 1;
  const middle = (await store.listArticles({ userId, limit: 1, offset: Math.floor(n / 2) }))[0]!;
  const queries: Array<[string, Omit<ArticleQuery, 'fold'>]> = [
    ['first page', { userId, show: 'all', limit: 51 }],
    ['page half-way down', { userId, show: 'all', limit: 51, before: { publishedAt: middle.published, id: middle.id } }],
    ['unread, first page', { userId, show: 'unread', limit: 51 }],
  ];
  const rows: FoldRow[] = [];
  for (const [query, q] of queries) {
    const folded = await p50(runs, () => store.listArticles({ ...q, fold: true }));
    const unfolded = await p50(runs, () => store.listArticles(q));
    rows.push({ store: kind, articles: n, query, foldedP50Ms: folded, unfoldedP50Ms: unfolded, ratio: folded / unfolded });
  }
  const page = await store.listArticles({ userId, limit: 50, fold: true });
  const coverage = await p50(runs, () => store.storyCoverageOf(userId, page.map((a) => a.id)));
  rows.push({ store: kind, articles: n, query: 'coverage of a folded page (counts, also in)', foldedP50Ms: coverage, unfoldedP50Ms: NaN, ratio: NaN });
  return rows;
}

export async function measureFold(n: number, runs = 30): Promise<{ loadAverage: number[]; rows: FoldRow[] }> {
  const loadAverage = os.loadavg();
  const placements = syntheticPlacements(n);
  const rows: FoldRow[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-fold-'));
  const dbPath = path.join(dir, 'fold.db');
  await fillStore(dbPath, n);
  placeSqlite(dbPath, placements);
  const sqlite = await openSqliteStore(dbPath);
  try {
    rows.push(...(await measure(sqlite, 'sqlite', n, runs)));
  } finally {
    await sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (await postgresReachable()) {
    const scratch = await scratchPostgres('fold');
    try {
      await fillPostgres(scratch.url, n);
      await placePostgres(scratch.url, placements);
      const store = await openPostgresStore(scratch.url);
      try {
        rows.push(...(await measure(store, 'postgres', n, runs)));
      } finally {
        await store.close();
      }
    } finally {
      await scratch.drop();
    }
  }
  return { loadAverage, rows };
}

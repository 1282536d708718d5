/**
 * `npm run bench -- scale` (issue 9, "Measure"):
 *  - feeds refreshed per minute, end to end (fetch + parse + store), from a publisher farm
 *    in its own process (publisherFarm.ts): a first refresh (20 new items per feed) and a
 *    next round (a share of the feeds changed, the rest answering 304), without full text
 *    and, on fewer feeds, with it (every new item's ~50 KB page fetched and extracted).
 *    Setups: `tidings refresh --all` in one process on SQLite and on PostgreSQL, and on
 *    PostgreSQL `tidings serve --no-workers` (the scheduler) with 1, 2, 4 `tidings worker`
 *    processes when this build has that command. Each round runs on a fresh copy of a
 *    database that already follows the feeds; its time counts from the processes' start.
 *  - reader latency p50/p99 (webLatency.ts) on PostgreSQL beside SQLite at the same sizes.
 * Goal: ≥ 10,000 feeds refreshed per minute without full text on this machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../src/store/store.js';
import { openSqliteStore } from '../src/store/sqlite/openSqlite.js';
import { openPostgresStore } from '../src/store/postgres/openPostgres.js';
import { formatIso } from '../src/text/dates.js';
import type { FarmSet } from './publisherFarm.js';
import { postgresReachable, scratchPostgres, type ScratchDatabase } from './postgresArticles.js';
import { BIN, startServe, type ServeProcess } from './serveProcess.js';
import { measureLatency, type LatencyRow } from './webLatency.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface ScaleOptions {
  feeds: number;
  fullTextFeeds: number;
  /** Feeds per publisher (host:port) in the set without full text; the full-text set has one each. */
  feedsPerHost: number;
  /** Share of the feeds that publish two new items between the rounds. */
  changedShare: number;
  /** Feeds one process refreshes at once (TIDINGS_REFRESH_CONCURRENCY, `worker --concurrency`). */
  concurrency: number;
  workers: number[];
  articles: number[];
  requests: number;
  /** A round still unfinished after this long is reported as such. */
  capS: number;
}

export interface ThroughputRow {
  setup: string;
  feeds: number;
  fullText: boolean;
  round: string;
  seconds: number | null;
  feedsPerMinute: number | null;
  failed: number;
  articles: number;
  note: string;
}

export interface ScaleResults {
  /** 1, 5 and 15-minute load averages when the part started: other work on the machine shows in every number. */
  loadAverage: number[];
  cores: number;
  options: ScaleOptions;
  throughput: ThroughputRow[];
  latency: LatencyRow[];
}

export function scaleOptionsFromEnv(env = process.env): ScaleOptions {
  const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  const list = (name: string, fallback: string) => (env[name] ?? fallback).split(',').map(Number).filter((x) => x > 0);
  return {
    feeds: num('BENCH_SCALE_FEEDS', 10_000),
    fullTextFeeds: num('BENCH_SCALE_FULLTEXT_FEEDS', 100),
    feedsPerHost: num('BENCH_SCALE_FEEDS_PER_HOST', 10),
    changedShare: num('BENCH_SCALE_CHANGED', 0.1),
    concurrency: num('BENCH_SCALE_CONCURRENCY', 32),
    workers: list('BENCH_SCALE_WORKERS', '1,2,4'),
    articles: list('BENCH_SCALE_ARTICLES', '1000000'),
    requests: num('BENCH_SCALE_REQUESTS', 300),
    capS: num('BENCH_SCALE_CAP_S', 600),
  };
}

/** A database that follows a set of feeds, and how to make throwaway copies of it. */
interface Template {
  copy(): Promise<Target>;
  drop(): Promise<void>;
}

/** One copy: where the processes point, how to read its state, how to throw it away. */
interface Target {
  storeArgs: string[];
  /** Feeds fetched since `since`, those of them that failed, and the articles stored. */
  progress(since: string): Promise<{ done: number; failed: number; articles: number }>;
  makeAllDue(): Promise<void>;
  drop(): Promise<void>;
}

async function subscribeAll(store: Store, urls: string[]): Promise<void> {
  const now = formatIso(Date.now());
  // Far in the future: nothing is due until a round says so.
  for (const [i, url] of urls.entries()) {
    await store.addFeed({ url, siteUrl: null, title: null, section: null, sourceName: `Publisher ${i + 1}`, sourceNameFrom: 'feed', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now });
  }
  await store.close();
}

const PROGRESS_SQL = `select count(*) as done, coalesce(sum(case when last_status = 'error' then 1 else 0 end), 0) as failed,
  (select count(*) from article) as articles from feed where last_fetched_at >= `;

async function sqliteTemplate(urls: string[]): Promise<Template> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-scale-'));
  const file = path.join(dir, 'template.db');
  await subscribeAll(await openSqliteStore(file), urls);
  let copies = 0;
  return {
    async copy() {
      const db = path.join(dir, `copy-${++copies}.db`);
      fs.copyFileSync(file, db);
      const query = <T>(fn: (d: BetterSqlite3.Database) => T): T => {
        const d = new BetterSqlite3(db);
        try {
          return fn(d);
        } finally {
          d.close();
        }
      };
      return {
        storeArgs: ['--db', db],
        progress: async (since) => query((d) => d.prepare(`${PROGRESS_SQL} ?`).get(since) as { done: number; failed: number; articles: number }),
        makeAllDue: async () => void query((d) => d.prepare('update feed set next_check_at = ?').run(formatIso(Date.now() - 1000))),
        drop: async () => {
          for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
        },
      };
    },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresTemplate(label: string, urls: string[]): Promise<Template> {
  const template = await scratchPostgres(`${label}_template`);
  await subscribeAll(await openPostgresStore(template.url), urls);
  let copies = 0;
  return {
    async copy() {
      const copy: ScratchDatabase = await scratchPostgres(`${label}_${++copies}`, template.name);
      const query = async <T>(text: string, values: unknown[] = []): Promise<T> => {
        const c = new pg.Client({ connectionString: copy.url });
        await c.connect();
        try {
          return (await c.query(text, values)).rows[0] as T;
        } finally {
          await c.end();
        }
      };
      return {
        storeArgs: ['--database-url', copy.url],
        progress: async (since) => {
          const r = await query<Record<string, string>>(`${PROGRESS_SQL} $1`, [since]);
          return { done: Number(r.done), failed: Number(r.failed), articles: Number(r.articles) };
        },
        makeAllDue: async () => void (await query("update feed set next_check_at = now() - interval '1 second'")),
        drop: () => copy.drop(),
      };
    },
    drop: () => template.drop(),
  };
}

/** The farm's process, its feed addresses by set, and the command that changes a share of a set. */
interface Farm {
  urls: Record<string, string[]>;
  change(set: string, share: number): Promise<number>;
  stop(): void;
}

async function startFarm(sets: FarmSet[]): Promise<Farm> {
  const child = spawn(process.execPath, [path.join(HERE, 'publisherFarm.js'), JSON.stringify(sets)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the publisher farm ended');
    return JSON.parse(String(line.value)) as Record<string, unknown>;
  };
  const first = (await next()) as { sets: Record<string, string[]> };
  return {
    urls: first.sets,
    async change(set, share) {
      child.stdin!.write(`change ${set} ${share}\n`);
      return ((await next()) as { changed: number }).changed;
    },
    stop: () => void child.kill(),
  };
}

/** One way of running a round: its processes, started on a target, ended when the round is over. */
interface Setup {
  name: string;
  /** Ends by itself when the round is done (`tidings refresh`), rather than running until stopped. */
  oneShot: boolean;
  /** Starts the processes; resolves when they have exited on their own (one-shot), or never. */
  start(target: Target, env: Record<string, string>): Promise<{ exited: Promise<string>; stop(): Promise<void> }>;
}

function childExit(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
}

/** A child whose stderr is kept to its last lines, enough to say why it failed. */
function spawnTidings(args: string[], env: Record<string, string>): { child: ChildProcess; tail: () => string } {
  // BENCH_SCALE_PROFILE_DIR: a CPU profile of every Tidings process of the rounds, for finding the top costs.
  const dir = process.env.BENCH_SCALE_PROFILE_DIR;
  const profile = dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const child = spawn(process.execPath, [...profile, BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let tail = '';
  child.stderr!.on('data', (d) => (tail = (tail + d).slice(-4096)));
  return { child, tail: () => tail };
}

const inProcess = (name: string): Setup => ({
  name,
  oneShot: true,
  async start(target, env) {
    const { child, tail } = spawnTidings(['refresh', '--all', '--no-recheck', ...target.storeArgs], env);
    const exited = childExit(child).then((how) => (how === 'code 0' ? how : `${how}: ${tail().trim().split('\n').slice(-3).join(' | ')}`));
    return { exited, stop: async () => void (child.exitCode === null && child.kill('SIGKILL')) };
  },
});

/** `tidings serve --no-workers` sends the due feeds as jobs; `n` `tidings worker` processes run them. */
const withWorkers = (n: number, concurrency: number): Setup => ({
  name: `PostgreSQL, ${n} worker${n > 1 ? 's' : ''}`,
  oneShot: false,
  async start(target, env) {
    await target.makeAllDue();
    const url = target.storeArgs[1]!;
    // A refresh holds a connection only to write: small pools keep four workers and the
    // scheduler (5 × 12) under PostgreSQL's default 100 connections (the defaults are 10 + 10).
    const pooled = { ...env, TIDINGS_DB_POOL_SIZE: '8', TIDINGS_JOB_POOL_SIZE: '4' };
    const workers = Array.from({ length: n }, () => spawnTidings(['worker', '--concurrency', String(concurrency), ...target.storeArgs], pooled));
    const scheduler: ServeProcess = await startServe('', { databaseUrl: url, scheduler: true, args: ['--no-workers'], env: pooled });
    const exits = workers.map(({ child }) => childExit(child));
    return {
      // Workers run until stopped: the round ends when every feed has been refreshed.
      exited: Promise.race(exits).then((how) => `a worker exited (${how})`),
      async stop() {
        for (const { child } of workers) if (child.exitCode === null) child.kill('SIGTERM');
        await scheduler.stop(5000);
        const timer = setTimeout(() => workers.forEach(({ child }) => child.exitCode === null && child.kill('SIGKILL')), 10_000);
        await Promise.all(exits);
        clearTimeout(timer);
      },
    };
  },
});

/** Whether this build has `tidings worker` (it came with the PostgreSQL work queue). */
export function hasWorkerCommand(): boolean {
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  return /^\s+worker\s/m.test(help.stdout);
}

async function runRound(setup: Setup, target: Target, env: Record<string, string>, feeds: number, capS: number): Promise<{ seconds: number | null; failed: number; articles: number; note: string }> {
  const since = formatIso(Math.floor(Date.now() / 1000) * 1000 - 1000);
  const t0 = performance.now();
  const run = await setup.start(target, env);
  const cap = new Promise<string>((resolve) => setTimeout(resolve, capS * 1000, 'cap').unref());
  let ended: string | null = null;
  void Promise.race([run.exited, cap]).then((how) => (ended = how));
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, setup.oneShot ? 50 : 250));
      // A one-shot refresh counts until its process has exited, its last writes and close included.
      if (setup.oneShot && ended === null) continue;
      const p = await target.progress(since);
      const seconds = (performance.now() - t0) / 1000;
      const complete = p.done >= feeds && (setup.oneShot ? ended === 'code 0' : true);
      if (complete) return { seconds, failed: p.failed, articles: p.articles, note: '' };
      if (ended !== null) {
        const why = ended === 'cap' ? `cap of ${capS} s reached` : ended === 'code 0' ? 'exited' : `stopped early: ${ended}`;
        return { seconds: null, failed: p.failed, articles: p.articles, note: `${p.done} of ${feeds} feeds refreshed; ${why}` };
      }
    }
  } finally {
    await run.stop();
  }
}

export async function measureScale(opts: ScaleOptions): Promise<ScaleResults> {
  const loadAverage = os.loadavg();
  const sets: FarmSet[] = [
    { name: 'plain', feeds: opts.feeds, feedsPerHost: opts.feedsPerHost },
    { name: 'full', feeds: opts.fullTextFeeds, feedsPerHost: 1 },
  ];
  const farm = await startFarm(sets);
  const throughput: ThroughputRow[] = [];
  const pgUp = await postgresReachable();
  const workersBuilt = hasWorkerCommand();
  try {
    for (const set of sets) {
      const fullText = set.name === 'full';
      const urls = farm.urls[set.name]!;
      const env = {
        TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true',
        TIDINGS_REFRESH_CONCURRENCY: String(opts.concurrency),
        TIDINGS_FULL_TEXT: String(fullText),
        TIDINGS_LOG_LEVEL: 'warn',
      };
      const stores: Array<{ label: string; template: () => Promise<Template>; setups: Setup[] }> = [
        { label: 'SQLite', template: () => sqliteTemplate(urls), setups: [inProcess('SQLite, one process')] },
      ];
      if (pgUp) {
        stores.push({
          label: 'PostgreSQL',
          template: () => postgresTemplate(set.name, urls),
          setups: [inProcess('PostgreSQL, one process'), ...(workersBuilt ? opts.workers.map((n) => withWorkers(n, opts.concurrency)) : [])],
        });
      }
      for (const s of stores) {
        const template = await s.template();
        try {
          for (const setup of s.setups) {
            const target = await template.copy();
            try {
              for (const round of ['first refresh', 'next round']) {
                let note = '';
                if (round === 'next round') note = `${await farm.change(set.name, opts.changedShare)} feeds changed, the rest 304`;
                const r = await runRound(setup, target, env, set.feeds, opts.capS);
                throughput.push({
                  setup: setup.name, feeds: set.feeds, fullText, round, seconds: r.seconds, feedsPerMinute: r.seconds === null ? null : (set.feeds / r.seconds) * 60,
                  failed: r.failed, articles: r.articles, note: [note, r.note].filter(Boolean).join('; '),
                });
              }
            } finally {
              await target.drop();
            }
          }
        } finally {
          await template.drop();
        }
      }
      if (!pgUp) throughput.push(skipped('PostgreSQL', set, fullText, 'PostgreSQL not reachable'));
      else if (!workersBuilt) for (const n of opts.workers) throughput.push(skipped(`PostgreSQL, ${n} worker${n > 1 ? 's' : ''}`, set, fullText, 'n/a (no worker command in this build)'));
    }
  } finally {
    farm.stop();
  }
  const latency: LatencyRow[] = [];
  for (const n of opts.articles) {
    latency.push(...(await measureLatency(n, opts.requests, 8, 'sqlite')));
    if (pgUp) latency.push(...(await measureLatency(n, opts.requests, 8, 'postgres')));
  }
  return { loadAverage, cores: os.cpus().length, options: opts, throughput, latency };
}

function skipped(setup: string, set: FarmSet, fullText: boolean, note: string): ThroughputRow {
  return { setup, feeds: set.feeds, fullText, round: '', seconds: null, feedsPerMinute: null, failed: 0, articles: 0, note };
}

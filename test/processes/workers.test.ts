import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/store.js';
import { formatIso } from '../../src/text/dates.js';
import { createScratchDatabase, postgresServerUrl } from '../support/scratchDatabase.js';
import { articlePage, rssFeed } from '../support/publisherServer.js';
import { runCli, tidingsBin } from '../support/cli.js';

/**
 * The process layout of "Running on many machines", for real: `tidings worker` processes
 * and `tidings serve --no-workers` schedulers spawned from dist/ on one PostgreSQL
 * database, refreshing 200 feeds of a local publisher farm. Run by `npm run test:postgres`
 * after the store suites, alone: five processes would disturb the timing tests of `npm test`.
 */

const FEEDS = 200;
const HOSTS = 20;
const KILLS = 20;

const database = await createScratchDatabase('tidings_workers');
const noPostgres = database ? false : `skipped: no PostgreSQL at ${postgresServerUrl}`;
if (noPostgres) console.log(`# worker process tests ${noPostgres}`);

/**
 * The publisher farm: one handler on 127.0.0.2 … 127.0.0.21 (the fetcher spaces requests
 * per host, as it should for real publishers). Feed i carries `items` stories; every
 * request is counted by path.
 */
class Farm {
  readonly hits = new Map<string, number>();
  items = 2;
  /** Extra latency, so that kills land in the middle of refreshes. */
  delayMs = 0;
  private readonly servers: http.Server[] = [];
  private readonly origins: string[] = [];

  async start(): Promise<void> {
    for (let h = 0; h < HOSTS; h++) {
      const server = http.createServer((req, res) => this.handle(req, res));
      await new Promise<void>((resolve) => server.listen(0, `127.0.0.${h + 2}`, resolve));
      this.servers.push(server);
      this.origins.push(`http://127.0.0.${h + 2}:${(server.address() as AddressInfo).port}`);
    }
  }

  feedUrl(i: number): string {
    return `${this.origins[i % HOSTS]}/feed/${i}.xml`;
  }

  feedHits(i: number): number {
    return this.hits.get(`/feed/${i}.xml`) ?? 0;
  }

  async stop(): Promise<void> {
    for (const s of this.servers) s.closeAllConnections();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    this.hits.set(url, (this.hits.get(url) ?? 0) + 1);
    const origin = `http://${req.headers.host}`;
    const feed = /^\/feed\/(\d+)\.xml$/.exec(url);
    const story = /^\/story\/(\d+)-(\d+)$/.exec(url);
    const answer = (type: string, body: string) =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      }, this.delayMs * Math.random());
    if (feed) {
      const i = Number(feed[1]);
      const items = Array.from({ length: this.items }, (_, k) => ({
        title: `Story ${k + 1} of feed ${i}`,
        link: `${origin}/story/${i}-${k + 1}`,
        pubDate: new Date(Date.UTC(2025, 2, 1 + k)).toUTCString(),
      }));
      answer('application/rss+xml', rssFeed({ title: `Feed ${i}`, link: origin, items }));
    } else if (story) {
      const body = `<p>${`Story ${story[2]} of feed ${story[1]}: the council met and the harbour stayed calm. `.repeat(8)}</p>`;
      answer('text/html; charset=utf-8', articlePage({ title: `Story ${story[2]} of feed ${story[1]}`, siteName: 'Farm', bodyHtml: body }));
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  }
}

interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

describe('worker processes on PostgreSQL', { skip: noPostgres }, () => {
  const farm = new Farm();
  const procs: Proc[] = [];
  let db: pg.Pool;
  let store: Store;
  const feedIds: number[] = [];

  const env = () => ({
    ...process.env,
    DATABASE_URL: database!.url,
    TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true',
    TIDINGS_LOG_LEVEL: 'info',
    TIDINGS_EXTRACT_THREADS: '1',
    TIDINGS_WORKER_CONCURRENCY: '4',
    TIDINGS_REFRESH_INTERVAL_SECONDS: '3600',
    // Long enough that a refresh slowed by a loaded machine (round 3's answers take 1 s each)
    // is not expired and run a second time beside itself; a killed worker's jobs come back after it.
    TIDINGS_JOB_EXPIRE_SECONDS: '20',
    TIDINGS_JOB_RETRY_DELAY_SECONDS: '1',
    TIDINGS_JOB_POLL_SECONDS: '1',
    TIDINGS_SCHEDULER_TICK_SECONDS: '1',
    TIDINGS_SCHEDULER_LEASE_RETRY_SECONDS: '1',
  });

  function spawnTidings(name: string, args: string[]): Proc {
    const child = spawn(process.execPath, [tidingsBin, ...args], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    const proc: Proc = { name, child, log: '', exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    child.stderr!.on('data', (d) => (proc.log += d));
    procs.push(proc);
    return proc;
  }

  async function started(proc: Proc, ready: RegExp): Promise<Proc> {
    await waitFor(`${proc.name} to start`, () => ready.test(proc.log), 30_000, () => proc.log);
    return proc;
  }

  const startWorker = (name: string) => started(spawnTidings(name, ['worker']), /worker ready/);
  const startScheduler = (name: string) => started(spawnTidings(name, ['serve', '--no-workers', '--port', '0']), /Tidings is serving/);
  const alive = () => procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  const leaseTaken = (p: Proc) => (p.log.match(/scheduler lease taken/g) ?? []).length;

  async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number, detail = () => ''): Promise<void> {
    const until = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > until) assert.fail(`timed out waiting for ${what}\n${detail().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function count(sql: string, values: unknown[] = []): Promise<number> {
    return Number((await db.query<{ n: string }>(sql, values)).rows[0]!.n);
  }

  /** Makes every feed due now, then waits until every one was refreshed since and its job is done. */
  /**
   * The start of a round as the feed rows can show it: fetch times are stored to the
   * second (formatIso), so a feed fetched in the round's first second reads as earlier than
   * the exact start and was counted as never refreshed.
   */
  function roundStart(): Date {
    return new Date(Math.floor(Date.now() / 1000) * 1000);
  }

  async function refreshRound(what: string, articles: number, ms = 60_000): Promise<void> {
    const since = roundStart();
    await db.query(`UPDATE feed SET next_check_at = now() - interval '1 second'`);
    let seen = '';
    await waitFor(
      `${what}: every feed refreshed and ${articles} articles stored`,
      async () => {
        const done = await count(`SELECT count(*) AS n FROM feed WHERE last_fetched_at >= $1 AND last_status = 'ok'`, [since]);
        const stored = await count(`SELECT count(*) AS n FROM article`);
        const jobs = await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'refresh-feed' AND state IN ('created', 'retry', 'active')`);
        const lagging = (await db.query(`SELECT id, last_status, last_error_code, last_error, last_fetched_at, next_check_at FROM feed WHERE NOT (last_fetched_at >= $1 AND last_status = 'ok') LIMIT 3`, [since])).rows;
        seen = `feeds done ${done}, articles ${stored}, refresh jobs open ${jobs}; lagging: ${JSON.stringify(lagging)}`;
        return done === FEEDS && stored === articles && jobs === 0;
      },
      ms,
      () => `${procs.map((p) => `--- ${p.name}\n${p.log.slice(-400)}`).join('\n')}\n${seen}`,
    );
  }

  async function assertNoDuplicates(perFeed: number): Promise<void> {
    assert.equal(await count(`SELECT count(*) AS n FROM article`), FEEDS * perFeed);
    assert.equal(await count(`SELECT count(DISTINCT canonical_url) AS n FROM article`), FEEDS * perFeed, 'no article stored twice');
    assert.equal(await count(`SELECT count(*) AS n FROM (SELECT feed_id FROM article_feed GROUP BY feed_id HAVING count(*) = $1) f`, [perFeed]), FEEDS, 'every feed has all its stories');
    assert.equal(await count(`SELECT count(*) AS n FROM revision`), FEEDS * perFeed, 'one version each: nothing stored again by a retry');
  }

  /** Waits a few scheduler ticks, then checks that each feed was fetched exactly `times`. */
  async function assertFetchedExactly(times: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const off = feedIds.map((_, i) => [i, farm.feedHits(i)]).filter(([, n]) => n !== times);
    assert.deepEqual(off, [], `feeds fetched other than ${times} time(s): [feed index, fetches]`);
  }

  before(async () => {
    if (!database) return;
    await farm.start();
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    // The test's own connection survives pg_terminate_backend; a cut idle one is replaced.
    db.on('error', () => undefined);
    store = await openStore({ dbPath: '', databaseUrl: database.url });
    const now = formatIso(Date.now());
    for (let i = 0; i < FEEDS; i++) {
      const { feed } = await store.addFeed({ url: farm.feedUrl(i), siteUrl: null, title: `Feed ${i}`, section: null, sourceName: `Farm ${i}`, sourceNameFrom: 'user', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 3600, now });
      feedIds.push(feed.id);
    }
    // Not due until the processes are up, so the first round starts for all at once.
    await db.query(`UPDATE feed SET next_check_at = now() + interval '1 hour'`);
  });

  after(async () => {
    for (const p of alive()) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await store?.close();
    await db?.end();
    await farm.stop();
    await database?.drop();
  });

  test('two workers and a scheduler: every feed refreshed exactly once per due time, no duplicate articles', async () => {
    await Promise.all([startWorker('worker A'), startWorker('worker B'), startScheduler('scheduler 1')]);
    await waitFor('the scheduler lease', () => leaseTaken(procs[2]!) === 1, 10_000);
    await refreshRound('round 1', FEEDS * 2);
    await assertFetchedExactly(1);
    await assertNoDuplicates(2);
    const workers = procs.slice(0, 2).map((p) => (p.log.match(/"msg":"refreshed"/g) ?? []).length);
    assert.equal(workers[0]! + workers[1]!, FEEDS, `refreshes per worker: ${workers.join(', ')}`);
    assert.ok(workers.every((n) => n > 0), `both workers took a share: ${workers.join(', ')}`);
  });

  test('the scheduler holder killed with -9: a second scheduler takes over within a minute and sends each feed once', async () => {
    const second = await startScheduler('scheduler 2');
    const holder = procs.find((p) => p.name === 'scheduler 1')!;
    assert.equal(leaseTaken(second), 0, 'one holder at a time');
    const killedAt = Date.now();
    holder.child.kill('SIGKILL');
    await holder.exited;
    await waitFor('the second scheduler to take the lease', () => leaseTaken(second) === 1, 60_000, () => second.log);
    const takeoverMs = Date.now() - killedAt;
    console.log(`# scheduler takeover after kill -9: ${takeoverMs} ms`);
    assert.ok(takeoverMs < 60_000);
    farm.items = 3;
    await refreshRound('round 2', FEEDS * 3);
    await assertFetchedExactly(2);
    await assertNoDuplicates(3);
  });

  test(`kill -9 of a worker in the middle of refreshes, ${KILLS} times at random moments: nothing lost, nothing twice`, async () => {
    farm.items = 4;
    // Slow enough answers that the round is still going after twenty kills.
    farm.delayMs = 1000;
    const since = roundStart();
    const round = refreshRound('round 3 with kills', FEEDS * 4, 240_000);
    round.catch(() => undefined);
    let kills = 0;
    const restarts: Array<Promise<Proc>> = [];
    while (kills < KILLS) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1200));
      // A worker that is up and taking jobs; its replacement starts meanwhile.
      const workers = alive().filter((p) => p.name.startsWith('worker') && /worker ready/.test(p.log));
      const victim = workers[Math.floor(Math.random() * workers.length)];
      if (!victim) continue;
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      restarts.push(startWorker(`${victim.name.split(' (')[0]} (restart ${kills})`));
    }
    await Promise.all(restarts);
    const active = await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'refresh-feed' AND state IN ('retry', 'active')`);
    console.log(`# ${kills} kill -9 of a worker during round 3; ${active} refresh jobs active or waiting for a retry after the last`);
    await round;
    await assertNoDuplicates(4);
    assert.equal(await count(`SELECT count(*) AS n FROM feed WHERE last_fetched_at >= $1`, [since]), FEEDS, 'no feed lost');
    const jobs = await runCli(['jobs', '--json'], { env: { DATABASE_URL: database!.url } });
    assert.equal(jobs.code, 0, jobs.stderr);
    const stats = JSON.parse(jobs.stdout) as { store: string; kinds: Array<{ kind: string; completed: number; failed: number }> };
    const refresh = stats.kinds.find((k) => k.kind === 'refresh-feed')!;
    assert.equal(stats.store, 'postgres');
    assert.equal(refresh.failed, 0, 'no job ran out of retries');
    assert.ok(refresh.completed >= FEEDS, JSON.stringify(refresh));
    const policy = (await db.query(`SELECT retry_delay, retry_limit FROM pgboss.queue WHERE name = 'refresh-feed'`)).rows[0];
    assert.deepEqual(policy, { retry_delay: 1, retry_limit: 3 }, 'tidings jobs only reads: the workers\' policy stands');
    const table = await runCli(['jobs'], { env: { DATABASE_URL: database!.url } });
    assert.match(table.stdout, /^kind\s+queued\s+retrying\s+active\s+completed\s+failed$/m);
    assert.match(table.stdout, /^refresh-feed\s+0\s+0\s+0\s+\d+\s+0$/m);
  });

  test('connections cut under load (pg_terminate_backend): the processes reconnect and finish', async () => {
    farm.items = 5;
    farm.delayMs = 200;
    const round = refreshRound('round 4 with connections cut', FEEDS * 5, 90_000);
    round.catch(() => undefined);
    let cut = 0;
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const r = await db.query(`SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database!.name]);
      cut += Number(r.rows[0].n);
    }
    console.log(`# ${cut} PostgreSQL connections terminated in 3 sweeps during round 4`);
    assert.ok(cut >= 6, `connections were cut: ${cut}`);
    await round;
    await assertNoDuplicates(5);
    const running = alive();
    assert.equal(running.length, 3, 'two workers and a scheduler still run');
    await waitFor('a scheduler holding the lease again', () => running.some((p) => /scheduler lease taken/.test(p.log.split('scheduler lease lost').at(-1) ?? '')), 30_000);
  });

  test('SIGTERM stops workers and the scheduler cleanly', async () => {
    const running = alive();
    for (const p of running) p.child.kill('SIGTERM');
    const codes = await Promise.all(running.map((p) => p.exited));
    assert.deepEqual(codes, running.map(() => 0), running.map((p) => `--- ${p.name}\n${p.log.slice(-800)}`).join('\n'));
    for (const p of running) assert.match(p.log, /"msg":"stopped"/);
  });
});

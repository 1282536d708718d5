import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TidingsError } from '../src/model/errors.js';
import { InProcessQueue } from '../src/jobs/inProcessQueue.js';
import { PgBossQueue } from '../src/jobs/pgBossQueue.js';
import { AdvisoryLease, LocalLease } from '../src/jobs/schedulerLease.js';
import type { JobQueue, KindStats, JobKind } from '../src/jobs/jobQueue.js';
import { createScratchDatabase, postgresServerUrl } from './support/scratchDatabase.js';
import { createEffectTables, recordJobEffect, testJobPolicies } from './support/jobEffects.js';

const database = await createScratchDatabase('tidings_jobs');
const db = database ? new pg.Pool({ connectionString: database.url, max: 4 }) : null;
// DROP DATABASE … WITH (FORCE) at the end cuts whatever is still connected.
db?.on('error', () => undefined);
if (db) await createEffectTables(db);
after(async () => {
  await db?.end();
  await database?.drop();
});
const noPostgres = database ? false : `skipped: no PostgreSQL at ${postgresServerUrl}`;
if (noPostgres) console.log(`# pg-boss and lease tests ${noPostgres}`);

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function kindStats(queue: JobQueue, kind: JobKind): Promise<KindStats> {
  const stats = await queue.stats();
  return stats.kinds.find((k) => k.kind === kind) ?? { kind, queued: 0, retrying: 0, active: 0, completed: 0, failed: 0 };
}

/** A gate a handler waits on until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** The behaviour both engines promise, run against each. */
function jobQueueContract(name: string, makeQueue: () => Promise<JobQueue>, skip: string | false = false): void {
  describe(`${name}: job queue contract`, { skip }, () => {
    async function started(t: { after: (fn: () => Promise<void>) => void }): Promise<JobQueue> {
      const queue = await makeQueue();
      await queue.start();
      t.after(() => queue.stop({ timeoutMs: 1000 }));
      return queue;
    }

    test('a job runs once, with its payload', async (t) => {
      const queue = await started(t);
      const runs: unknown[] = [];
      await queue.work('recheck-article', { concurrency: 2 }, async (data, ctx) => {
        runs.push({ data, attempt: ctx.attempt, kind: ctx.kind });
      });
      assert.ok(await queue.send('recheck-article', { articleId: 41 }));
      await waitFor('the job to complete', async () => (await kindStats(queue, 'recheck-article')).completed === 1);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      assert.deepEqual(runs, [{ data: { articleId: 41 }, attempt: 1, kind: 'recheck-article' }]);
    });

    test('a feed is never refreshed twice at once: 50 sends while one runs', async (t) => {
      const queue = await started(t);
      const release = gate();
      const running = new Map<number, number>();
      let most = 0;
      const done: number[] = [];
      await queue.work('refresh-feed', { concurrency: 4 }, async ({ feedId }) => {
        running.set(feedId, (running.get(feedId) ?? 0) + 1);
        most = Math.max(most, running.get(feedId)!);
        if (feedId === 1) await release.wait;
        running.set(feedId, running.get(feedId)! - 1);
        done.push(feedId);
      });
      await queue.send('refresh-feed', { feedId: 1 });
      await waitFor('feed 1 to be refreshing', () => running.get(1) === 1);
      const sent = await Promise.all(Array.from({ length: 50 }, () => queue.send('refresh-feed', { feedId: 1 })));
      assert.equal(sent.filter((id) => id !== null).length, 1, 'the burst collapses into one waiting job');
      assert.ok(await queue.send('refresh-feed', { feedId: 2 }));
      await waitFor('feed 2 to be refreshed while feed 1 is busy', () => done.includes(2));
      assert.equal(running.get(1), 1);
      release.open();
      await waitFor('both refreshes of feed 1', () => done.filter((id) => id === 1).length === 2);
      assert.equal(most, 1, 'never two refreshes of one feed at once');
    });

    test('a failing job is retried with back-off and its failure shows in stats', async (t) => {
      const queue = await started(t);
      const attempts: number[] = [];
      await queue.work('renew-websub', { concurrency: 1 }, async () => {
        attempts.push(Date.now());
        throw new Error('hub unreachable');
      });
      await queue.send('renew-websub', { feedId: 3 });
      await waitFor('the job to run out of retries', async () => (await kindStats(queue, 'renew-websub')).failed === 1, 20_000);
      assert.equal(attempts.length, 3, 'first run plus retryLimit (2) retries');
      const [gap1, gap2] = [attempts[1]! - attempts[0]!, attempts[2]! - attempts[1]!];
      assert.ok(gap1 >= 900, `first retry waits about 1-2 s (${gap1} ms)`);
      assert.ok(gap2 >= 1900, `second retry waits about 2-4 s (${gap2} ms)`);
      const stats = await queue.stats();
      const last = stats.lastFailures[0]!;
      assert.equal(last.kind, 'renew-websub');
      assert.equal(last.code, 'internal');
      assert.equal(last.message, 'hub unreachable');
      assert.equal(last.final, true);
      assert.equal(last.attempt, 3);
    });

    test('a TidingsError thrown by a handler keeps its code; the record goes when a retry succeeds', async (t) => {
      const queue = await started(t);
      let runs = 0;
      await queue.work('fetch-page', { concurrency: 1 }, async () => {
        if (++runs === 1) throw new TidingsError('parse_error', 'page is not HTML');
      });
      await queue.send('fetch-page', { feedId: 1, url: 'https://example.com/a' });
      await waitFor('the failure on record', async () => (await queue.listFailures()).length === 1);
      const [failure] = await queue.listFailures();
      assert.equal(failure!.code, 'parse_error');
      assert.equal(failure!.message, 'page is not HTML');
      assert.equal(failure!.final, false);
      assert.equal(failure!.attempt, 1);
      assert.equal(failure!.singletonKey, 'url:https://example.com/a');
      // The retry is due in 1–2 s; a loaded CI machine may take far longer to get to it.
      await waitFor('the retry to succeed', async () => (await kindStats(queue, 'fetch-page')).completed === 1, 45_000);
      assert.equal(runs, 2);
      assert.deepEqual(await queue.listFailures(), [], 'a job that recovered is no longer a failure');
    });

    test('graceful stop waits for the jobs in flight', async (t) => {
      const queue = await makeQueue();
      await queue.start();
      t.after(() => queue.stop({ timeoutMs: 1000 }));
      let finished = false;
      let entered = false;
      await queue.work('import-opml', { concurrency: 1 }, async (_data, ctx) => {
        entered = true;
        // A handler that honours its signal: it only finishes if stop lets it.
        await new Promise((resolve) => {
          setTimeout(resolve, 400);
          ctx.signal.addEventListener('abort', resolve);
        });
        finished = !ctx.signal.aborted;
      });
      await queue.send('import-opml', { userId: 1, opml: '<opml/>' });
      await waitFor('the import to start', () => entered);
      await queue.stop({ timeoutMs: 5000 });
      assert.equal(finished, true);
    });
  });
}

jobQueueContract('in-process', async () => new InProcessQueue({ policies: testJobPolicies }));

let schemas = 0;
const bossOptions = (schema: string) => ({
  connectionString: database!.url,
  schema,
  policies: testJobPolicies,
  pollingIntervalSeconds: 0.5,
  maintenanceIntervalSeconds: 1,
  maxConnections: 4,
});
jobQueueContract('pg-boss', async () => new PgBossQueue(bossOptions(`boss_${++schemas}`)), noPostgres);

describe('pg-boss across processes', { skip: noPostgres }, () => {
  test('two workers share 200 jobs, each done exactly once', async (t) => {
    const schema = `boss_${++schemas}`;
    const [a, b] = [new PgBossQueue(bossOptions(schema)), new PgBossQueue(bossOptions(schema))];
    await a.start();
    await b.start();
    t.after(() => Promise.all([a.stop({ timeoutMs: 1000 }), b.stop({ timeoutMs: 1000 })]).then(() => undefined));
    for (const [name, queue] of [['a', a], ['b', b]] as const) {
      await queue.work('fetch-page', { concurrency: 4 }, async ({ articleId }) => {
        await recordJobEffect(db!, `share:${articleId}`, name);
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
    }
    for (let i = 0; i < 200; i++) await a.send('fetch-page', { feedId: 1, articleId: i });
    await waitFor('200 jobs done', async () => (await kindStats(a, 'fetch-page')).completed === 200, 30_000);
    const runs = await db!.query<{ worker: string; n: string; keys: string }>(
      `SELECT worker, count(*) AS n, count(DISTINCT key) AS keys FROM job_run WHERE key LIKE 'share:%' GROUP BY worker`,
    );
    const total = runs.rows.reduce((sum, r) => sum + Number(r.n), 0);
    assert.equal(total, 200, 'no job ran twice');
    assert.equal(runs.rows.length, 2, `both workers took a share: ${JSON.stringify(runs.rows)}`);
    const effects = await db!.query(`SELECT count(*)::int AS n FROM job_effect WHERE key LIKE 'share:%'`);
    assert.equal(effects.rows[0].n, 200);
  });

  test('a worker killed with -9 mid-job: another retries it and it completes exactly once', async (t) => {
    const schema = `boss_${++schemas}`;
    const survivor = new PgBossQueue(bossOptions(schema));
    await survivor.start();
    t.after(() => survivor.stop({ timeoutMs: 1000 }));
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'jobWorker.js');
    const child = spawn(process.execPath, [script, database!.url, schema], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => void child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    await waitFor('the worker to start', () => output.includes('ready'));
    for (const feedId of [101, 102, 103]) await survivor.send('refresh-feed', { feedId });
    await waitFor('the worker to be mid-refresh', () => output.includes('started'));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const killedFeed = Number(/started (\d+)/.exec(output)![1]);

    await survivor.work('refresh-feed', { concurrency: 2 }, async ({ feedId }) => {
      await recordJobEffect(db!, `feed:${feedId}`, 'survivor');
    });
    await waitFor('all three refreshes done', async () => (await kindStats(survivor, 'refresh-feed')).completed === 3, 30_000);
    const runs = await db!.query<{ key: string; worker: string }>(`SELECT key, worker FROM job_run WHERE key LIKE 'feed:10%' ORDER BY id`);
    const killedRuns = runs.rows.filter((r) => r.key === `feed:${killedFeed}`).map((r) => r.worker);
    assert.deepEqual(killedRuns, ['child', 'survivor'], 'the killed job ran again on the survivor');
    assert.equal(runs.rows.filter((r) => r.key !== `feed:${killedFeed}`).length, 2, 'the other jobs ran once each');
    const effects = await db!.query(`SELECT count(*)::int AS n FROM job_effect WHERE key LIKE 'feed:10%'`);
    assert.equal(effects.rows[0].n, 3, 'the retry stored nothing twice');
    const failures = await survivor.listFailures();
    assert.equal(failures.length, 0, 'a completed retry leaves no failure on record');
  });

  test('connections cut under load (pg_terminate_backend): the worker reconnects and goes on', async (t) => {
    const queue = new PgBossQueue(bossOptions(`boss_${++schemas}`));
    await queue.start();
    t.after(() => queue.stop({ timeoutMs: 1000 }));
    await queue.work('recheck-article', { concurrency: 3 }, async ({ articleId }) => {
      await recordJobEffect(db!, `cut:${articleId}`, 'worker');
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    for (let i = 0; i < 60; i++) await queue.send('recheck-article', { articleId: i });
    const effects = async () => (await db!.query(`SELECT count(*)::int AS n FROM job_effect WHERE key LIKE 'cut:%'`)).rows[0].n as number;
    await waitFor('a third of the jobs done', async () => (await effects()) >= 20);
    const cut = await db!.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tidings-jobs'`);
    assert.ok(cut.rows.length > 0, 'some queue connections were cut');
    await waitFor('every job done', async () => (await kindStats(queue, 'recheck-article')).completed === 60, 30_000);
    assert.equal(await effects(), 60, 'each job stored its effect once');
    assert.equal((await kindStats(queue, 'recheck-article')).failed, 0);
  });

  test('stop hands back a job that does not finish in time, and another worker completes it', async (t) => {
    const schema = `boss_${++schemas}`;
    const first = new PgBossQueue(bossOptions(schema));
    await first.start();
    let aborted = false;
    let entered = false;
    await first.work('import-opml', { concurrency: 1 }, async (_data, ctx) => {
      entered = true;
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      aborted = true;
    });
    await first.send('import-opml', { userId: 9, opml: '<opml/>' });
    await waitFor('the import to start', () => entered);
    await first.stop({ timeoutMs: 300 });
    assert.equal(aborted, true, 'the handler was told to stop');
    const second = new PgBossQueue(bossOptions(schema));
    await second.start();
    t.after(() => second.stop({ timeoutMs: 1000 }));
    let attempt = 0;
    await second.work('import-opml', { concurrency: 1 }, async (_data, ctx) => {
      attempt = ctx.attempt;
    });
    await waitFor('the handed-back import to complete', async () => (await kindStats(second, 'import-opml')).completed === 1);
    assert.equal(attempt, 2);
  });
});

describe('scheduler lease', () => {
  test('on one machine the local process holds it', async () => {
    const lease = new LocalLease();
    const seen: boolean[] = [];
    await lease.start((held) => seen.push(held));
    assert.equal(lease.held, true);
    await lease.stop();
    assert.deepEqual(seen, [true, false]);
  });

  test('PostgreSQL advisory lock: one holder; another takes over within seconds when its connection dies', { skip: noPostgres }, async (t) => {
    // The holder retries only once a minute, so the takeover must come from the other one.
    const holder = new AdvisoryLease({ connectionString: database!.url, retryMs: 60_000 });
    const other = new AdvisoryLease({ connectionString: database!.url, retryMs: 500 });
    t.after(() => Promise.all([holder.stop(), other.stop()]).then(() => undefined));
    await holder.start();
    await other.start();
    assert.equal(holder.held, true);
    assert.equal(other.held, false);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(other.held, false, 'the other keeps trying and keeps failing while the holder lives');

    const pid = await leaseHolderPid();
    const cut = Date.now();
    await db!.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor('the holder to notice', () => !holder.held, 3000);
    await waitFor('the other to take over', () => other.held, 5000);
    const takeover = Date.now() - cut;
    assert.ok(takeover < 5000, `took over in ${takeover} ms`);
    assert.notEqual(await leaseHolderPid(), pid);
  });
});

async function leaseHolderPid(): Promise<number> {
  const rows = await db!.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'tidings-scheduler-lease'
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  assert.equal(rows.rows.length, 1, 'exactly one session holds the lease');
  return rows.rows[0]!.pid;
}

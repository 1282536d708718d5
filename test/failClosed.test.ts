import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Fetcher } from '../src/fetch/fetcher.js';
import { blockedReason } from '../src/fetch/addressPolicy.js';
import type { Resolver } from '../src/fetch/safeConnector.js';
import { TidingsError } from '../src/model/errors.js';
import { createLogger, logger, setLogger } from '../src/log/logger.js';
import { startJobRuntime } from '../src/cli/jobRuntime.js';
import { inProcess, testJobPolicies } from './support/jobEffects.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { PublisherServer, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { repoRoot } from './support/cli.js';

let publisher: PublisherServer;
let tp: TestPipeline;
before(async () => {
  publisher = await new PublisherServer().start();
  publisher.set('/ok', { body: 'fine' });
  tp = await testPipeline();
});
after(async () => {
  await tp.close();
  await publisher.stop();
});

/** Runs `body` and returns whatever reached the process-level error events meanwhile. */
async function strays(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const note = (err: unknown) => seen.push(err);
  process.on('uncaughtException', note);
  process.on('unhandledRejection', note);
  try {
    await body();
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.off('uncaughtException', note);
    process.off('unhandledRejection', note);
  }
  return seen;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof TidingsError ? err.code : `not a TidingsError: ${err}`;
  }
}

test('every IPv6 form that carries an IPv4 address is judged by that address', () => {
  const forms: Array<[form: string, blocked: string[], allowed: string[]]> = [
    ['IPv4-mapped', ['::ffff:127.0.0.1', '::ffff:10.1.2.3'], ['::ffff:8.8.8.8']],
    ['SIIT', ['::ffff:0:127.0.0.1', '::ffff:0:a9fe:a9fe', '::ffff:0:0:0'], ['::ffff:0:8.8.8.8']],
    ['IPv4-compatible', ['::127.0.0.1', '::a00:1', '::192.168.0.1'], ['::8.8.8.8']],
    ['NAT64', ['64:ff9b::127.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe'], ['64:ff9b::8.8.8.8']],
    // Local-use NAT64: the prefix length is the operator's choice, so every RFC 6052 position counts.
    ['local-use NAT64', ['64:ff9b:1::a00:1', '64:ff9b:1:7f00:1::', '64:ff9b:1:0:a:0:100:0'], ['64:ff9b:1:808:8:808:808:808']],
    ['6to4', ['2002:7f00:1::1', '2002:c0a8:101::', '2002:a00:1:1::1'], ['2002:808:808::1']],
    // Teredo: server 65.54.227.120, client stored inverted (f7f7:f7f7 is 8.8.8.8, f5ff:fffe is 10.0.0.1).
    ['Teredo', ['2001:0:4136:e378:8000:63bf:f5ff:fffe', '2001:0:a00:1:8000:63bf:f7f7:f7f7'], ['2001:0:4136:e378:8000:63bf:f7f7:f7f7']],
    ['ISATAP', ['2001:470:1:2:0:5efe:a00:1', '2001:470:1:2:200:5efe:7f00:1', 'fe80::5efe:808:808'], ['2001:470:1:2:200:5efe:808:808']],
  ];
  for (const [form, blocked, allowed] of forms) {
    for (const a of blocked) assert.notEqual(blockedReason(a), null, `${form} ${a} must be blocked`);
    for (const a of allowed) assert.equal(blockedReason(a), null, `${form} ${a} must be allowed`);
  }
  assert.match(blockedReason('::ffff:0:127.0.0.1')!, /SIIT.*loopback 127\.0\.0\.1/);
});

test('the address policy fails closed: anything it cannot judge is blocked, nothing throws', () => {
  for (const a of ['3fff::1', '4000::1', '2001:db8::1', '127.1', '0x7f.0.0.1', 'siit.test', '', '[::1', '::ffff:0:1.2.3']) {
    assert.notEqual(blockedReason(a), null, `${JSON.stringify(a)} must be blocked`);
  }
  assert.notEqual(blockedReason(undefined as unknown as string), null);
  assert.notEqual(blockedReason({} as unknown as string), null);
  for (const a of ['93.184.216.34', '2606:4700:4700::1111', '[2a00:1450:4001::200e]', '2a00:1450:4001::200e%eth0']) assert.equal(blockedReason(a), null, a);
});

test('a DNS answer in the SIIT form gives blocked_address and the process lives', async (t) => {
  const port = new URL(publisher.origin).port;
  const answers = new Map<string, string>([
    ['siit.test', '::ffff:0:127.0.0.1'],
    ['nat64.test', '64:ff9b:1::7f00:1'],
    ['teredo.test', '2001:0:4136:e378:8000:63bf:80ff:fffe'],
  ]);
  // An asynchronous answer, as from a real resolver: a throw in this callback is uncaught.
  const resolve: Resolver = (host, _opts, cb) => setImmediate(() => cb(null, [{ address: answers.get(host) ?? '127.0.0.1', family: 6 }]));
  const f = new Fetcher({ resolve, connectTimeoutMs: 2000, totalTimeoutMs: 3000 });
  t.after(() => f.close());
  const seen = await strays(async () => {
    for (const host of answers.keys()) assert.equal(await code(f.fetch(`http://${host}:${port}/ok`)), 'blocked_address', host);
    assert.equal(await code(f.fetch(`http://[::ffff:0:7f00:1]:${port}/ok`)), 'blocked_address', 'as an address in the URL');
  });
  assert.deepEqual(seen, [], 'nothing reached the process-level error handlers');
});

test('a policy that throws refuses the connection instead of throwing in the DNS callback', async (t) => {
  const f = new Fetcher({ addressPolicy: () => { throw new Error('policy bug'); }, connectTimeoutMs: 2000, totalTimeoutMs: 3000 });
  t.after(() => f.close());
  const port = new URL(publisher.origin).port;
  const seen = await strays(async () => {
    assert.equal(await code(f.fetch(`http://localhost:${port}/ok`)), 'blocked_address');
    assert.equal(await code(f.fetch(`http://127.0.0.1:${port}/ok`)), 'blocked_address');
  });
  assert.deepEqual(seen, []);
});

test('a scheduler tick and its workers survive a feed whose refresh throws or rejects, logs it, and refreshes the others', async (t) => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write: (chunk, _enc, done) => {
      lines.push(JSON.parse(String(chunk)));
      done();
    } });
  const previous = logger();
  setLogger(createLogger('warn', sink));
  t.after(() => setLogger(previous));
  const feeds = [];
  for (const name of ['a', 'b', 'c', 'd']) {
    publisher.set(`/${name}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: name, link: publisher.origin, items: [] }) });
    feeds.push((await subscribe(tp.p, publisher.url(`/${name}.xml`))).feed);
  }
  const [a, b, c, d] = feeds.map((f) => f.id);
  const reported: number[] = [];
  const jobs = await startJobRuntime(tp.p, inProcess(tp.p.config), {
    scheduler: true,
    workers: true,
    concurrency: 10,
    tickMs: 3600_000,
    // A bug is retried as a job; here once is enough to see it contained.
    policies: { ...testJobPolicies, 'refresh-feed': { retryLimit: 0, retryDelaySeconds: 1, expireInSeconds: 30 } },
    refresh: (p, feed) => {
      if (feed.id === b) throw new Error('bug thrown at once');
      if (feed.id === c) return Promise.reject(new RangeError('bug rejected later'));
      return refreshFeed(p, feed);
    },
    onReport: (feed) => {
      reported.push(feed.id);
      if (feed.id === d) throw new Error('a reporter that fails');
    },
  });
  const seen = await strays(async () => {
    await jobs.scheduler!.tick();
    await jobs.stop();
  });
  assert.deepEqual(seen, [], 'no rejection escaped the scheduler');
  assert.deepEqual(reported.sort(), [a, b, c, d].sort());
  assert.equal(jobs.workers!.refreshed, 4);
  assert.equal(jobs.workers!.failed, 2);
  // Only the two feeds our bugs broke fail their jobs: a failing reporter does not fail d's.
  const refreshJobs = (await jobs.queue.stats()).kinds.find((k) => k.kind === 'refresh-feed')!;
  assert.deepEqual([refreshJobs.completed, refreshJobs.failed], [2, 2]);
  const byId = new Map((await tp.store.listFeeds()).map((f) => [f.id, f]));
  assert.equal(byId.get(a!)!.lastStatus, 'ok');
  assert.equal(byId.get(d!)!.lastStatus, 'ok');
  for (const id of [b, c]) {
    assert.equal(byId.get(id!)!.lastErrorCode, 'internal', 'the failure is recorded on the feed');
    assert.ok(Date.parse(byId.get(id!)!.nextCheckAt!) > Date.now(), 'with a back-off, so it is not due again at once');
  }
  const logged = (text: string) => lines.filter((l) => String(l.msg).includes(text));
  assert.equal(logged('bug thrown at once').length, 1);
  assert.equal(logged('bug rejected later').length, 1);
  assert.equal(logged('a reporter that fails').length, 1);
  for (const l of [...logged('bug '), ...logged('reporter')]) assert.equal(l.code, 'internal');
});

test('serve keeps running past a stray exception and an unhandled rejection, and logs both with a code', async () => {
  const guard = path.join(repoRoot, 'dist', 'src', 'cli', 'strayErrorGuard.js');
  const logMod = path.join(repoRoot, 'dist', 'src', 'log', 'logger.js');
  const script = `
    const { guardAgainstStrayErrors } = await import(${JSON.stringify(guard)});
    const { createLogger } = await import(${JSON.stringify(logMod)});
    guardAgainstStrayErrors(createLogger('info'));
    setTimeout(() => { throw new Error('thrown in a callback'); }, 0);
    Promise.reject(new TypeError('rejected, never awaited'));
    setTimeout(() => process.stdout.write('alive'), 50);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(exit, 0, stderr);
  assert.equal(stdout, 'alive');
  const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2, stderr);
  for (const l of lines) {
    assert.equal(l.level, 50);
    assert.equal(l.code, 'internal');
    assert.ok((l.err as { stack?: string }).stack, 'the stack is logged');
  }
  assert.match(String(lines[0]!.msg) + String(lines[1]!.msg), /thrown in a callback[\s\S]*rejected, never awaited|rejected, never awaited[\s\S]*thrown in a callback/);
});

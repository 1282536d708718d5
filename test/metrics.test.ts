import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { formatIso } from '../src/text/dates.js';
import type { FastifyInstance } from 'fastify';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/server/app.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { recheckArticles } from '../src/ingest/recheckArticles.js';
import { startJobRuntime } from '../src/cli/jobRuntime.js';
import { inProcess } from './support/jobEffects.js';
import type { RefreshReport } from '../src/ingest/refreshFeed.js';

let publisher: PublisherServer;
before(async () => {
  publisher = await new PublisherServer().start();
});
after(async () => {
  await publisher.stop();
});

function appWith(t: { after: (fn: () => Promise<void>) => void }, tp: TestPipeline, env: NodeJS.ProcessEnv, now?: () => Date): FastifyInstance {
  const config = { ...tp.p.config, metrics: loadConfig(env).metrics };
  const app = buildApp({ store: tp.store, config, pipeline: tp.p, ...(now ? { now } : {}) });
  t.after(() => app.close());
  return app;
}

async function scrape(app: FastifyInstance): Promise<string> {
  const res = await app.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200, res.body);
  return res.body;
}

/** The value of one sample, `name{labels} value`; 0 when the series is absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

function feedOf(title: string, items: Array<{ slug: string; title: string }>): void {
  publisher.set(`/${title}/`, { body: `<html><head><meta property="og:site_name" content="${title}"></head></html>` });
  publisher.set(`/${title}/feed.xml`, {
    type: 'application/rss+xml',
    body: rssFeed({ title, link: publisher.url(`/${title}/`), items: items.map((i) => ({ title: i.title, link: publisher.url(`/${title}/${i.slug}`), pubDate: new Date().toUTCString() })) }),
  });
  for (const i of items) {
    publisher.set(`/${title}/${i.slug}`, { body: articlePage({ title: i.title, siteName: title, bodyHtml: `<p>${i.title}. ${'The harbour board met on Tuesday to agree the new ferry timetable for winter. '.repeat(5)}</p>` }) });
  }
}

test('GET /metrics is off unless configured: 404 by default', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = appWith(t, tp, {});
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
  assert.equal(loadConfig({}).metrics.enabled, false);
});

test('TIDINGS_METRICS=true serves Prometheus text with the process metrics, without a session', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = appWith(t, tp, { TIDINGS_METRICS: 'true' });
  const res = await app.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  for (const name of ['tidings_fetches_total', 'tidings_parse_duration_seconds', 'tidings_extract_duration_seconds', 'tidings_store_write_duration_seconds', 'tidings_http_request_duration_seconds', 'tidings_oldest_overdue_feed_age_seconds', 'tidings_jobs_queued', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']) {
    assert.match(res.body, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
});

test('with TIDINGS_METRICS_TOKEN, /metrics answers 401 without the bearer token and 200 with it', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = appWith(t, tp, { TIDINGS_METRICS_TOKEN: 'scrape-me-0123456789' });
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
  assert.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode, 401);
  assert.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-me-0123456789x' } })).statusCode, 401);
  const ok = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-me-0123456789' } });
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /tidings_fetches_total/);
});

test('a refresh and a re-check count their fetches by outcome and time parse, extract and store', async (t) => {
  let clock = Date.now();
  const tp = await testPipeline({}, () => new Date(clock));
  t.after(() => tp.close());
  const app = appWith(t, tp, { TIDINGS_METRICS: 'true' });
  feedOf('quay', [{ slug: 'one', title: 'Quay one' }, { slug: 'two', title: 'Quay two' }]);
  const before = await scrape(app);
  const { feed } = await subscribe(tp.p, publisher.url('/quay/feed.xml'));
  assert.equal((await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!)).created, 2);
  assert.equal((await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!)).status, 'not_modified');
  publisher.set('/gone/feed.xml', { status: 404, body: 'gone' });
  const gone = await tp.store.addFeed({ url: publisher.url('/gone/feed.xml'), siteUrl: null, title: 'Gone', section: null, sourceName: 'Gone', sourceNameFrom: 'feed', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now: new Date(clock).toISOString() });
  assert.equal((await refreshFeed(tp.p, gone.feed)).errorCode, 'http_error');
  clock += 3 * 3600_000;
  assert.equal((await recheckArticles(tp.p)).checked, 2);
  const after = await scrape(app);
  const delta = (name: string, labels = '') => sample(after, name, labels) - sample(before, name, labels);
  // subscribe (feed, homepage) + refresh (feed, 2 pages) + re-check (2 pages)
  assert.equal(delta('tidings_fetches_total', 'outcome="ok"'), 7);
  assert.equal(delta('tidings_fetches_total', 'outcome="not_modified"'), 1);
  assert.equal(delta('tidings_fetches_total', 'outcome="http_error"'), 1);
  assert.equal(delta('tidings_parse_duration_seconds_count'), 1, 'the refresh parsed once (a 304 and a 404 parse nothing)');
  assert.equal(delta('tidings_extract_duration_seconds_count'), 4);
  assert.equal(delta('tidings_store_write_duration_seconds_count', 'operation="refresh"'), 2);
  assert.equal(delta('tidings_store_write_duration_seconds_count', 'operation="recheck"'), 2);
  assert.ok(delta('tidings_extract_duration_seconds_sum') > 0);
});

test('HTTP durations are labelled by the route pattern, not the URL', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = appWith(t, tp, { TIDINGS_METRICS: 'true' });
  for (const id of [1, 2, 3]) await app.inject({ url: `/articles/${id}` });
  const text = await scrape(app);
  const series = text.split('\n').filter((l) => l.startsWith('tidings_http_request_duration_seconds_count{') && l.includes('/articles/'));
  assert.equal(series.length, 1, series.join('\n'));
  assert.match(series[0]!, /route="\/articles\/:id"/);
  assert.match(series[0]!, /method="GET"/);
  assert.match(series[0]!, /status_class="3xx"/);
  assert.match(series[0]!, / 3$/);
});

test('the age of the oldest overdue feed and the scheduler job numbers are read at scrape time', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const app = appWith(t, tp, { TIDINGS_METRICS: 'true' }, () => now);
  const add = async (name: string, nextCheckAt: string | null) => {
    const { feed } = await tp.store.addFeed({ url: publisher.url(`/${name}.xml`), siteUrl: null, title: name, section: null, sourceName: name, sourceNameFrom: 'feed', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now: formatIso(now.getTime()) });
    if (nextCheckAt) await tp.store.recordFeedFailure(feed.id, { at: formatIso(now.getTime()), code: 'timeout', message: 'slow', nextCheckAt });
    return feed;
  };
  await add('later', formatIso(now.getTime() + 600_000));
  assert.equal(sample(await scrape(app), 'tidings_oldest_overdue_feed_age_seconds'), 0, 'nothing is due');
  await add('late', formatIso(now.getTime() - 3600_000));
  await add('new', null);
  assert.equal(sample(await scrape(app), 'tidings_oldest_overdue_feed_age_seconds'), 3600);
  assert.deepEqual(await tp.store.overdueFeeds(formatIso(now.getTime())), { count: 2, oldestDueAt: formatIso(now.getTime() - 3600_000) });

  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const jobs = await startJobRuntime(tp.p, inProcess(tp.p.config), {
    scheduler: true,
    workers: true,
    concurrency: 1,
    tickMs: 3600_000,
    refresh: async (_p, feed): Promise<RefreshReport> => {
      await held;
      return { feedId: feed.id, status: 'error', errorCode: 'timeout', error: 'held', created: 0, updated: 0, linked: 0, unchanged: 0, tombstoned: 0, pagesFailed: 0, failedPageIds: [] };
    },
  });
  while (jobs.workers!.active === 0) await new Promise((r) => setImmediate(r));
  await jobs.scheduler!.tick();
  const busy = await scrape(app);
  assert.equal(sample(busy, 'tidings_jobs_active', 'kind="refresh-feed"'), 1);
  assert.equal(sample(busy, 'tidings_jobs_queued', 'kind="refresh-feed"'), 1, 'two feeds are due, one is running');
  assert.equal(sample(busy, 'tidings_jobs_failed', 'kind="refresh-feed"'), 0);
  release();
  while (jobs.workers!.refreshed < 2) await new Promise((r) => setTimeout(r, 10));
  await jobs.stop();
  assert.equal(jobs.workers!.failed, 2);
  assert.doesNotMatch(await scrape(app), /^tidings_jobs_active\{/m, 'stopped workers report nothing');
});

test('/healthz reports how long the event loop was held, so a freeze shows in the probe itself', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = appWith(t, tp, {});
  await app.ready();
  // Held for 120 ms: any callback due meanwhile waited about that long.
  const until = performance.now() + 120;
  await new Promise((resolve) => setTimeout(resolve, 20));
  while (performance.now() < until);
  await new Promise((resolve) => setTimeout(resolve, 30));
  const body = (await app.inject({ url: '/healthz' })).json() as { ok: boolean; eventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number } };
  assert.equal(body.ok, true);
  assert.ok(body.eventLoopDelay.maxMs >= 80, JSON.stringify(body.eventLoopDelay));
  assert.ok(body.eventLoopDelay.p50Ms <= body.eventLoopDelay.p99Ms && body.eventLoopDelay.p99Ms <= body.eventLoopDelay.maxMs);
});

test('/readyz: 200 on a healthy store, 503 naming the check after pending migrations or a closed store', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = appWith(t, tp, {});
  const ok = await app.inject({ url: '/readyz' });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { ready: true, checks: { database: 'ok', migrations: 'ok' } });

  const [last] = (await tp.query('select name from schema_migration order by name desc limit 1')) as Array<{ name: string }>;
  await tp.query(`delete from schema_migration where name = '${last!.name}'`);
  const pending = await app.inject({ url: '/readyz' });
  assert.equal(pending.statusCode, 503);
  assert.deepEqual(pending.json(), { ready: false, checks: { database: 'ok', migrations: `pending: ${last.name}` } });

  await tp.store.close();
  const closed = await app.inject({ url: '/readyz' });
  assert.equal(closed.statusCode, 503);
  const body = closed.json() as { ready: boolean; checks: { database: string; migrations: string } };
  assert.equal(body.ready, false);
  assert.match(body.checks.database, /^failed: /);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process itself is alive');
});

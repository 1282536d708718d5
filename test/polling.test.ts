import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS, backoffSeconds, cacheHints, intervalAfterSuccess, nextCheckAfterFailure,
  nextCheckAfterSuccess, observedInterval, parseRetryAfter,
} from '../src/ingest/pollingPolicy.js';
import { HostLimiter } from '../src/fetch/hostLimiter.js';
import { FAILING_AFTER_ERRORS } from '../src/model/article.js';
import { PublisherServer, rssFeed } from './support/publisherServer.js';
import { testPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';

const now = new Date('2026-01-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

test('the interval adapts to the posting rate, within 5 min and 24 h', () => {
  // an item every hour → check every 30 minutes
  assert.equal(observedInterval([hoursAgo(0.2), hoursAgo(1.2), hoursAgo(2.2), hoursAgo(3.2)], now), 1800);
  // a busy wire feed (one a minute) → the 5-minute floor
  const busy = Array.from({ length: 10 }, (_, i) => new Date(now.getTime() - i * 60_000).toISOString());
  assert.equal(intervalAfterSuccess(observedInterval(busy, now), 1800, {}), MIN_INTERVAL_SECONDS);
  // a weekly blog → the 24-hour ceiling
  const weekly = [hoursAgo(1), hoursAgo(24 * 7), hoursAgo(24 * 14)];
  assert.equal(intervalAfterSuccess(observedInterval(weekly, now), 1800, {}), MAX_INTERVAL_SECONDS);
  // a feed silent for two days slows down even if it used to be busy
  assert.ok(observedInterval([hoursAgo(48), hoursAgo(48.1), hoursAgo(48.2)], now)! >= 12 * 3600);
  // undated items: keep the previous interval
  assert.equal(observedInterval([null, null], now), null);
  assert.equal(intervalAfterSuccess(null, 2400, {}), 2400);
});

test('publisher hints only ever raise the interval: ttl, sy:updatePeriod, Cache-Control, Expires', () => {
  assert.equal(intervalAfterSuccess(600, 1800, { ttlMinutes: 60 }), 3600);
  assert.equal(intervalAfterSuccess(600, 1800, { ttlMinutes: 1 }), 600);
  assert.equal(intervalAfterSuccess(600, 1800, { syndicationSeconds: 7200 }), 7200);
  assert.equal(intervalAfterSuccess(600, 1800, { cacheMaxAgeSeconds: 900 }), 900);
  assert.equal(intervalAfterSuccess(600, 1800, { expiresInSeconds: 10_000 }), 10_000);
  assert.equal(intervalAfterSuccess(600, 1800, { ttlMinutes: 100_000 }), MAX_INTERVAL_SECONDS);
  assert.deepEqual(cacheHints({ 'cache-control': 'public, max-age=600', expires: 'Sat, 10 Jan 2026 13:00:00 GMT' }, now), { cacheMaxAgeSeconds: 600, expiresInSeconds: 3600 });
  assert.deepEqual(cacheHints({ 'cache-control': 's-maxage=120, no-transform' }, now), { cacheMaxAgeSeconds: 120, expiresInSeconds: null });
  const next = nextCheckAfterSuccess(now, 3600, () => 0.5);
  assert.equal(next.toISOString(), '2026-01-10T13:00:00.000Z');
  assert.ok(nextCheckAfterSuccess(now, 3600, () => 0).getTime() < nextCheckAfterSuccess(now, 3600, () => 1).getTime(), 'jitter spreads feeds');
});

test('errors back off exponentially with jitter up to 24 h; Retry-After can push further', () => {
  const mid = () => 0.5;
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffSeconds(n, 1800, 86400, mid)), [1800, 3600, 7200, 14400]);
  assert.equal(backoffSeconds(30, 1800, 86400, mid), 86400);
  assert.ok(backoffSeconds(2, 1800, 86400, () => 0) < backoffSeconds(2, 1800, 86400, () => 1));
  assert.equal(parseRetryAfter('120', now), 120);
  assert.equal(parseRetryAfter('Sat, 10 Jan 2026 14:00:00 GMT', now), 7200);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(nextCheckAfterFailure(now, 1, 300, 86400, 7200).toISOString(), '2026-01-10T14:00:00.000Z');
});

test('per host: the spacing holds between actual starts when a timer fires late (busy event loop)', async () => {
  const limiter = new HostLimiter(2, 50);
  const starts: number[] = [];
  const task = (block: number) => async () => {
    starts.push(Date.now());
    await new Promise((r) => setTimeout(r, 5));
    // Blocks the event loop once the next start is planned, so its timer fires late.
    const until = Date.now() + block;
    while (Date.now() < until);
    await new Promise((r) => setTimeout(r, 10));
  };
  await Promise.all([limiter.run('news.example', task(200)), limiter.run('news.example', task(0)), limiter.run('news.example', task(0))]);
  starts.sort((a, b) => a - b);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 45, `start ${i} came ${starts[i]! - starts[i - 1]!} ms after the previous`);
});

test('per host: at most N requests at once, and a minimum spacing between starts', async () => {
  const limiter = new HostLimiter(2, 50);
  let active = 0;
  let peak = 0;
  const starts: number[] = [];
  const task = async () => {
    starts.push(Date.now());
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, 120));
    active--;
  };
  await Promise.all(Array.from({ length: 6 }, () => limiter.run('news.example', task)));
  assert.equal(peak, 2);
  starts.sort((a, b) => a - b);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 45, `start ${i} came ${starts[i]! - starts[i - 1]!} ms after the previous`);
  // another host is not held up by the first
  const t0 = Date.now();
  await limiter.run('other.example', async () => {});
  assert.ok(Date.now() - t0 < 40);
});

let server: PublisherServer;
before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

test('a refresh stores the adapted interval, honours Cache-Control and a 503 Retry-After, and marks a failing feed', async (t) => {
  let clock = new Date('2026-01-10T12:00:00Z');
  const tp = await testPipeline({}, () => clock);
  t.after(() => tp.close());
  const items = [0.5, 1.5, 2.5, 3.5].map((h, i) => ({ title: `Hourly ${i}`, link: server.url(`/p/${i}`), pubDate: new Date(clock.getTime() - h * 3600_000).toUTCString() }));
  server.set('/poll.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Hourly', link: server.url('/'), items }), headers: { 'cache-control': 'max-age=60' } });
  const { feed } = await subscribe(tp.p, server.url('/poll.xml'));
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  let f = (await tp.store.getFeed(feed.id))!;
  assert.equal(f.intervalSeconds, 1800, 'hourly items → every 30 minutes');
  const due = Date.parse(f.nextCheckAt!) - clock.getTime();
  assert.ok(due >= 1800 * 950 && due <= 1800 * 1050, `next check in ${due} ms`);

  server.set('/poll.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Hourly', link: server.url('/'), items }), headers: { 'cache-control': 'max-age=7200' } });
  clock = new Date('2026-01-10T12:31:00Z');
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  f = (await tp.store.getFeed(feed.id))!;
  const wait = Date.parse(f.nextCheckAt!) - clock.getTime();
  assert.ok(wait >= 7200 * 950 && wait <= 7200 * 1050, `Cache-Control max-age raises the wait (${wait} ms)`);
  assert.equal(f.intervalSeconds, 1800, "but not the feed's own rhythm");

  server.set('/poll.xml', { status: 503, body: 'maintenance', headers: { 'retry-after': '21600' } });
  clock = new Date('2026-01-10T15:00:00Z');
  const r = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(r.errorCode, 'rate_limited');
  f = (await tp.store.getFeed(feed.id))!;
  assert.equal(f.nextCheckAt, '2026-01-10T21:00:00Z', 'Retry-After of 6 h honoured');
  assert.equal(f.health, 'erroring');
  for (let i = 1; i < FAILING_AFTER_ERRORS; i++) await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  f = (await tp.store.getFeed(feed.id))!;
  assert.equal(f.health, 'failing');
  assert.equal(f.errorCount, FAILING_AFTER_ERRORS);
  assert.ok(Date.parse(f.nextCheckAt!) - clock.getTime() <= 24 * 3600_000, 'a failing feed is still retried within a day');
  assert.ok((await tp.store.listFeeds()).some((x) => x.id === feed.id), 'and never dropped');
});

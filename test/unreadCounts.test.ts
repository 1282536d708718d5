import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { warningsDuring } from './support/warnings.js';
import { FeedScheduler } from '../src/ingest/feedScheduler.js';
import type { JobQueue } from '../src/jobs/jobQueue.js';

/**
 * The sidebar's unread counts are kept by database triggers (subscription_unread). Each
 * step below changes what a reader has read or follows, the way the app does it, and the
 * kept counts must equal a count made from the rows themselves (unreadCounts) and the
 * number the step means.
 */
let server: PublisherServer;
let tp: TestPipeline;
const NOW = '2026-03-05T00:00:00Z';
const quay = [1, 2, 3].map((n) => ({ title: `Quay story ${n}`, path: `/q/${n}`, pubDate: `Mon, 0${n} Mar 2026 08:00:00 GMT` }));
// The second feed carries quay story 3 too: one article, two feeds.
const ferry = [{ title: 'Ferry story', path: '/f/1', pubDate: 'Tue, 03 Mar 2026 09:00:00 GMT' }, quay[2]!];

function publish(feedPath: string, items: typeof quay): void {
  const rss = items.map((it) => ({ title: it.title, link: server.url(it.path), pubDate: it.pubDate }));
  server.set(feedPath, { type: 'application/rss+xml', body: rssFeed({ title: feedPath, link: server.url('/'), items: rss }) });
  for (const it of items) server.set(it.path, { body: articlePage({ title: it.title, siteName: 'Quay', bodyHtml: `<p>${it.title}. ${'The council met to agree the budget for the harbour. '.repeat(4)}</p>` }) });
}

async function refresh(feedId: number): Promise<void> {
  await refreshFeed(tp.p, (await tp.store.getFeed(feedId))!);
}

let quayFeed = 0;
let ferryFeed = 0;

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  publish('/quay.xml', quay);
  publish('/ferry.xml', ferry);
  quayFeed = (await subscribe(tp.p, server.url('/quay.xml'))).feed.id;
  ferryFeed = (await subscribe(tp.p, server.url('/ferry.xml'))).feed.id;
  await refresh(quayFeed);
  await refresh(ferryFeed);
});
after(async () => {
  await tp.close();
  await server.stop();
});

/** The kept counts by feed id, after checking them against a count of the rows. */
async function kept(userId: number): Promise<Record<number, number>> {
  const sidebar = await tp.store.sidebarFeeds(userId);
  const counted = new Map((await tp.store.unreadCounts(userId)).map((c) => [c.feedId, c.unread]));
  const out: Record<number, number> = {};
  for (const f of sidebar) {
    assert.equal(f.unread, counted.get(f.id) ?? 0, `feed ${f.id}: kept count against the rows`);
    out[f.id] = f.unread;
  }
  return out;
}

async function articleId(title: string): Promise<number> {
  const hit = (await tp.store.listArticles({ limit: 100 })).find((a) => a.title === title);
  assert.ok(hit, title);
  return hit.id;
}

async function reader(name: string): Promise<number> {
  return (await tp.store.createUser({ name, passwordHash: 'x', isAdmin: false, now: NOW })).id;
}

test('a new subscription counts what is there; reading, unreading and starring move it', async () => {
  const ada = await reader('ada');
  await tp.store.subscribeUser(ada, quayFeed, null, NOW);
  assert.deepEqual(await kept(ada), { [quayFeed]: 3 });
  const one = await articleId('Quay story 1');
  await tp.store.setArticleState(ada, one, { read: true }, NOW);
  assert.deepEqual(await kept(ada), { [quayFeed]: 2 });
  // Opened again: a new read time, the same state.
  await tp.store.setArticleState(ada, one, { read: true }, '2026-03-06T00:00:00Z');
  await tp.store.setArticleState(ada, one, { starred: true }, NOW);
  assert.deepEqual(await kept(ada), { [quayFeed]: 2 });
  await tp.store.setArticleState(ada, one, { read: false }, NOW);
  assert.deepEqual(await kept(ada), { [quayFeed]: 3 });
  await tp.store.setArticleState(ada, await articleId('Quay story 2'), { starred: true }, NOW);
  assert.deepEqual(await kept(ada), { [quayFeed]: 3 }, 'a star alone reads nothing');
});

test('an article in two feeds counts in both, and reading it lowers both', async () => {
  const bob = await reader('bob');
  const shared = await articleId('Quay story 3');
  await tp.store.setArticleState(bob, shared, { read: true }, NOW);
  await tp.store.subscribeToAll(bob, NOW);
  assert.deepEqual(await kept(bob), { [quayFeed]: 2, [ferryFeed]: 1 }, 'read before subscribing');
  await tp.store.setArticleStates(bob, [shared], { read: false }, NOW);
  assert.deepEqual(await kept(bob), { [quayFeed]: 3, [ferryFeed]: 2 });
  await tp.store.markAllRead(bob, { feedId: ferryFeed, upTo: '2099-01-01T00:00:00Z' }, NOW);
  assert.deepEqual(await kept(bob), { [quayFeed]: 2, [ferryFeed]: 0 });
  assert.equal(await tp.store.unreadReadSince(bob, NOW), 2);
  assert.deepEqual(await kept(bob), { [quayFeed]: 3, [ferryFeed]: 2 });
});

test('new and deleted articles count for every subscriber who has not read them', async () => {
  const cyd = await reader('cyd');
  const dee = await reader('dee');
  for (const u of [cyd, dee]) await tp.store.subscribeUser(u, ferryFeed, 'News', NOW);
  await tp.store.markAllRead(dee, { upTo: '2099-01-01T00:00:00Z' }, NOW);
  ferry.push({ title: 'Ferry timetable', path: '/f/2', pubDate: 'Wed, 04 Mar 2026 09:00:00 GMT' });
  publish('/ferry.xml', ferry);
  await refresh(ferryFeed);
  assert.deepEqual(await kept(cyd), { [ferryFeed]: 3 });
  assert.deepEqual(await kept(dee), { [ferryFeed]: 1 });
  const timetable = await articleId('Ferry timetable');
  await tp.store.setArticleState(cyd, timetable, { read: true }, NOW);
  assert.equal(await tp.store.deleteArticle(timetable, 'test', NOW), true);
  assert.deepEqual(await kept(cyd), { [ferryFeed]: 2 }, 'a read article leaves no unread behind');
  assert.deepEqual(await kept(dee), { [ferryFeed]: 0 });
});

test('unsubscribing forgets the count; subscribing again counts afresh', async () => {
  const eve = await reader('eve');
  await tp.store.subscribeUser(eve, quayFeed, null, NOW);
  await tp.store.setArticleState(eve, await articleId('Quay story 2'), { read: true }, NOW);
  assert.equal(await tp.store.unsubscribeUser(eve, quayFeed), true);
  assert.deepEqual(await kept(eve), {});
  assert.equal(Number((await tp.query(`select count(*) as n from subscription_unread where user_id = ${eve}`))[0]!.n), 0);
  await tp.store.subscribeUser(eve, quayFeed, 'Local', NOW);
  assert.deepEqual(await kept(eve), { [quayFeed]: 2 });
  // Renaming or refiling keeps the count.
  await tp.store.updateSubscription(eve, quayFeed, { title: 'The quay', folder: null });
  assert.deepEqual(await kept(eve), { [quayFeed]: 2 });
});

test('the rolling recount repairs a count set wrong by hand, a slice at a time, and leaves right ones alone', async () => {
  const cy = await reader('cy');
  await tp.store.subscribeUser(cy, quayFeed, null, NOW);
  await tp.store.subscribeUser(cy, ferryFeed, null, NOW);
  const right = await kept(cy);
  await tp.query(`update subscription_unread set unread = unread + 5 where user_id = ${cy} and feed_id = ${ferryFeed}`);
  assert.equal((await tp.store.sidebarFeeds(cy)).find((f) => f.id === ferryFeed)?.unread, right[ferryFeed]! + 5);
  const subscriptions = (await tp.query('select count(*) as n from subscription')).map((r) => Number(r.n))[0]!;
  let repaired = 0;
  let checked = 0;
  const lines = await warningsDuring(async () => {
    // Slices of two: the whole table in rounds that each carry on where the last stopped.
    while (checked < subscriptions) {
      const slice = await tp.store.recountUnread(2);
      assert.ok(slice.checked <= 2);
      checked += slice.checked;
      repaired += slice.repaired;
    }
  });
  assert.equal(checked, subscriptions, 'every subscription once');
  assert.equal(repaired, 1);
  assert.deepEqual(await kept(cy), right);
  assert.deepEqual(
    lines.filter((l) => l.code === 'unread_count_repaired').map((l) => l.subscriptions),
    [1],
  );
  // The next round starts again from the first subscription and finds nothing to repair.
  const again = await tp.store.recountUnread(subscriptions + 1);
  assert.deepEqual(again, { checked: subscriptions, repaired: 0 });
});

test('the scheduler recounts its first slice a quarter hour after it starts, not at its first tick, then hourly', async () => {
  let clock = Date.parse('2026-03-02T09:00:00Z');
  const own = await testPipeline({}, () => new Date(clock));
  let recounts = 0;
  const recount = own.store.recountUnread.bind(own.store);
  own.store.recountUnread = (limit) => {
    recounts++;
    return recount(limit);
  };
  const queue = { stats: async () => ({ kinds: [], lastFailures: [] }), send: async () => null } as unknown as JobQueue;
  const scheduler = new FeedScheduler(own.p, { queue, claimSeconds: 60, tickMs: 3600_000, recountEveryMs: 3600_000 });
  const at = async (minutes: number) => {
    clock = Date.parse('2026-03-02T09:00:00Z') + minutes * 60_000;
    await scheduler.tick();
    return recounts;
  };
  try {
    await scheduler.start();
    assert.equal(await at(0), 0, 'nothing at the first tick');
    assert.equal(await at(14), 0);
    assert.equal(await at(16), 1, 'the first slice after a quarter of the interval');
    assert.equal(await at(60), 1);
    assert.equal(await at(77), 2, 'then one interval after the last');
  } finally {
    await scheduler.stop();
    await own.close();
  }
});

test('marking all read reaches every article of a list longer than PostgreSQL holds locks for in one transaction', async () => {
  // 20,000 articles: three times the default lock table (64 × 100 connections), which one
  // statement over them all ran out of ("out of shared memory").
  const many = 20_000;
  publish('/bulk.xml', [{ title: 'Bulk story', path: '/b/1', pubDate: 'Mon, 02 Mar 2026 08:00:00 GMT' }]);
  const bulkFeed = (await subscribe(tp.p, server.url('/bulk.xml'))).feed.id;
  await refresh(bulkFeed);
  await tp.query(`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${many})
    insert into article (source_id, url, canonical_url, url_key, title, published_at, first_seen_at, text, html, word_count, content_hash, extract_status)
    select (select min(id) from source), 'https://bulk.test/' || i, 'https://bulk.test/' || i, 'bulk.test/' || i, 'Bulk ' || i,
      '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', '', '', 0, 'bulk' || i, 'ok' from n`);
  const first = Number((await tp.query(`select min(id) as id from article where url like 'https://bulk.test/%'`))[0]!.id);
  // Linked a range at a time, as the bench fill does: each link locks its article too.
  for (let from = first; from < first + many; from += 2000) {
    await tp.query(`insert into article_feed (article_id, feed_id, guid, link_key, first_seen_at)
      select id, ${bulkFeed}, null, null, '2026-03-01T00:00:00Z' from article where id >= ${from} and id < ${from + 2000} and url like 'https://bulk.test/%'`);
  }
  const fay = await reader('fay');
  await tp.store.subscribeUser(fay, bulkFeed, null, NOW);
  assert.deepEqual(await kept(fay), { [bulkFeed]: many + 1 });
  assert.equal(await tp.store.markAllRead(fay, { feedId: bulkFeed, upTo: '2099-01-01T00:00:00Z' }, NOW), many + 1);
  assert.deepEqual(await kept(fay), { [bulkFeed]: 0 });
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { connectedClients, storeTarget, waitsForLock } from './support/stores.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { recountDriftedUnread, UNREAD_LOCKS } from '../src/store/postgres/migrations.js';
import { warningsDuring } from './support/warnings.js';
import { until } from './support/until.js';

/**
 * The unread counts kept by PostgreSQL's triggers (subscription_unread) under concurrent
 * transactions. At READ COMMITTED a trigger does not see what another open transaction
 * wrote: a read mark and a new link of the same article, or a new subscription and a new
 * link to its feed, each left the other's change out of the count. Here the writers are
 * separate connections, their statements interleaved on purpose (and then at random), and
 * the kept counts must equal a recount of the rows. SQLite runs one writer at a time.
 */
const skip = storeTarget !== 'postgres' && 'SQLite serialises writers (TIDINGS_TEST_STORE=postgres runs this)';
let server: PublisherServer;
let tp: TestPipeline;
const NOW = '2026-03-05T00:00:00Z';
const feeds: number[] = [];
const articles: number[] = [];
const users: number[] = [];
let clients: pg.Client[] = [];

before(async () => {
  if (skip) return;
  server = await new PublisherServer().start();
  tp = await testPipeline();
  for (const name of ['quay', 'ferry', 'dock']) {
    const items = [1, 2, 3, 4].map((n) => ({ title: `${name} story ${n}`, link: server.url(`/${name}/${n}`), pubDate: `Mon, 0${n} Mar 2026 08:00:00 GMT` }));
    server.set(`/${name}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: name, link: server.url('/'), items }) });
    for (const it of items) server.set(new URL(it.link).pathname, { body: articlePage({ title: it.title, siteName: name, bodyHtml: `<p>${it.title}. ${'The harbour board met to agree the budget. '.repeat(4)}</p>` }) });
    const { feed } = await subscribe(tp.p, server.url(`/${name}.xml`), { readers: [] });
    await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
    feeds.push(feed.id);
  }
  for (const r of await tp.query('select id from article order by id')) articles.push(Number(r.id));
  for (const name of ['ada', 'bob', 'cyd']) users.push((await tp.store.createUser({ name, passwordHash: 'x', isAdmin: false, now: NOW })).id);
  clients = await connectedClients(tp.location.databaseUrl, 4);
});
after(async () => {
  if (skip) return;
  for (const c of clients) await c.end();
  await tp.close();
  await server.stop();
});

/** Subscriptions whose kept count differs from a count of the rows. */
async function drift(): Promise<Array<Record<string, unknown>>> {
  return tp.query(`select s.user_id, s.feed_id, u.unread as kept, (select count(*) from article_feed f where f.feed_id = s.feed_id
      and not exists (select 1 from article_state r where r.user_id = s.user_id and r.article_id = f.article_id and r.read_at is not null))::int as counted
    from subscription s left join subscription_unread u on u.user_id = s.user_id and u.feed_id = s.feed_id
    where u.unread is distinct from (select count(*) from article_feed f where f.feed_id = s.feed_id
      and not exists (select 1 from article_state r where r.user_id = s.user_id and r.article_id = f.article_id and r.read_at is not null))`);
}

const link = (article: number, feed: number) =>
  `insert into article_feed (article_id, feed_id, guid, link_key, first_seen_at) values (${article}, ${feed}, null, null, '${NOW}') on conflict do nothing`;
const unlink = (article: number, feed: number) => `delete from article_feed where article_id = ${article} and feed_id = ${feed}`;
const read = (user: number, article: number, isRead: boolean) =>
  `insert into article_state (user_id, article_id, read_at, starred_at) values (${user}, ${article}, ${isRead ? `'${NOW}'` : 'null'}, null)
    on conflict (user_id, article_id) do update set read_at = excluded.read_at`;
const subscribeSql = (user: number, feed: number) =>
  `insert into subscription (user_id, feed_id, folder, title, created_at) values (${user}, ${feed}, null, null, '${NOW}') on conflict do nothing`;
const unsubscribeSql = (user: number, feed: number) => `delete from subscription where user_id = ${user} and feed_id = ${feed}`;

/**
 * First's statement in an open transaction, then second's in another; second may wait for
 * first (a fixed trigger makes it), so first commits once second has run or waits.
 */
async function interleave(first: string, second: string): Promise<void> {
  const [a, b] = clients as [pg.Client, pg.Client];
  await a.query('begin');
  await a.query(first);
  await b.query('begin');
  let done = false;
  const running = b.query(second).then(() => (done = true));
  while (!done && !(await waitsForLock(tp, b))) await new Promise((r) => setTimeout(r, 5));
  await a.query('commit');
  await running;
  await b.query('commit');
}

test('a read mark beside a new link of the same article', { skip }, async () => {
  const [ada] = users as [number];
  await tp.store.subscribeUser(ada, feeds[0]!, null, NOW);
  await tp.store.subscribeUser(ada, feeds[1]!, null, NOW);
  const quay1 = articles[0]!;
  await interleave(link(quay1, feeds[1]!), read(ada, quay1, true));
  // And the other way round: the link after the read mark.
  const quay2 = articles[1]!;
  await interleave(read(ada, quay2, true), link(quay2, feeds[1]!));
  assert.deepEqual(await drift(), []);
});

test('a read mark beside the removal of a link', { skip }, async () => {
  const [ada] = users as [number];
  const quay3 = articles[2]!;
  await tp.query(link(quay3, feeds[1]!));
  await interleave(unlink(quay3, feeds[1]!), read(ada, quay3, true));
  assert.deepEqual(await drift(), []);
});

test('a new subscription beside new links and read marks in its feed', { skip }, async () => {
  const [, bob] = users as [number, number];
  const ferry1 = articles[4]!;
  await interleave(subscribeSql(bob, feeds[2]!), link(ferry1, feeds[2]!));
  const ferry2 = articles[5]!;
  await interleave(link(ferry2, feeds[2]!), subscribeSql(bob, feeds[0]!));
  await interleave(subscribeSql(bob, feeds[1]!), read(bob, ferry1, true));
  assert.deepEqual(await drift(), []);
});

test('four writers at random: links, read marks and subscriptions', { skip }, async () => {
  let seed = 7;
  const pick = <T>(xs: T[]): T => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return xs[seed % xs.length]!;
  };
  const statement = (): string => {
    const op = pick([0, 1, 2, 3, 4, 5]);
    if (op === 0) return link(pick(articles), pick(feeds));
    if (op === 1) return unlink(pick(articles), pick(feeds));
    if (op === 2 || op === 3) return read(pick(users), pick(articles), op === 2);
    return op === 4 ? subscribeSql(pick(users), pick(feeds)) : unsubscribeSql(pick(users), pick(feeds));
  };
  let deadlocks = 0;
  const writer = async (c: pg.Client) => {
    for (let t = 0; t < 60; t++) {
      const statements = [statement(), statement()];
      await c.query('begin');
      try {
        for (const s of statements) await c.query(s);
        await c.query('commit');
      } catch (e) {
        // Two transactions that lock the same rows in opposite orders: PostgreSQL ends one.
        if ((e as { code?: string }).code !== '40P01') throw e;
        deadlocks++;
        await c.query('rollback');
      }
    }
  };
  await Promise.all(clients.map(writer));
  assert.ok(deadlocks < 20, `${deadlocks} deadlocks`);
  assert.deepEqual(await drift(), []);
});

test('counts that drifted before the locks are recounted once, by the migration', { skip }, async () => {
  const [ada] = users as [number];
  await tp.query(`update subscription_unread set unread = unread + 3 where user_id = ${ada} and feed_id = ${feeds[0]!}`);
  assert.equal((await drift()).length, 1);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: tp.location.databaseUrl, max: 1 }) }) });
  try {
    assert.equal(await recountDriftedUnread(db), 1);
    assert.deepEqual(await drift(), []);
    assert.equal(await recountDriftedUnread(db), 0, 'nothing left to repair');
  } finally {
    await db.destroy();
  }
});

/**
 * Runs `write` (a store call whose triggers lock article `first`, then `second`) into a
 * deadlock: another connection holds second's lock and, once the write waits for it, asks
 * for first's. That side looks for a deadlock only after 30 s, so PostgreSQL ends the
 * store's write (after 1 s); the store must run it again. Returns its result and the log.
 */
async function deadlocked<T>(first: number, second: number, write: () => Promise<T>): Promise<{ result: T; retried: unknown[][] }> {
  const other = clients[2]!;
  const lock = (article: number) => other.query(`select unread_lock(${UNREAD_LOCKS[0]}, ${article}, false)`);
  const waiters = async () => (await tp.query(`select 1 from pg_locks where locktype = 'advisory' and not granted`)).length;
  let result: T | undefined;
  const lines = await warningsDuring(async () => {
    await other.query('begin');
    await other.query(`set local deadlock_timeout = '30s'`);
    await lock(second);
    const writing = write();
    await until('the write to wait for the article lock', async () => (await waiters()) === 1);
    await lock(first);
    await other.query('commit');
    result = await writing;
  });
  const retried = lines.filter((l) => l.code === 'write_conflict_retried').map((l) => [l.write, l.sqlstate]);
  return { result: result as T, retried };
}

/** Two of the dock feed's articles, in id order, that `user` has no mark on. */
async function unmarkedPair(user: number): Promise<[number, number]> {
  const rows = await tp.query(`select article_id from article_feed where feed_id = ${feeds[2]!} order by article_id limit 2`);
  const [first, second] = rows.map((r) => Number(r.article_id)) as [number, number];
  await tp.query(`delete from article_state where user_id = ${user} and article_id in (${first}, ${second})`);
  return [first, second];
}

test('read marks deadlocked with another writer are written again, never an error to the reader', { skip }, async () => {
  const [, , cyd] = users as [number, number, number];
  await tp.store.subscribeUser(cyd, feeds[2]!, null, NOW);
  const [first, second] = await unmarkedPair(cyd);
  // Given in the other order: the statement still locks articles by id.
  const { result, retried } = await deadlocked(first, second, () => tp.store.setArticleStates(cyd, [second, first], { read: true }, NOW));
  assert.equal(result, 2);
  assert.deepEqual(retried, [['setArticleStates', '40P01']]);
  const read = await tp.query(`select 1 from article_state where user_id = ${cyd} and read_at is not null and article_id in (${first}, ${second})`);
  assert.equal(read.length, 2);
  assert.deepEqual(await drift(), []);
});

test('a refresh deadlocked with another writer is written again as a whole', { skip }, async () => {
  const [, , cyd] = users as [number, number, number];
  const [quay] = feeds as [number];
  await tp.store.subscribeUser(cyd, quay, null, NOW);
  const [first, second] = await unmarkedPair(cyd);
  await tp.query(`delete from article_feed where feed_id = ${quay} and article_id in (${first}, ${second})`);
  const links = [second, first].map((articleId) => ({ articleId, guid: null, linkKey: null }));
  const refresh = { feedId: quay, fetchedAt: NOW, status: 'ok' as const, etag: 'after-deadlock', lastModified: null, nextCheckAt: NOW, articles: [], links };
  const { result, retried } = await deadlocked(first, second, () => tp.store.saveRefresh(refresh));
  assert.equal(result.linked, 2);
  assert.deepEqual(retried, [['saveRefresh', '40P01']]);
  assert.equal((await tp.store.getFeed(quay))?.etag, 'after-deadlock');
  const linked = await tp.query(`select 1 from article_feed where feed_id = ${quay} and article_id in (${first}, ${second})`);
  assert.equal(linked.length, 2);
  assert.deepEqual(await drift(), []);
});

test('readers marking many articles beside refreshes bringing new ones: no deadlock to retry', { skip }, async () => {
  const [ada, bob] = users as [number, number];
  for (const user of [ada, bob]) for (const feed of feeds) await tp.query(subscribeSql(user, feed));
  const known = (await tp.query('select distinct article_id from article_feed order by article_id')).map((r) => Number(r.article_id));
  let seed = 11;
  const pick = <T>(xs: readonly T[]): T => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return xs[seed % xs.length]!;
  };
  // Two writers per reader at once, each marking a few articles of different feeds.
  const marker = async (user: number) => {
    for (let t = 0; t < 25; t++) {
      const ids = [pick(known), pick(known), pick(known)];
      await tp.store.setArticleStates(user, ids, { read: t % 3 !== 2 }, NOW);
    }
  };
  const quay = feeds[0]!;
  const published: Array<{ title: string; link: string; pubDate: string }> = [];
  const refresher = async () => {
    for (let round = 1; round <= 5; round++) {
      for (const n of [1, 2]) {
        const title = `quay late story ${round}.${n}`;
        published.push({ title, link: server.url(`/quay/late/${round}/${n}`), pubDate: `Tue, 10 Mar 2026 0${round}:0${n}:00 GMT` });
        server.set(`/quay/late/${round}/${n}`, { body: articlePage({ title, siteName: 'quay', bodyHtml: `<p>${title}. ${'The ferry timetable changes in spring. '.repeat(4)}</p>` }) });
      }
      server.set('/quay.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'quay', link: server.url('/'), items: published }) });
      await refreshFeed(tp.p, (await tp.store.getFeed(quay))!);
    }
  };
  const lines = await warningsDuring(async () => {
    await Promise.all([marker(ada), marker(ada), marker(bob), marker(bob), refresher()]);
  });
  const stored = await tp.query(`select 1 from article_feed l join article a on a.id = l.article_id where l.feed_id = ${quay} and a.title like 'quay late story%'`);
  assert.equal(stored.length, 10, 'every new article stored and linked');
  assert.deepEqual(
    lines.filter((l) => l.code === 'write_conflict_retried'),
    [],
  );
  assert.deepEqual(await drift(), []);
});

test('a reader marking articles while another of their writes is open waits for it first, with no deadlock to retry', { skip }, async () => {
  const [, bob] = users as [number, number];
  for (const feed of feeds) await tp.query(subscribeSql(bob, feed));
  const [quay, ferry, dock] = feeds as [number, number, number];
  // First and fourth in ferry alone, third in quay alone: third's count is not first's.
  const [third, first, fourth, second] = [articles[0]!, articles[4]!, articles[5]!, articles[8]!];
  for (const [article, feed] of [[third, quay], [first, ferry], [fourth, ferry], [second, dock]] as const) {
    await tp.query(`delete from article_feed where article_id = ${article} and feed_id <> ${feed}`);
    await tp.query(link(article, feed));
  }
  await tp.query(`delete from article_state where user_id = ${bob} and article_id in (${first}, ${second}, ${third}, ${fourth})`);
  const other = clients[2]!;
  const waiters = async () => (await tp.query('select 1 from pg_locks where not granted')).length;
  // The other transaction looks for a deadlock only after 30 s: were there one, PostgreSQL
  // would end the store's write, which would then be retried (and logged).
  const lines = await warningsDuring(async () => {
    await other.query('begin');
    await other.query(`set local deadlock_timeout = '30s'`);
    await other.query(read(bob, third, true));
    const writing = tp.store.setArticleStates(bob, [first, second], { read: true }, NOW);
    await until('the write to wait for the open one', async () => (await waiters()) > 0);
    // Before 0015 the store's write held the count of bob's ferry subscription here (from
    // its first article) and waited for bob's version row; this asks for that count.
    await other.query(read(bob, fourth, true));
    await other.query('commit');
    assert.equal(await writing, 2);
  });
  assert.deepEqual(
    lines.filter((l) => l.code === 'write_conflict_retried').map((l) => [l.write, l.sqlstate]),
    [],
  );
  assert.deepEqual(await drift(), []);
});

/** Moves each article to the one feed given (its links elsewhere removed) and clears `user`'s marks on them. */
async function onlyIn(user: number, placed: Array<[article: number, feed: number]>): Promise<void> {
  for (const [article, feed] of placed) {
    await tp.query(`delete from article_feed where article_id = ${article} and feed_id <> ${feed}`);
    await tp.query(link(article, feed));
    await tp.query(`delete from article_state where user_id = ${user} and article_id = ${article}`);
  }
}

/**
 * Whether another transaction holds the row of `user`'s count of `feed`: asked with nowait
 * from a connection of its own, so the answer comes at once.
 */
async function countHeld(user: number, feed: number): Promise<boolean> {
  const probe = clients[3]!;
  await probe.query('begin');
  try {
    await probe.query(`select 1 from subscription_unread where user_id = ${user} and feed_id = ${feed} for update nowait`);
    return false;
  } catch (e) {
    if ((e as { code?: string }).code !== '55P03') throw e;
    return true;
  } finally {
    await probe.query('rollback');
  }
}

/**
 * Runs `write` while another transaction, opened by `hold`, keeps a lock it needs; once the
 * write waits, says whether it holds `user`'s count of `feed` while it waits (0018: it
 * must not, or a third writer waiting for that count closes a cycle), then lets it finish.
 */
async function waitingWrite<T>(hold: string, write: () => Promise<T>, user: number, feed: number): Promise<{ result: T; held: boolean; retried: unknown[][] }> {
  const other = clients[2]!;
  let held = false;
  let result: T | undefined;
  const lines = await warningsDuring(async () => {
    await other.query('begin');
    await other.query(hold);
    const writing = write();
    await until('the write to wait for the open one', async () => (await tp.query('select 1 from pg_locks where not granted')).length > 0);
    held = await countHeld(user, feed);
    await other.query('commit');
    result = await writing;
  });
  const retried = lines.filter((l) => l.code === 'write_conflict_retried').map((l) => [l.write, l.sqlstate]);
  return { result: result as T, held, retried };
}

test('read marks take all their articles before they move a count, in one order with a refresh', { skip }, async () => {
  const [ada] = users as [number];
  const [quay, ferry, dock] = feeds as [number, number, number];
  for (const feed of feeds) await tp.query(subscribeSql(ada, feed));
  const [inQuay, inFerry] = [articles[1]!, articles[6]!];
  await onlyIn(ada, [[inQuay, quay], [inFerry, ferry]]);
  // Another writer links the later article to dock; the marks wait for it. Before 0018 they
  // waited holding ada's count of quay (from the earlier article), which a refresh of quay
  // waiting for them in turn could not get.
  const { result, held, retried } = await waitingWrite(link(inFerry, dock), () => tp.store.setArticleStates(ada, [inFerry, inQuay], { read: true }, NOW), ada, quay);
  assert.equal(result, 2);
  assert.equal(held, false, "the marks wait holding ada's count of quay");
  assert.deepEqual(retried, []);
  assert.deepEqual(await drift(), []);
});

test('two readers marking the same article do not wait for each other', { skip }, async () => {
  const [ada, bob] = users as [number, number];
  for (const user of [ada, bob]) for (const feed of feeds) await tp.query(subscribeSql(user, feed));
  const shared = articles[3]!;
  await onlyIn(ada, [[shared, feeds[0]!]]);
  await onlyIn(bob, [[shared, feeds[0]!]]);
  const other = clients[2]!;
  await other.query('begin');
  await other.query(read(ada, shared, true));
  // Bob's mark changes bob's counts only: with ada's open it is written at once (before 0018
  // it waited for ada's commit, for the article's lock).
  const writing = tp.store.setArticleStates(bob, [shared], { read: true }, NOW);
  const first = await Promise.race([writing, sleep(3000).then(() => 'still waiting' as const)]);
  await other.query('commit');
  assert.equal(first, 1);
  assert.equal(await writing, 1);
  assert.deepEqual(await drift(), []);
});

test('a refresh takes every article it links before it moves a count', { skip }, async () => {
  const [ada] = users as [number];
  const [quay, ferry, dock] = feeds as [number, number, number];
  for (const feed of feeds) await tp.query(subscribeSql(ada, feed));
  const [first, second] = [articles[2]!, articles[7]!];
  await onlyIn(ada, [[first, quay], [second, ferry]]);
  const links = [second, first].map((articleId) => ({ articleId, guid: null, linkKey: null }));
  const refresh = { feedId: dock, fetchedAt: NOW, status: 'ok' as const, etag: 'linked-in-order', lastModified: null, nextCheckAt: NOW, articles: [], links };
  // Ada's open mark of the second article keeps it; the refresh waits for it. Before 0018 it
  // had linked the first already and waited holding every dock subscriber's count.
  const { result, held, retried } = await waitingWrite(read(ada, second, true), () => tp.store.saveRefresh(refresh), ada, dock);
  assert.equal(result.linked, 2);
  assert.equal(held, false, "the refresh waits holding ada's count of dock");
  assert.deepEqual(retried, []);
  assert.deepEqual(await drift(), []);
});

test('a refresh takes the stored articles its items are found to be before it moves a count', { skip }, async () => {
  const [ada] = users as [number];
  const [quay, ferry, dock] = feeds as [number, number, number];
  for (const feed of feeds) await tp.query(subscribeSql(ada, feed));
  const [first, second] = [articles[3]!, articles[9]!];
  await onlyIn(ada, [[first, quay], [second, dock]]);
  const [stored] = await tp.query(`select url, url_key, canonical_url, title, content_hash, published_at from article where id = ${second}`);
  const s = stored as { url: string; url_key: string | null; canonical_url: string; title: string; content_hash: string; published_at: string };
  // Ferry carries the first article (a link) and an item found by its URL to be the second
  // (not in the links: the refresh finds it itself), with the text it has, so only linked.
  const item = {
    keys: { guid: `ferry-${second}`, canonicalUrl: s.canonical_url, linkKey: s.url_key ?? '', contentHash: s.content_hash },
    url: s.url, title: s.title, byline: null, publishedAt: new Date(s.published_at).toISOString(), publisherUpdatedAt: null,
    text: '', html: '', leadImageUrl: null, lang: null, wordCount: 0, feedHash: 'h', extractStatus: 'ok' as const, extractError: null,
    images: [], seenAt: NOW, reason: 'feed_update' as const,
  };
  const refresh = { feedId: ferry, fetchedAt: NOW, status: 'ok' as const, etag: 'found-in-order', lastModified: null, nextCheckAt: NOW, articles: [item], links: [{ articleId: first, guid: null, linkKey: null }] };
  // Ada's open mark of the second article keeps it. Before, the refresh linked the first
  // (moving ada's count of ferry) and only then waited for the second, holding that count.
  const { result, held, retried } = await waitingWrite(read(ada, second, true), () => tp.store.saveRefresh(refresh), ada, ferry);
  assert.equal(result.linked, 2);
  assert.equal(result.unchanged, 1);
  assert.equal(held, false, "the refresh waits holding ada's count of ferry");
  assert.deepEqual(retried, []);
  assert.deepEqual(await drift(), []);
});

test('a mark that moves no count (a star, a new read time) takes no article lock', { skip }, async () => {
  const [, , cyd] = users as [number, number, number];
  const article = articles[11]!;
  const c = clients[3]!;
  const articleLocks = async () =>
    Number((await c.query(`select count(*) as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and classid = ${UNREAD_LOCKS[0]}`)).rows[0].n);
  const held = async (statement: string) => {
    await c.query('begin');
    try {
      await c.query(statement);
      return await articleLocks();
    } finally {
      await c.query('commit');
    }
  };
  const star = `insert into article_state (user_id, article_id, read_at, starred_at) values (${cyd}, ${article}, null, '${NOW}')`;
  assert.equal(await held(star), 0, 'a star');
  assert.equal(await held(`update article_state set read_at = '${NOW}' where user_id = ${cyd} and article_id = ${article}`), 1, 'read');
  assert.equal(await held(`update article_state set read_at = '2026-03-06T00:00:00Z' where user_id = ${cyd} and article_id = ${article}`), 0, 'read again');
  assert.equal(await held(`delete from article_state where user_id = ${cyd} and article_id = ${article}`), 1, 'a read mark removed');
  assert.deepEqual(await drift(), []);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { closePipeline, createPipeline, type Pipeline } from '../src/ingest/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { recheckArticles } from '../src/ingest/recheckArticles.js';
import { buildApp } from '../src/server/app.js';
import { hashPassword, verifyPassword } from '../src/accounts/passwords.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { feverKeyHash } from '../src/accounts/feverKey.js';
import { checkCounts, copyDatabase, openCopyEnd } from '../src/store/copyDatabase.js';
import type { KyselyStore } from '../src/store/kyselyStore.js';
import { openPostgresStore } from '../src/store/postgres/openPostgres.js';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { runCli, tempDir } from './support/cli.js';
import { freshDatabase, openTestStore, postgresReachable, type TestDatabase, type TestStore } from './support/stores.js';

const skip = (await postgresReachable()) ? false : 'PostgreSQL is not reachable (TIDINGS_TEST_DATABASE_URL)';

const published = '2026-03-02T08:00:00Z';
const at = (minutes: number) => new Date(Date.parse(published) + minutes * 60_000);
let clock = at(5);

let server: PublisherServer;
before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

/** Every table the database holds data in, asked of the database itself (not of the copy code). */
async function dataTables(db: TestDatabase, postgres: boolean): Promise<string[]> {
  const rows = postgres
    ? await db.query(`select table_name as name from information_schema.tables where table_schema = current_schema()`)
    : await db.query(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'article_fts%' and name not like 'article_prefix_fts%'`);
  return rows.map((r) => String(r.name)).filter((n) => !n.startsWith('schema_migration')).sort();
}

/** The `table  source rows  copied rows` lines `db copy` prints, as [table, source, copied]. */
function printedCounts(stdout: string): Array<[string, number, number]> {
  const lines = stdout.trim().split('\n');
  assert.match(lines[0]!, /^table\s+source rows\s+copied rows$/);
  return lines.slice(1).map((l) => {
    const [t, s, c] = l.trim().split(/\s+/);
    return [t!, Number(s), Number(c)];
  });
}

interface Instance {
  ts: TestStore;
  p: Pipeline;
  tokens: Record<string, string>;
  feedId: number;
  deletedId: number;
}

const story = (n: number, extra = 'two weeks') =>
  articlePage({
    title: `Harbour story ${n}`,
    siteName: 'Harbour Times',
    published,
    bodyHtml: `<p>Harbour story ${n}: the ferry operator said the winter timetable would start ${extra} later than planned, citing crew shortages.</p><p>Passengers with season tickets will be offered refunds, a spokesperson told the Harbour Times on the quay.</p><figure><img src="/img/${n}.jpg"><figcaption><span class="caption">The quay at dawn, story ${n}.</span> <span class="credit">Kari Lund</span></figcaption></figure>`,
  });

const feedBody = (ns: number[]) =>
  rssFeed({ title: 'Harbour Times', link: server.url('/'), items: ns.map((n) => ({ title: `Harbour story ${n}`, link: server.url(`/h/${n}`), guid: `h${n}`, pubDate: at(n).toUTCString() })) });

function pipelineOn(ts: TestStore | { store: KyselyStore; location: TestDatabase['location'] }): Pipeline {
  const config = loadConfig({}, { db: ts.location.dbPath, databaseUrl: ts.location.databaseUrl });
  config.fetch = { ...config.fetch, allowPrivateNetworks: true, totalTimeoutMs: 5000, perHostSpacingMs: 0 };
  return createPipeline(ts.store, config, () => clock);
}

/**
 * An SQLite instance with something in every table, built the way a real one fills up:
 * the pipeline against a local publisher (articles, images, a revision from a re-check),
 * a deleted article's tombstone, and the store's own methods for accounts and states.
 */
async function sqliteInstance(): Promise<Instance> {
  clock = at(5);
  const ts = await openTestStore('sqlite');
  const p = pipelineOn(ts);
  const now = '2026-03-02T08:01:00Z';
  const ada = await ts.store.createUser({ name: 'ada', passwordHash: await hashPassword('correct horse battery'), isAdmin: true, now });
  const bob = await ts.store.createUser({ name: 'bob', passwordHash: await hashPassword('staple battery horse'), isAdmin: false, now });
  const tokens: Record<string, string> = {};
  for (const u of [ada, bob]) {
    tokens[u.name] = newSecret();
    await ts.store.createApiToken({ userId: u.id, tokenHash: secretHash(tokens[u.name]!), name: 'phone', now });
    await ts.store.setFeverKey({ userId: u.id, keyHash: feverKeyHash(u.name, `${u.name} fever password`), userName: u.name, now });
    await ts.store.createSession({ userId: u.id, tokenHash: secretHash(`session-${u.name}`), csrfToken: `csrf-${u.name}`, now, expiresAt: '2026-04-01T00:00:00Z' });
    await ts.store.setSyndicationSecret(u.id, secretHash(`feeds-${u.name}`), now);
  }
  for (const n of [1, 2, 3]) server.set(`/h/${n}`, { body: story(n) });
  server.set('/h.xml', { type: 'application/rss+xml', body: feedBody([1, 2, 3]) });
  const { feed } = await subscribe(p, server.url('/h.xml'), { readers: [ada.id], folder: 'Harbour', source: 'My Harbour' });
  await ts.store.subscribeUser(bob.id, feed.id, 'News', now, 'Bob\'s harbour');
  await refreshFeed(p, (await ts.store.getFeed(feed.id))!);
  const articles = await ts.store.listArticles({ limit: 10 });
  assert.equal(articles.length, 3);
  const byTitle = (n: number) => articles.find((a) => a.title === `Harbour story ${n}`)!.id;

  clock = at(40);
  server.set('/h/1', { body: story(1, 'three weeks') });
  assert.equal((await recheckArticles(p)).changed, 1, 'a revision');
  await ts.store.setArticleState(ada.id, byTitle(1), { read: true, starred: true }, now);
  await ts.store.setArticleState(bob.id, byTitle(2), { read: true }, now);
  // The newest id, deleted: the copy must never hand it out again.
  const deletedId = byTitle(3);
  assert.ok(await ts.store.deleteArticle(deletedId, 'deleted by user', now));
  await ts.store.saveWebSub({
    feedId: feed.id, hub: server.url('/hub'), topic: server.url('/h.xml'), secret: 's3cret', callbackToken: 'cb-token', state: 'active',
    leaseSeconds: 864000, expiresAt: '2026-03-12T08:00:00Z', requestedAt: now, lastPushAt: null, lastError: null,
  });
  await ts.store.setSetting('instance.note', 'moved from SQLite');
  await ts.store.setFeedRules(feed.id, { keep: ['.story'], remove: ['.promo', '[data-ad]'] }, { userId: ada.id, now });
  // A lease left by a server that stopped beating: copied like any row, ignored by the CLI.
  await ts.store.saveServerLease({ id: 'old-server', pid: 1, host: 'old-host', address: 'http://127.0.0.1:8080', commandPort: 1, secret: 's', startedAt: now, heartbeatAt: now });
  return { ts, p, tokens, feedId: feed.id, deletedId };
}

async function closeInstance(i: Instance): Promise<void> {
  await closePipeline(i.p);
  await i.ts.close();
}

/** What the API answers a reader, everything the round trip must keep. */
async function apiAnswers(store: KyselyStore, p: Pipeline, token: string): Promise<Record<string, unknown>> {
  const app = buildApp({ store, config: p.config, now: () => clock });
  try {
    const get = async (url: string) => {
      const r = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      return r.json();
    };
    const answers: Record<string, unknown> = {};
    for (const url of ['/me', '/feeds', '/articles', '/articles?show=starred', '/articles?show=unread', '/search?q=ferry', '/search?q=%22three%20weeks%22', '/search?q=harb*']) answers[url] = await get(url);
    for (const a of (answers['/articles'] as { articles: Array<{ id: number }> }).articles) answers[`/articles/${a.id}`] = await get(`/articles/${a.id}`);
    return answers;
  } finally {
    await app.close();
  }
}

test('db copy: an SQLite instance copied to PostgreSQL answers the API the same, keeps passwords, states, revisions and tombstones, and ids go on past the copied ones', { skip }, async (t) => {
  const i = await sqliteInstance();
  t.after(() => closeInstance(i));
  const target = await freshDatabase('postgres');
  t.after(() => target.drop());
  const copy = await runCli(['db', 'copy', '--from', i.ts.location.dbPath, '--to', target.location.databaseUrl!, '--batch', '2']);
  assert.equal(copy.code, 0, copy.stderr);
  assert.match(copy.stderr, /\[\d+\/\d+\] article 2\/2/, 'a progress line per batch');

  // Every table of the schema, each with rows, counted alike on both sides.
  const counts = printedCounts(copy.stdout);
  assert.deepEqual(counts.map(([table]) => table).sort(), await dataTables(i.ts, false));
  assert.deepEqual(counts.map(([table]) => table).sort(), await dataTables(target, true));
  for (const [table, source, copied] of counts) {
    // The story step's queue is empty once the step has run, as it has here.
    if (table !== 'story_pending') assert.ok(source > 0, `${table} has rows to copy`);
    assert.equal(source, await i.ts.count(table), `${table} in the source`);
    assert.equal(copied, await target.count(table), `${table} in the target`);
    assert.equal(copied, source, table);
  }

  // And back: PostgreSQL to a new SQLite file gives the same rows and the same river.
  const back = path.join(tempDir(), 'back.db');
  const backCopy = await runCli(['db', 'copy', '--from', target.location.databaseUrl!, '--to', back]);
  assert.equal(backCopy.code, 0, backCopy.stderr);
  assert.deepEqual(printedCounts(backCopy.stdout), counts);
  const river = async (args: string[]) => JSON.parse((await runCli(['list', '--json', ...args])).stdout);
  assert.deepEqual(await river(['--db', back]), await river(i.ts.args));

  const pg = await openPostgresStore(target.location.databaseUrl!);
  const pgPipeline = pipelineOn({ store: pg, location: target.location });
  t.after(async () => {
    await closePipeline(pgPipeline);
    await pg.close();
  });
  for (const name of ['ada', 'bob']) {
    const sqliteAnswers = await apiAnswers(i.ts.store, i.p, i.tokens[name]!);
    const pgAnswers = await apiAnswers(pg, pgPipeline, i.tokens[name]!);
    assert.deepEqual(pgAnswers, sqliteAnswers, name);
    assert.ok(((sqliteAnswers['/search?q=ferry'] as unknown[]).length) > 0, 'search finds the copied articles on both');
  }
  for (const userId of [1, 2]) assert.deepEqual(await pg.listSubscriptions(userId), await i.ts.store.listSubscriptions(userId));
  assert.deepEqual((await pg.listSubscriptions(2)).map((s) => [s.folder, s.customTitle]), [['News', "Bob's harbour"]]);
  const ada = (await pg.getUserByName('ada'))!;
  assert.ok(await verifyPassword('correct horse battery', ada.passwordHash), 'the password hash came along');
  assert.equal((await pg.getSession(secretHash('session-bob'), published))?.csrfToken, 'csrf-bob');
  assert.equal((await pg.userBySyndicationSecret(secretHash('feeds-bob')))?.name, 'bob', 'a reader\'s feeds out keep their secret');
  assert.equal((await pg.userByFeverKey(feverKeyHash('bob', 'bob fever password')))?.name, 'bob', 'and their Fever key');
  const [revised] = await pg.listArticles({ limit: 10, show: 'starred', userId: ada.id });
  assert.deepEqual((await pg.listRevisions(revised!.id)).map((r) => r.reason), ['first', 'page_change']);
  assert.deepEqual(await pg.getWebSub(i.feedId), await i.ts.store.getWebSub(i.feedId));
  assert.equal(await pg.getSetting('instance.note'), 'moved from SQLite');
  assert.deepEqual(await pg.getFeedRules(i.feedId), { keep: ['.story'], remove: ['.promo', '[data-ad]'] }, "a feed's own extraction rules");

  // On PostgreSQL now: the feed's validators came along (304), the deleted article stays
  // deleted, and new rows get ids past every id the SQLite file ever gave out.
  const hitsBefore = server.count('/h.xml');
  clock = at(60 * 24);
  const unchanged = await refreshFeed(pgPipeline, (await pg.getFeed(i.feedId))!);
  assert.equal(server.count('/h.xml'), hitsBefore + 1);
  assert.equal(unchanged.status, 'not_modified', 'the copied ETag was sent');
  server.set('/h/4', { body: story(4) });
  server.set('/h.xml', { type: 'application/rss+xml', body: feedBody([1, 2, 3, 4]) });
  await refreshFeed(pgPipeline, (await pg.getFeed(i.feedId))!);
  const titles = (await pg.listArticles({ limit: 10 })).map((a) => [a.title, a.id] as const);
  assert.deepEqual(titles.map(([title]) => title).sort(), ['Harbour story 1', 'Harbour story 2', 'Harbour story 4'], 'the tombstone kept story 3 out');
  const newId = titles.find(([title]) => title === 'Harbour story 4')![1];
  assert.ok(newId > i.deletedId, `new article id ${newId} is past the deleted ${i.deletedId}`);
  const carol = await pg.createUser({ name: 'carol', passwordHash: 'x', isAdmin: false, now: published });
  assert.equal(carol.id, 3);
});

test('db copy refuses a target that holds rows (error[conflict]) and leaves it as it was', { skip }, async (t) => {
  const i = await sqliteInstance();
  t.after(() => closeInstance(i));
  const target = await freshDatabase('postgres');
  t.after(() => target.drop());
  const pg = await openPostgresStore(target.location.databaseUrl!);
  await pg.createUser({ name: 'zoe', passwordHash: 'x', isAdmin: true, now: published });
  await pg.close();
  const copy = await runCli(['db', 'copy', '--from', i.ts.location.dbPath, '--to', target.location.databaseUrl!]);
  assert.equal(copy.code, 1);
  assert.match(copy.stderr, /^error\[conflict\]: the target database is not empty \(rows in user\)/m);
  assert.equal(copy.stdout, '');
  assert.equal(await target.count('user'), 1);
  assert.equal(await target.count('article'), 0);
});

test('db copy between SQLite files: every table, counted; a second copy into the same file is refused', async (t) => {
  const i = await sqliteInstance();
  t.after(() => closeInstance(i));
  const copyPath = path.join(tempDir(), 'copy.db');
  const copy = await runCli(['db', 'copy', '--from', i.ts.location.dbPath, '--to', copyPath]);
  assert.equal(copy.code, 0, copy.stderr);
  const counts = printedCounts(copy.stdout);
  assert.deepEqual(counts.map(([table]) => table).sort(), await dataTables(i.ts, false), 'every table the database holds');
  for (const [table, source, copied] of counts) assert.deepEqual([source, copied], [await i.ts.count(table), await i.ts.count(table)], table);

  const list = await runCli(['list', '--json', '--db', copyPath]);
  assert.deepEqual(JSON.parse(list.stdout), JSON.parse((await runCli(['list', '--json', ...i.ts.args])).stdout));
  const search = await runCli(['search', 'ferry', '--json', '--db', copyPath]);
  assert.equal(JSON.parse(search.stdout).length, 2, 'the copy has its own search index');
  const again = await runCli(['db', 'copy', '--from', i.ts.location.dbPath, '--to', copyPath]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^error\[conflict\]: the target database is not empty/m);
});

test('db copy: a missing source file is not_found (and not created); usage errors exit 2', async () => {
  const dir = tempDir();
  const missing = path.join(dir, 'nope.db');
  const r = await runCli(['db', 'copy', '--from', missing, '--to', path.join(dir, 'to.db')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error\[not_found\]: no SQLite database at /);
  assert.equal(fs.existsSync(missing), false);
  assert.equal((await runCli(['db', 'copy', '--from', missing])).code, 2);
  assert.equal((await runCli(['db', 'move', '--from', missing, '--to', missing])).code, 2);
});

test('a table whose copy does not hold its source rows fails the check with error code conflict', () => {
  assert.doesNotThrow(() => checkCounts([{ table: 'article', source: 3, copied: 3 }]));
  assert.throws(
    () => checkCounts([{ table: 'feed', source: 2, copied: 2 }, { table: 'article', source: 3, copied: 2 }]),
    (e: Error & { code?: string }) => e.code === 'conflict' && /article 3 rows in the source, 2 copied/.test(e.message),
  );
});

test('db copy reads one snapshot: a row the running instance stores mid-copy is not copied, and the counts still agree', async (t) => {
  const i = await sqliteInstance();
  t.after(() => closeInstance(i));
  const from = await openCopyEnd(i.ts.location.dbPath, 'source');
  const to = await openCopyEnd(path.join(tempDir(), 'copy.db'), 'target');
  t.after(async () => {
    await from.close();
    await to.close();
  });
  // Another process writing while the copy runs (WAL lets it, beside the copy's read).
  const writer = new BetterSqlite3(i.ts.location.dbPath);
  t.after(() => writer.close());
  let wrote = false;
  const progress = {
    start() {},
    batch() {
      if (wrote) return;
      writer.prepare(`insert into setting (key, value) values ('late', 'written mid-copy')`).run();
      wrote = true;
    },
  };
  const before = await i.ts.count('setting');
  const counts = await copyDatabase(from, to, progress, 1);
  assert.ok(wrote);
  checkCounts(counts);
  assert.deepEqual(counts.find((c) => c.table === 'setting'), { table: 'setting', source: before, copied: before });
  assert.equal(await i.ts.count('setting'), before + 1, 'the source went on');
});

test('db copy: a batch larger than one statement may bind is written in several inserts', async (t) => {
  const ts = await openTestStore('sqlite');
  await ts.store.close();
  t.after(() => ts.drop());
  // 5,500 rows × 6 columns is past SQLite's 32,766 bound values a statement.
  await ts.query(`insert into tombstone (url_key, feed_id, guid, reason, created_at)
    with recursive n(i) as (select 1 union all select i + 1 from n where i < 5500)
    select 'example.com/' || i, null, null, 'deleted by user', '2026-03-02T08:00:00Z' from n`);
  const copyPath = path.join(tempDir(), 'copy.db');
  const r = await runCli(['db', 'copy', '--from', ts.location.dbPath, '--to', copyPath, '--batch', '6000']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(printedCounts(r.stdout).find(([table]) => table === 'tombstone'), ['tombstone', 5500, 5500]);
});

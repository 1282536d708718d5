import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tsQueries } from '../src/store/postgres/postgresDialect.js';
import { postgresMigrations } from '../src/store/postgres/migrations.js';
import { markHit } from '../src/render/searchHighlight.js';
import type { KyselyStore } from '../src/store/kyselyStore.js';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/store/openStore.js';
import { runCli } from './support/cli.js';
import { freshDatabase, openTestStore, postgresReachable } from './support/stores.js';

const skip = (await postgresReachable()) ? false : 'PostgreSQL is not reachable (TIDINGS_TEST_DATABASE_URL)';

test('what a reader types becomes a safe tsquery: all words, phrases, prefixes, nothing read as syntax', () => {
  const words = (input: string) => tsQueries(input)?.words;
  assert.equal(words('ferry timetable'), "'ferry' & 'timetable'");
  assert.deepEqual(tsQueries('"northern channel" dredg* time*'), { words: "('northern' <-> 'channel')", prefixes: "'dredg':* & 'time':*", prefixParts: ["'dredg':*", "'time':*"] });
  assert.deepEqual(tsQueries('timeta*'), { words: null, prefixes: "'timeta':*", prefixParts: ["'timeta':*"] });
  assert.equal(words('title:ferry NEAR(a b) -x !y'), "'title' & 'ferry' & 'NEAR' & 'a' & 'b' & 'x' & 'y'");
  assert.equal(words("o'neil & | <-> \\"), "'o' & 'neil'");
  assert.equal(tsQueries('" * ( ) : & |'), null);
});

test('two processes starting at once on a new database: one migrates, the other waits and finds it done', { skip }, async () => {
  const db = await freshDatabase('postgres');
  const runs = await Promise.all([runCli(['migrate', ...db.args]), runCli(['migrate', ...db.args])]);
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const applied = runs.flatMap((r) => r.stdout.match(/applied \S+/g) ?? []);
  // Every migration once, by one of the two.
  assert.deepEqual(applied.sort(), Object.keys(postgresMigrations).sort().map((name) => `applied ${name}`));
  assert.ok(runs.some((r) => r.stdout === 'schema is up to date\n'), 'the second one had nothing to do');
  assert.equal(await db.count('schema_migration'), Object.keys(postgresMigrations).length);
  await db.drop();
});

test('TIDINGS_DB_POOL_SIZE bounds the connections a process holds for its store', { skip }, async () => {
  const db = await freshDatabase('postgres');
  const config = loadConfig({ TIDINGS_DB_POOL_SIZE: '2', TIDINGS_JOB_POOL_SIZE: '3' }, { databaseUrl: db.location.databaseUrl });
  assert.equal(config.jobs.poolSize, 3);
  const store = (await openStore({ ...db.location, poolSize: config.databasePoolSize })) as KyselyStore;
  try {
    // Six queries at once: the pool runs them two at a time.
    const sleeps = Array.from({ length: 6 }, () => sql`select pg_sleep(0.3)`.execute(store.kysely()));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const rows = await db.query(`select count(*) as n from pg_stat_activity where datname = current_database() and query like '%pg_sleep%' and query not like '%pg_stat_activity%'`);
    await Promise.all(sleeps);
    assert.equal(Number(rows[0]!.n), 2);
  } finally {
    await store.close();
    await db.drop();
  }
});

test('PostgreSQL answers with the same ids and ISO times as SQLite', { skip }, async () => {
  const answers = [];
  for (const target of ['sqlite', 'postgres'] as const) {
    const ts = await openTestStore(target);
    answers.push(await sampleAnswers(ts.store));
    await ts.close();
  }
  assert.deepEqual(answers[1], answers[0]);
});

test('search on PostgreSQL ignores accents and case like SQLite FTS5 (unicode61 remove_diacritics)', { skip }, async () => {
  for (const target of ['sqlite', 'postgres'] as const) {
    const ts = await openTestStore(target);
    const feedId = await storeArticle(ts.store, 'Le Café du Port rouvre', 'Après les travaux, le café rouvre ses portes au public.');
    for (const q of ['cafe', 'CAFÉ', 'apres', '"cafe du port"', 'rouv*']) {
      const hits = await ts.store.searchArticles({ text: q, feedId, limit: 10 });
      assert.equal(hits.length, 1, `${target}: ${q}`);
    }
    assert.equal((await ts.store.searchArticles({ text: '"port cafe"', limit: 10 })).length, 0, `${target}: phrase order counts`);
    const [hit] = await ts.store.searchArticles({ text: 'CAFÉ', limit: 10 });
    assert.equal(markHit(hit!).titleMarked, 'Le \u0002Café\u0003 du Port rouvre', target);
    await ts.close();
  }
});

test('a PostgreSQL URL nobody answers on fails with error[network_error]', async () => {
  const r = await runCli(['feeds', '--database-url', 'postgres://postgres@127.0.0.1:1/none']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error\[network_error\]: PostgreSQL: .*ECONNREFUSED/);
});

async function sampleAnswers(store: KyselyStore) {
  const user = await store.createUser({ name: 'ada', passwordHash: 'h', isAdmin: true, now: '2026-01-02T03:04:05Z' });
  await store.createSession({ userId: user.id, tokenHash: 't', csrfToken: 'c', now: '2026-01-02T03:04:05.250Z', expiresAt: '2026-02-01T00:00:00Z' });
  const feedId = await storeArticle(store, 'Harbour opens', 'The harbour opened on Monday.');
  const feed = await store.getFeed(feedId);
  const article = await store.getArticle((await store.listArticles({ limit: 1 }))[0]!.id);
  return { user, session: await store.getSession('t', '2026-01-10T00:00:00Z'), feed, article, revisions: await store.listRevisions(article!.id) };
}

async function storeArticle(store: KyselyStore, title: string, text: string): Promise<number> {
  const now = '2026-03-02T08:00:00Z';
  const { feed } = await store.addFeed({
    url: 'https://port.example/feed.xml', siteUrl: 'https://port.example/', title: 'Port', section: null, sourceName: 'Port News', sourceNameFrom: 'feed',
    sourceHomepage: 'https://port.example/', sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now,
  });
  await store.saveRefresh({
    feedId: feed.id, fetchedAt: now, status: 'ok', etag: '"v1"', lastModified: 'Mon, 02 Mar 2026 08:00:00 GMT', nextCheckAt: '2026-03-02T08:30:00Z', links: [],
    articles: [{
      keys: { guid: 'g1', canonicalUrl: 'https://port.example/a', linkKey: 'port.example/a', contentHash: 'h1' },
      url: 'https://port.example/a', title, byline: null, publishedAt: '2026-03-02T07:59:00Z', publisherUpdatedAt: null, text, html: `<p>${text}</p>`,
      leadImageUrl: null, lang: 'fr', wordCount: 9, feedHash: 'f1', extractStatus: 'ok', extractError: null,
      images: [{ url: 'https://port.example/i.jpg', caption: 'The quay', credit: null, position: 0 }], seenAt: now, reason: 'first', nextRecheckAt: '2026-03-02T08:15:00Z',
    }],
  });
  return feed.id;
}

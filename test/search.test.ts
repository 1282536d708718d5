import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { runCli, tempDir } from './support/cli.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { ftsQuery, searchWindow } from '../src/store/sqlite/sqliteDialect.js';
import { searchRanges } from '../src/store/postgres/postgresDialect.js';
import { openSqliteStore } from '../src/store/sqlite/openSqlite.js';
import { markHit } from '../src/render/searchHighlight.js';
import { buildApp } from '../src/server/app.js';
import { signedIn } from './support/webSession.js';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqlBool } from 'kysely';
import path from 'node:path';
import { storeTarget } from './support/stores.js';
import { rebuildSearchIndex } from '../src/store/sqlite/migrations.js';

let server: PublisherServer;
let tp: TestPipeline;
let feedId = 0;
const story = (t: string, text: string) => articlePage({ title: t, siteName: 'Harbour Times', bodyHtml: `<p>${text} ${'The council will publish the full report on its website next week, officials said. '.repeat(3)}</p>` });

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  const items = [
    { title: 'Dredging of the northern channel begins', link: server.url('/s/1'), pubDate: 'Mon, 02 Mar 2026 08:00:00 GMT' },
    { title: 'Ferry timetable & fares: 2 < 3', link: server.url('/s/2'), pubDate: 'Tue, 03 Mar 2026 08:00:00 GMT' },
    { title: 'Council budget approved', link: server.url('/s/3'), pubDate: 'Wed, 04 Mar 2026 08:00:00 GMT' },
  ];
  server.set('/s.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items }) });
  server.set('/s/1', { body: story('Dredging', 'Work to deepen the northern channel started with two dredgers on Monday, near the library.') });
  server.set('/s/2', { body: story('Ferry', 'The winter ferry timetable starts later; dredging near the quay delays the first crossings.') });
  server.set('/s/3', { body: story('Budget', 'The harbour budget for next year was approved after a long debate about the ferry subsidy.') });
  const { feed } = await subscribe(tp.p, server.url('/s.xml'));
  feedId = feed.id;
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
});
after(async () => {
  await tp.close();
  await server.stop();
});

test('what a reader types becomes a safe FTS5 query', () => {
  assert.equal(ftsQuery('ferry timetable'), '"ferry" "timetable"');
  assert.equal(ftsQuery('"northern channel" dredg*'), '"northern channel" "dredg"*');
  assert.equal(ftsQuery('title:ferry NEAR(a b) -x'), '"title" "ferry" "NEAR" "a" "b" "x"');
  assert.equal(ftsQuery('" * ( ) :'), null);
});

test('search ranks title matches first, highlights matches, filters by feed and date', async () => {
  const hits = await tp.store.searchArticles({ text: 'dredging', limit: 10 });
  assert.deepEqual(hits.map((h) => h.title), ['Dredging of the northern channel begins', 'Ferry timetable & fares: 2 < 3']);
  assert.match(markHit(hits[0]!).titleMarked, /\u0002Dredging\u0003/);
  assert.match(markHit(hits[1]!).snippetMarked, /\u0002dredging\u0003 near the quay/);
  assert.deepEqual((await tp.store.searchArticles({ text: '"northern channel"', limit: 10 })).map((h) => h.title), ['Dredging of the northern channel begins']);
  assert.equal((await tp.store.searchArticles({ text: 'budg*', limit: 10 })).length, 1);
  assert.equal((await tp.store.searchArticles({ text: 'ferry', limit: 10, from: '2026-03-04T00:00:00Z' })).length, 1);
  assert.equal((await tp.store.searchArticles({ text: 'ferry', limit: 10, feedId: feedId + 100 })).length, 0);
  assert.equal((await tp.store.searchArticles({ text: 'nothingmatchesthis', limit: 10 })).length, 0);
  assert.equal((await tp.store.searchArticles({ text: '(((', limit: 10 })).length, 0, 'syntax characters are not an error');
});

test('search finds other forms of a word (stemming) and short prefixes', async () => {
  const titles = async (text: string) => (await tp.store.searchArticles({ text, limit: 10 })).map((h) => h.title);
  const dredging = 'Dredging of the northern channel begins';
  assert.deepEqual(await titles('libraries'), [dredging]);
  const [library] = await tp.store.searchArticles({ text: 'libraries', limit: 1 });
  assert.match(markHit(library!).snippetMarked, /near the \u0002library\u0003/, 'the form the stemmer matched is marked');
  assert.deepEqual(await titles('crossing'), ['Ferry timetable & fares: 2 < 3']);
  assert.deepEqual(await titles('"dredgers on monday"'), [dredging]);
  assert.ok((await titles('ch*')).includes(dredging), 'a two-letter prefix');
  assert.ok((await titles('nor*')).includes(dredging), 'a three-letter prefix');
  assert.deepEqual(await titles('northe* channels'), [dredging]);
});

test('prefixes of every length find the words they start, and only those', async () => {
  const titles = async (text: string) => (await tp.store.searchArticles({ text, limit: 10 })).map((h) => h.title);
  const [dredging, ferry, budget] = ['Dredging of the northern channel begins', 'Ferry timetable & fares: 2 < 3', 'Council budget approved'];
  // Lengths with a prefix index of their own on SQLite (1-6) and longer ones, served without.
  assert.deepEqual(await titles('q*'), [ferry]);
  assert.deepEqual(await titles('y*'), [budget]);
  assert.deepEqual(await titles('z*'), []);
  assert.deepEqual((await titles('dred*')).sort(), [dredging, ferry].sort());
  assert.deepEqual((await titles('dredg*')).sort(), [dredging, ferry].sort());
  assert.deepEqual(await titles('subsi*'), [budget]);
  assert.deepEqual(await titles('subsid*'), [budget]);
  assert.deepEqual(await titles('channe*'), [dredging]);
  assert.deepEqual(await titles('channel*'), [dredging]);
  assert.deepEqual(await titles('northern* deepe*'), [dredging]);
  assert.deepEqual(await titles('dredx*'), []);
  assert.deepEqual(await titles('subsidyx*'), []);
});

test('a prefix longer than its word\'s stem finds the word, and marks it', async () => {
  const titles = async (text: string) => (await tp.store.searchArticles({ text, limit: 10 })).map((h) => h.title);
  const ferry = 'Ferry timetable & fares: 2 < 3';
  // Stems: timetable "timet", crossings "cross", library "librari" (timeta*, crossi*, librar* are longer or as long).
  assert.deepEqual(await titles('timeta*'), [ferry]);
  assert.deepEqual(await titles('timetable*'), [ferry]);
  assert.deepEqual(await titles('crossi*'), [ferry]);
  assert.deepEqual(await titles('timetx*'), []);
  const [hit] = await tp.store.searchArticles({ text: 'timeta*', limit: 1 });
  assert.match(markHit(hit!).titleMarked, /Ferry \u0002timetable\u0003 &/);
  assert.match(markHit(hit!).snippetMarked, /winter ferry \u0002timetable\u0003 starts/);
});

test('a prefix shorter than its word\'s stem still finds the word', async () => {
  const titles = async (text: string) => (await tp.store.searchArticles({ text, limit: 10 })).map((h) => h.title);
  assert.deepEqual(await titles('tim*'), ['Ferry timetable & fares: 2 < 3']);
  assert.deepEqual(await titles('libr*'), ['Dredging of the northern channel begins']);
});

test('words, phrases and prefixes combine: every part must match', async () => {
  const titles = async (text: string) => (await tp.store.searchArticles({ text, limit: 10 })).map((h) => h.title).sort();
  const [dredging, ferry] = ['Dredging of the northern channel begins', 'Ferry timetable & fares: 2 < 3'];
  assert.deepEqual(await titles('dredging timeta*'), [ferry], 'a stemmed word and a prefix longer than a stem');
  assert.deepEqual(await titles('dredgers timeta*'), [], 'both must match one article');
  assert.deepEqual(await titles('crossings quay dredgi*'), [ferry]);
  assert.deepEqual(await titles('"winter ferry" timeta*'), [ferry], 'a phrase and a prefix');
  assert.deepEqual(await titles('"ferry timetable" northe*'), []);
  assert.deepEqual(await titles('"northern channel" dredg* librar*'), [dredging]);
  const [hit] = await tp.store.searchArticles({ text: '"winter ferry" timeta*', limit: 1 });
  assert.match(markHit(hit!).snippetMarked, /\u0002winter\u0003 \u0002ferry\u0003 \u0002timetable\u0003/);
});

test('a word and a prefix read the prefix index in widening rowid ranges, and find the same window as one full read', { skip: storeTarget !== 'sqlite' }, async () => {
  const file = path.join(tempDir(), 'bounded.db');
  const store = await openSqliteStore(file);
  try {
    const now = '2026-03-01T00:00:00Z';
    await store.addFeed({ url: 'https://b.example/f.xml', siteUrl: 'https://b.example/', title: 'B', section: null, sourceName: 'B', sourceNameFrom: 'site', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now });
    // Article i holds "harbour" when i % 3 == 0 and a word starting "pilot" when i % 4 == 0 (ids are 1..120 in order).
    const raw = new BetterSqlite3(file);
    const add = raw.prepare(`insert into article (source_id, url, canonical_url, url_key, title, published_at, first_seen_at, text, html, lang, word_count, content_hash, extract_status)
      values (1, ?, ?, ?, ?, ?, ?, ?, '', 'en', 10, ?, 'ok')`);
    for (let i = 1; i <= 120; i++) {
      const words = [i % 3 === 0 ? 'harbour' : 'quay', i % 4 === 0 ? ['pilots', 'piloting', 'pilotage'][i % 3] : 'crane', `item${i}`];
      const url = `https://b.example/${i}`;
      add.run(url, url, url, `Story ${i}`, `2026-01-01T00:${String(i % 60).padStart(2, '0')}:00Z`, now, words.join(' '), `h${i}`);
    }
    raw.close();
    const db = store.kysely();
    const all = sql<SqlBool>`1 = 1`;
    const search = async (firstSpan: number) => (await searchWindow(db, 'harbour pilot*', all, { limit: 100, offset: 0 }, { window: 7, firstSpan })).map((r) => r.id).sort((a, b) => a - b);
    const newestSeven = [120, 108, 96, 84, 72, 60, 48].sort((a, b) => a - b);
    assert.deepEqual(await search(1_000_000), newestSeven, 'one range holding every article');
    assert.deepEqual(await search(2), newestSeven, 'ranges of 2, 16, 128 rowids');
    assert.deepEqual(await search(30), newestSeven, 'ranges of 30 and 240');
    const whole = await searchWindow(db, 'harbour pilot*', all, { limit: 100, offset: 0 }, { window: 1000, firstSpan: 2 });
    assert.equal(whole.length, 10, 'every match when the window is larger than the matches');
    const paged = await searchWindow(db, 'harbour pilot*', all, { limit: 3, offset: 6 }, { window: 7, firstSpan: 2 });
    assert.equal(paged.length, 1, 'a page near the end of the window');
  } finally {
    await store.close();
  }
});

test('PostgreSQL reads the window in disjoint id ranges, each as large as the window still lacks, and finds the same window as one full read', { skip: storeTarget !== 'postgres' }, async () => {
  // Article k of 120 (consecutive ids) holds "harbour" when k % 3 == 0 and a word starting "pilot" when k % 4 == 0.
  const [{ id: sourceId }] = (await tp.query('select id from source order by id limit 1')) as [{ id: number }];
  const ids: number[] = [];
  for (let k = 1; k <= 120; k++) {
    const words = [k % 3 === 0 ? 'harbour' : 'quay', k % 4 === 0 ? ['pilots', 'piloting', 'pilotage'][k % 3] : 'crane', `item${k}`];
    const url = `https://ranges.example/${k}`;
    const [row] = await tp.query(`insert into article (source_id, url, canonical_url, url_key, title, published_at, first_seen_at, text, html, lang, word_count, content_hash, extract_status)
      values (${sourceId}, '${url}', '${url}', '${url}', 'Story ${k}', '2026-01-01T00:${String(k % 60).padStart(2, '0')}:00Z', '2026-03-01T00:00:00Z', '${words.join(' ')}', '', 'en', 10, 'r${k}', 'ok') returning id`);
    ids.push(Number(row!.id));
  }
  const db = tp.store.kysely();
  const ours = sql<SqlBool>`a.url like 'https://ranges.example/%'`;
  const search = async (text: string, firstSpan: number, window = 7, page = { limit: 100, offset: 0 }) =>
    (await searchRanges(db, text, ours, page, { window, firstSpan })).map((r) => r.id).sort((a, b) => a - b);
  const newestSeven = [120, 108, 96, 84, 72, 60, 48].map((k) => ids[k - 1]!).sort((a, b) => a - b);
  assert.deepEqual(await search('harbour pilot*', 1_000_000), newestSeven, 'one range holding every article');
  assert.deepEqual(await search('harbour pilot*', 2), newestSeven, 'ranges of 2, 16, 128… ids');
  assert.deepEqual(await search('harbour pilot*', 30), newestSeven, 'ranges of 30 and 240 ids');
  assert.equal((await search('harbour pilot*', 2, 1000)).length, 10, 'every match when the window is larger than the matches');
  assert.equal((await search('harbour pilot*', 2, 7, { limit: 3, offset: 6 })).length, 1, 'a page near the end of the window');
  assert.deepEqual(await search('pilot*', 5), [120, 116, 112, 108, 104, 100, 96].map((k) => ids[k - 1]!).sort((a, b) => a - b), 'a prefix alone');
  assert.deepEqual(await search('nowhere', 2), [], 'no match in any range');
});

test('the SQLite search index rebuilds in batches, and a failed rebuild keeps the old one', { skip: storeTarget !== 'sqlite' }, async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(tp.location.dbPath) }) });
  const titles = async (text: string) => (await tp.store.searchArticles({ text, limit: 10 })).map((h) => h.title).sort();
  const before = await titles('ferr*');
  assert.equal(before.length, 2);
  const [fts, prefixFts] = await tp.query(`select sql from sqlite_master where name in ('article_fts', 'article_prefix_fts') order by name`);
  assert.doesNotMatch(String(fts?.sql), /prefix=/, 'migration 0021 moved the prefix indexes to the unstemmed index');
  assert.match(String(prefixFts?.sql), /prefix='1 2 3 4 5 6'/, 'prefixes of 1 to 6 letters');
  try {
    await rebuildSearchIndex(db, '2 3 4 5 6', 1);
    assert.deepEqual(await titles('ferr*'), before, 'every batch indexed');
    await assert.rejects(rebuildSearchIndex(db, '0', 1));
    assert.deepEqual(await titles('ferr*'), before, 'the old index and its triggers are kept');
  } finally {
    await db.destroy();
  }
});

test('both indexes follow edits and deletions', async () => {
  const count = async (text: string) => (await tp.store.searchArticles({ text, limit: 10 })).length;
  const [budget] = await tp.store.searchArticles({ text: 'budget approved', limit: 1 });
  assert.equal(await count('subsid*'), 1);
  await tp.query(`update article set text = 'The harbour grant for next year was approved.' where id = ${Number(budget!.id)}`);
  assert.equal(await count('subsid*'), 0, 'an edited text leaves the prefix index');
  assert.equal(await count('subsidy'), 0, 'and the stemmed one');
  assert.equal(await count('gran*'), 1, 'its new words are found');
  assert.equal(await count('budget grant'), 1);
  assert.ok(await tp.store.deleteArticle(budget!.id, 'test', '2026-03-05T00:00:00Z'));
  assert.equal(await count('budget'), 0);
  assert.equal(await count('budge*'), 0, 'a deleted article leaves the prefix index');
  assert.equal(await count('gran*'), 0);
});

test('search from the command line and on the web (escaped, marked)', async () => {
  const cli = await runCli(['search', 'dredging', '--json', ...tp.args]);
  assert.equal(cli.code, 0, cli.stderr);
  const rows = JSON.parse(cli.stdout) as Array<{ title: string; snippet: string }>;
  assert.equal(rows.length, 2);
  assert.doesNotMatch(rows[0]!.snippet, /[\u0002\u0003]/);
  const app = buildApp({ store: tp.store, config: tp.p.config });
  const web = await signedIn(tp.store);
  const page = await app.inject({ method: 'GET', url: '/search?q=ferry', headers: { cookie: web.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<mark>Ferry<\/mark> timetable &amp; fares: 2 &lt; 3/);
  assert.doesNotMatch(page.body, /2 < 3/);
  assert.match(page.body, /<input id="q" name="q" type="search" placeholder="Search" value="ferry"\/?>/);
  const empty = await app.inject({ method: 'GET', url: '/search', headers: { cookie: web.cookie } });
  assert.match(empty.body, /quoted words/);
  await app.close();
});

test('the search page filters by feed, folder, dates and read/starred state', async () => {
  const app = buildApp({ store: tp.store, config: tp.p.config });
  const web = await signedIn(tp.store, 'filterer');
  const get = async (qs: string) => {
    const body = (await app.inject({ method: 'GET', url: `/search?${qs}`, headers: { cookie: web.cookie } })).body;
    return [...body.matchAll(/<h2><a href="\/articles\/\d+">(.+?)<\/a><\/h2>/g)].map((m) => m[1]!.replace(/<\/?mark>/g, ''));
  };
  assert.deepEqual((await get('q=ferry')).sort(), ['Ferry timetable &amp; fares: 2 &lt; 3']);
  assert.deepEqual(await get('q=dredging&from=2026-03-03'), ['Ferry timetable &amp; fares: 2 &lt; 3']);
  assert.deepEqual(await get('q=dredging&to=2026-03-02'), ['Dredging of the northern channel begins']);
  assert.deepEqual(await get(`q=dredging&feed=${feedId + 50}`), []);
  const [dredging] = await tp.store.searchArticles({ text: 'northern', limit: 1 });
  await tp.store.setArticleState(web.userId, dredging!.id, { starred: true, read: true }, '2026-03-06T00:00:00Z');
  assert.deepEqual(await get('q=dredging&show=starred'), ['Dredging of the northern channel begins']);
  assert.deepEqual(await get('q=dredging&show=unread'), ['Ferry timetable &amp; fares: 2 &lt; 3']);
  await tp.store.unsubscribeUser(web.userId, feedId);
  await tp.store.subscribeUser(web.userId, feedId, 'Local', '2026-03-06T00:00:00Z');
  assert.equal((await get('q=dredging&folder=Local')).length, 2);
  assert.deepEqual(await get('q=dredging&folder=Elsewhere'), []);
  const page = (await app.inject({ method: 'GET', url: '/search?q=x', headers: { cookie: web.cookie } })).body;
  assert.match(page, /<select id="sfolder" name="folder"><option value(?:="")?>Any<\/option><option>Local<\/option><\/select>/);
  await app.close();
});

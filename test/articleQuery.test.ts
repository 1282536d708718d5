import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import type { ArticleListItem } from '../src/model/article.js';

/**
 * The selections client protocols sync with (Google Reader, Fever, Miniflux): ids, id
 * ranges, read and starred in any combination, orders, offsets and bodies, on the shared
 * article filter, scoped to the reader's own subscriptions.
 */
let server: PublisherServer;
let tp: TestPipeline;
let ada: number;
let bob: number;
let harbour: number;
let valley: number;
const NOW = '2026-03-10T00:00:00Z';
const page = (t: string) =>
  articlePage({ title: t, siteName: 'Press', bodyHtml: `<p>${t}. ${'The board met on Friday to agree the plan for the quay. '.repeat(3)}</p><figure><img src="/i.jpg"><figcaption>The quay at dawn</figcaption></figure>` });

async function addFeed(path: string, name: string, days: number[]): Promise<number> {
  const items = days.map((d) => ({ title: `${name} ${d}`, link: server.url(`${path}/${d}`), pubDate: new Date(Date.UTC(2026, 2, d, 8)).toUTCString() }));
  server.set(`${path}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: name, link: server.url('/'), items }) });
  for (const d of days) server.set(`${path}/${d}`, { body: page(`${name} ${d}`) });
  const { feed } = await subscribe(tp.p, server.url(`${path}.xml`), { readers: [] });
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  return feed.id;
}

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  harbour = await addFeed('/h', 'Harbour', [1, 2, 3, 4]);
  valley = await addFeed('/v', 'Valley', [5, 6]);
  ada = (await tp.store.createUser({ name: 'ada', passwordHash: 'x', isAdmin: false, now: NOW })).id;
  bob = (await tp.store.createUser({ name: 'bob', passwordHash: 'x', isAdmin: false, now: NOW })).id;
  await tp.store.subscribeUser(ada, harbour, 'News', NOW);
  await tp.store.subscribeUser(ada, valley, null, NOW);
  await tp.store.subscribeUser(bob, valley, null, NOW);
});
after(async () => {
  await tp.close();
  await server.stop();
});

const titles = (items: ArticleListItem[]) => items.map((a) => a.title);
const idOf = async (title: string) => (await tp.store.listArticles({ limit: 50 })).find((a) => a.title === title)!.id;

test('orders: newest and oldest by publication, ascending and descending by id; offset pages', async () => {
  const newest = titles(await tp.store.listArticles({ userId: ada, limit: 10 }));
  assert.deepEqual(newest, ['Valley 6', 'Valley 5', 'Harbour 4', 'Harbour 3', 'Harbour 2', 'Harbour 1']);
  assert.deepEqual(titles(await tp.store.listArticles({ userId: ada, limit: 10, order: 'oldest' })), [...newest].reverse());
  const byId = (await tp.store.listArticles({ userId: ada, limit: 10, order: 'id-asc' })).map((a) => a.id);
  assert.deepEqual(byId, [...byId].sort((x, y) => x - y));
  assert.deepEqual((await tp.store.listArticles({ userId: ada, limit: 10, order: 'id-desc' })).map((a) => a.id), [...byId].reverse());
  assert.deepEqual(titles(await tp.store.listArticles({ userId: ada, limit: 2, offset: 2 })), ['Harbour 4', 'Harbour 3']);
});

test('ids and id ranges select only what the reader can see', async () => {
  const all = (await tp.store.listArticleRefs({ userId: ada, limit: 100, order: 'id-asc' })).map((r) => r.id);
  assert.equal(all.length, 6);
  const picked = await tp.store.listArticles({ userId: ada, limit: 10, ids: [all[1]!, all[4]!, 999_999], order: 'id-asc' });
  assert.deepEqual(picked.map((a) => a.id), [all[1], all[4]]);
  assert.deepEqual(await tp.store.listArticles({ userId: ada, limit: 10, ids: [] }), []);
  const after2 = await tp.store.listArticleRefs({ userId: ada, limit: 10, afterId: all[1]!, order: 'id-asc' });
  assert.deepEqual(after2.map((r) => r.id), all.slice(2));
  const below = await tp.store.listArticleRefs({ userId: ada, limit: 2, beforeId: all[4]!, order: 'id-desc' });
  assert.deepEqual(below.map((r) => r.id), [all[3], all[2]]);
  // bob follows only Valley: Harbour's ids are not his, whatever he asks for
  const harbourIds = (await tp.store.listArticleRefs({ feedId: harbour, limit: 10 })).map((r) => r.id);
  assert.deepEqual(await tp.store.listArticleRefs({ userId: bob, ids: harbourIds, limit: 10 }), []);
  assert.equal(await tp.store.countArticles({ userId: bob }), 2);
  assert.equal(await tp.store.countArticles({ userId: ada, folder: 'News' }), 4);
});

test('content: the body with its captions, the byline and the feed the reader got it through', async () => {
  const [item] = await tp.store.listArticles({ userId: ada, limit: 1, content: true, ids: [await idOf('Harbour 2')] });
  assert.equal(item!.feedId, harbour);
  assert.match(item!.html!, /The quay at dawn/);
  assert.ok('byline' in item!);
  const [plain] = await tp.store.listArticles({ userId: ada, limit: 1 });
  assert.equal(plain!.html, undefined, 'no bodies unless asked');
});

test('setArticleStates marks many at once, skips what the reader cannot see, and read and starred combine', async () => {
  const h = (await tp.store.listArticleRefs({ feedId: harbour, limit: 10, order: 'id-asc' })).map((r) => r.id);
  const v = (await tp.store.listArticleRefs({ feedId: valley, limit: 10, order: 'id-asc' })).map((r) => r.id);
  // bob cannot mark Harbour's articles: nothing is written for them
  assert.equal(await tp.store.setArticleStates(bob, h, { read: true }, NOW), 0);
  assert.equal(await tp.store.countArticles({ userId: ada, read: true }), 0);

  assert.equal(await tp.store.setArticleStates(ada, [h[0]!, h[1]!, v[0]!], { read: true }, NOW), 3);
  await tp.store.setArticleStates(ada, [h[1]!, h[2]!], { starred: true }, NOW);
  assert.equal(await tp.store.countArticles({ userId: ada, read: true }), 3);
  assert.equal(await tp.store.countArticles({ userId: ada, read: false }), 3);
  assert.equal(await tp.store.countArticles({ userId: ada, starred: true, read: false }), 1, 'starred and unread');
  assert.equal(await tp.store.countArticles({ userId: ada, starred: true, read: true }), 1, 'starred and read');
  // marking one aspect leaves the other: unstarring keeps it read
  await tp.store.setArticleStates(ada, [h[1]!], { starred: false }, NOW);
  assert.equal(await tp.store.countArticles({ userId: ada, read: true, ids: [h[1]!] }), 1);
  assert.equal(await tp.store.countArticles({ userId: ada, starred: true }), 1);
  await tp.store.setArticleStates(ada, [h[0]!], { read: false }, NOW);
  assert.equal(await tp.store.countArticles({ userId: ada, read: false, feedId: harbour }), 3);
  // bob's marks are his own
  assert.equal(await tp.store.countArticles({ userId: bob, read: true }), 0);
});

test('unreadCounts: per subscribed feed, with the newest article time', async () => {
  const counts = await tp.store.unreadCounts(bob);
  assert.deepEqual(counts, [{ feedId: valley, unread: 2, newest: '2026-03-06T08:00:00Z' }]);
  await tp.store.markAllRead(bob, { feedId: valley, upTo: NOW }, NOW);
  assert.deepEqual(await tp.store.unreadCounts(bob), []);
});

test('sidebarFeeds: the reader\'s own feeds, folders first, with their unread counts and site', async () => {
  const carol = (await tp.store.createUser({ name: 'carol', passwordHash: 'x', isAdmin: false, now: NOW })).id;
  await tp.store.subscribeUser(carol, valley, null, NOW);
  await tp.store.subscribeUser(carol, harbour, 'Coast', NOW, 'My harbour');
  await tp.store.markAllRead(carol, { feedId: harbour, upTo: '2026-03-02T23:00:00Z' }, NOW);
  const feeds = await tp.store.sidebarFeeds(carol);
  assert.deepEqual(feeds.map((f) => [f.id, f.name, f.folder, f.unread]), [[harbour, 'My harbour', 'Coast', 2], [valley, 'Press (Valley)', null, 2]]);
  assert.equal(feeds[0]!.siteUrl, server.url('/'));
  assert.deepEqual(await tp.store.sidebarFeeds(bob).then((f) => f.map((x) => x.id)), [valley], 'only the reader\'s own');
});

test('listArticles gives each article its lead image for thumbnails', async () => {
  const items = await tp.store.listArticles({ userId: ada, limit: 10 });
  assert.ok(items.every((a) => a.leadImage === server.url('/i.jpg')), JSON.stringify(items.map((a) => a.leadImage)));
});

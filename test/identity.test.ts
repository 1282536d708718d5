import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { canonicalizeUrl, urlKey } from '../src/model/identity.js';
import { openTestStore } from './support/stores.js';

let server: PublisherServer;
before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

const body = (n: number) => `<p>Story ${n}: the harbour authority said on Tuesday that the new quay would open in spring, two years late.</p><p>${'Officials blamed the weather, the suppliers and the budget for the delay in a long statement to the press. '.repeat(3)}</p>`;

test('URL keys ignore scheme, www, fragments, default ports and tracking parameters', () => {
  assert.equal(urlKey('https://www.news.example/a/b?utm_source=rss&id=2#x'), urlKey('http://news.example:80/a/b?id=2&fbclid=zz'));
  assert.notEqual(urlKey('https://news.example/a/b?id=2'), urlKey('https://news.example/a/b?id=3'));
  assert.equal(canonicalizeUrl('https://news.example/a?gclid=1&b=2'), 'https://news.example/a?b=2');
});

test('items keep their identity when the feed changes GUID scheme, tracking parameters or protocol', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const feed = (items: Array<{ guid: string; link: string }>) =>
    rssFeed({ title: 'Harbour Times', link: server.url('/'), items: items.map((i, n) => ({ ...i, title: `Story ${n + 1}`, pubDate: 'Tue, 06 Jan 2026 08:00:00 GMT' })) });
  for (const n of [1, 2]) server.set(`/news/${n}`, { body: articlePage({ title: `Story ${n}`, siteName: 'Harbour Times', bodyHtml: body(n) }) });
  server.set('/id.xml', { type: 'application/rss+xml', body: feed([{ guid: 'story-1', link: server.url('/news/1') }, { guid: 'story-2', link: server.url('/news/2') }]) });
  const { feed: f } = await subscribe(tp.p, server.url('/id.xml'));
  await refreshFeed(tp.p, (await tp.store.getFeed(f.id))!);
  const before = await tp.store.listArticles({ limit: 10 });
  assert.equal(before.length, 2);

  // New GUID scheme (permalinks), tracking parameters on the links, http → https is simulated by the key.
  server.set('/id.xml', {
    type: 'application/rss+xml',
    body: feed([
      { guid: `${server.url('/news/1')}?p=1`, link: `${server.url('/news/1')}?utm_source=rss&utm_medium=feed` },
      { guid: 'urn:uuid:2b7e', link: `${server.url('/news/2')}#comments` },
    ]),
  });
  const r = await refreshFeed(tp.p, (await tp.store.getFeed(f.id))!);
  assert.equal(r.created, 0);
  assert.equal(await tp.count('article'), 2, 'no duplicates');
  const after = await tp.store.listArticles({ limit: 10 });
  assert.deepEqual(after.map((a) => a.id).sort(), before.map((a) => a.id).sort(), 'same article ids (read state hangs on them)');
  // the new GUIDs are remembered: a third refresh finds them by GUID alone
  server.set('/news/1', { status: 410, body: 'gone' });
  const third = await refreshFeed(tp.p, (await tp.store.getFeed(f.id))!);
  assert.equal(third.created, 0);
  assert.equal(third.pagesFailed, 0, 'known items are not fetched again');
});

test('a deleted article never comes back, even under a new GUID or link', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  server.set('/news/9', { body: articlePage({ title: 'Story 9', siteName: 'Harbour Times', bodyHtml: body(9) }) });
  server.set('/del.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items: [{ title: 'Story 9', guid: 'nine', link: server.url('/news/9') }] }) });
  const { feed: f } = await subscribe(tp.p, server.url('/del.xml'));
  await refreshFeed(tp.p, (await tp.store.getFeed(f.id))!);
  const [a] = await tp.store.listArticles({ limit: 1 });
  assert.ok(await tp.store.deleteArticle(a!.id, 'deleted by user', '2026-01-06T09:00:00Z'));
  assert.equal(await tp.count('article'), 0);
  assert.equal(await tp.count('revision'), 0, 'revisions go with the article');
  server.set('/del.xml', {
    type: 'application/rss+xml',
    body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items: [{ title: 'Story 9 (updated)', guid: 'nine-v2', link: `${server.url('/news/9')}?utm_campaign=x`, updated: '2026-01-06T10:00:00Z' }] }),
  });
  const r = await refreshFeed(tp.p, (await tp.store.getFeed(f.id))!);
  assert.equal(r.created, 0);
  assert.equal(r.tombstoned, 1);
  assert.equal(await tp.count('article'), 0);
  assert.equal(await tp.store.deleteArticle(a!.id, 'again', '2026-01-06T11:00:00Z'), false);
});

test('feeds of one publisher added at the same moment share one source (no unique-key race)', async () => {
  const ts = await openTestStore();
  try {
    const now = new Date().toISOString();
    const feed = (host: string, i: number) => ({
      url: `https://${host}/feed-${i}.xml`, siteUrl: `https://${host}/`, title: null, section: null, sourceName: host, sourceNameFrom: 'feed' as const,
      sourceHomepage: `https://${host}/`, sourceOverride: null, sectionOverride: null, intervalSeconds: 3600, now,
    });
    const hosts = Array.from({ length: 10 }, (_, i) => `publisher-${i}.example`);
    const added = await Promise.all(hosts.flatMap((h) => [ts.store.addFeed(feed(h, 1)), ts.store.addFeed(feed(h, 2))]));
    for (let i = 0; i < hosts.length; i++) assert.equal(added[2 * i]!.feed.sourceId, added[2 * i + 1]!.feed.sourceId, hosts[i]);
    assert.equal(await ts.count('source'), hosts.length);
  } finally {
    await ts.close();
  }
});

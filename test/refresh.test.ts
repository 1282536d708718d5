import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { refreshFeeds } from '../src/ingest/refreshRunner.js';

const page = (title: string, text: string, extra = '') =>
  articlePage({
    title,
    siteName: 'Harbour Times',
    published: '2026-11-20T08:00:00Z',
    bodyHtml: `<p>${text}</p><p>${'The council met again in the evening to discuss the budget for next year and the harbour works. '.repeat(4)}</p>${extra}`,
  });

async function rowCounts(tp: TestPipeline): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['article', 'article_feed', 'revision', 'image']) out[t] = await tp.count(t);
  return out;
}

let server: PublisherServer;
before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

test('a second refresh gets 304 and writes no new rows', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  server.set('/a/feed.xml', {
    type: 'application/rss+xml',
    body: rssFeed({ title: 'Harbour Times', link: server.url('/a/'), items: [{ title: 'Quay works begin', link: server.url('/a/quay'), pubDate: 'Fri, 20 Nov 2026 08:00:00 GMT' }] }),
  });
  server.set('/a/quay', { body: page('Quay works begin', 'Work on the new quay began on Friday morning with two cranes and forty workers on site.') });
  const { feed } = await subscribe(tp.p, server.url('/a/feed.xml'));
  const first = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(first.status, 'ok');
  assert.equal(first.created, 1);
  const before = await rowCounts(tp);
  const pageHits = server.count('/a/quay');
  const second = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(second.status, 'not_modified');
  assert.deepEqual(await rowCounts(tp), before);
  assert.equal(server.count('/a/quay'), pageHits, 'no page is fetched again after a 304');
  const after = (await tp.store.getFeed(feed.id))!;
  assert.equal(after.lastStatus, 'not_modified');
  assert.ok(after.etag);
});

test('a changed article text creates a revision and moves Updated at', async (t) => {
  let clock = new Date('2026-11-20T09:00:00Z');
  const tp = await testPipeline({}, () => clock);
  t.after(() => tp.close());
  const feedBody = (desc: string) =>
    rssFeed({ title: 'Harbour Times', link: server.url('/b/'), items: [{ title: 'Ferry strike called off', link: server.url('/b/ferry'), guid: 'ferry-1', pubDate: 'Fri, 20 Nov 2026 08:00:00 GMT', description: desc }] });
  server.set('/b/feed.xml', { type: 'application/rss+xml', body: feedBody('Unions called off the strike.') });
  server.set('/b/ferry', { body: page('Ferry strike called off', 'Unions called off the ferry strike late on Thursday after talks with the operator.') });
  const { feed } = await subscribe(tp.p, server.url('/b/feed.xml'));
  const first = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(first.created, 1);
  const [item] = await tp.store.listArticles({ limit: 10, feedId: feed.id });
  assert.equal(item!.updated, '2026-11-20T08:00:00Z', 'Updated at equals Created at before any change');

  // Whitespace-only change in the feed: the page is looked at again but no revision is stored.
  clock = new Date('2026-11-20T10:00:00Z');
  server.set('/b/feed.xml', { type: 'application/rss+xml', body: feedBody('Unions  called off the strike. ') });
  server.set('/b/ferry', { body: page('Ferry strike called off', 'Unions called off the ferry   strike late on Thursday after talks with the operator.') });
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal((await tp.store.listRevisions(item!.id)).length, 1, 'whitespace is not a revision');

  clock = new Date('2026-11-20T12:30:00Z');
  server.set('/b/feed.xml', { type: 'application/rss+xml', body: feedBody('Unions called off the strike; services resume Monday.') });
  server.set('/b/ferry', { body: page('Ferry strike called off', 'Unions called off the ferry strike late on Thursday after talks with the operator. Services resume on Monday.') });
  const third = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(third.updated, 1);
  const revisions = await tp.store.listRevisions(item!.id);
  assert.equal(revisions.length, 2);
  assert.equal(revisions[0]!.reason, 'first');
  assert.equal(revisions[1]!.reason, 'feed_update');
  assert.match(revisions[1]!.text, /Services resume on Monday/);
  assert.doesNotMatch(revisions[0]!.text, /Services resume/);
  const article = (await tp.store.getArticle(item!.id))!;
  assert.equal(article.changedAt, '2026-11-20T12:30:00Z');
  const [listed] = await tp.store.listArticles({ limit: 1, feedId: feed.id });
  assert.equal(listed!.updated, '2026-11-20T12:30:00Z');
  assert.equal(listed!.published, '2026-11-20T08:00:00Z');
});

test('one article in two feeds is stored once and linked to both', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const shared = { title: 'Storm closes the bridge', link: server.url('/c/storm?utm_source=rss&utm_medium=feed'), guid: 'storm-77', pubDate: 'Fri, 20 Nov 2026 07:00:00 GMT' };
  server.set('/c/world.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'World | Harbour Times', link: server.url('/c/'), items: [shared] }) });
  server.set('/c/local.xml', {
    type: 'application/rss+xml',
    body: rssFeed({ title: 'Local | Harbour Times', link: server.url('/c/'), items: [{ ...shared, link: server.url('/c/storm?utm_campaign=local'), guid: 'local-storm' }] }),
  });
  server.set('/c/storm', { body: page('Storm closes the bridge', 'The storm closed the harbour bridge to traffic for most of Friday afternoon.') });
  const a = await subscribe(tp.p, server.url('/c/world.xml'));
  const b = await subscribe(tp.p, server.url('/c/local.xml'));
  assert.equal(a.feed.sourceId, b.feed.sourceId, 'two feeds of one publisher share the source');
  const reports = await refreshFeeds(tp.p, [(await tp.store.getFeed(a.feed.id))!, (await tp.store.getFeed(b.feed.id))!], { concurrency: 1 });
  assert.deepEqual(reports.map((r) => r.status), ['ok', 'ok']);
  const counts = await rowCounts(tp);
  assert.equal(counts.article, 1);
  assert.equal(counts.article_feed, 2);
  assert.equal((await tp.store.listArticles({ limit: 10, feedId: a.feed.id })).length, 1);
  assert.equal((await tp.store.listArticles({ limit: 10, feedId: b.feed.id })).length, 1);
  assert.equal(server.count('/c/storm'), 1, 'the page is fetched once');
});

test('broken feeds fail alone with their own code while the others succeed', async (t) => {
  const tp = await testPipeline({ totalTimeoutMs: 1500 });
  t.after(() => tp.close());
  const good = (n: string) => {
    server.set(`/d/${n}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: `Good ${n}`, link: server.url('/d/'), items: [{ title: `Story ${n}`, link: server.url(`/d/story-${n}`), pubDate: 'Fri, 20 Nov 2026 07:00:00 GMT' }] }) });
    server.set(`/d/story-${n}`, { body: page(`Story ${n}`, `This is the full text of story ${n}, which is long enough to be an article on its own page.`) });
  };
  good('one');
  good('two');
  const urls = ['one', 'garbage', 'error', 'huge', 'slow', 'two'].map((n) => server.url(`/d/${n}.xml`));
  // Subscribe while every feed still works, then break four of them.
  for (const n of ['garbage', 'error', 'huge', 'slow']) good(n);
  const feeds: Array<{ id: number }> = [];
  for (const u of urls) feeds.push((await subscribe(tp.p, u)).feed);
  server.set('/d/garbage.xml', { type: 'application/rss+xml', body: '\u0000\u0001 this is not a feed at all {' });
  server.set('/d/error.xml', { status: 500, body: 'internal error' });
  server.set('/d/huge.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 20) {
        sent++;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  server.set('/d/slow.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
    const timer = setInterval(() => res.write(' '), 200);
    res.on('close', () => clearInterval(timer));
  });
  const reports = await refreshFeeds(tp.p, await Promise.all(feeds.map(async (f) => (await tp.store.getFeed(f.id))!)), { concurrency: 6 });
  const byFeed = new Map(reports.map((r) => [r.feedId, r]));
  const codeOf = (i: number) => byFeed.get(feeds[i]!.id)!.errorCode ?? byFeed.get(feeds[i]!.id)!.status;
  assert.equal(codeOf(0), 'ok');
  assert.equal(codeOf(1), 'not_a_feed');
  assert.equal(codeOf(2), 'http_error');
  assert.equal(codeOf(3), 'too_large');
  assert.equal(codeOf(4), 'timeout');
  assert.equal(codeOf(5), 'ok');
  const stored = await tp.store.listFeeds();
  const state = new Map(stored.map((f) => [f.id, f]));
  assert.equal(state.get(feeds[1]!.id)!.lastErrorCode, 'not_a_feed');
  assert.equal(state.get(feeds[3]!.id)!.errorCount, 1);
  assert.ok(Date.parse(state.get(feeds[2]!.id)!.nextCheckAt!) > Date.now(), 'a failed feed is backed off');
  assert.equal((await rowCounts(tp)).article, 2);
});

test('a page that fails leaves the feed text in place and records why', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  server.set('/e/feed.xml', {
    type: 'application/rss+xml',
    body: rssFeed({ title: 'Harbour Times', link: server.url('/e/'), items: [{ title: 'Gone', link: server.url('/e/missing'), pubDate: 'Fri, 20 Nov 2026 07:00:00 GMT', description: '<p>The teaser from the feed.</p>' }] }),
  });
  const { feed } = await subscribe(tp.p, server.url('/e/feed.xml'));
  const r = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(r.status, 'ok');
  assert.equal(r.pagesFailed, 1);
  const [item] = await tp.store.listArticles({ limit: 1, feedId: feed.id });
  const article = (await tp.store.getArticle(item!.id))!;
  assert.equal(article.extractStatus, 'failed');
  assert.match(article.extractError!, /^http_error: HTTP 404/);
  assert.equal(article.text, 'The teaser from the feed.');
});

test('with full text off, articles keep the feed text and no page is fetched', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  tp.p.config.fullText = false;
  server.set('/f/feed.xml', {
    type: 'application/rss+xml',
    body: rssFeed({ title: 'Harbour Times', link: server.url('/f/'), items: [{ title: 'Tram line opens', link: server.url('/f/tram'), pubDate: 'Fri, 20 Nov 2026 07:00:00 GMT', description: '<p>The tram teaser.</p>' }] }),
  });
  server.set('/f/tram', { body: page('Tram line opens', 'The new tram line opened on Friday with free rides all weekend for everyone.') });
  const { feed } = await subscribe(tp.p, server.url('/f/feed.xml'));
  const r = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(r.created, 1);
  assert.equal(r.pagesFailed, 0);
  assert.equal(server.count('/f/tram'), 0, 'the article page is never requested');
  const [item] = await tp.store.listArticles({ limit: 1, feedId: feed.id });
  const article = (await tp.store.getArticle(item!.id))!;
  assert.equal(article.extractStatus, 'feed_only');
  assert.match(article.extractError!, /TIDINGS_FULL_TEXT=false/);
  assert.equal(article.text, 'The tram teaser.');
});

test('a lost database connection is our failure (internal), not the publisher\'s network_error', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  server.set('/db/feed.xml', {
    type: 'application/rss+xml',
    body: rssFeed({ title: 'Harbour Times', link: server.url('/db/'), items: [{ title: 'Quay', link: server.url('/db/quay'), pubDate: 'Fri, 20 Nov 2026 08:00:00 GMT' }] }),
  });
  server.set('/db/quay', { body: page('Quay', 'Work on the new quay began on Friday morning with two cranes on site.') });
  const { feed } = await subscribe(tp.p, server.url('/db/feed.xml'));
  // What pg raises when the server ends the connection under a query: a socket error code.
  const saveRefresh = tp.store.saveRefresh.bind(tp.store);
  tp.store.saveRefresh = async () => {
    throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  };
  const report = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(report.status, 'error');
  assert.equal(report.errorCode, 'internal', 'a worker retries internal failures; a network_error would wait out the feed\'s back-off');
  tp.store.saveRefresh = saveRefresh;
  // A publisher's own failure keeps its code.
  server.set('/db/feed.xml', { status: 404, body: 'gone' });
  const down = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(down.errorCode, 'http_error');
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { ExtractionPool, THREAD_NICENESS } from '../src/extract/extractionPool.js';
import { extractArticle } from '../src/extract/extractArticle.js';
import { parseFeed } from '../src/feed/parseFeed.js';
import { FEED_PARSE_WORKER } from '../src/feed/feedParseWorker.js';
import { decodeBody } from '../src/text/charset.js';
import { OFF_THREAD_FEED_LENGTH, parseFeedDocument } from '../src/ingest/feedDocument.js';
import { turnTaker } from '../src/ingest/eventLoopTurns.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { subscribe } from '../src/ingest/subscribe.js';
import type { Pipeline } from '../src/ingest/pipeline.js';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline } from './support/pipeline.js';

const PADDING = `<p>${'The council met again in the evening to discuss the budget for next year. '.repeat(20)}</p>`;

/** A feed past the off-thread size, whose item HTML needs sanitizing. */
function largeFeed(link: (i: number) => string, items = 3): string {
  const per = Math.ceil(OFF_THREAD_FEED_LENGTH / items / PADDING.length) + 1;
  return rssFeed({
    title: 'Harbour Times',
    link: 'https://harbour.example/',
    items: Array.from({ length: items }, (_, i) => ({
      title: `Story ${i}`,
      link: link(i),
      pubDate: new Date(Date.UTC(2026, 10, 20, 8, i)).toUTCString(),
      description: `<p onclick="steal()">Teaser ${i}</p><script>steal()</script>${PADDING.repeat(per)}`,
    })),
  });
}

/** Counts the tasks a pipeline's pool is given. */
/** Feed documents parsed in the pool (the story step's facts run there too, and are not counted). */
function countTasks(p: Pipeline): () => number {
  let n = 0;
  const run = p.extractor.runTask.bind(p.extractor);
  p.extractor.runTask = (file, task, timeoutMs) => {
    if (file === FEED_PARSE_WORKER) n++;
    return run(file, task, timeoutMs);
  };
  return () => n;
}

let server: PublisherServer;
let pool: ExtractionPool;
before(async () => {
  server = await new PublisherServer().start();
  pool = new ExtractionPool({ threads: 1, timeoutMs: 60_000 });
});
after(async () => {
  await pool.close();
  await server.stop();
});

test('a large feed document is parsed in a worker thread, with the same result as on the main thread', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const tasks = countTasks(tp.p);
  const body = largeFeed((i) => `https://harbour.example/story-${i}`);
  assert.ok(body.length >= OFF_THREAD_FEED_LENGTH);
  const inline = JSON.parse(JSON.stringify(parseFeed(body, { url: 'https://harbour.example/feed.xml' })));
  const parsed = await parseFeedDocument(tp.p, Buffer.from(body), { url: 'https://harbour.example/feed.xml', contentType: 'application/rss+xml' });
  assert.equal(tasks(), 1);
  assert.deepEqual(parsed, inline);
  assert.match(parsed.items[0]!.summary!, /^<p>Teaser 0<\/p>/, 'sanitized in the worker');
  const small = rssFeed({ title: 'Small', link: 'https://harbour.example/', items: [{ title: 'One', link: 'https://harbour.example/one' }] });
  await parseFeedDocument(tp.p, small, { url: 'https://harbour.example/small.xml' });
  assert.equal(tasks(), 1, 'a small document is parsed in place');
});

test('in the worker, items past the per-feed limit are not sanitized, and errors keep their code', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  tp.p.config.maxItemsPerFeed = 2;
  const parsed = await parseFeedDocument(tp.p, largeFeed((i) => `https://harbour.example/s${i}`), { url: null });
  assert.equal(parsed.items.length, 3, 'every item is still counted');
  assert.ok(parsed.items[1]!.summary);
  assert.equal(parsed.items[2]!.summary, null);
  const page = `<!doctype html><html><body>${PADDING.repeat(OFF_THREAD_FEED_LENGTH / PADDING.length + 1)}</body></html>`;
  await assert.rejects(parseFeedDocument(tp.p, page, { url: null }), { code: 'not_a_feed' });
});

test('a refresh of a large feed stores its items as before: the feed text stands in for a missing page', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  server.set('/big/feed.xml', { type: 'application/rss+xml', body: largeFeed((i) => server.url(`/big/missing-${i}`), 2) });
  const { feed } = await subscribe(tp.p, server.url('/big/feed.xml'));
  const tasks = countTasks(tp.p);
  const r = await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(r.status, 'ok');
  assert.equal(r.created, 2);
  assert.equal(tasks(), 1);
  const items = await tp.store.listArticles({ limit: 5, feedId: feed.id });
  const article = (await tp.store.getArticle(items.find((i) => i.title === 'Story 1')!.id))!;
  assert.equal(article.extractStatus, 'failed');
  assert.ok(article.text.startsWith('Teaser 1\n\nThe council met'), article.text.slice(0, 80));
  assert.doesNotMatch(article.html, /script|onclick/);
});

test('pages go to the worker as fetched and are decoded there, as on the main thread', async () => {
  const html = articlePage({ title: 'Café prices', siteName: 'Harbour Times', bodyHtml: `<p>${'Prices at the café rose by 5 € — “again”. '.repeat(30)}</p>` });
  const bytes = Buffer.from(html.replace('<meta charset="utf-8">', ''), 'latin1');
  const contentType = 'text/html; charset=windows-1252';
  const url = 'https://harbour.example/cafe';
  const inThread = await pool.extract({ bytes, contentType }, url);
  assert.deepEqual(inThread, extractArticle(decodeBody(bytes, contentType).text, url));
  assert.match(inThread.text, /café/);
});

test("the pool's threads run at a lower priority than the main thread (Linux)", { skip: process.platform !== 'linux' }, async () => {
  const worker = new URL('./support/threadPriorityWorker.js', import.meta.url).href;
  const niceness = await pool.runTask<object, number>(worker, {});
  assert.equal(niceness, Math.min(19, getPriority() + THREAD_NICENESS));
});

test('a turn taker lets the event loop run once its slice is used up, not before', async () => {
  let ticks = 0;
  const tick = () => setImmediate(() => ticks++);
  const never = turnTaker(60_000);
  tick();
  await never();
  assert.equal(ticks, 0, 'within the slice: no turn');
  const always = turnTaker(0);
  await always();
  assert.equal(ticks, 1, 'past the slice: the waiting callback ran');
});

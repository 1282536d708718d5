import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { articlePage, rssFeed } from './support/publisherServer.js';
import { publishedPipeline } from './support/readerFixture.js';
import { tidingsBin, repoRoot } from './support/cli.js';
import { freshDatabase } from './support/stores.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { startJobRuntime } from '../src/cli/jobRuntime.js';
import { inProcess } from './support/jobEffects.js';
import { buildApp } from '../src/server/app.js';
import { IFRAME_HOSTS } from '../src/html/iframeHosts.js';
import { signedIn } from './support/webSession.js';
import { bodyHtml, title } from './fixtures/gazetteArticle.js';

const { publisher: server, tp, close } = await publishedPipeline();
after(close);

test('the scheduler refreshes due feeds; a failing feed is recorded and does not hold up the others', async () => {
  server.set('/', { body: '<html><head><meta property="og:site_name" content="Norhaven Gazette"></head></html>' });
  server.set('/world.xml', {
    type: 'application/rss+xml',
    body: rssFeed({ title: 'World News | Norhaven Gazette', link: server.url('/'), items: [{ title, link: server.url('/story/<1>'), pubDate: 'Thu, 27 Mar 2025 21:15:07 +0000' }] }),
  });
  server.set('/story/%3C1%3E', { body: articlePage({ title, siteName: 'Norhaven Gazette', published: '2025-03-27T21:15:07Z', modified: '2025-03-30T22:38:58Z', bodyHtml }) });
  server.set('/fails.xml', { status: 503, body: 'down', headers: { 'retry-after': '3600' } });
  const good = await subscribe(tp.p, server.url('/world.xml'));
  const bad = await subscribe(tp.p, server.url('/fails.xml'), { allowUnreachable: true });
  const jobs = await startJobRuntime(tp.p, inProcess(tp.p.config), { scheduler: true, workers: true, concurrency: 2, tickMs: 50 });
  const deadline = Date.now() + 10_000;
  while (jobs.workers!.refreshed < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  // A few more ticks: neither feed is sent again.
  await new Promise((r) => setTimeout(r, 300));
  await jobs.stop();
  assert.equal(jobs.workers!.refreshed, 2, 'each due feed refreshed exactly once (next checks are in the future)');
  const feeds = new Map((await tp.store.listFeeds()).map((f) => [f.id, f]));
  assert.equal(feeds.get(good.feed.id)!.lastStatus, 'ok');
  const failed = feeds.get(bad.feed.id)!;
  assert.equal(failed.lastErrorCode, 'rate_limited');
  assert.ok(Date.parse(failed.nextCheckAt!) - Date.now() >= 3500 * 1000, 'Retry-After is honoured');
});

test('web pages: river, article in the reading format, feeds with errors, strict headers', async () => {
  const app = buildApp({ store: tp.store, config: tp.p.config, now: () => new Date('2025-04-02T23:00:00Z') });
  const web = await signedIn(tp.store);
  const river = await app.inject({ method: 'GET', url: '/', headers: { cookie: web.cookie } });
  assert.equal(river.statusCode, 200);
  const csp = String(river.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  const frameSrc = /frame-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
  assert.deepEqual(frameSrc.sort(), IFRAME_HOSTS.map((h) => `https://${h}`).sort(), 'the CSP frames exactly the players the sanitizer keeps');
  assert.equal(river.headers['referrer-policy'], 'no-referrer');
  assert.match(river.body, /Norhaven Gazette \(World News\) · <time[^>]*>3 days ago<\/time>/);
  const id = /href="\/articles\/(\d+)"/.exec(river.body)![1];
  assert.match(river.body, new RegExp(`<h2><a href="/articles/${id}">Norhaven opens a floating library`));
  const thumb = /<img class="thumb" src="([^"]+)"/.exec(river.body)?.[1];
  assert.ok(thumb?.startsWith('http://127.0.0.1'), 'the river shows the lead image');
  assert.equal(thumb, (await tp.store.getArticle(Number(id)))!.leadImageUrl, 'without the proxy, the lead image comes from the publisher');
  assert.match(csp, /img-src https: http: data:/);
  const page = await app.inject({ method: 'GET', url: `/articles/${id}`, headers: { cookie: web.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1>Norhaven opens a floating library that moves every month<\/h1>/);
  assert.match(page.body, /By Norhaven Gazette \(World News\) \| Created at <time datetime="2025-03-27T21:15:07Z">2025-03-27 21:15:07<\/time> \| <span class="updated">Updated at<\/span> <time datetime="2025-03-30T22:38:58Z">2025-03-30 22:38:58<\/time> 3 days ago/);
  assert.match(page.body, /<span class="credit">Kari Lund\/Norhaven Gazette<\/span>/);
  assert.match(page.body, /<img loading="lazy" decoding="async" referrerpolicy="no-referrer"/);
  assert.match(page.body, /<a href="http:\/\/127\.0\.0\.1:\d+\/story\/%3C1%3E" rel="noopener noreferrer">Read Entire Article<\/a>/);
  assert.deepEqual(page.body.match(/<script[^>]*>/g)?.map((s) => s.replace(/app\.[0-9a-f]{12}\.js/, 'app.js')), ['<script src="/static/app.js" defer>'], 'only our own script file, nothing inline');
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  const feeds = await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: web.cookie } });
  assert.match(feeds.body, /the site asked us to slow down<small class="code" title="HTTP 503[^"]*">rate_limited<\/small>/, 'the error in words, its code in small print');
  assert.doesNotMatch(feeds.body, /error\[/);
  assert.equal((await app.inject({ method: 'GET', url: '/articles/99999', headers: { cookie: web.cookie } })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: '/?feed=abc', headers: { cookie: web.cookie } })).statusCode, 400);
  const cssHref = /<link rel="stylesheet" href="([^"]+)"/.exec(page.body)![1]!;
  const css = await app.inject({ method: 'GET', url: cssHref, headers: { cookie: web.cookie } });
  assert.match(String(css.headers['content-type']), /text\/css/);
  await app.close();
});

test('tidings serve listens on 127.0.0.1 and stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
  const db = (await freshDatabase()).args;
  const child = spawn(process.execPath, [tidingsBin, 'serve', '--port', '0', ...db, '--no-scheduler'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 10_000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /serving on (http:\/\/[\d.:]+)/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${url}/healthz`);
  assert.equal(res.status, 200);
  const code = await new Promise<number | null>((resolve) => {
    child.on('close', resolve);
    child.kill('SIGTERM');
  });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /SIGTERM: finishing refreshes in flight/);
  assert.match(stderr, /stopped/);
});

test('image proxy (TIDINGS_IMAGE_PROXY): signed URLs only, images only, publishers never see the reader', async () => {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  server.set('/img/barge-quay.jpg', { type: 'image/png', body: png });
  const app = buildApp({ store: tp.store, config: { ...tp.p.config, imageProxy: true }, pipeline: tp.p });
  const web = await signedIn(tp.store);
  const [item] = await tp.store.listArticles({ limit: 1 });
  const page = await app.inject({ method: 'GET', url: `/articles/${item!.id}`, headers: { cookie: web.cookie } });
  assert.match(String(page.headers['content-security-policy']), /img-src 'self' data:/);
  const src = /<img [^>]*src="(\/img\?u=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  assert.ok(src, 'article images point at the proxy');
  assert.doesNotMatch(page.body, /<img [^>]*src="http/);
  const river = await app.inject({ method: 'GET', url: '/', headers: { cookie: web.cookie } });
  assert.match(river.body, /<img class="thumb" src="\/img\?u=[^"]+"/, 'river thumbnails go through the proxy');
  assert.doesNotMatch(river.body, /<img [^>]*src="http/);
  const img = await app.inject({ method: 'GET', url: src! });
  assert.equal(img.statusCode, 200);
  assert.equal(img.headers['content-type'], 'image/png');
  assert.deepEqual(img.rawPayload, png);
  assert.equal((await app.inject({ method: 'GET', url: src!.replace(/s=[^&]+/, 's=forged0000000000000000000000000') })).statusCode, 403);
  assert.equal((await app.inject({ method: 'GET', url: `/img?u=${encodeURIComponent(server.url('/world.xml'))}&s=x` })).statusCode, 403, 'no open proxy');
  await app.close();
});

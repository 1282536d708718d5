import { test, before, after } from 'node:test';
import zlib from 'node:zlib';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { buildApp } from '../src/server/app.js';
import { acceptsGzip } from '../src/server/pageCache.js';
import { signedIn } from './support/webSession.js';

let server: PublisherServer;
let tp: TestPipeline;

/** A signed-in reader whose river is every article: these tests are about read state, not stories (their articles fold into one). */
async function unfoldedReader(name: string) {
  const r = await signedIn(tp.store, name);
  await tp.store.setFoldsStories(r.userId, false);
  return r;
}
let app: FastifyInstance;
let feedId = 0;
const items = [
  { title: 'Harbour wall repaired', link: '', pubDate: 'Mon, 02 Mar 2026 08:00:00 GMT' },
  { title: 'Ferry fares frozen', link: '', pubDate: 'Tue, 03 Mar 2026 08:00:00 GMT' },
];

async function publish(): Promise<void> {
  server.set('/f.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Quay News', link: server.url('/'), items }) });
  await refreshFeed(tp.p, (await tp.store.getFeed(feedId))!);
}

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  items.forEach((it, i) => {
    it.link = server.url(`/p/${i}`);
    server.set(`/p/${i}`, { body: articlePage({ title: it.title, siteName: 'Quay News', bodyHtml: `<p>${it.title}. ${'Officials said more work follows next year. '.repeat(4)}</p>` }) });
  });
  server.set('/f.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Quay News', link: server.url('/'), items }) });
  feedId = (await subscribe(tp.p, server.url('/f.xml'))).feed.id;
  await publish();
  app = buildApp({ store: tp.store, config: tp.p.config });
});
after(async () => {
  await app.close();
  await tp.close();
  await server.stop();
});

const get = (url: string, cookie: string, etag?: string) =>
  app.inject({ method: 'GET', url, headers: { cookie, ...(etag ? { 'if-none-match': etag } : {}) } });

test('an unchanged page answers 304 to its ETag, and the same page again without rendering', async () => {
  const web = await unfoldedReader('still');
  const first = await get('/', web.cookie);
  assert.equal(first.statusCode, 200);
  const etag = first.headers.etag as string;
  assert.match(etag, /^W\/"[\w-]+"$/);
  assert.equal(first.headers['cache-control'], 'no-store');
  const again = await get('/', web.cookie, etag);
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  const plain = await get('/', web.cookie);
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.body, first.body);
  assert.equal(plain.headers.etag, etag);
  for (const url of ['/search?q=ferry', '/articles/1']) {
    const page = await get(url, web.cookie);
    assert.equal(page.statusCode, 200, url);
    assert.equal((await get(url, web.cookie, page.headers.etag as string)).statusCode, 304, `${url} after opening it`);
  }
});

test('marking an article read changes the river and the search page', async () => {
  const web = await unfoldedReader('marker');
  const river = await get('/?show=unread', web.cookie);
  const search = await get('/search?q=harbour&show=unread', web.cookie);
  assert.match(river.body, /Harbour wall repaired/);
  const [hit] = await tp.store.searchArticles({ text: 'harbour wall', limit: 1 });
  const form = await app.inject({
    method: 'POST', url: `/articles/${hit!.id}/state`, headers: { cookie: web.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${web.csrf}&read=1&next=/`,
  });
  assert.equal(form.statusCode, 303);
  const riverAfter = await get('/?show=unread', web.cookie, river.headers.etag as string);
  assert.equal(riverAfter.statusCode, 200);
  assert.doesNotMatch(riverAfter.body, /Harbour wall repaired/);
  const searchAfter = await get('/search?q=harbour&show=unread', web.cookie, search.headers.etag as string);
  assert.equal(searchAfter.statusCode, 200);
  assert.doesNotMatch(searchAfter.body, /Harbour wall repaired/);
});

test('a state change made elsewhere (another process, the CLI) changes the page too', async () => {
  const web = await unfoldedReader('elsewhere');
  const river = await get('/?show=starred', web.cookie);
  const [hit] = await tp.store.searchArticles({ text: 'ferry', limit: 1 });
  await tp.store.setArticleState(web.userId, hit!.id, { starred: true }, '2026-03-05T00:00:00Z');
  const after = await get('/?show=starred', web.cookie, river.headers.etag as string);
  assert.equal(after.statusCode, 200);
  assert.match(after.body, /Ferry fares frozen/);
});

test('a new article changes the river', async () => {
  const web = await unfoldedReader('waiting');
  const river = await get('/', web.cookie);
  assert.doesNotMatch(river.body, /Lighthouse reopens/);
  items.push({ title: 'Lighthouse reopens', link: server.url('/p/9'), pubDate: 'Wed, 04 Mar 2026 08:00:00 GMT' });
  server.set('/p/9', { body: articlePage({ title: 'Lighthouse reopens', siteName: 'Quay News', bodyHtml: `<p>${'The lighthouse opens to visitors again this summer. '.repeat(4)}</p>` }) });
  await publish();
  const after = await get('/', web.cookie, river.headers.etag as string);
  assert.equal(after.statusCode, 200);
  assert.match(after.body, /Lighthouse reopens/);
});

test('pages are never shared between readers or sessions', async () => {
  const a = await unfoldedReader('alice');
  const b = await unfoldedReader('bob');
  const pageA = await get('/', a.cookie);
  assert.match(pageA.body, new RegExp(a.csrf));
  const pageB = await get('/', b.cookie, pageA.headers.etag as string);
  assert.equal(pageB.statusCode, 200, "a's ETag means nothing to b");
  assert.notEqual(pageB.headers.etag, pageA.headers.etag);
  assert.doesNotMatch(pageB.body, new RegExp(a.csrf));
  assert.match(pageB.body, /bob/);
  const a2 = await unfoldedReader('alice');
  const otherSession = await get('/', a2.cookie);
  assert.doesNotMatch(otherSession.body, new RegExp(a.csrf), 'each session its own form token');
  const anonymous = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': pageA.headers.etag as string } });
  assert.equal(anonymous.statusCode, 303, 'sign-in comes before any cached answer');
});

test('API lists answer 304 until the reader changes something', async () => {
  const web = await unfoldedReader('apiuser');
  const { newSecret, secretHash } = await import('../src/accounts/tokens.js');
  const token = newSecret();
  await tp.store.createApiToken({ userId: web.userId, tokenHash: secretHash(token), name: 't', now: '2026-03-05T00:00:00Z' });
  const auth = { authorization: `Bearer ${token}` };
  const list = await app.inject({ method: 'GET', url: '/api/v1/articles?show=unread', headers: auth });
  assert.equal(list.statusCode, 200);
  const etag = list.headers.etag as string;
  assert.ok(etag);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/articles?show=unread', headers: { ...auth, 'if-none-match': etag } })).statusCode, 304);
  const wrong = await app.inject({ method: 'GET', url: '/api/v1/articles?show=unread', headers: { authorization: 'Bearer nottherighttokenatallxx', 'if-none-match': etag } });
  assert.equal(wrong.statusCode, 401);
  await tp.store.markAllRead(web.userId, { upTo: '2099-01-01T00:00:00Z' }, '2026-03-05T00:00:00Z');
  const after = await app.inject({ method: 'GET', url: '/api/v1/articles?show=unread', headers: { ...auth, 'if-none-match': etag } });
  assert.equal(after.statusCode, 200);
});

const unreadOf = (body: string) => [...body.matchAll(/aria-label="(\d+) unread"/g)].map((m) => Number(m[1]));

test('signing out ends the session at once, even for a page kept in the cache', async () => {
  const web = await signedIn(tp.store, 'leaving');
  assert.equal((await get('/', web.cookie)).statusCode, 200);
  assert.equal((await get('/', web.cookie)).statusCode, 200, 'now kept, and the session with it');
  const out = await app.inject({ method: 'POST', url: '/logout', headers: { cookie: web.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${web.csrf}` });
  assert.equal(out.statusCode, 303);
  const after = await get('/', web.cookie);
  assert.equal(after.statusCode, 303);
  assert.match(String(after.headers.location), /^\/login/);
});

test('a new password ends the reader\u2019s other sessions at once', async () => {
  const here = await signedIn(tp.store, 'changer');
  const there = await signedIn(tp.store, 'changer');
  assert.equal((await get('/', there.cookie)).statusCode, 200);
  const changed = await app.inject({
    method: 'POST', url: '/account/password', headers: { cookie: here.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: here.csrf, current: 'correct horse battery', password: 'a brand new passphrase', confirm: 'a brand new passphrase' }).toString(),
  });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal((await get('/', there.cookie)).statusCode, 303);
  assert.equal((await get('/', here.cookie)).statusCode, 200, 'the session that changed it stays');
});

test('renaming a subscription and reading an article show in the sidebar on the next page', async () => {
  const web = await signedIn(tp.store, 'renamer');
  const river = await get('/', web.cookie);
  const before = unreadOf(river.body);
  assert.ok(before.length > 0 && before.every((n) => n > 0), 'the sidebar counts what is unread');
  const edit = await app.inject({
    method: 'POST', url: `/feeds/${feedId}/edit`, headers: { cookie: web.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: web.csrf, title: 'My quay', folder: '' }).toString(),
  });
  assert.equal(edit.statusCode, 303);
  const renamed = await get('/', web.cookie, river.headers.etag as string);
  assert.equal(renamed.statusCode, 200);
  assert.match(renamed.body, /My quay/);
  const [first] = await tp.store.listArticles({ limit: 1, userId: web.userId });
  assert.equal((await get(`/articles/${first!.id}`, web.cookie)).statusCode, 200);
  const read = await get('/', web.cookie, renamed.headers.etag as string);
  assert.equal(read.statusCode, 200);
  assert.deepEqual(unreadOf(read.body), before.map((n) => n - 1), 'opening it read it');
});

test('a revision stored by another process changes the article page', async () => {
  const web = await signedIn(tp.store, 'reviser');
  const [article] = await tp.store.listArticles({ limit: 1, userId: web.userId });
  const url = `/articles/${article!.id}`;
  const opened = await get(url, web.cookie);
  assert.doesNotMatch(opened.body, /What changed/);
  assert.equal((await get(url, web.cookie, opened.headers.etag as string)).statusCode, 304);
  for (const [i, text] of ['The quay opens in May.', 'The quay opens in June.'].entries()) {
    await tp.query(`insert into revision (article_id, seen_at, reason, title, text, html, content_hash)
      values (${article!.id}, '2026-03-0${5 + i}T00:00:00Z', 'recheck', 'Quay', '${text}', '<p>${text}</p>', 'rev${i}')`);
  }
  const revised = await get(url, web.cookie, opened.headers.etag as string);
  assert.equal(revised.statusCode, 200);
  assert.match(revised.body, /What changed/);
});

test('a kept page goes gzipped to clients that take gzip, as it is to the others', async () => {
  const web = await unfoldedReader('gzipper');
  const ask = (encoding: string | null, etag?: string) =>
    app.inject({ method: 'GET', url: '/', headers: { cookie: web.cookie, ...(encoding ? { 'accept-encoding': encoding } : {}), ...(etag ? { 'if-none-match': etag } : {}) } });
  const rendered = await ask('gzip, deflate, br');
  assert.equal(rendered.headers['content-encoding'], 'gzip', 'the first answer too');
  assert.equal(rendered.headers.vary, 'accept-encoding');
  const page = zlib.gunzipSync(rendered.rawPayload).toString('utf8');
  assert.match(page, /Harbour wall repaired/);
  const kept = await ask('gzip');
  assert.equal(kept.headers['content-encoding'], 'gzip');
  assert.equal(Number(kept.headers['content-length']), kept.rawPayload.length);
  assert.ok(kept.rawPayload.length < page.length / 2, 'smaller than the page');
  assert.equal(zlib.gunzipSync(kept.rawPayload).toString('utf8'), page);
  for (const refused of [null, 'identity', 'gzip;q=0, identity']) {
    const plain = await ask(refused);
    assert.equal(plain.headers['content-encoding'], undefined, String(refused));
    assert.equal(plain.headers.vary, 'accept-encoding');
    assert.equal(plain.body, page, String(refused));
  }
  const revalidated = await ask('gzip', kept.headers.etag as string);
  assert.equal(revalidated.statusCode, 304);
  assert.equal(revalidated.headers.vary, 'accept-encoding');
  assert.equal(revalidated.rawPayload.length, 0);
});

test('accept-encoding is read as browsers and clients write it', () => {
  for (const yes of ['gzip', 'gzip, deflate, br, zstd', 'br;q=1.0, gzip;q=0.8', 'GZIP', '*', 'x-gzip']) assert.ok(acceptsGzip(yes), yes);
  for (const no of [undefined, '', 'identity', 'br', 'gzip;q=0', 'gzip; q=0.000', 'gzipped', '*;q=0', 'gzip;q=0, *']) assert.ok(!acceptsGzip(no), String(no));
});

test('an opening that marks the article read is not kept, yet its ETag revalidates and a later opening is kept', async () => {
  const web = await unfoldedReader('opener');
  let renders = 0;
  const counted = new Proxy(tp.store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (name === 'openedArticle' && typeof value === 'function') return (...args: unknown[]) => { renders++; return value.apply(target, args); };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const own = buildApp({ store: counted, config: tp.p.config });
  try {
    const [article] = await tp.store.listArticles({ limit: 1, userId: web.userId, show: 'unread' });
    const open = (etag?: string) =>
      own.inject({ method: 'GET', url: `/articles/${article!.id}`, headers: { cookie: web.cookie, 'accept-encoding': 'gzip', ...(etag ? { 'if-none-match': etag } : {}) } });
    const first = await open();
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-encoding'], 'gzip');
    assert.ok(zlib.gunzipSync(first.rawPayload).toString('utf8').includes(`<h1>${article!.title}</h1>`), 'the page, gzipped');
    assert.equal((await tp.store.openedArticle(web.userId, article!.id))?.state?.read, true, 'opening it read it');
    assert.equal((await open(first.headers.etag as string)).statusCode, 304, 'its ETag stands for the page as read');
    const again = await open();
    assert.equal(again.headers.etag, first.headers.etag);
    assert.deepEqual(zlib.gunzipSync(again.rawPayload), zlib.gunzipSync(first.rawPayload));
    assert.equal(renders, 2, 'the page that wrote was not kept: the next opening renders it');
    await open();
    assert.equal(renders, 2, 'an opening that wrote nothing is kept');
  } finally {
    await own.close();
  }
});

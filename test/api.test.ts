import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { apiReader, signedIn } from './support/webSession.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { buildApp } from '../src/server/app.js';
import type { FastifyInstance } from 'fastify';

let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  const items = [1, 2, 3].map((n) => ({ title: `Quay story ${n}`, link: server.url(`/q/${n}`), pubDate: `Mon, 0${n} Mar 2026 08:00:00 GMT` }));
  server.set('/q.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Quay News', link: server.url('/'), items }) });
  for (const n of [1, 2, 3]) server.set(`/q/${n}`, { body: articlePage({ title: `Quay story ${n}`, siteName: 'Quay News', bodyHtml: `<p>Quay story ${n}: ${'the lighthouse keeper reported calm seas and a late ferry on the evening crossing. '.repeat(3)}</p>` }) });
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  for (const name of ['ada', 'bob']) tokens[name] = (await apiReader(tp.store, name)).token;
});
after(async () => {
  await app.close();
  await tp.close();
  await server.stop();
});

const call = (who: string | null, method: string, url: string, payload?: unknown) =>
  app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });

test('tokens are required; the OpenAPI document is public and describes every route', async () => {
  for (const r of [await call(null, 'GET', '/me'), await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer not-a-real-token-at-all-xx' } })]) {
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'unauthorized');
  }
  assert.equal((await call('ada', 'GET', '/me')).json().name, 'ada');
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/me', '/feeds', '/feeds/{id}', '/articles', '/articles/{id}', '/articles/{id}/state', '/articles/read', '/search', '/opml']) assert.ok(doc.paths[p], p);
  const unknown = await call('ada', 'GET', '/nope');
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().error.code, 'not_found');
});

test('subscribe, read the river with keyset pages, open an article, mark state — and no user sees another\'s', async () => {
  const sub = await call('ada', 'POST', '/feeds', { url: server.url('/q.xml'), folder: 'Local' });
  assert.equal(sub.statusCode, 201, sub.body);
  const feedId = sub.json().id as number;
  await refreshFeed(tp.p, (await tp.store.getFeed(feedId))!);
  const feeds = (await call('ada', 'GET', '/feeds')).json();
  assert.deepEqual(feeds.map((f: { id: number; folder: string }) => [f.id, f.folder]), [[feedId, 'Local']]);
  assert.equal(feeds[0].activity.length, 30);
  assert.ok(feeds[0].activity.reduce((a: number, b: number) => a + b, 0) > 0 && feeds[0].itemsPerDay > 0, 'the refresh shows in the activity');
  assert.deepEqual((await call('bob', 'GET', '/feeds')).json(), []);

  const page1 = (await call('ada', 'GET', '/articles?limit=2')).json();
  assert.deepEqual(page1.articles.map((a: { title: string }) => a.title), ['Quay story 3', 'Quay story 2']);
  assert.ok(page1.next);
  const page2 = (await call('ada', 'GET', `/articles?limit=2&before=${encodeURIComponent(page1.next)}`)).json();
  assert.deepEqual(page2.articles.map((a: { title: string }) => a.title), ['Quay story 1']);
  assert.equal(page2.next, null);
  assert.deepEqual((await call('bob', 'GET', '/articles')).json().articles, []);

  const id = page1.articles[0].id as number;
  const article = await call('ada', 'GET', `/articles/${id}`);
  assert.equal(article.statusCode, 200);
  assert.match(article.json().text, /lighthouse keeper/);
  assert.equal((await call('bob', 'GET', `/articles/${id}`)).statusCode, 404, 'cross-user read');
  assert.equal((await call('bob', 'PUT', `/articles/${id}/state`, { starred: true })).statusCode, 404, 'cross-user write');
  assert.equal((await call('ada', 'PUT', `/articles/${id}/state`, { starred: true, read: true })).statusCode, 204);
  assert.deepEqual((await call('ada', 'GET', '/articles?show=starred')).json().articles.map((a: { id: number }) => a.id), [id]);
  assert.equal((await call('ada', 'GET', '/articles?show=unread')).json().articles.length, 2);
  assert.deepEqual((await call('ada', 'POST', '/articles/read', { upTo: '2026-03-02T08:00:00Z' })).json(), { marked: 2 });
  assert.equal((await call('ada', 'GET', '/articles?show=unread')).json().articles.length, 0);

  // search answers within the user's own subscriptions
  assert.equal((await call('ada', 'GET', '/search?q=lighthouse')).json().length, 3);
  assert.deepEqual((await call('bob', 'GET', '/search?q=lighthouse')).json(), []);
  // the web app enforces the same
  const bobWeb = await signedIn(tp.store, 'bob');
  await tp.store.unsubscribeUser(bobWeb.userId, feedId);
  assert.equal((await app.inject({ method: 'GET', url: `/articles/${id}`, headers: { cookie: bobWeb.cookie } })).statusCode, 404);

  const opml = await call('ada', 'GET', '/opml');
  assert.match(opml.body, new RegExp(`xmlUrl="${server.url('/q.xml').replace(/[.]/g, '\\.')}"`));
  assert.equal((await call('bob', 'DELETE', `/feeds/${feedId}`)).statusCode, 404);
  assert.equal((await call('ada', 'DELETE', `/feeds/${feedId}`)).statusCode, 204);
  assert.deepEqual((await call('ada', 'GET', '/articles')).json().articles, []);
});

test('requests are validated against their schemas, with stable error codes', async () => {
  for (const [method, url, body] of [
    ['GET', '/articles?limit=0', undefined],
    ['GET', '/articles?before=yesterday', undefined],
    ['GET', '/articles?show=everything', undefined],
    ['PUT', '/articles/1/state', {}],
    ['PUT', '/articles/abc/state', { read: true }],
    ['POST', '/articles/read', { upTo: 'soon' }],
    ['POST', '/feeds', { url: '' }],
    ['GET', '/search', undefined],
  ] as const) {
    const r = await call('ada', method, url, body);
    assert.equal(r.statusCode, 400, `${method} ${url}: ${r.body}`);
    assert.equal(r.json().error.code, 'invalid_input');
  }
  const blocked = await call('ada', 'POST', '/feeds', { url: 'ftp://example.com/feed' });
  assert.equal(blocked.json().error.code, 'unsupported_scheme');
});

test('API tokens from the account page: created once, usable, listed, revoked', async () => {
  const web = await signedIn(tp.store, 'ada');
  const FORM = 'application/x-www-form-urlencoded';
  const created = await app.inject({ method: 'POST', url: '/account/tokens', headers: { cookie: web.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: web.csrf, name: 'phone app' }).toString() });
  assert.equal(created.headers['cache-control'], 'no-store');
  const token = /<code class="token">([\w-]+)<\/code>/.exec(created.body)![1]!;
  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.json().name, 'ada');
  const page = await app.inject({ method: 'GET', url: '/account', headers: { cookie: web.cookie } });
  assert.doesNotMatch(page.body, new RegExp(token), 'the token is shown only once');
  assert.match(page.body, /<td>phone app<\/td>/);
  const id = /name="id" value="([0-9a-f]{12})"[\s\S]*?$/.exec(page.body.slice(page.body.indexOf('phone app')))![1]!;
  const bob = await signedIn(tp.store, 'bob');
  await app.inject({ method: 'POST', url: '/account/tokens/revoke', headers: { cookie: bob.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: bob.csrf, id }).toString() });
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 200, 'bob cannot revoke ada\'s token');
  await app.inject({ method: 'POST', url: '/account/tokens/revoke', headers: { cookie: web.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: web.csrf, id }).toString() });
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);
});

test('folders, renaming, OPML import and filtered search through the API, per user', async () => {
  const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline text="Coast"><outline type="rss" text="Q" xmlUrl="${server.url('/q.xml')}"/></outline></body></opml>`;
  const imported = await app.inject({ method: 'POST', url: '/api/v1/opml', headers: { authorization: `Bearer ${tokens.bob}`, 'content-type': 'text/x-opml' }, payload: opml });
  assert.equal(imported.statusCode, 200, imported.body);
  assert.equal(imported.json().subscribed, 1);
  const folders = (await call('bob', 'GET', '/folders')).json();
  assert.equal(folders[0].name, 'Coast');
  const feedId = folders[0].feeds[0] as number;
  assert.equal((await call('bob', 'PATCH', `/feeds/${feedId}`, { title: 'My quay', folder: 'Harbour' })).statusCode, 204);
  assert.deepEqual((await call('bob', 'GET', '/folders')).json().map((f: { name: string }) => f.name), ['Harbour']);
  await tp.store.unsubscribeUser((await tp.store.getUserByName('ada'))!.id, feedId);
  assert.equal((await call('ada', 'PATCH', `/feeds/${feedId}`, { title: 'x' })).statusCode, 404, 'not ada\'s subscription');
  assert.equal((await call('bob', 'PATCH', `/feeds/${feedId}`, {})).statusCode, 400);
  assert.equal((await call('bob', 'GET', '/search?q=lighthouse&folder=Harbour')).json().length, 3);
  assert.equal((await call('bob', 'GET', '/search?q=lighthouse&folder=Elsewhere')).json().length, 0);
  assert.equal((await call('bob', 'GET', '/search?q=lighthouse&from=2026-03-02T00:00:00Z')).json().length, 2);
  assert.equal((await call('bob', 'GET', '/search?q=lighthouse&show=starred')).json().length, 0);
  assert.equal((await call('bob', 'GET', '/search?q=lighthouse&from=yesterday')).statusCode, 400);
  const unsigned = await app.inject({ method: 'POST', url: '/api/v1/opml', headers: { 'content-type': 'text/x-opml' }, payload: opml });
  assert.equal(unsigned.statusCode, 401);
});

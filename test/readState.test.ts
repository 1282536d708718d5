import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { buildApp } from '../src/server/app.js';
import type { FastifyInstance } from 'fastify';

let server: PublisherServer;
let tp: TestPipeline;

/** A signed-in reader whose river is every article: these tests are about read state, not stories (their articles fold into one). */
async function unfoldedReader(name: string) {
  const r = await signedIn(tp.store, name);
  await tp.store.setFoldsStories(r.userId, false);
  return r;
}
let app: FastifyInstance;
const FORM = 'application/x-www-form-urlencoded';
const page = (t: string) => articlePage({ title: t, siteName: 'Harbour Times', bodyHtml: `<p>${t}. ${'The harbour board met on Friday to agree the plan for the new quay and its budget. '.repeat(3)}</p>` });

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  const items = [1, 2, 3].map((n) => ({ title: `Story ${n}`, link: server.url(`/r/${n}`), pubDate: `Mon, 0${n} Mar 2026 08:00:00 GMT` }));
  server.set('/r.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items }) });
  for (const n of [1, 2, 3]) server.set(`/r/${n}`, { body: page(`Story ${n}`) });
  const { feed } = await subscribe(tp.p, server.url('/r.xml'));
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
});
after(async () => {
  await app.close();
  await tp.close();
  await server.stop();
});

const titles = (body: string) => [...body.matchAll(/<h2><a href="\/articles\/\d+(?:\?[^"]*)?">([^<]+)<\/a><\/h2>/g)].map((m) => m[1]);

test('each reader has their own read and starred marks over shared articles', async () => {
  const ada = await unfoldedReader('ada');
  const bob = await unfoldedReader('bob');
  const list = await tp.store.listArticles({ limit: 10, userId: ada.userId });
  const story2 = list.find((a) => a.title === 'Story 2')!;

  // ada stars story 2 and reads story 3 (by opening it)
  const star = await app.inject({ method: 'POST', url: `/articles/${story2.id}/state`, headers: { cookie: ada.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: ada.csrf, starred: '1', next: '/?show=starred' }).toString() });
  assert.equal(star.statusCode, 303);
  assert.equal(star.headers.location, '/?show=starred');
  const story3 = list.find((a) => a.title === 'Story 3')!;
  // the service worker saving story 1 for offline reading does not read it
  assert.equal((await app.inject({ method: 'GET', url: `/articles/${list.find((a) => a.title === 'Story 1')!.id}`, headers: { cookie: ada.cookie, 'x-tidings-prefetch': '1' } })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: `/articles/${story3.id}`, headers: { cookie: ada.cookie } })).statusCode, 200);

  const unread = await app.inject({ method: 'GET', url: '/?show=unread', headers: { cookie: ada.cookie } });
  assert.deepEqual(titles(unread.body), ['Story 2', 'Story 1']);
  const starred = await app.inject({ method: 'GET', url: '/?show=starred', headers: { cookie: ada.cookie } });
  assert.deepEqual(titles(starred.body), ['Story 2']);
  assert.match(starred.body, /aria-pressed="true">★ Starred/);

  // bob sees none of it
  assert.deepEqual(titles((await app.inject({ method: 'GET', url: '/?show=unread', headers: { cookie: bob.cookie } })).body), ['Story 3', 'Story 2', 'Story 1']);
  assert.deepEqual(titles((await app.inject({ method: 'GET', url: '/?show=starred', headers: { cookie: bob.cookie } })).body), []);

  // a state change needs the reader's own form token: bob cannot use ada's
  const forged = await app.inject({ method: 'POST', url: `/articles/${story2.id}/state`, headers: { cookie: bob.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: ada.csrf, read: '1' }).toString() });
  assert.equal(forged.statusCode, 403);
});

test('mark all read marks only what the reader has seen listed, and only for them', async () => {
  const cy = await unfoldedReader('cy');
  const river = await app.inject({ method: 'GET', url: '/', headers: { cookie: cy.cookie } });
  const upTo = /name="upTo" value="([^"]+)"/.exec(river.body)![1]!;
  assert.equal(upTo, '2026-03-03T08:00:00Z');
  const res = await app.inject({ method: 'POST', url: '/read-all', headers: { cookie: cy.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: cy.csrf, upTo: '2026-03-02T08:00:00Z', next: '/?show=unread' }).toString() });
  assert.equal(res.statusCode, 303);
  assert.deepEqual(titles((await app.inject({ method: 'GET', url: '/?show=unread', headers: { cookie: cy.cookie } })).body), ['Story 3'], 'newer than upTo stays unread');
  const dee = await unfoldedReader('dee');
  assert.equal(titles((await app.inject({ method: 'GET', url: '/?show=unread', headers: { cookie: dee.cookie } })).body).length, 3);
});

test('a reader only sees the feeds they subscribe to: river, search, article, state, feeds page', async () => {
  const lone = await tp.store.createUser({ name: 'lone', passwordHash: 'x', isAdmin: false, now: '2026-03-05T00:00:00Z' });
  assert.deepEqual(await tp.store.listArticles({ limit: 10, userId: lone.id }), []);
  const { newSecret, secretHash } = await import('../src/accounts/tokens.js');
  const token = newSecret();
  const csrf = newSecret(18);
  await tp.store.createSession({ userId: lone.id, tokenHash: secretHash(token), csrfToken: csrf, now: '2026-03-05T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
  const cookie = `tidings_session=${token}`;
  const [someone] = await tp.store.listArticles({ limit: 1 });
  assert.doesNotMatch((await app.inject({ method: 'GET', url: '/search?q=harbour', headers: { cookie } })).body, /Story \d/);
  assert.equal((await app.inject({ method: 'GET', url: `/articles/${someone!.id}`, headers: { cookie } })).statusCode, 404);
  await app.inject({ method: 'POST', url: `/articles/${someone!.id}/state`, headers: { cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: csrf, starred: '1' }).toString() });
  assert.deepEqual(await tp.store.listArticles({ limit: 10, userId: lone.id, show: 'starred' }), [], 'no state on articles one cannot see');
  assert.doesNotMatch((await app.inject({ method: 'GET', url: '/feeds', headers: { cookie } })).body, /Harbour Times/);
  const [feed] = await tp.store.listFeeds();
  await tp.store.subscribeUser(lone.id, feed!.id, null, '2026-03-05T00:00:00Z');
  assert.equal((await tp.store.listArticles({ limit: 10, userId: lone.id })).length, 3);
});

test('the feeds page: refresh now, unsubscribe, OPML export, all for the reader\'s own feeds only', async () => {
  const eve = await unfoldedReader('eve');
  const [feed] = await tp.store.listSubscriptions(eve.userId);
  const page = await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: eve.cookie } });
  assert.match(page.body, new RegExp(`action="/feeds/${feed!.id}/refresh"`));
  const opml = await app.inject({ method: 'GET', url: '/feeds/export.opml', headers: { cookie: eve.cookie } });
  assert.match(String(opml.headers['content-type']), /text\/x-opml/);
  assert.match(opml.body, new RegExp(`xmlUrl="${server.url('/r.xml').replace(/\./g, '\\.')}"`));
  const post = (url: string, who = eve) => app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: who.csrf }).toString() });
  const refreshed = await post(`/feeds/${feed!.id}/refresh`);
  assert.equal(refreshed.statusCode, 303);
  assert.equal(refreshed.headers.location, '/feeds');
  const outsider = await tp.store.createUser({ name: 'outsider', passwordHash: 'x', isAdmin: false, now: '2026-03-05T00:00:00Z' });
  const { newSecret, secretHash } = await import('../src/accounts/tokens.js');
  const token = newSecret();
  const csrf = newSecret(18);
  await tp.store.createSession({ userId: outsider.id, tokenHash: secretHash(token), csrfToken: csrf, now: '2026-03-05T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
  assert.equal((await post(`/feeds/${feed!.id}/refresh`, { cookie: `tidings_session=${token}`, csrf, userId: outsider.id })).statusCode, 404, 'not someone else\'s feed');
  assert.equal((await post(`/feeds/${feed!.id}/unsubscribe`)).statusCode, 303);
  assert.deepEqual(await tp.store.listSubscriptions(eve.userId), []);
  assert.equal((await tp.store.listArticles({ limit: 10, userId: eve.userId })).length, 0);
});

test('OPML import from the page subscribes the reader, folders kept', async () => {
  const fay = await unfoldedReader('fay');
  for (const f of await tp.store.listSubscriptions(fay.userId)) await tp.store.unsubscribeUser(fay.userId, f.id);
  const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline text="Local"><outline type="rss" text="R" xmlUrl="${server.url('/r.xml')}"/></outline></body></opml>`;
  const res = await app.inject({ method: 'POST', url: '/feeds/import', headers: { cookie: fay.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: fay.csrf, opml }).toString() });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /imported 1 feed/);
  assert.deepEqual((await tp.store.listSubscriptions(fay.userId)).map((f) => f.folder), ['Local']);
  const bad = await app.inject({ method: 'POST', url: '/feeds/import', headers: { cookie: fay.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: fay.csrf, opml: '<html></html>' }).toString() });
  assert.equal(bad.headers.location, '/feeds');
  const shown = (await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: fay.cookie } })).body;
  assert.match(shown, /class="flash flash-error">That file is not a well-formed OPML subscription list\.\s*<small class="code">\(?invalid_opml\)?<\/small>/);
  const again = (await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: fay.cookie } })).body;
  assert.doesNotMatch(again, /invalid_opml/, 'a flash shows once');
});

test('a reader renames a feed and files it in a folder, for themselves only', async () => {
  const gus = await unfoldedReader('gus');
  const [feed] = await tp.store.listSubscriptions(gus.userId);
  const edit = (who: { cookie: string; csrf: string }, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/feeds/${feed!.id}/edit`, headers: { cookie: who.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString() });
  assert.equal((await edit(gus, { title: 'My harbour paper', folder: 'Local' })).statusCode, 303);
  const mine = (await tp.store.listSubscriptions(gus.userId))[0]!;
  assert.deepEqual([mine.customTitle, mine.folder], ['My harbour paper', 'Local']);
  assert.match((await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: gus.cookie } })).body, />My harbour paper<\/a><span class="muted">in <a href="\/\?folder=Local">Local<\/a>/);
  const hal = await unfoldedReader('hal');
  assert.equal((await tp.store.listSubscriptions(hal.userId))[0]!.customTitle, null, 'nobody else sees the new name');
  assert.equal((await app.inject({ method: 'GET', url: '/?folder=Local', headers: { cookie: gus.cookie } })).body.match(/<li class="/g)?.length, 3);
  assert.equal((await edit(gus, { title: '' })).statusCode, 303);
  assert.equal((await tp.store.listSubscriptions(gus.userId))[0]!.customTitle, null);
});

test('subscribing to a site that names several feeds asks which one; folder mark-all-read; items a day', async () => {
  const ivy = await unfoldedReader('ivy');
  server.set('/multi/', { body: `<html><head><link rel="alternate" type="application/rss+xml" title="News" href="/r.xml"><link rel="alternate" type="application/rss+xml" title="Sport" href="/sport.xml"></head></html>` });
  server.set('/sport.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Sport | Harbour Times', link: server.url('/'), items: [] }) });
  const post = (fields: Record<string, string>) => app.inject({ method: 'POST', url: '/feeds', headers: { cookie: ivy.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: ivy.csrf, ...fields }).toString() });
  const ask = await post({ url: server.url('/multi/') });
  assert.equal(ask.statusCode, 200);
  assert.match(ask.body, /offers 2 feeds: which one\?/);
  assert.match(ask.body, /<label for="pick2">Sport — http:\/\/127\.0\.0\.1:\d+\/sport\.xml \(rss20, 0 items\)<\/label>/);
  const chosen = await post({ url: server.url('/multi/'), pick: '2', folder: 'Sport' });
  assert.equal(chosen.statusCode, 303);
  const subs = await tp.store.listSubscriptions(ivy.userId);
  assert.ok(subs.some((f) => f.url === server.url('/sport.xml') && f.folder === 'Sport'));
  const news = subs.find((f) => f.url === server.url('/r.xml'))!;
  assert.equal(news.itemsPerDay, 0.4, 'three items in a week');
  assert.equal(news.activity.length, 30);
  assert.equal(news.activity[29]! + news.activity[28]!, 3, 'all three were seen today (or, at midnight, yesterday)');
  assert.equal(news.activity.reduce((a, b) => a + b, 0), 3);
  const feedsPage = await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: ivy.cookie } });
  assert.match(feedsPage.body, /<svg class="activity" role="img" aria-label="3 new articles in the last 30 days; most \(3\) on \d{4}-\d{2}-\d{2}"/);
  assert.match(feedsPage.body, /aria-label="No new articles in the last 30 days"/, 'the empty Sport feed');
  await tp.store.updateSubscription(ivy.userId, news.id, { folder: 'Local' });
  await app.inject({ method: 'POST', url: '/read-all', headers: { cookie: ivy.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: ivy.csrf, folder: 'Sport', upTo: '2030-01-01T00:00:00Z' }).toString() });
  assert.equal((await tp.store.listArticles({ limit: 10, userId: ivy.userId, show: 'unread' })).length, 3, 'marking the Sport folder read leaves Local unread');
  await app.inject({ method: 'POST', url: '/read-all', headers: { cookie: ivy.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: ivy.csrf, folder: 'Local', upTo: '2030-01-01T00:00:00Z' }).toString() });
  assert.equal((await tp.store.listArticles({ limit: 10, userId: ivy.userId, show: 'unread' })).length, 0);
});

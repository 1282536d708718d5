import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { buildApp } from '../src/server/app.js';
import { SESSION_COOKIE } from '../src/server/auth.js';
import { hashPassword } from '../src/accounts/passwords.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { SignInThrottle } from '../src/accounts/signInThrottle.js';
import { EntryTotals } from '../src/server/miniflux/entryTotals.js';

/**
 * The Miniflux API v1 as apps use it (newsboat's `miniflux` mode, Miniflux client
 * libraries): HTTP Basic with an API token or X-Auth-Token, categories that are never null,
 * numeric ids, entries with the full body, paging, marks, subscriptions and OPML; every
 * answer scoped to the signed-in reader.
 */
let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
const tokens: Record<string, string> = {};
const users: Record<string, number> = {};
let harbour: number;
let valley: number;
const WEB_PASSWORD = 'correct horse battery';
const NOW = '2026-03-10T00:00:00Z';
/** Generous limits: the failed sign-ins below must not lock the readers out of the other tests. */
const roomyThrottle = () => new SignInThrottle({ perAccountAndAddress: 1000, perAccountAndAddressUnderAttack: 1000, perAddress: 1000, accountUnderAttack: 1000 });

const page = (t: string) =>
  articlePage({ title: t, siteName: 'Press', bodyHtml: `<p>${t}. ${'The board met on Friday to agree the plan for the quay and the new ferry timetable. '.repeat(4)}</p><figure><img src="/i.jpg"><figcaption>The quay at dawn</figcaption></figure>` });

function publish(path: string, name: string, days: number[]): void {
  const items = days.map((d) => ({ title: `${name} ${d}`, link: server.url(`${path}/${d}`), pubDate: new Date(Date.UTC(2026, 2, d, 8)).toUTCString() }));
  server.set(`${path}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: name, link: server.url('/'), items }) });
  for (const d of days) server.set(`${path}/${d}`, { body: page(`${name} ${d}`) });
}

async function addFeed(path: string): Promise<number> {
  const { feed } = await subscribe(tp.p, server.url(`${path}.xml`), { readers: [] });
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  return feed.id;
}

async function addUser(name: string): Promise<void> {
  users[name] = (await tp.store.createUser({ name, passwordHash: await hashPassword(WEB_PASSWORD), isAdmin: false, now: NOW })).id;
  tokens[name] = newSecret();
  await tp.store.createApiToken({ userId: users[name]!, tokenHash: secretHash(tokens[name]!), name: 'app', now: NOW });
}

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  publish('/h', 'Harbour', [1, 2, 3, 4]);
  publish('/v', 'Valley', [5, 6]);
  publish('/m', 'Moor', [7]);
  server.set('/moor', { body: `<!doctype html><html><head><title>Moor</title><link rel="alternate" type="application/rss+xml" href="/m.xml"></head><body>Moor news</body></html>` });
  harbour = await addFeed('/h');
  valley = await addFeed('/v');
  for (const name of ['ada', 'bob']) await addUser(name);
  await tp.store.subscribeUser(users.ada!, harbour, 'News', NOW);
  await tp.store.subscribeUser(users.ada!, valley, null, NOW);
  await tp.store.subscribeUser(users.bob!, valley, 'Mine', NOW);
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p, signInThrottle: roomyThrottle() });
});
after(async () => {
  await app.close();
  await tp.close();
  await server.stop();
});

const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;

interface Call {
  auth?: 'basic' | 'token' | 'none';
  body?: unknown;
  /** The content type the body goes under (newsboat sends JSON as a form). */
  type?: string;
  on?: FastifyInstance;
}

function call(who: string, method: string, url: string, c: Call = {}): Promise<LightMyRequestResponse> {
  const auth = c.auth ?? 'basic';
  const headers: Record<string, string> = {};
  if (auth === 'basic') headers.authorization = basic(who, tokens[who]!);
  if (auth === 'token') headers['x-auth-token'] = tokens[who]!;
  if (c.type) headers['content-type'] = c.type;
  const payload = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  return (c.on ?? app).inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
}

const json = async (who: string, url: string, c: Call = {}) => {
  const r = await call(who, 'GET', url, c);
  assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
  return r.json();
};
const titles = (entries: Array<{ title: string }>) => entries.map((e) => e.title);
const entryId = async (title: string) => (await json('ada', '/v1/entries?limit=100')).entries.find((e: { title: string }) => e.title === title).id as number;

test('sign-in: Basic with an API token or X-Auth-Token; never the web password; 401 JSON before anything else', async () => {
  assert.equal((await json('ada', '/v1/me')).username, 'ada');
  const me = await json('ada', '/v1/me', { auth: 'token' });
  assert.equal(me.username, 'ada');
  assert.equal(me.id, users.ada);
  const refused = [
    await call('ada', 'GET', '/v1/me', { auth: 'none' }),
    await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: basic('ada', WEB_PASSWORD) } }),
    await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: basic('bob', tokens.ada!) } }),
    await app.inject({ method: 'GET', url: '/v1/me', headers: { 'x-auth-token': WEB_PASSWORD } }),
    await app.inject({ method: 'GET', url: '/v1/me', headers: { 'x-auth-token': newSecret() } }),
    await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Basic !!!' } }),
    await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${tokens.ada}` } }),
    // a web session is not a client's credential
    await (async () => {
      const session = newSecret();
      await tp.store.createSession({ userId: users.ada!, tokenHash: secretHash(session), csrfToken: 'c', now: NOW, expiresAt: '2099-01-01T00:00:00Z' });
      return app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    })(),
  ];
  for (const r of refused) {
    assert.equal(r.statusCode, 401, r.body);
    assert.match(r.headers['content-type'] as string, /^application\/json/);
    assert.equal(typeof r.json().error_message, 'string');
  }
  // credentials are checked before the body is read: no 400 for a bad body without them
  const unsigned = await call('ada', 'PUT', '/v1/entries', { auth: 'none', body: 'not json', type: 'application/json' });
  assert.equal(unsigned.statusCode, 401);
  const unknownRoute = await call('ada', 'GET', '/v1/nothing-here', { auth: 'none' });
  assert.equal(unknownRoute.statusCode, 401);
  const missing = await call('ada', 'GET', '/v1/nothing-here');
  assert.equal(missing.statusCode, 404);
  assert.equal(typeof missing.json().error_message, 'string');
});

test('a revoked token stops at once; a new one works', async () => {
  await addUser('cat');
  assert.equal((await call('cat', 'GET', '/v1/me')).statusCode, 200);
  const [listed] = await tp.store.listApiTokens(users.cat!);
  assert.ok(await tp.store.revokeApiToken(users.cat!, listed!.id));
  assert.equal((await call('cat', 'GET', '/v1/me')).statusCode, 401);
  assert.equal((await call('cat', 'GET', '/v1/feeds', { auth: 'token' })).statusCode, 401);
});

test('wrong credentials are throttled like the web sign-in: 429 with Retry-After', async () => {
  const strict = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p, signInThrottle: new SignInThrottle() });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await strict.inject({ method: 'GET', url: '/v1/me', headers: { authorization: basic('ada', `wrong-token-${i}-xxxxxxxxxxxxxxxxxxxx`) } })).statusCode);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    const last = await strict.inject({ method: 'GET', url: '/v1/me', headers: { authorization: basic('ada', tokens.ada!) } });
    assert.equal(last.statusCode, 429, 'even the right token waits out the limit from this address');
    assert.ok(Number(last.headers['retry-after']) > 0);
    assert.equal(typeof last.json().error_message, 'string');
  } finally {
    await strict.close();
  }
});

test('an app\'s concurrent requests all pass the sign-in throttle (only wrong tokens count against it)', async () => {
  const strict = buildApp({ store: tp.store, config: tp.p.config, signInThrottle: new SignInThrottle() });
  try {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call('ada', 'GET', '/v1/feeds', { on: strict, auth: i % 2 ? 'basic' : 'token' })));
    assert.deepEqual(answers.map((r) => r.statusCode), new Array(12).fill(200));
  } finally {
    await strict.close();
  }
});

test('paths that start //v1/ (a server URL with a trailing slash) are the same endpoints', async () => {
  assert.equal((await json('ada', '//v1/me')).username, 'ada');
  assert.equal((await json('ada', '//v1/feeds')).length, 2);
  assert.equal((await call('ada', 'GET', '//v1/feeds', { auth: 'none' })).statusCode, 401);
});

test('categories: "All" for feeds in no folder, a stable numeric id per folder, per reader', async () => {
  const cats = await json('ada', '/v1/categories');
  assert.deepEqual(cats.map((c: { title: string }) => c.title), ['All', 'News']);
  for (const c of cats) {
    assert.ok(Number.isInteger(c.id) && c.id > 0 && c.id < 2 ** 31, `id ${c.id}`);
    assert.equal(c.user_id, users.ada);
  }
  const restarted = buildApp({ store: tp.store, config: tp.p.config, signInThrottle: roomyThrottle() });
  try {
    assert.deepEqual((await json('ada', '/v1/categories', { on: restarted })).map((c: { id: number }) => c.id), cats.map((c: { id: number }) => c.id), 'same ids after a restart');
  } finally {
    await restarted.close();
  }
  const counted = await json('ada', '/v1/categories?counts=true');
  assert.deepEqual(counted.map((c: { feed_count: number; total_unread: number }) => [c.feed_count, c.total_unread]), [[1, 2], [1, 4]]);
  assert.deepEqual((await json('bob', '/v1/categories')).map((c: { title: string }) => c.title), ['All', 'Mine']);

  const news = cats[1].id as number;
  assert.deepEqual((await json('ada', `/v1/categories/${news}/feeds`)).map((f: { id: number }) => f.id), [harbour]);
  assert.deepEqual((await json('ada', '/v1/categories/1/feeds')).map((f: { id: number }) => f.id), [valley]);
  assert.equal((await call('bob', 'GET', `/v1/categories/${news}/feeds`)).statusCode, 404, 'another reader\'s folder does not exist');
  assert.equal((await call('ada', 'GET', '/v1/categories/abc/feeds')).statusCode, 404);
});

test('feeds: numeric ids, a category object always, the reader\'s own titles; another reader\'s feed does not exist', async () => {
  const feeds = await json('ada', '/v1/feeds');
  assert.deepEqual(feeds.map((f: { id: number }) => f.id).sort(), [harbour, valley].sort());
  for (const f of feeds) {
    assert.ok(Number.isInteger(f.id) && f.id < 2 ** 31);
    assert.equal(typeof f.category, 'object');
    assert.ok(Number.isInteger(f.category.id));
    for (const k of ['feed_url', 'site_url', 'title', 'checked_at']) assert.equal(typeof f[k], 'string', k);
  }
  const h = feeds.find((f: { id: number }) => f.id === harbour);
  assert.equal(h.feed_url, server.url('/h.xml'));
  assert.equal(h.category.title, 'News');
  assert.equal(feeds.find((f: { id: number }) => f.id === valley).category.title, 'All');
  assert.equal((await json('ada', `/v1/feeds/${harbour}`)).title, h.title);

  assert.deepEqual((await json('bob', '/v1/feeds')).map((f: { id: number; category: { title: string } }) => [f.id, f.category.title]), [[valley, 'Mine']]);
  const foreign = await call('bob', 'GET', `/v1/feeds/${harbour}`);
  assert.equal(foreign.statusCode, 404);
  assert.deepEqual(foreign.json(), (await call('bob', 'GET', '/v1/feeds/999999')).json(), 'the same answer as a feed that does not exist');
  assert.equal((await call('bob', 'GET', `/v1/feeds/${harbour}/entries`)).statusCode, 404);
});

test('feed entries as newsboat asks: total, status and published_at never null, full body with captions', async () => {
  const r = await json('ada', `/v1/feeds/${harbour}/entries?order=published_at&direction=desc`);
  assert.equal(r.total, 4);
  assert.deepEqual(titles(r.entries), ['Harbour 4', 'Harbour 3', 'Harbour 2', 'Harbour 1']);
  const e = r.entries[0];
  assert.ok(Number.isInteger(e.id) && e.id < 2 ** 31);
  assert.equal(e.status, 'unread');
  assert.equal(e.published_at, '2026-03-04T08:00:00Z');
  assert.ok(!Number.isNaN(Date.parse(e.created_at)) && !Number.isNaN(Date.parse(e.changed_at)));
  assert.equal(e.starred, false);
  assert.equal(e.feed_id, harbour);
  assert.equal(e.feed.id, harbour);
  assert.equal(e.feed.category.title, 'News');
  assert.equal(e.url, server.url('/h/4'));
  assert.match(e.content, /<figure>[\s\S]*<figcaption>[\s\S]*The quay at dawn[\s\S]*<\/figcaption>/);
  assert.match(e.content, /new ferry timetable/);
  assert.ok(Number.isInteger(e.reading_time) && e.reading_time >= 1);
  assert.equal(typeof e.author, 'string');
  assert.equal(typeof e.hash, 'string');
  // the default order is oldest first, as Miniflux's
  assert.deepEqual(titles((await json('ada', `/v1/feeds/${harbour}/entries`)).entries), ['Harbour 1', 'Harbour 2', 'Harbour 3', 'Harbour 4']);
  // one entry by id, through its feed or alone
  assert.equal((await json('ada', `/v1/feeds/${harbour}/entries/${e.id}`)).title, 'Harbour 4');
  assert.equal((await call('ada', 'GET', `/v1/feeds/${valley}/entries/${e.id}`)).statusCode, 404, 'not an entry of that feed');
  const single = await json('ada', `/v1/entries/${e.id}`);
  assert.equal(single.title, 'Harbour 4');
  assert.equal(single.content, e.content);
  assert.equal((await call('bob', 'GET', `/v1/entries/${e.id}`)).statusCode, 404, 'bob does not follow Harbour');
  assert.equal((await call('ada', 'GET', '/v1/entries/99999999')).statusCode, 404);
});

test('/v1/entries: status (repeatable), starred, limit and offset with total, orders, id and time bounds, feed and category', async () => {
  const q = async (params: string) => json('ada', `/v1/entries?${params}`);
  const all = await q('order=id&direction=asc&limit=100');
  assert.equal(all.total, 6);
  const ids = all.entries.map((e: { id: number }) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.deepEqual((await q('order=id&direction=desc')).entries.map((e: { id: number }) => e.id), [...ids].reverse());
  assert.deepEqual(titles((await q('order=published_at&direction=desc&limit=2&offset=1')).entries), ['Valley 5', 'Harbour 4']);
  const paged = await q('order=published_at&direction=desc&limit=2&offset=1');
  assert.equal(paged.total, 6, 'total counts every match, not the page');
  const last = await q('order=published_at&limit=4&offset=4');
  assert.deepEqual([titles(last.entries), last.total], [['Valley 5', 'Valley 6'], 6]);
  assert.deepEqual(await q('offset=10'), { total: 6, entries: [] }, 'past the end');

  const [h1, h2] = [await entryId('Harbour 1'), await entryId('Harbour 2')];
  assert.equal((await call('ada', 'PUT', '/v1/entries', { body: { entry_ids: [h1, h2], status: 'read' }, type: 'application/json' })).statusCode, 204);
  assert.equal((await call('ada', 'PUT', `/v1/entries/${h2}/bookmark`)).statusCode, 204);
  assert.deepEqual(titles((await q('status=unread&order=published_at')).entries), ['Harbour 3', 'Harbour 4', 'Valley 5', 'Valley 6']);
  assert.deepEqual(titles((await q('status=read&order=published_at')).entries), ['Harbour 1', 'Harbour 2']);
  assert.equal((await q('status=read&status=unread')).total, 6);
  assert.equal((await q('status=removed')).total, 0);
  assert.deepEqual(titles((await q('starred=true')).entries), ['Harbour 2']);
  assert.equal((await q('starred=false')).total, 5);
  assert.deepEqual(titles((await q('starred=true&status=unread')).entries), []);

  // ids follow the order articles were stored in, not their dates
  const byId = titles(all.entries);
  assert.deepEqual(titles((await q(`after_entry_id=${ids[1]}&order=id`)).entries), byId.slice(2));
  assert.deepEqual(titles((await q(`before_entry_id=${ids[2]}&order=id`)).entries), byId.slice(0, 2));
  assert.deepEqual(titles((await q(`after_id=${ids[1]}&before_id=${ids[4]}&order=id`)).entries), byId.slice(2, 4));
  const unix = (iso: string) => Date.parse(iso) / 1000;
  assert.deepEqual(titles((await q(`after=${unix('2026-03-03T08:00:00Z')}&before=${unix('2026-03-06T08:00:00Z')}`)).entries), ['Harbour 4', 'Valley 5']);
  assert.deepEqual(titles((await q(`published_after=${unix('2026-03-05T08:00:00Z')}`)).entries), ['Valley 6']);

  assert.deepEqual(titles((await q(`feed_id=${valley}`)).entries), ['Valley 5', 'Valley 6']);
  const news = (await json('ada', '/v1/categories'))[1].id;
  assert.equal((await q(`category_id=${news}`)).total, 4);
  assert.equal((await q('category_id=1')).total, 2, '"All" holds the feeds in no folder');
  assert.equal((await q(`category_id=${news}&feed_id=${valley}`)).total, 0);
  assert.equal((await json('ada', `/v1/categories/${news}/entries?status=unread`)).total, 2);
  assert.deepEqual(titles((await json('ada', '/v1/categories/1/entries')).entries), ['Valley 5', 'Valley 6']);
  assert.equal((await call('ada', 'GET', `/v1/entries?feed_id=999999`)).statusCode, 404);
  assert.equal((await call('bob', 'GET', `/v1/entries?feed_id=${harbour}`)).statusCode, 404);
  assert.equal((await call('bob', 'GET', `/v1/categories/${news}/entries`)).statusCode, 404);

  // limits: a huge limit is capped, not refused; nonsense is a 400 with Miniflux's error shape
  assert.equal((await q('limit=100000')).entries.length, 6);
  assert.equal((await q('limit=1')).entries.length, 1);
  for (const bad of ['order=colour', 'direction=up', 'status=gone', 'starred=maybe', 'limit=-1', 'offset=x', 'before_entry_id=1e9', `after=${'9'.repeat(20)}`]) {
    const r = await call('ada', 'GET', `/v1/entries?${bad}`);
    assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
    assert.equal(typeof r.json().error_message, 'string');
  }
  // bob sees only Valley, with his own marks
  const bobs = await json('bob', '/v1/entries?limit=100');
  assert.deepEqual(titles(bobs.entries).sort(), ['Valley 5', 'Valley 6']);
  assert.ok(bobs.entries.every((e: { status: string; feed: { category: { title: string } } }) => e.status === 'unread' && e.feed.category.title === 'Mine'));
  await call('ada', 'PUT', '/v1/entries', { body: { entry_ids: [h1, h2], status: 'unread' } });
  await call('ada', 'PUT', `/v1/entries/${h2}/bookmark`);
});

test('PUT /v1/entries reads JSON whatever the content type (newsboat sends it as a form); another reader\'s ids are skipped', async () => {
  const [v5, h4] = [await entryId('Valley 5'), await entryId('Harbour 4')];
  for (const type of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
    const r = await call('ada', 'PUT', '/v1/entries', { body: JSON.stringify({ entry_ids: [v5], status: 'read' }), ...(type ? { type } : {}) });
    assert.equal(r.statusCode, 204, `${type}: ${r.body}`);
    assert.equal(r.body, '');
    assert.equal((await json('ada', `/v1/entries/${v5}`)).status, 'read');
    await call('ada', 'PUT', '/v1/entries', { body: { entry_ids: [v5], status: 'unread' }, type: 'application/json' });
    assert.equal((await json('ada', `/v1/entries/${v5}`)).status, 'unread');
  }
  // bob names ada's Harbour entry and a Valley one: only his own Valley mark is written
  assert.equal((await call('bob', 'PUT', '/v1/entries', { body: { entry_ids: [h4, v5], status: 'read' }, type: 'application/x-www-form-urlencoded' })).statusCode, 204);
  assert.equal((await json('ada', `/v1/entries/${h4}`)).status, 'unread');
  assert.equal((await json('ada', `/v1/entries/${v5}`)).status, 'unread', 'bob\'s mark is his own');
  assert.equal((await json('bob', `/v1/entries/${v5}`)).status, 'read');
  await call('bob', 'PUT', '/v1/entries', { body: { entry_ids: [v5], status: 'unread' } });
  for (const bad of ['{"entry_ids":[],"status":"read"}', '{"entry_ids":["1"],"status":"read"}', `{"entry_ids":[${v5}],"status":"gone"}`, 'entry_ids=1&status=read', '[1]']) {
    const r = await call('ada', 'PUT', '/v1/entries', { body: bad, type: 'application/x-www-form-urlencoded' });
    assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
    assert.equal(typeof r.json().error_message, 'string');
  }
});

test('bookmark toggles the star (also as /star); another reader\'s entry does not exist', async () => {
  const h3 = await entryId('Harbour 3');
  assert.equal((await call('ada', 'PUT', `/v1/entries/${h3}/bookmark`)).statusCode, 204);
  assert.equal((await json('ada', `/v1/entries/${h3}`)).starred, true);
  assert.equal((await call('ada', 'PUT', `//v1/entries/${h3}/bookmark`)).statusCode, 204);
  assert.equal((await json('ada', `/v1/entries/${h3}`)).starred, false);
  assert.equal((await call('ada', 'PUT', `/v1/entries/${h3}/star`)).statusCode, 204);
  assert.equal((await json('ada', `/v1/entries/${h3}`)).starred, true);
  await call('ada', 'PUT', `/v1/entries/${h3}/star`);
  assert.equal((await call('bob', 'PUT', `/v1/entries/${h3}/bookmark`)).statusCode, 404);
  assert.equal((await json('ada', `/v1/entries/${h3}`)).starred, false);
});

test('mark-all-as-read for a feed and for a category ("All" is the feeds in no folder), only the reader\'s own', async () => {
  assert.equal((await call('bob', 'PUT', `/v1/feeds/${harbour}/mark-all-as-read`)).statusCode, 404);
  assert.equal((await call('ada', 'PUT', `/v1/feeds/${harbour}/mark-all-as-read`)).statusCode, 204);
  assert.equal((await json('ada', `/v1/feeds/${harbour}/entries?status=unread`)).total, 0);
  assert.equal((await json('ada', '/v1/entries?status=unread')).total, 2, 'Valley untouched');
  assert.equal((await call('ada', 'PUT', '/v1/categories/1/mark-all-as-read')).statusCode, 204);
  assert.equal((await json('ada', '/v1/entries?status=unread')).total, 0);
  assert.equal((await json('bob', '/v1/entries?status=unread')).total, 2, 'bob\'s marks are his own');
  const mine = (await json('bob', '/v1/categories'))[1].id;
  assert.equal((await call('ada', 'PUT', `/v1/categories/${mine}/mark-all-as-read`)).statusCode, 404);
  assert.equal((await call('bob', 'PUT', `/v1/categories/${mine}/mark-all-as-read`)).statusCode, 204);
  assert.equal((await json('bob', '/v1/entries?status=unread')).total, 0);
  await call('ada', 'PUT', '/v1/entries', { body: { entry_ids: (await json('ada', '/v1/entries')).entries.map((e: { id: number }) => e.id), status: 'unread' } });
});

test('subscribe with discovery into a category, rename and move, unsubscribe; another reader cannot touch it', async () => {
  const news = (await json('ada', '/v1/categories'))[1].id;
  const bad = await call('ada', 'POST', '/v1/feeds', { body: { feed_url: server.url('/moor'), category_id: 123 }, type: 'application/json' });
  assert.equal(bad.statusCode, 400);
  assert.equal((await call('ada', 'POST', '/v1/feeds', { body: { category_id: news } })).statusCode, 400, 'no feed_url');
  assert.equal((await call('ada', 'POST', '/v1/feeds', { body: { feed_url: 'ftp://example.com/f' } })).statusCode, 400);
  const created = await call('ada', 'POST', '/v1/feeds', { body: { feed_url: server.url('/moor'), category_id: news }, type: 'application/json' });
  assert.equal(created.statusCode, 201, created.body);
  const moor = created.json().feed_id as number;
  assert.ok(Number.isInteger(moor));
  const feed = await json('ada', `/v1/feeds/${moor}`);
  assert.equal(feed.feed_url, server.url('/m.xml'), 'the site page named its feed');
  assert.equal(feed.category.title, 'News');
  assert.deepEqual(titles((await json('ada', `/v1/feeds/${moor}/entries`)).entries), ['Moor 7'], 'its entries are there at once');
  assert.equal((await call('bob', 'GET', `/v1/feeds/${moor}`)).statusCode, 404);

  const moved = await call('ada', 'PUT', `/v1/feeds/${moor}`, { body: { title: 'My moor', category_id: 1 } });
  assert.equal(moved.statusCode, 201, moved.body);
  assert.deepEqual([moved.json().title, moved.json().category.title], ['My moor', 'All']);
  assert.equal((await call('bob', 'PUT', `/v1/feeds/${moor}`, { body: { title: 'x' } })).statusCode, 404);

  assert.equal((await call('bob', 'DELETE', `/v1/feeds/${moor}`)).statusCode, 404);
  assert.equal((await call('ada', 'DELETE', `/v1/feeds/${moor}`)).statusCode, 204);
  assert.equal((await call('ada', 'GET', `/v1/feeds/${moor}`)).statusCode, 404);
  assert.equal((await json('ada', '/v1/entries?limit=100')).total, 6);
});

test('OPML: export the reader\'s feeds with folders; import subscribes them, whatever the content type', async () => {
  const exported = await call('ada', 'GET', '/v1/export');
  assert.equal(exported.statusCode, 200);
  assert.match(exported.body, /^<\?xml/);
  assert.match(exported.body, /<outline text="News" title="News">\s*<outline type="rss"[^>]*xmlUrl="[^"]*\/h\.xml"/);
  assert.doesNotMatch((await call('bob', 'GET', '/v1/export')).body, /\/h\.xml/);

  const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline text="Uplands"><outline type="rss" text="Moor" xmlUrl="${server.url('/m.xml')}"/></outline></body></opml>`;
  const imported = await call('bob', 'POST', '/v1/import', { body: opml, type: 'application/xml' });
  assert.equal(imported.statusCode, 201, imported.body);
  assert.equal(typeof imported.json().message, 'string');
  const bobs = await json('bob', '/v1/feeds');
  assert.deepEqual(bobs.map((f: { category: { title: string } }) => f.category.title).sort(), ['Mine', 'Uplands']);
  assert.equal((await call('bob', 'POST', '/v1/import', { body: 'not opml' })).statusCode, 400);
  assert.equal((await call('bob', 'POST', '/v1/import', { body: opml, auth: 'none' })).statusCode, 401);
  assert.deepEqual((await json('ada', '/v1/feeds')).length, 2, 'ada\'s feeds are unchanged');
});

test('total is counted once per selection while nothing changes, and is right again after a new article or a mark', async () => {
  await addUser('cy');
  publish('/t', 'Tide', [11, 12, 13]);
  const tide = await addFeed('/t');
  await tp.store.subscribeUser(users.cy!, tide, null, NOW);
  const q = async (params: string) => (await json('cy', `/v1/entries?order=id&${params}`)).total as number;
  let counted = 0;
  const totals = new EntryTotals({
    readerVersion: (id) => tp.store.readerVersion(id),
    countArticles: (f) => (counted++, tp.store.countArticles(f)),
  }, () => new Date(NOW));
  const unread = { userId: users.cy!, read: false };
  // One entry a page, by id, as a walk with after_entry_id asks.
  const walk = async (afterId?: number) => {
    const f = afterId === undefined ? unread : { ...unread, afterId };
    const { items, total } = await totals.page(f, { limit: 1, offset: 0, order: 'id-asc' }, () => tp.store.listArticles({ ...f, limit: 1, order: 'id-asc' }));
    return { id: items[0]?.id, total };
  };
  const first = await walk();
  assert.deepEqual([first.total, (await walk()).total, counted], [3, 3, 1], 'the same page again is not counted again');
  const second = await walk(first.id);
  assert.deepEqual([second.total, counted], [2, 1], 'the next page of a walk by id: the total less the page, not counted');
  assert.equal(second.total, await tp.store.countArticles({ ...unread, afterId: first.id! }));
  assert.deepEqual([await q('limit=2'), await q('limit=2&offset=2')], [3, 3]);

  publish('/t', 'Tide', [11, 12, 13, 14]);
  await refreshFeed(tp.p, (await tp.store.getFeed(tide))!);
  assert.deepEqual([(await walk()).total, counted], [4, 2], 'a new article: counted again');
  assert.deepEqual([(await walk(first.id)).total, counted], [3, 2]);
  assert.deepEqual([await q('limit=2'), await q('limit=1&offset=1'), await q('limit=1&offset=3')], [4, 4, 4]);
  assert.deepEqual([await q(`limit=1&after_entry_id=${first.id}`), await q(`limit=1&after_entry_id=${second.id}`)], [3, 2]);
  assert.equal(await q('status=unread&limit=1'), 4);
  assert.equal((await call('cy', 'PUT', '/v1/entries', { body: { entry_ids: [first.id], status: 'read' } })).statusCode, 204);
  assert.deepEqual([await q('status=unread&limit=1'), await q('status=read&limit=1'), await q('limit=1')], [3, 1, 4], 'a mark moves the unread total');
  assert.deepEqual([(await walk()).total, counted], [3, 3]);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { runCli } from './support/cli.js';
import { buildApp } from '../src/server/app.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { SESSION_COOKIE } from '../src/server/auth.js';
import type { User } from '../src/model/article.js';
import type { FastifyInstance } from 'fastify';

/** Feeds belong to the readers who add them; names a reader gives stay theirs; other feeds answer as absent. */
let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
const FORM = 'application/x-www-form-urlencoded';
const ENV = { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' };
const people: Record<string, { user: User; cookie: string; csrf: string; token: string }> = {};

function publish(name: string, title: string, links: string[]): void {
  const items = links.map((l, i) => ({ title: `${title} story ${i + 1}`, link: server.url(l), pubDate: `Mon, 0${i + 1} Mar 2026 08:00:00 GMT` }));
  server.set(`/${name}.xml`, { type: 'application/rss+xml', body: rssFeed({ title, link: server.url('/'), items }) });
}

before(async () => {
  server = await new PublisherServer().start();
  server.set('/', { body: '<html><head><meta property="og:site_name" content="Harbour Times"></head></html>' });
  for (const n of [1, 2, 3]) {
    const body = `<p>Harbour story ${n}. ${'The harbour board met on Friday to agree the plan for the new quay. '.repeat(3)}</p>`;
    server.set(`/a/${n}`, { body: articlePage({ title: `Harbour story ${n}`, siteName: 'Harbour Times', bodyHtml: body }) });
  }
  publish('bobs', 'Bob picks', ['/a/1']);
  publish('private', 'Private', ['/a/2']);
  publish('shared', 'Shared', ['/a/2', '/a/3']);
  tp = await testPipeline();
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  for (const [name, isAdmin] of [['root', true], ['bob', false], ['cat', false]] as const) {
    const user = await tp.store.createUser({ name, passwordHash: 'x', isAdmin, now: '2026-03-01T00:00:00Z' });
    const session = newSecret();
    const csrf = newSecret(18);
    await tp.store.createSession({ userId: user.id, tokenHash: secretHash(session), csrfToken: csrf, now: '2026-03-01T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
    const token = newSecret();
    await tp.store.createApiToken({ userId: user.id, tokenHash: secretHash(token), name: 't', now: '2026-03-01T00:00:00Z' });
    people[name] = { user, cookie: `${SESSION_COOKIE}=${session}`, csrf, token };
  }
});
after(async () => {
  await app.close();
  await tp.close();
  await server.stop();
});

const web = (who: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie: people[who]!.cookie } });
const api = (who: string, url: string) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${people[who]!.token}` } });
const addOnPage = (who: string, url: string) =>
  app.inject({ method: 'POST', url: '/feeds', headers: { cookie: people[who]!.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: people[who]!.csrf, url }).toString() });
const followed = async (who: string) => (await tp.store.listSubscriptions(people[who]!.user.id)).map((f) => f.url);

test('a feed a reader adds is theirs alone; an administrator shares one with everyone on purpose', async () => {
  assert.equal((await addOnPage('bob', server.url('/bobs.xml'))).statusCode, 303);
  assert.deepEqual(await followed('bob'), [server.url('/bobs.xml')]);
  assert.deepEqual(await followed('root'), [], "bob's feed is not pushed into the administrator's list");
  const river = await web('root', '/');
  assert.equal(river.statusCode, 200);
  assert.doesNotMatch(river.body, /Harbour story 1/, "nor into the administrator's river");
  const feeds = (await api('root', '/feeds')).json() as unknown[];
  assert.equal(feeds.length, 0);

  const shared = await runCli(['add', server.url('/shared.xml'), '--all-users', ...tp.args], { env: ENV });
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(shared.stderr, /every user subscribed to/);
  for (const who of ['root', 'bob', 'cat']) assert.ok((await followed(who)).includes(server.url('/shared.xml')), `${who} follows the shared feed`);

  const mine = await runCli(['add', server.url('/private.xml'), ...tp.args], { env: ENV });
  assert.equal(mine.code, 0, mine.stderr);
  assert.ok((await followed('root')).includes(server.url('/private.xml')), 'by default, the one administrator');
  assert.ok(!(await followed('cat')).includes(server.url('/private.xml')));
  const named = await runCli(['add', server.url('/private.xml'), '--user', 'cat', ...tp.args], { env: ENV });
  assert.equal(named.code, 0, named.stderr);
  assert.ok((await followed('cat')).includes(server.url('/private.xml')));
  assert.ok(!(await followed('bob')).includes(server.url('/private.xml')));
});

test('a feed the reader does not follow answers exactly as a feed that does not exist', async () => {
  const { subscribe } = await import('../src/ingest/subscribe.js');
  const { refreshFeed } = await import('../src/ingest/refreshFeed.js');
  publish('root-only', 'Private', ['/a/2']);
  publish('both', 'Shared', ['/a/2', '/a/3']);
  const priv = (await subscribe(tp.p, server.url('/root-only.xml'))).feed;
  const both = (await subscribe(tp.p, server.url('/both.xml'))).feed;
  await tp.store.subscribeUser(people.root!.user.id, priv.id, null, '2026-03-01T00:00:00Z');
  await tp.store.subscribeUser(people.bob!.user.id, both.id, null, '2026-03-01T00:00:00Z');
  // Story 2 reaches bob through the shared feed too: filtering by the private feed must not tell him it is there.
  for (const f of [priv, both]) await refreshFeed(tp.p, (await tp.store.getFeed(f.id))!);
  assert.ok(!(await followed('bob')).includes(priv.url));
  const missing = 999_999;
  const pairs: Array<[string, string]> = [
    [`/?feed=${priv.id}`, `/?feed=${missing}`],
    [`/?feed=${priv.id}&show=unread`, `/?feed=${missing}&show=unread`],
  ];
  for (const [theirs, none] of pairs) {
    const a = await web('bob', theirs);
    const b = await web('bob', none);
    assert.equal(a.statusCode, 404, theirs);
    assert.deepEqual([a.statusCode, a.body], [b.statusCode, b.body], theirs);
    assert.doesNotMatch(a.body, /Private|Harbour/);
  }
  for (const [theirs, none] of [
    [`/articles?feed=${priv.id}`, `/articles?feed=${missing}`],
    [`/search?q=harbour&feed=${priv.id}`, `/search?q=harbour&feed=${missing}`],
  ] as const) {
    const a = await api('bob', theirs);
    const b = await api('bob', none);
    assert.deepEqual([a.statusCode, a.body], [b.statusCode, b.body], theirs);
    assert.equal(a.statusCode, 404, theirs);
  }
  const own = await api('root', `/articles?feed=${priv.id}`);
  assert.equal(own.statusCode, 200);
  assert.equal((own.json() as { articles: unknown[] }).articles.length, 1, 'the follower sees the feed');
  assert.equal((await web('root', `/?feed=${priv.id}`)).statusCode, 200);
});

test("a reader's --source and --section name the feed for them only, never for other readers", async () => {
  publish('renamed', 'Harbour Times', ['/a/3']);
  const r = await runCli(['add', server.url('/renamed.xml'), '--user', 'bob', '--source', 'Bogus Wire', '--section', 'Fake', ...tp.args], { env: ENV });
  assert.equal(r.code, 0, r.stderr);
  const feed = (await tp.store.getFeedByUrl(server.url('/renamed.xml')))!;
  assert.equal(feed.sourceName, 'Harbour Times', 'the shared publisher keeps its own name');
  const bobs = (await tp.store.listSubscriptions(people.bob!.user.id)).find((f) => f.id === feed.id)!;
  assert.equal(bobs.customTitle, 'Bogus Wire (Fake)');
  assert.match((await web('bob', `/?feed=${feed.id}`)).body, /Bogus Wire \(Fake\)/);
  assert.equal((await addOnPage('cat', server.url('/renamed.xml'))).statusCode, 303);
  const cats = await web('cat', `/?feed=${feed.id}`);
  assert.doesNotMatch(cats.body, /Bogus|Fake/);
  assert.doesNotMatch((await web('cat', '/feeds')).body, /Bogus|Fake/);
  for (const a of await tp.store.listArticles({ limit: 50, userId: people.cat!.user.id })) assert.equal(a.source, 'Harbour Times');
});

test('tidings add asks whom to subscribe when there are several administrators', async () => {
  await tp.store.createUser({ name: 'root2', passwordHash: 'x', isAdmin: true, now: '2026-03-01T00:00:00Z' });
  const r = await runCli(['add', server.url('/bobs.xml'), ...tp.args], { env: ENV });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--user NAME/);
  assert.match((await runCli(['add', '--help'])).stdout, /--all-users/);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { runCli } from './support/cli.js';
import { signedIn } from './support/webSession.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { buildApp } from '../src/server/app.js';
import { startCommandChannel } from '../src/server/commandChannel.js';
import { applySettingChanges } from '../src/ingest/settingChanges.js';
import { parseRecheckSchedule } from '../src/model/recheckSchedule.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { formatIso } from '../src/text/dates.js';

const FORM = 'application/x-www-form-urlencoded';
let server: PublisherServer;
before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

const story = (weeks: string) =>
  articlePage({
    title: 'Ferry timetable delayed',
    siteName: 'Harbour Times',
    bodyHtml: `<p>The ferry operator said on Monday that the winter timetable would start ${weeks} later than planned this year, citing crew shortages.</p><p>Passengers with season tickets will be offered refunds or an extension, a spokesperson for the operator told the Harbour Times.</p>`,
  });

/** A publisher with one story published an hour ago, subscribed and stored: the newcomer's starting point. */
async function storedStory(tp: TestPipeline, path: string): Promise<{ feedId: number; articleId: number }> {
  const published = new Date(Date.now() - 3600_000).toUTCString();
  server.set(`${path}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items: [{ title: 'Ferry timetable delayed', link: server.url(path), guid: path, pubDate: published }] }) });
  server.set(path, { body: story('two weeks') });
  const { feed } = await subscribe(tp.p, server.url(`${path}.xml`));
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  const [item] = await tp.store.listArticles({ limit: 1, feedId: feed.id });
  return { feedId: feed.id, articleId: item!.id };
}

const form = (who: { cookie: string; csrf: string }, fields: Record<string, string> = {}) => ({
  headers: { cookie: who.cookie, 'content-type': FORM },
  payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
});

test('newcomer scenario: the publisher edits the page, `tidings recheck ID` stores revision 2 and the article page shows the diff', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const { articleId } = await storedStory(tp, '/cli-ferry');
  server.set('/cli-ferry', { body: story('three weeks') });
  const r = await runCli(['recheck', String(articleId), ...tp.args], { env: { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /1 checked, 1 updated, 0 errors/);
  assert.equal((await tp.store.listRevisions(articleId)).length, 2);
  const again = await runCli(['recheck', '--all-recent', '--json', ...tp.args], { env: { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' } });
  assert.deepEqual(JSON.parse(again.stdout), { checked: 1, updated: 0, errors: 0 });

  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const reader = await signedIn(tp.store);
  const page = (await app.inject({ method: 'GET', url: `/articles/${articleId}`, headers: { cookie: reader.cookie } })).body;
  assert.match(page, /revision 2 of 2/);
  assert.match(page, /<del[^>]*>two<\/del>/);
  assert.match(page, /<ins[^>]*>three<\/ins>/);
  const usage = await runCli(['recheck', ...tp.args]);
  assert.equal(usage.code, 2, 'recheck needs a target');
});

test('"Check for updates" on the page and in the API: revision 2, then "No change"; auth and CSRF first', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const { articleId } = await storedStory(tp, '/web-ferry');
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const reader = await signedIn(tp.store);
  const recheck = (fields?: Record<string, string>) => app.inject({ method: 'POST', url: `/articles/${articleId}/recheck`, ...form(reader, fields) });
  const view = async () => (await app.inject({ method: 'GET', url: `/articles/${articleId}`, headers: { cookie: reader.cookie } })).body;

  assert.match(await view(), /action="\/articles\/\d+\/recheck"/, 'the article page offers the action');
  const forged = await app.inject({ method: 'POST', url: `/articles/${articleId}/recheck`, headers: { cookie: reader.cookie, 'content-type': FORM }, payload: '_csrf=wrong' });
  assert.equal(forged.statusCode, 403);
  server.set('/web-ferry', { body: story('three weeks') });
  const res = await recheck();
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/articles/${articleId}`);
  const shown = await view();
  assert.match(shown, /class="flash flash-ok">Updated: revision 2</);
  assert.match(shown, /revision 2 of 2/);
  await recheck();
  assert.match(await view(), /class="flash flash-ok">No change</);
  assert.doesNotMatch(await view(), /No change/, 'a flash shows once');

  server.set('/web-ferry', { status: 404, body: 'gone' });
  await recheck();
  assert.match(await view(), /class="flash flash-error">The site answered with an error\.\s*<small class="code">\(?http_error\)?</);

  const user = await tp.store.getUserByName('reader');
  const token = newSecret();
  await tp.store.createApiToken({ userId: user!.id, tokenHash: secretHash(token), name: 't', now: formatIso(Date.now()) });
  const api = (auth: string | null, id = articleId) => app.inject({ method: 'POST', url: `/api/v1/articles/${id}/recheck`, headers: auth ? { authorization: `Bearer ${auth}` } : {} });
  assert.equal((await api(null)).statusCode, 401);
  server.set('/web-ferry', { body: story('four weeks') });
  const ok = await api(token);
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), { updated: true, revisions: 3, message: 'Updated: revision 3' });
  assert.equal((await api(token, articleId + 1000)).json().error.code, 'not_found');
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  assert.ok(doc.paths['/articles/{id}/recheck'].post, 'the API documents it');
});

test('"Refresh now" reads the feed and its due pages, and says what it found', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const { feedId, articleId } = await storedStory(tp, '/now-ferry');
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const reader = await signedIn(tp.store);
  // The page changed and its re-check is due; the feed gained an item.
  server.set('/now-ferry', { body: story('five weeks') });
  await tp.query(`update article set next_recheck_at = '2020-01-01T00:00:00Z' where id = ${articleId}`);
  const items = [
    { title: 'Ferry timetable delayed', link: server.url('/now-ferry'), guid: '/now-ferry', pubDate: new Date(Date.now() - 3600_000).toUTCString() },
    { title: 'Harbour bridge reopens', link: server.url('/now-bridge'), guid: '/now-bridge', pubDate: new Date().toUTCString() },
  ];
  server.set('/now-bridge', { body: articlePage({ title: 'Harbour bridge reopens', siteName: 'Harbour Times', bodyHtml: '<p>The harbour bridge reopened to traffic on Tuesday morning after three months of repairs to its deck.</p>' }) });
  server.set('/now-ferry.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items }) });
  const res = await app.inject({ method: 'POST', url: `/feeds/${feedId}/refresh`, ...form(reader) });
  assert.equal(res.headers.location, '/feeds');
  const page = (await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: reader.cookie } })).body;
  assert.match(page, /Refreshed: 1 new, 1 updated, 0 errors/);
  assert.equal((await tp.store.listRevisions(articleId)).length, 2);
});

test('flash messages never come from the URL; a failed subscribe keeps the address typed and says why in words', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const reader = await signedIn(tp.store);
  const forged = (await app.inject({ method: 'GET', url: '/feeds?error=forged%20message&note=forged%20note', headers: { cookie: reader.cookie } })).body;
  assert.doesNotMatch(forged, /forged/);
  const typed = server.url('/nothing-here.xml');
  const res = await app.inject({ method: 'POST', url: '/feeds', ...form(reader, { url: typed, folder: 'News' }) });
  assert.equal(res.headers.location, '/feeds');
  const page = (await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: reader.cookie } })).body;
  assert.match(page, /class="flash flash-error">The site answered with an error\.\s*<small class="code">\(?http_error\)?</);
  assert.match(page, new RegExp(`id="url"[^>]*value="${typed.replace(/[.]/g, '\\.')}"`));
  assert.match(page, /id="folder"[^>]*value="News"/);
});

test('an invalid search date is explained (web and API: 400 invalid_date), never an empty result', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  await storedStory(tp, '/date-ferry');
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const reader = await signedIn(tp.store);
  const web = await app.inject({ method: 'GET', url: '/search?q=ferry&from=2026-02-30', headers: { cookie: reader.cookie } });
  assert.equal(web.statusCode, 400);
  assert.match(web.body, /not a calendar day.*invalid_date/s);
  const good = await app.inject({ method: 'GET', url: '/search?q=ferry&from=2020-01-01', headers: { cookie: reader.cookie } });
  assert.equal(good.statusCode, 200);
  assert.match(good.body, /timetable delayed/);
  const user = await tp.store.getUserByName('reader');
  const token = newSecret();
  await tp.store.createApiToken({ userId: user!.id, tokenHash: secretHash(token), name: 't', now: formatIso(Date.now()) });
  const api = await app.inject({ method: 'GET', url: '/api/v1/search?q=ferry&to=yesterday', headers: { authorization: `Bearer ${token}` } });
  assert.equal(api.statusCode, 400);
  assert.equal(api.json().error.code, 'invalid_date');
  const day = await app.inject({ method: 'GET', url: '/api/v1/search?q=ferry&from=2020-01-01', headers: { authorization: `Bearer ${token}` } });
  assert.equal(day.json().length, 1);
});

test('a feed the reader renamed shows the new name in the river', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const { feedId } = await storedStory(tp, '/named-ferry');
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const reader = await signedIn(tp.store);
  const other = await signedIn(tp.store, 'other');
  await app.inject({ method: 'POST', url: `/feeds/${feedId}/edit`, ...form(reader, { title: 'My harbour paper' }) });
  const river = (who: { cookie: string }) => app.inject({ method: 'GET', url: '/', headers: { cookie: who.cookie } }).then((r) => r.body);
  assert.match(await river(reader), /class="meta">My harbour paper ·/);
  assert.match(await river(other), /class="meta">Harbour Times ·/, 'only for the reader who renamed it');
});

test('a newcomer with no feeds is offered the instance\'s feeds, follows one without a fetch', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const { feedId } = await storedStory(tp, '/new-ferry');
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const user = await tp.store.createUser({ name: 'newcomer', passwordHash: 'x', isAdmin: false, now: formatIso(Date.now()) });
  const token = newSecret();
  const csrf = newSecret(18);
  await tp.store.createSession({ userId: user.id, tokenHash: secretHash(token), csrfToken: csrf, now: formatIso(Date.now()), expiresAt: '2099-01-01T00:00:00Z' });
  const who = { cookie: `tidings_session=${token}`, csrf };
  assert.deepEqual(await tp.store.unfollowedFeeds(user.id, 10), [{ id: feedId, title: 'Harbour Times', siteUrl: server.url('/') }]);
  const first = (await app.inject({ method: 'GET', url: '/', headers: { cookie: who.cookie } })).body;
  assert.doesNotMatch(first, /Feeds are refreshed in the background/);
  assert.match(first, /Feeds on this Tidings/);
  assert.match(first, new RegExp(`action="/feeds/${feedId}/follow"`));
  const hits = server.count('/new-ferry.xml');
  await app.inject({ method: 'POST', url: `/feeds/${feedId}/follow`, ...form(who) });
  assert.equal(server.count('/new-ferry.xml'), hits, 'following a known feed fetches nothing');
  const after = (await app.inject({ method: 'GET', url: '/', headers: { cookie: who.cookie } })).body;
  assert.match(after, /Following Harbour Times/);
  assert.match(after, /Ferry timetable delayed/);
  assert.deepEqual(await tp.store.unfollowedFeeds(user.id, 10), []);
});

test('with a server running, CLI commands that fetch hand it their work (its settings apply); a server out of reach makes them refuse, named', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const { articleId } = await storedStory(tp, '/lease-ferry');
  const channel = await startCommandChannel({ store: tp.store, pipeline: tp.p, address: 'http://127.0.0.1:8080' });
  let stopped = false;
  t.after(() => (stopped ? undefined : channel.stop()));
  server.set('/lease-ferry', { body: story('six weeks') });
  // No TIDINGS_ALLOW_PRIVATE_NETWORKS here: on its own the CLI could not reach 127.0.0.1; the server may.
  const r = await runCli(['recheck', String(articleId), ...tp.args]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`handing this to the running server \\(pid ${process.pid} on [^,]+, http://127\\.0\\.0\\.1:8080\\)`));
  assert.match(r.stderr, /1 checked, 1 updated, 0 errors/);
  const added = await runCli(['add', server.url('/lease-ferry.xml'), '--json', ...tp.args]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(JSON.parse(added.stdout).created, false);
  const refreshed = await runCli(['refresh', '--all', ...tp.args]);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.match(refreshed.stderr, /handing this to the running server[\s\S]*refreshed 1 feed\(s\)/);
  await channel.stop();
  stopped = true;
  assert.deepEqual(await tp.store.liveServerLeases('2000-01-01T00:00:00Z'), [], 'a stopped server leaves no lease');

  const now = formatIso(Date.now());
  await tp.store.saveServerLease({ id: 'elsewhere', pid: 4242, host: `not-${os.hostname()}`, address: 'http://10.0.0.5:8080', commandPort: 1, secret: 's', startedAt: now, heartbeatAt: now });
  const refused = await runCli(['refresh', ...tp.args]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /error\[server_running\]: a Tidings server owns fetching on this database \(pid 4242 on not-[^,]+, http:\/\/10\.0\.0\.5:8080\)/);
  await tp.store.saveServerLease({ id: 'elsewhere', pid: 4242, host: `not-${os.hostname()}`, address: 'http://10.0.0.5:8080', commandPort: 1, secret: 's', startedAt: now, heartbeatAt: '2020-01-01T00:00:00Z' });
  await tp.query(`update server_lease set heartbeat_at = '2020-01-01T00:00:00Z'`);
  const stale = await runCli(['recheck', '--feed', '999', ...tp.args]);
  assert.match(stale.stderr, /error\[not_found\]: no feed with id 999/, 'a lease that stopped beating is ignored');
});

test('at start, a changed fetch setting retries the feeds it failed, and a changed schedule re-plans stored re-checks', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const { feedId, articleId } = await storedStory(tp, '/setting-ferry');
  assert.deepEqual(await applySettingChanges(tp.p), { replanned: 0, retried: [] }, 'the first start records');
  const later = formatIso(Date.now() + 86400_000);
  await tp.store.recordFeedFailure(feedId, { at: formatIso(Date.now()), code: 'blocked_address', message: '127.0.0.1 is a loopback address', nextCheckAt: later });
  assert.deepEqual(await applySettingChanges(tp.p), { replanned: 0, retried: [] }, 'nothing changed');
  tp.p.config.fetch = { ...tp.p.config.fetch, allowPrivateNetworks: false };
  assert.deepEqual((await applySettingChanges(tp.p)).retried, [feedId]);
  assert.ok(Date.parse((await tp.store.getFeed(feedId))!.nextCheckAt!) <= Date.now(), 'due at once');

  const at = async () => new Date((await tp.query(`select next_recheck_at as n from article where id = ${articleId}`))[0]!.n as string).getTime();
  tp.p.config.recheckSchedule = parseRecheckSchedule('1d<30d');
  const before = Date.now();
  assert.equal((await applySettingChanges(tp.p)).replanned, 1);
  const planned = await at();
  assert.ok(planned >= before + 86400_000 - 2000 && planned <= Date.now() + 86400_000 + 2000, `next re-check a day away, got ${new Date(planned).toISOString()}`);
});

test('tidings add --user NAME subscribes that reader only; import reports outlines without an address', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  server.set('/user-feed.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Quay Post', link: server.url('/'), items: [] }) });
  await tp.store.createUser({ name: 'admin', passwordHash: 'x', isAdmin: true, now: formatIso(Date.now()) });
  const bea = await tp.store.createUser({ name: 'bea', passwordHash: 'x', isAdmin: false, now: formatIso(Date.now()) });
  const env = { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' };
  const r = await runCli(['add', server.url('/user-feed.xml'), '--user', 'bea', ...tp.args], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^bea subscribed to Quay Post/m);
  assert.equal((await tp.store.listSubscriptions(bea.id)).length, 1);
  const admin = await tp.store.getUserByName('admin');
  assert.equal((await tp.store.listSubscriptions(admin!.id)).length, 0);
  const { default: fs } = await import('node:fs');
  const { tempDir } = await import('./support/cli.js');
  const file = `${tempDir()}/list.opml`;
  fs.writeFileSync(file, '<?xml version="1.0"?><opml version="2.0"><body><outline text="Lost feed"/><outline text="Folder"><outline text="Quay" xmlUrl="' + server.url('/user-feed.xml') + '"/></outline></body></opml>');
  const imp = await runCli(['import', file, '--user', 'bea', ...tp.args], { env });
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /skipped \(outline "Lost feed"\): error\[invalid_url\] the outline names no feed address/);
  fs.writeFileSync(file, '<?xml version="1.0"?><opml version="2.0"><body><outline text="A" xmlUrl="http://a.example/feed">');
  const broken = await runCli(['import', file, '--user', 'bea', ...tp.args], { env });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /error\[invalid_opml\]: the OPML document is not well-formed/);
});

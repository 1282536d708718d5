import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readerFixture, FIXTURE_ITEMS, type ReaderFixture, type FixtureReader } from './support/readerFixture.js';
import { buildApp } from '../src/server/app.js';
import { SignInThrottle } from '../src/accounts/signInThrottle.js';
import { hashPassword } from '../src/accounts/passwords.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { streamPage, MAX_CONTENTS, MAX_IDS } from '../src/server/greader/streamQuery.js';
import { longItemId, parseItemId } from '../src/server/greader/itemIds.js';

/** Each test gets its own server (they mark, move and unsubscribe). */
let f: ReaderFixture;
beforeEach(async () => {
  f = await readerFixture();
});
afterEach(async () => {
  await f.close();
});

const FORM = 'application/x-www-form-urlencoded';
type Fields = Record<string, string | string[]>;

function form(fields: Fields): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  return p.toString();
}

/** A Google Reader client signed in as `who` (no one when null). */
function client(who: FixtureReader | null, app = f.app) {
  const headers: Record<string, string> = who ? { authorization: `GoogleLogin auth=${who.token}` } : {};
  return {
    get: (url: string) => app.inject({ method: 'GET', url, headers }),
    post: (url: string, fields: Fields, extraHeaders: Record<string, string> = headers) => app.inject({ method: 'POST', url, headers: { ...extraHeaders, 'content-type': FORM }, payload: form(fields) }),
  };
}

const API = '/reader/api/0';
interface Item {
  id: string;
  title: string;
  published: number;
  updated: number;
  summary: { content: string };
  content: { content: string };
  categories: string[];
  origin: { streamId: string; title: string; htmlUrl: string };
  canonical: Array<{ href: string }>;
  alternate: Array<{ href: string }>;
  author: string;
}

async function contents(who: FixtureReader, stream: string, query = ''): Promise<{ items: Item[]; continuation?: string }> {
  const r = await client(who).get(`${API}/stream/contents/${encodeURIComponent(stream)}?output=json${query}`);
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

const titles = (items: Array<{ title: string }>) => items.map((i) => i.title);

/** Article ids by title, as the reader sees them. */
async function idsByTitle(who: FixtureReader): Promise<Map<string, number>> {
  const all = await contents(who, 'user/-/state/com.google/reading-list', '&n=100');
  return new Map(all.items.map((i) => [i.title, parseItemId(i.id)!]));
}

test('ClientLogin takes the user name and an API token, answers SID/LSID/Auth; the token signs every later request', async () => {
  const ok = await client(null).post('/accounts/ClientLogin', { Email: 'ada', Passwd: f.ada.token, service: 'reader', accountType: 'HOSTED_OR_GOOGLE' });
  assert.equal(ok.statusCode, 200);
  assert.match(ok.headers['content-type'] as string, /^text\/plain/);
  const auth = /^Auth=(.+)$/m.exec(ok.body)![1]!;
  assert.match(ok.body, /^SID=.+\nLSID=.+\nAuth=.+\n$/);
  const me = await f.app.inject({ method: 'GET', url: `${API}/user-info`, headers: { authorization: `GoogleLogin auth=${auth}` } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().userName, 'ada');
  assert.equal(me.json().userId, String(f.ada.id));

  for (const bad of [
    { Email: 'ada', Passwd: 'not-a-token-but-long-enough' },
    { Email: 'ada', Passwd: f.bob.token },
    { Email: 'bob', Passwd: f.ada.token },
    { Email: 'ada', Passwd: '' },
  ]) {
    const r = await client(null).post('/accounts/ClientLogin', bad);
    assert.equal(r.statusCode, 401, JSON.stringify(bad));
    assert.match(r.body, /^Error=BadAuthentication/);
  }
});

test('no route under /reader/ answers without a valid token, and the web password never works', async () => {
  const webPassword = 'correct horse battery staple';
  const cy = await f.tp.store.createUser({ name: 'cy', passwordHash: await hashPassword(webPassword), isAdmin: false, now: '2026-03-01T00:00:00Z' });
  const r = await client(null).post('/accounts/ClientLogin', { Email: 'cy', Passwd: webPassword });
  assert.equal(r.statusCode, 401, 'the sign-in password is not an app password');
  const asHeader = await f.app.inject({ method: 'GET', url: `${API}/user-info`, headers: { authorization: `GoogleLogin auth=${webPassword}` } });
  assert.equal(asHeader.statusCode, 401);
  for (const url of ['/token', '/user-info', '/subscription/list', '/tag/list', '/unread-count', '/stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list', '/stream/items/ids?s=user/-/state/com.google/reading-list']) {
    const anon = await client(null).get(`${API}${url}`);
    assert.equal(anon.statusCode, 401, url);
    assert.match(anon.body, /BadAuthentication/);
  }
  assert.equal((await client(null).get('/reader/atom/feed%2F1')).statusCode, 401);
  assert.equal((await client(null).post(`${API}/edit-tag`, { i: '1', a: 'user/-/state/com.google/read' })).statusCode, 401);
  assert.equal((await client(null).post(`${API}/edit-tag`, { i: '1', a: 'user/-/state/com.google/read', T: 'wrong-token-wrong-token' })).statusCode, 401);
  assert.equal(cy.name, 'cy');
});

test('a revoked token stops working at once, for the next request', async () => {
  const token = newSecret();
  await f.tp.store.createApiToken({ userId: f.ada.id, tokenHash: secretHash(token), name: 'phone', now: '2026-03-01T00:00:00Z' });
  const phone = { ...f.ada, token };
  assert.equal((await client(phone).get(`${API}/subscription/list`)).statusCode, 200);
  const id = (await f.tp.store.listApiTokens(f.ada.id)).find((t) => t.name === 'phone')!.id;
  assert.ok(await f.tp.store.revokeApiToken(f.ada.id, id));
  assert.equal((await client(phone).get(`${API}/subscription/list`)).statusCode, 401);
  assert.equal((await client(null).post('/accounts/ClientLogin', { Email: 'ada', Passwd: token })).statusCode, 401);
  assert.equal((await client(f.ada).get(`${API}/subscription/list`)).statusCode, 200, 'the reader\'s other tokens still work');
});

test('sign-ins are throttled like the web sign-in: 429 with Retry-After, for ClientLogin and for a guessed auth token', async () => {
  const app = buildApp({ store: f.tp.store, config: f.tp.p.config, signInThrottle: new SignInThrottle({ perAccountAndAddress: 2, perAddress: 4 }) });
  try {
    const c = client(null, app);
    for (let i = 0; i < 2; i++) assert.equal((await c.post('/accounts/ClientLogin', { Email: 'ada', Passwd: `wrong-token-number-${i}-xxxxxxxx` })).statusCode, 401);
    const limited = await c.post('/accounts/ClientLogin', { Email: 'ada', Passwd: f.ada.token });
    assert.equal(limited.statusCode, 429, 'even the right token waits once the limit is reached');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Guessed tokens count against the address: the limit is reached across "accounts".
    let last = 0;
    for (let i = 0; i < 4; i++) last = (await app.inject({ method: 'GET', url: `${API}/user-info`, headers: { authorization: `GoogleLogin auth=guessed-token-number-${i}-xxxxxx` } })).statusCode;
    assert.equal(last, 429);
  } finally {
    await app.close();
  }
});

test('an app\'s many requests at once are never throttled (its token is checked on each)', async () => {
  const all = await Promise.all(Array.from({ length: 16 }, () => client(f.ada).get(`${API}/stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list?n=1`)));
  assert.deepEqual(all.map((r) => r.statusCode), all.map(() => 200));
});

test('token, user-info, subscription/list, tag/list and unread-count show the reader\'s own feeds and folders only', async () => {
  const token = await client(f.ada).get(`${API}/token`);
  assert.equal(token.statusCode, 200);
  assert.equal(token.body.trim(), f.ada.token);
  const subs = (await client(f.ada).get(`${API}/subscription/list?output=json`)).json().subscriptions;
  assert.deepEqual(subs.map((s: { id: string }) => s.id).sort(), [`feed/${f.feeds.quay}`, `feed/${f.feeds.hill}`].sort());
  const quay = subs.find((s: { id: string }) => s.id === `feed/${f.feeds.quay}`);
  assert.equal(quay.url, f.publisher.url('/quay.xml'));
  assert.equal(quay.title, 'Quay News');
  assert.ok(quay.htmlUrl);
  assert.deepEqual(quay.categories, [{ id: 'user/-/label/Coast', label: 'Coast' }]);
  assert.deepEqual(subs.find((s: { id: string }) => s.id === `feed/${f.feeds.hill}`).categories, []);
  assert.deepEqual((await client(f.bob).get(`${API}/subscription/list`)).json().subscriptions.map((s: { id: string }) => s.id), [`feed/${f.feeds.bobs}`]);

  const tags = (await client(f.ada).get(`${API}/tag/list?output=json`)).json().tags.map((t: { id: string }) => t.id);
  assert.ok(tags.includes('user/-/state/com.google/starred'));
  assert.ok(tags.includes('user/-/label/Coast'));
  assert.ok(!(await client(f.bob).get(`${API}/tag/list`)).json().tags.some((t: { id: string }) => t.id.includes('Coast')), 'folders are per reader');

  const counts = new Map((await client(f.ada).get(`${API}/unread-count?output=json`)).json().unreadcounts.map((c: { id: string; count: number; newestItemTimestampUsec: string }) => [c.id, c]));
  assert.equal((counts.get(`feed/${f.feeds.quay}`) as { count: number }).count, FIXTURE_ITEMS.quay);
  assert.equal((counts.get(`feed/${f.feeds.hill}`) as { count: number }).count, FIXTURE_ITEMS.hill);
  assert.equal((counts.get('user/-/label/Coast') as { count: number }).count, FIXTURE_ITEMS.quay);
  assert.equal((counts.get('user/-/state/com.google/reading-list') as { count: number }).count, FIXTURE_ITEMS.quay + FIXTURE_ITEMS.hill);
  assert.match((counts.get(`feed/${f.feeds.quay}`) as { newestItemTimestampUsec: string }).newestItemTimestampUsec, /^\d{16}$/);
  assert.ok(!counts.has(`feed/${f.feeds.bobs}`));
});

test('stream/contents: items as clients need them (integer times, full body with captions in summary and content, state tags, origin)', async () => {
  const { items } = await contents(f.ada, 'user/-/state/com.google/reading-list');
  assert.deepEqual(titles(items), ['Hill story 2', 'Hill story 1', 'Quay story 3', 'Quay story 2', 'Quay story 1'], 'newest first, none of bob\'s');
  const it = items.find((i) => i.title === 'Quay story 2')!;
  assert.match(it.id, /^tag:google\.com,2005:reader\/item\/[0-9a-f]{16}$/);
  assert.equal(typeof it.published, 'number');
  assert.equal(typeof it.updated, 'number');
  assert.equal(it.published, Date.parse('2026-03-03T08:00:00Z') / 1000);
  assert.match(it.summary.content, /<figcaption>.*The quay harbour at dawn, photographed by the keeper/);
  assert.match(it.summary.content, /late ferry on the evening crossing/);
  assert.equal(it.content.content, it.summary.content);
  assert.equal(it.canonical[0]!.href, f.publisher.url('/quay/2'));
  assert.equal(it.alternate[0]!.href, f.publisher.url('/quay/2'));
  assert.equal(typeof it.author, 'string');
  assert.deepEqual(it.origin, { streamId: `feed/${f.feeds.quay}`, title: 'Quay News', htmlUrl: it.origin.htmlUrl });
  assert.ok(it.categories.includes('user/-/state/com.google/reading-list'));
  assert.ok(it.categories.includes('user/-/label/Coast'));
  assert.ok(!it.categories.includes('user/-/state/com.google/read'));

  // Streams by feed id, feed URL, folder; the path id raw or encoded.
  assert.deepEqual(titles((await contents(f.ada, `feed/${f.feeds.hill}`)).items), ['Hill story 2', 'Hill story 1']);
  assert.deepEqual(titles((await contents(f.ada, `feed/${f.publisher.url('/hill.xml')}`)).items), ['Hill story 2', 'Hill story 1']);
  assert.deepEqual(titles((await contents(f.ada, 'user/-/label/Coast')).items), ['Quay story 3', 'Quay story 2', 'Quay story 1']);
  assert.deepEqual(titles((await contents(f.ada, `user/${f.ada.id}/label/Coast`)).items).length, 3, 'the user id in place of -');
  const raw = await client(f.ada).get(`${API}/stream/contents/feed/${f.feeds.hill}?n=1`);
  assert.deepEqual(titles(raw.json().items), ['Hill story 2']);
  const inQuery = await client(f.ada).get(`${API}/stream/contents?s=${encodeURIComponent(`feed/${f.feeds.hill}`)}&n=1`);
  assert.deepEqual(titles(inQuery.json().items), ['Hill story 2']);
  // Another reader's feed answers exactly as a feed that does not exist.
  const bobs = await client(f.ada).get(`${API}/stream/contents/${encodeURIComponent(`feed/${f.feeds.bobs}`)}`);
  const none = await client(f.ada).get(`${API}/stream/contents/${encodeURIComponent('feed/999999')}`);
  const bobsByUrl = await client(f.ada).get(`${API}/stream/contents/${encodeURIComponent(`feed/${f.publisher.url('/moor.xml')}`)}`);
  assert.equal(bobs.statusCode, 404);
  assert.deepEqual([bobsByUrl.statusCode, bobsByUrl.body], [none.statusCode, none.body]);
  assert.deepEqual([bobs.statusCode, bobs.body], [none.statusCode, none.body]);
});

test('stream/contents pages: n, a stable continuation, r=o, ot/nt, xt and it, the read and starred streams', async () => {
  const stream = 'user/-/state/com.google/reading-list';
  const seen: string[] = [];
  let c: string | undefined;
  let pages = 0;
  do {
    const page = await contents(f.ada, stream, `&n=2${c ? `&c=${encodeURIComponent(c)}` : ''}`);
    seen.push(...titles(page.items));
    c = page.continuation;
    pages++;
  } while (c && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['Hill story 2', 'Hill story 1', 'Quay story 3', 'Quay story 2', 'Quay story 1']);

  // A continuation stays valid while new items arrive: the next page neither repeats nor skips.
  const first = await contents(f.ada, stream, '&n=2&r=o');
  assert.deepEqual(titles(first.items), ['Quay story 1', 'Quay story 2']);
  const second = await contents(f.ada, stream, `&n=2&r=o&c=${encodeURIComponent(first.continuation!)}`);
  assert.deepEqual(titles(second.items), ['Quay story 3', 'Hill story 1']);

  const t = (iso: string) => Date.parse(iso) / 1000;
  assert.deepEqual(titles((await contents(f.ada, stream, `&ot=${t('2026-03-04T00:00:00Z')}&nt=${t('2026-03-10T08:00:00Z')}`)).items), ['Hill story 1', 'Quay story 3']);
  assert.equal((await contents(f.ada, stream, '&ot=9999999999999999&nt=9999999999999999')).items.length, 0, 'times past any date select nothing, without an error');

  const ids = await idsByTitle(f.ada);
  await client(f.ada).post(`${API}/edit-tag`, { i: [longItemId(ids.get('Quay story 3')!), String(ids.get('Hill story 1'))], a: 'user/-/state/com.google/read', T: f.ada.token });
  await client(f.ada).post(`${API}/edit-tag`, { i: String(ids.get('Quay story 1')), a: 'user/-/state/com.google/starred' });
  assert.deepEqual(titles((await contents(f.ada, stream, '&xt=user/-/state/com.google/read')).items), ['Hill story 2', 'Quay story 2', 'Quay story 1']);
  assert.deepEqual(titles((await contents(f.ada, stream, '&it=user/-/state/com.google/read')).items), ['Hill story 1', 'Quay story 3']);
  assert.deepEqual(titles((await contents(f.ada, 'user/-/state/com.google/read')).items), ['Hill story 1', 'Quay story 3']);
  assert.deepEqual(titles((await contents(f.ada, 'user/-/state/com.google/starred')).items), ['Quay story 1']);
  assert.deepEqual(titles((await contents(f.ada, 'user/-/state/com.google/read', '&xt=user/-/state/com.google/read')).items), [], 'a contradiction selects nothing');
  const read = (await contents(f.ada, 'user/-/state/com.google/read')).items[0]!;
  assert.ok(read.categories.includes('user/-/state/com.google/read'));
  assert.ok((await contents(f.ada, 'user/-/state/com.google/starred')).items[0]!.categories.includes('user/-/state/com.google/starred'));
  // The marks are ada's alone.
  assert.deepEqual(titles((await contents(f.bob, 'user/-/state/com.google/read')).items), []);
});

test('page sizes are capped: a 100,000-item account syncs in bounded answers', () => {
  const scope = {};
  const params = { n: '999999', xt: [], it: [] };
  assert.equal(streamPage(1, scope, params, MAX_CONTENTS, 20).size, 1000);
  assert.equal(streamPage(1, scope, params, MAX_IDS, 1000).size, 10_000);
  assert.equal(streamPage(1, scope, { xt: [], it: [] }, MAX_CONTENTS, 20).size, 20);
  assert.equal(streamPage(1, scope, { n: 'lots', c: 'garbage', xt: [], it: [] }, MAX_CONTENTS, 20).query.before, undefined);
});

test('stream/items/ids and stream/items/contents (GET and POST, long and short ids, repeated i); others\' items are left out', async () => {
  const r = await client(f.ada).get(`${API}/stream/items/ids?s=user/-/state/com.google/reading-list&n=3&output=json&merge=true`);
  assert.equal(r.statusCode, 200);
  const refs = r.json().itemRefs as Array<{ id: string; timestampUsec: string }>;
  assert.equal(refs.length, 3);
  assert.ok(refs.every((x) => /^\d+$/.test(x.id) && /^\d{16}$/.test(x.timestampUsec)));
  const rest = (await client(f.ada).get(`${API}/stream/items/ids?s=user/-/state/com.google/reading-list&n=3&c=${encodeURIComponent(r.json().continuation)}`)).json();
  assert.equal(rest.itemRefs.length, 2);
  assert.equal(rest.continuation, undefined);
  const allIds = [...refs, ...rest.itemRefs].map((x: { id: string }) => x.id);
  assert.equal(new Set(allIds).size, 5);
  assert.equal((await client(f.ada).get(`${API}/stream/items/ids?s=feed/${f.feeds.bobs}`)).statusCode, 404);
  const unread = (await client(f.ada).get(`${API}/stream/items/ids?s=user/-/state/com.google/reading-list&xt=user/-/state/com.google/read&n=100`)).json().itemRefs;
  assert.equal(unread.length, 5);

  const bobsIds = (await client(f.bob).get(`${API}/stream/items/ids?s=user/-/state/com.google/reading-list`)).json().itemRefs.map((x: { id: string }) => x.id);
  const [a, b, c] = allIds as [string, string, string];
  const byPost = await client(f.ada).post(`${API}/stream/items/contents?output=json`, { i: [a, longItemId(Number(b)), encodeURIComponent(longItemId(Number(c))), ...bobsIds] });
  assert.equal(byPost.statusCode, 200);
  assert.deepEqual(byPost.json().items.map((i: Item) => parseItemId(i.id)).sort(), [a, b, c].map(Number).sort());
  const byGet = await client(f.ada).get(`${API}/stream/items/contents?i=${a}&i=${encodeURIComponent(longItemId(Number(b)))}`);
  assert.equal(byGet.json().items.length, 2);
  assert.match(byGet.json().items[0].summary.content, /figcaption/);
  // Liferea posts this form without the header, its auth token in T.
  const liferea = await client(null).post(`${API}/stream/items/contents`, { i: [a, b], T: `${f.ada.token}\n` });
  assert.equal(liferea.statusCode, 200, liferea.body);
  assert.equal(liferea.json().items.length, 2);
  assert.equal((await client(f.bob).post(`${API}/stream/items/contents`, { i: [a, b, c] })).json().items.length, 0, 'another reader\'s items are not there');
});

test('edit-tag: read, starred, kept-unread with repeated a and r over several items; another reader\'s ids change nothing', async () => {
  const ids = await idsByTitle(f.ada);
  const bobIds = await idsByTitle(f.bob);
  const q1 = ids.get('Quay story 1')!;
  const q2 = ids.get('Quay story 2')!;
  const bob1 = bobIds.get('Moor story 1')!;
  const r = await client(f.ada).post(`${API}/edit-tag`, { i: [longItemId(q1), String(q2), String(bob1)], a: ['user/-/state/com.google/read', 'user/-/state/com.google/starred'], ac: 'edit', s: 'feed/http://example.com/not-checked', T: f.ada.token });
  assert.equal(r.statusCode, 200);
  assert.equal(r.body, 'OK');
  const state = async (who: FixtureReader, title: string) => (await contents(who, 'user/-/state/com.google/reading-list', '&n=100')).items.find((i) => i.title === title)!.categories;
  for (const t of ['Quay story 1', 'Quay story 2']) {
    assert.ok((await state(f.ada, t)).includes('user/-/state/com.google/read'), t);
    assert.ok((await state(f.ada, t)).includes('user/-/state/com.google/starred'), t);
  }
  assert.ok(!(await state(f.bob, 'Moor story 1')).includes('user/-/state/com.google/read'), 'bob\'s item is untouched');
  assert.equal((await f.tp.count('article_state')), 2, 'no state row for the id ada cannot see');

  await client(f.ada).post(`${API}/edit-tag`, { i: String(q1), r: ['user/-/state/com.google/starred', 'user/-/state/com.google/read'] });
  assert.deepEqual((await state(f.ada, 'Quay story 1')).filter((c) => c.includes('state/com.google/') && !c.endsWith('reading-list')), []);
  await client(f.ada).post(`${API}/edit-tag`, { i: String(q2), a: 'user/-/state/com.google/kept-unread', r: 'user/-/state/com.google/read' });
  assert.ok(!(await state(f.ada, 'Quay story 2')).includes('user/-/state/com.google/read'));
  // newsboat's open-an-article: a=read with r=kept-unread marks it read.
  await client(f.ada).post(`${API}/edit-tag`, { i: longItemId(q2), a: 'user/-/state/com.google/read', r: 'user/-/state/com.google/kept-unread', ac: 'edit' });
  assert.ok((await state(f.ada, 'Quay story 2')).includes('user/-/state/com.google/read'));
});

test('mark-all-as-read: a feed, a folder, everything; ts leaves newer items unread; another reader\'s feed is not there', async () => {
  const unread = async (stream: string) => titles((await contents(f.ada, stream, '&xt=user/-/state/com.google/read&n=100')).items);
  const usec = (iso: string) => String(Date.parse(iso) * 1000);
  assert.equal((await client(f.ada).post(`${API}/mark-all-as-read`, { s: `feed/${f.feeds.quay}`, ts: usec('2026-03-03T08:00:00Z'), T: f.ada.token })).body, 'OK');
  assert.deepEqual(await unread(`feed/${f.feeds.quay}`), ['Quay story 3']);
  assert.equal((await client(f.ada).post(`${API}/mark-all-as-read`, { s: 'user/-/label/Coast' })).body, 'OK');
  assert.deepEqual(await unread(`feed/${f.feeds.quay}`), []);
  assert.deepEqual(await unread(`feed/${f.feeds.hill}`), ['Hill story 2', 'Hill story 1']);
  assert.equal((await client(f.ada).post(`${API}/mark-all-as-read`, { s: `feed/${f.feeds.bobs}` })).statusCode, 404);
  assert.equal((await client(f.bob).post(`${API}/mark-all-as-read`, { s: 'user/-/state/com.google/reading-list' })).body, 'OK');
  assert.deepEqual(await unread(`feed/${f.feeds.hill}`), ['Hill story 2', 'Hill story 1'], 'bob\'s mark-all is his own');
  await client(f.ada).post(`${API}/mark-all-as-read`, { s: 'user/-/state/com.google/reading-list' });
  assert.deepEqual(await unread('user/-/state/com.google/reading-list'), []);
  const counts = (await client(f.ada).get(`${API}/unread-count`)).json().unreadcounts;
  assert.ok(counts.every((c: { count: number }) => c.count === 0));
});

test('the Atom stream (newsboat feedhq): entries with the long item id, read state as a Google category, continuation', async () => {
  const ids = await idsByTitle(f.ada);
  await client(f.ada).post(`${API}/edit-tag`, { i: String(ids.get('Hill story 2')), a: 'user/-/state/com.google/read' });
  const r = await client(f.ada).get(`/reader/atom/${encodeURIComponent(`feed/${f.feeds.hill}`)}?n=1`);
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /^application\/atom\+xml/);
  const entries = r.body.split('<entry').slice(1);
  assert.equal(entries.length, 1);
  assert.match(entries[0]!, new RegExp(`<id>${longItemId(ids.get('Hill story 2')!)}</id>`));
  assert.match(entries[0]!, /<category scheme="http:\/\/www\.google\.com\/reader\/" term="user\/-\/state\/com\.google\/read" label="read"\/>/);
  assert.match(entries[0]!, /<summary type="html">[^<]*&lt;figcaption&gt;/);
  assert.match(entries[0]!, /<published>2026-03-11T08:00:00Z<\/published>/);
  const c = /<gr:continuation>([^<]+)<\/gr:continuation>/.exec(r.body)![1]!;
  const next = await client(f.ada).get(`/reader/atom/${encodeURIComponent(`feed/${f.feeds.hill}`)}?n=1&c=${c}`);
  assert.match(next.body, /<title type="text">Hill story 1<\/title>/);
  assert.doesNotMatch(next.body, /term="user\/-\/state\/com\.google\/read"/);
  assert.equal((await client(f.ada).get(`/reader/atom/${encodeURIComponent(`feed/${f.feeds.bobs}`)}`)).statusCode, 404);
  const list = await client(f.ada).get('/reader/atom/user%2F-%2Fstate%2Fcom.google%2Freading-list?n=20&xt=user/-/state/com.google/read');
  assert.equal(list.body.split('<entry').length - 1, 4);
});

test('subscription/edit and quickadd: subscribe (with discovery), rename, move between folders, unsubscribe; rename-tag and disable-tag', async () => {
  f.publisher.set('/tide.xml', { type: 'application/rss+xml', body: '<?xml version="1.0"?><rss version="2.0"><channel><title>Tide Tables</title><link>http://127.0.0.1/</link><item><title>High water</title><link>http://127.0.0.1/tide/1</link><description>High water at noon.</description></item></channel></rss>' });
  f.publisher.set('/tide/', { body: `<!doctype html><html><head><title>Tide</title><link rel="alternate" type="application/rss+xml" href="${f.publisher.url('/tide.xml')}"></head><body></body></html>` });
  const c = client(f.ada);
  const quick = await c.post(`${API}/subscription/quickadd`, { quickadd: f.publisher.url('/tide/') });
  assert.equal(quick.statusCode, 200, quick.body);
  assert.equal(quick.json().numResults, 1);
  const tide = quick.json().streamId as string;
  assert.match(tide, /^feed\/\d+$/);
  assert.deepEqual(titles((await contents(f.ada, tide)).items), ['High water'], 'a new feed is fetched at once');
  assert.equal((await c.post(`${API}/subscription/quickadd`, { quickadd: 'ftp://example.com/x' })).json().numResults, 0);

  const list = async (who = f.ada) => (await client(who).get(`${API}/subscription/list`)).json().subscriptions as Array<{ id: string; title: string; categories: Array<{ label: string }> }>;
  const find = async (id: string, who = f.ada) => (await list(who)).find((s) => s.id === id);
  assert.equal((await c.post(`${API}/subscription/edit`, { ac: 'edit', s: tide, t: 'My Tides', a: 'user/-/label/Sea' })).body, 'OK');
  assert.deepEqual(await find(tide).then((s) => [s!.title, s!.categories.map((x) => x.label)]), ['My Tides', ['Sea']]);
  await c.post(`${API}/subscription/edit`, { ac: 'edit', s: tide, r: 'user/-/label/Sea', a: 'user/-/label/Coast' });
  assert.deepEqual((await find(tide))!.categories.map((x) => x.label), ['Coast']);
  assert.deepEqual(titles((await contents(f.ada, 'user/-/label/Coast')).items).includes('High water'), true);

  // bob can neither edit nor unsubscribe ada's subscription, and learns nothing of it.
  const bobsTry = await client(f.bob).post(`${API}/subscription/edit`, { ac: 'edit', s: tide, t: 'Mine now' });
  const noSuch = await client(f.bob).post(`${API}/subscription/edit`, { ac: 'edit', s: 'feed/999999', t: 'Mine now' });
  assert.deepEqual([bobsTry.statusCode, bobsTry.body], [noSuch.statusCode, noSuch.body]);
  assert.equal(bobsTry.statusCode, 404);
  assert.equal((await client(f.bob).post(`${API}/subscription/edit`, { ac: 'unsubscribe', s: tide })).statusCode, 404);
  assert.equal((await find(tide))!.title, 'My Tides');

  assert.equal((await c.post(`${API}/rename-tag`, { s: 'user/-/label/Coast', dest: 'user/-/label/Shore' })).body, 'OK');
  assert.deepEqual((await list()).filter((s) => s.categories[0]?.label === 'Shore').length, 2);
  assert.equal((await c.post(`${API}/rename-tag`, { s: 'user/-/label/Nowhere', dest: 'user/-/label/X' })).statusCode, 404);
  assert.equal((await c.post(`${API}/disable-tag`, { s: 'user/-/label/Shore' })).body, 'OK');
  assert.ok((await list()).every((s) => s.categories.length === 0));

  assert.equal((await c.post(`${API}/subscription/edit`, { ac: 'unsubscribe', s: tide })).body, 'OK');
  assert.equal(await find(tide), undefined);
  assert.equal((await contents(f.ada, 'user/-/state/com.google/reading-list', '&n=100')).items.some((i) => i.title === 'High water'), false);

  // Subscribing by feed URL, into a folder; bob subscribing to the same feed shares nothing of ada's.
  const sub = await client(f.bob).post(`${API}/subscription/edit`, { ac: 'subscribe', s: `feed/${f.publisher.url('/tide.xml')}`, a: 'user/-/label/Bob things', t: 'Tides' });
  assert.equal(sub.body, 'OK');
  assert.deepEqual(await find(tide, f.bob).then((s) => [s!.title, s!.categories.map((x) => x.label)]), ['Tides', ['Bob things']]);
});

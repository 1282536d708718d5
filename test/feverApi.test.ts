import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';
import { runCli } from './support/cli.js';
import { buildApp } from '../src/server/app.js';
import { SignInThrottle } from '../src/accounts/signInThrottle.js';
import { hashPassword } from '../src/accounts/passwords.js';
import { feverKeyHash } from '../src/accounts/feverKey.js';
import type { ArticleWrite } from '../src/store/store.js';

/**
 * The Fever API contract, on the test store (SQLite, or PostgreSQL under
 * TIDINGS_TEST_STORE=postgres): sign-in by a separate Fever password, every selector and
 * write, and another reader's feeds, items and folders behaving as if absent.
 */
let tp: TestPipeline;
let app: FastifyInstance;
const NOW = '2026-03-20T12:00:00Z';
const SIGN_IN_PASSWORD = 'correct horse battery';
const FEVER = { ada: 'ada fever secret', bob: 'bob fever secret' } as const;
const users: Record<string, number> = {};
const feeds: Record<string, number> = {};
/** Article ids per feed, oldest first. */
const ids: Record<string, number[]> = {};

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const keyOf = (who: 'ada' | 'bob') => md5(`${who}:${FEVER[who]}`);
const FORM = 'application/x-www-form-urlencoded';

type Json = Record<string, unknown> & { auth: number };
/** A Fever call as clients make it: selectors in the query, api_key and writes in the form. */
async function fever(key: string | null, query: string, form: Record<string, string> = {}, target = app, remoteAddress = '127.0.0.1') {
  const payload = new URLSearchParams({ ...(key !== null ? { api_key: key } : {}), ...form }).toString();
  const r = await target.inject({ method: 'POST', url: `/fever/?api${query ? `&${query}` : ''}`, remoteAddress, headers: { 'content-type': FORM }, payload });
  return { status: r.statusCode, headers: r.headers, json: r.json() as Json };
}

const html = (n: number) =>
  `<p>Story ${n}: the harbour board met to agree the plan for the quay.</p><figure><img src="https://port.example/${n}.jpg" alt=""><figcaption><span class="caption">The quay at dawn</span> <span class="credit">Photo: Ada</span></figcaption></figure>`;

function article(feed: string, n: number, publishedAt: string): ArticleWrite {
  const url = `https://${feed}.example/story/${n}`;
  return {
    keys: { guid: `${feed}-${n}`, canonicalUrl: url, linkKey: `${feed}.example/story/${n}`, contentHash: `${feed}-h${n}` },
    url, title: `${feed} story ${n}`, byline: n % 2 ? 'Ada Reporter' : null, publishedAt, publisherUpdatedAt: null,
    text: `Story ${n}: the harbour board met to agree the plan for the quay.`, html: html(n), leadImageUrl: null, lang: 'en', wordCount: 12,
    feedHash: `${feed}-f${n}`, extractStatus: 'ok', extractError: null,
    images: [{ url: `https://port.example/${n}.jpg`, caption: 'The quay at dawn', credit: 'Photo: Ada', position: 0 }],
    seenAt: NOW, reason: 'first',
  };
}

/** A feed with `count` articles published an hour apart, ending on `last`. */
async function seedFeed(name: string, count: number, last: string): Promise<void> {
  const { feed } = await tp.store.addFeed({
    url: `https://${name}.example/feed.xml`, siteUrl: `https://${name}.example/`, title: `${name} title`, section: null, sourceName: `${name} News`,
    sourceNameFrom: 'feed', sourceHomepage: `https://${name}.example/`, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now: NOW,
  });
  const end = Date.parse(last);
  const articles = Array.from({ length: count }, (_, i) => article(name, i + 1, new Date(end - (count - 1 - i) * 3600_000).toISOString().replace('.000Z', 'Z')));
  const r = await tp.store.saveRefresh({ feedId: feed.id, fetchedAt: NOW, status: 'ok', etag: null, lastModified: null, nextCheckAt: '2026-03-20T12:30:00Z', links: [], articles });
  feeds[name] = feed.id;
  ids[name] = [...r.articleIds].sort((a, b) => a - b);
}

before(async () => {
  tp = await testPipeline();
  await seedFeed('harbour', 60, '2026-03-10T12:00:00Z');
  await seedFeed('valley', 3, '2026-03-15T12:00:00Z');
  await seedFeed('secret', 2, '2026-03-16T12:00:00Z');
  for (const name of ['ada', 'bob'] as const) {
    const u = await tp.store.createUser({ name, passwordHash: await hashPassword(SIGN_IN_PASSWORD), isAdmin: false, now: NOW });
    users[name] = u.id;
    await tp.store.setFeverKey({ userId: u.id, keyHash: feverKeyHash(name, FEVER[name]), userName: name, now: NOW });
  }
  await tp.store.subscribeUser(users.ada!, feeds.harbour!, 'News', NOW, 'My harbour');
  await tp.store.subscribeUser(users.ada!, feeds.valley!, null, NOW);
  await tp.store.subscribeUser(users.bob!, feeds.valley!, 'News', NOW);
  await tp.store.subscribeUser(users.bob!, feeds.secret!, 'Private', NOW);
  // Failed sign-ins in these tests must not throttle the rest: the throttling test has its own app.
  app = buildApp({ store: tp.store, config: tp.p.config, now: () => new Date(NOW), signInThrottle: new SignInThrottle({ perAddress: 10_000, perAccountAndAddress: 10_000 }) });
});
after(async () => {
  await app.close();
  await tp.close();
});

const adaIds = () => [...ids.harbour!, ...ids.valley!].sort((a, b) => a - b);
const idsOf = (j: Json) => (j.items as Array<{ id: number }>).map((i) => i.id);
const idString = (list: number[]) => [...list].sort((a, b) => b - a).join(',');
async function resetStates(): Promise<void> {
  await tp.query('delete from article_state');
}

test('auth: a bad, missing or sign-in-password key answers HTTP 200 with auth 0; the Fever key signs in from the form or the query', async () => {
  for (const key of [null, '', 'not-a-key', md5('ada:wrong'), md5(`ada:${SIGN_IN_PASSWORD}`), md5(`bob:${FEVER.ada}`)]) {
    const r = await fever(key, 'groups');
    assert.equal(r.status, 200, String(key));
    assert.deepEqual(r.json, { api_version: 3, auth: 0 }, `key ${key} must not sign in`);
  }
  const ok = await fever(keyOf('ada'), '');
  assert.equal(ok.status, 200);
  assert.equal(ok.json.api_version, 3);
  assert.equal(ok.json.auth, 1);
  assert.ok(Number.isInteger(ok.json.last_refreshed_on_time) && (ok.json.last_refreshed_on_time as number) > 0);
  // The key in the query string, upper case, over GET, on /fever without the slash.
  for (const url of [`/fever/?api&api_key=${keyOf('ada')}`, `/fever?api&api_key=${keyOf('ada').toUpperCase()}`]) {
    const r = await app.inject({ method: 'GET', url });
    assert.equal(r.json().auth, 1, url);
  }
  // Some clients post multipart/form-data.
  const boundary = 'XyZ123';
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${keyOf('bob')}\r\n--${boundary}--\r\n`;
  const multi = await app.inject({ method: 'POST', url: '/fever/?api&groups', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
  assert.equal(multi.json().auth, 1);
  assert.deepEqual(multi.json().groups.map((g: { title: string }) => g.title), ['News', 'Private']);
});

test('groups, feeds, feeds_groups and favicons: the reader\'s own, with integer ids; a group id is stable per reader and folder name', async () => {
  const a = (await fever(keyOf('ada'), 'groups&feeds&favicons')).json;
  const newsId = (a.groups as Array<{ id: number; title: string }>)[0]!.id;
  assert.deepEqual(a.groups, [{ id: newsId, title: 'News' }]);
  assert.ok(Number.isInteger(newsId) && newsId > 0 && newsId < 2 ** 31);
  assert.deepEqual(a.feeds_groups, [{ group_id: newsId, feed_ids: String(feeds.harbour) }]);
  const list = a.feeds as Array<Record<string, unknown>>;
  assert.deepEqual(list.map((f) => f.id).sort(), [feeds.harbour, feeds.valley].sort());
  const harbour = list.find((f) => f.id === feeds.harbour)!;
  assert.deepEqual(harbour, {
    id: feeds.harbour, favicon_id: feeds.harbour, title: 'My harbour', url: 'https://harbour.example/feed.xml', site_url: 'https://harbour.example/',
    is_spark: 0, last_updated_on_time: Date.parse(NOW) / 1000,
  });
  assert.equal(list.find((f) => f.id === feeds.valley)!.title, 'valley title', 'no section: the feed\'s own title, as in every view');
  const icons = a.favicons as Array<{ id: number; data: string }>;
  assert.deepEqual(icons.map((i) => i.id).sort(), [feeds.harbour, feeds.valley].sort());
  for (const i of icons) assert.match(i.data, /^image\/\w+;base64,/);

  // feeds alone also carries feeds_groups; the same folder name is the same group again.
  const again = (await fever(keyOf('ada'), 'feeds')).json;
  assert.equal(again.groups, undefined);
  assert.deepEqual(again.feeds_groups, [{ group_id: newsId, feed_ids: String(feeds.harbour) }]);
  const b = (await fever(keyOf('bob'), 'groups')).json;
  const bobGroups = b.groups as Array<{ id: number; title: string }>;
  assert.deepEqual(bobGroups.map((g) => g.title), ['News', 'Private']);
  assert.notEqual(bobGroups[0]!.id, newsId, 'ids are per reader: one reader\'s ids say nothing of another\'s folders');
  assert.ok(!(a.feeds as Array<{ id: number }>).some((f) => f.id === feeds.secret), 'bob\'s feed is not listed for ada');
  assert.deepEqual((await fever(keyOf('ada'), 'links')).json.links, []);
});

test('items: since_id walks up 50 at a time, max_id walks down, total_items counts the reader\'s items; bodies with captions', async () => {
  await resetStates();
  const mine = adaIds();
  assert.equal(mine.length, 63);
  const walkUp: number[] = [];
  let since = 0;
  for (let calls = 0; calls < 5; calls++) {
    const j = (await fever(keyOf('ada'), `items&since_id=${since}`)).json;
    assert.equal(j.total_items, 63);
    const page = idsOf(j);
    assert.ok(page.length <= 50);
    if (page.length === 0) break;
    assert.deepEqual(page, [...page].sort((x, y) => x - y), 'since_id answers ascending');
    walkUp.push(...page);
    since = page[page.length - 1]!;
  }
  assert.deepEqual(walkUp, mine, 'the walk up gives every item once, and none of bob\'s');
  const first = (await fever(keyOf('ada'), 'items&since_id=0')).json;
  assert.equal(idsOf(first).length, 50, '50 per call');

  const walkDown: number[] = [];
  let max = 0;
  for (let calls = 0; calls < 5; calls++) {
    const j = (await fever(keyOf('ada'), `items${max ? `&max_id=${max}` : ''}`)).json;
    const page = idsOf(j);
    if (page.length === 0) break;
    assert.deepEqual(page, [...page].sort((x, y) => y - x), 'max_id answers descending');
    walkDown.push(...page);
    max = page[page.length - 1]!;
  }
  assert.deepEqual(walkDown, [...mine].reverse());

  const item = (first.items as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual(Object.keys(item).sort(), ['author', 'created_on_time', 'feed_id', 'html', 'id', 'is_read', 'is_saved', 'title', 'url']);
  assert.equal(item.id, ids.harbour![0]);
  assert.equal(item.feed_id, feeds.harbour);
  assert.equal(item.title, 'harbour story 1');
  assert.equal(item.author, 'Ada Reporter');
  assert.equal(item.url, 'https://harbour.example/story/1');
  assert.equal(item.created_on_time, Date.parse('2026-03-08T01:00:00Z') / 1000);
  assert.equal(item.is_read, 0);
  assert.equal(item.is_saved, 0);
  assert.match(item.html as string, /<figure>.*<figcaption>.*The quay at dawn.*Photo: Ada.*<\/figcaption><\/figure>/s);
  assert.match(item.html as string, /harbour board met/);
});

test('items with_ids: at most 50, only the reader\'s own (another reader\'s item is absent)', async () => {
  const mine = adaIds();
  const j = (await fever(keyOf('ada'), `items&with_ids=${[ids.secret![0], ...mine].join(',')}`)).json;
  assert.deepEqual(idsOf(j), mine.slice(0, 49), 'bob\'s item takes one of the 50 places and is not answered');
  const picked = (await fever(keyOf('ada'), `items&with_ids=${mine[3]},${mine[1]},junk,-4`)).json;
  assert.deepEqual(idsOf(picked), [mine[1], mine[3]]);
  assert.deepEqual(idsOf((await fever(keyOf('bob'), `items&with_ids=${ids.harbour![0]}`)).json), []);
});

test('marks on items: read, unread, saved, unsaved; the id lists are comma-separated strings; another reader\'s item is untouched', async () => {
  await resetStates();
  const [one, two] = ids.harbour!;
  const all = adaIds();
  const read = (await fever(keyOf('ada'), '', { mark: 'item', as: 'read', id: String(one) })).json;
  assert.equal(read.auth, 1);
  assert.equal(typeof read.unread_item_ids, 'string');
  assert.equal(read.unread_item_ids, idString(all.filter((i) => i !== one)));
  const saved = (await fever(keyOf('ada'), '', { mark: 'item', as: 'saved', id: String(two) })).json;
  assert.equal(saved.saved_item_ids, String(two));
  const lists = (await fever(keyOf('ada'), 'unread_item_ids&saved_item_ids')).json;
  assert.equal(lists.saved_item_ids, String(two));
  assert.equal(lists.unread_item_ids, idString(all.filter((i) => i !== one)));
  const shown = (await fever(keyOf('ada'), `items&with_ids=${one},${two}`)).json.items as Array<{ id: number; is_read: number; is_saved: number }>;
  assert.deepEqual(shown.map((i) => [i.id, i.is_read, i.is_saved]), [[one, 1, 0], [two, 0, 1]]);

  await fever(keyOf('ada'), '', { mark: 'item', as: 'unread', id: String(one) });
  await fever(keyOf('ada'), '', { mark: 'item', as: 'unsaved', id: String(two) });
  const back = (await fever(keyOf('ada'), 'unread_item_ids&saved_item_ids')).json;
  assert.equal(back.unread_item_ids, idString(all));
  assert.equal(back.saved_item_ids, '');

  // Several items in one mark (`id=1,2`), as some clients send.
  const several = (await fever(keyOf('ada'), '', { mark: 'item', as: 'read', id: `${one},${two}` })).json;
  assert.equal(several.unread_item_ids, idString(all.filter((i) => i !== one && i !== two)));
  await fever(keyOf('ada'), '', { mark: 'item', as: 'unread', id: `${one},${two}` });

  // ada marks bob's item: nothing changes for anyone, and the answer is as for an unknown id.
  const secret = ids.secret![0]!;
  for (const as of ['read', 'saved']) {
    const r = (await fever(keyOf('ada'), '', { mark: 'item', as, id: String(secret) })).json;
    const unknown = (await fever(keyOf('ada'), '', { mark: 'item', as, id: '99999999' })).json;
    assert.deepEqual(r, unknown);
  }
  assert.equal(Number((await tp.query(`select count(*) as n from article_state where article_id = ${secret}`))[0]!.n), 0);
  const bobLists = (await fever(keyOf('bob'), 'unread_item_ids&saved_item_ids')).json;
  assert.equal(bobLists.unread_item_ids, idString([...ids.valley!, ...ids.secret!]));
  assert.equal(bobLists.saved_item_ids, '');
});

test('mark feed read before a time; another reader\'s feed marks nothing', async () => {
  await resetStates();
  // harbour's 60 stories run hourly up to 2026-03-10T12:00Z: up to 10:00 is all but the last two.
  const before = Date.parse('2026-03-10T10:00:00Z') / 1000;
  const r = (await fever(keyOf('ada'), '', { mark: 'feed', as: 'read', id: String(feeds.harbour), before: String(before) })).json;
  assert.equal(r.unread_item_ids, idString([...ids.harbour!.slice(58), ...ids.valley!]));
  await fever(keyOf('ada'), '', { mark: 'feed', as: 'read', id: String(feeds.secret), before: String(Date.parse(NOW) / 1000) });
  assert.equal((await fever(keyOf('bob'), 'unread_item_ids')).json.unread_item_ids, idString([...ids.valley!, ...ids.secret!]));
  assert.equal((await fever(keyOf('ada'), 'unread_item_ids')).json.unread_item_ids, idString([...ids.harbour!.slice(58), ...ids.valley!]));
});

test('mark group read: a folder, 0 for everything, another reader\'s folder or an unknown one marks nothing', async () => {
  await resetStates();
  const groupsOf = async (who: 'ada' | 'bob') => Object.fromEntries(((await fever(keyOf(who), 'groups')).json.groups as Array<{ id: number; title: string }>).map((g) => [g.title, g.id]));
  const ada = await groupsOf('ada');
  const bob = await groupsOf('bob');
  const all = String(Date.parse(NOW) / 1000);
  await fever(keyOf('ada'), '', { mark: 'group', as: 'read', id: String(bob.Private), before: all });
  await fever(keyOf('ada'), '', { mark: 'group', as: 'read', id: '12345', before: all });
  assert.equal((await fever(keyOf('bob'), 'unread_item_ids')).json.unread_item_ids, idString([...ids.valley!, ...ids.secret!]));
  assert.equal((await fever(keyOf('ada'), 'unread_item_ids')).json.unread_item_ids, idString(adaIds()));

  const news = (await fever(keyOf('ada'), '', { mark: 'group', as: 'read', id: String(ada.News), before: all })).json;
  assert.equal(news.unread_item_ids, idString(ids.valley!), 'News holds harbour only, for ada');
  // Group 0 with a `before` between valley's stories: only those up to it.
  const cut = Date.parse('2026-03-15T11:00:00Z') / 1000;
  const everything = (await fever(keyOf('ada'), '', { mark: 'group', as: 'read', id: '0', before: String(cut) })).json;
  assert.equal(everything.unread_item_ids, String(ids.valley![2]));
  assert.equal((await fever(keyOf('bob'), 'unread_item_ids')).json.unread_item_ids, idString([...ids.valley!, ...ids.secret!]), 'bob\'s own marks are his');
});

test('unread_recently_read marks unread what was read in the last hour, not what was read before', async () => {
  await resetStates();
  const [old, recent] = ids.harbour!;
  await tp.store.setArticleState(users.ada!, old!, { read: true }, '2026-03-20T10:00:00Z');
  await tp.store.setArticleState(users.ada!, recent!, { read: true }, '2026-03-20T11:30:00Z');
  await tp.store.setArticleState(users.bob!, ids.valley![0]!, { read: true }, '2026-03-20T11:45:00Z');
  const r = (await fever(keyOf('ada'), '', { unread_recently_read: '1' })).json;
  assert.equal(r.unread_item_ids, idString(adaIds().filter((i) => i !== old)));
  assert.equal((await fever(keyOf('bob'), 'unread_item_ids')).json.unread_item_ids, idString([...ids.valley!.slice(1), ...ids.secret!]), 'bob\'s reads stay');
});

test('the Account page sets a Fever password (never the sign-in one); Remove stops it at once; a renamed reader\'s key stops', async () => {
  const s = await signedIn(tp.store, 'carol');
  const carolKey = md5('carol:carol fever secret');
  const post = (url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString() });
  const page = await app.inject({ method: 'GET', url: '/account', headers: { cookie: s.cookie } });
  assert.match(page.body, /No Fever password is set/);
  assert.equal((await fever(carolKey, '')).json.auth, 0);

  const wrongCurrent = await post('/account/fever', { current: 'not my password', password: 'carol fever secret', confirm: 'carol fever secret' });
  assert.equal(wrongCurrent.statusCode, 403);
  const same = await post('/account/fever', { current: SIGN_IN_PASSWORD, password: SIGN_IN_PASSWORD, confirm: SIGN_IN_PASSWORD });
  assert.equal(same.statusCode, 400);
  assert.match(same.body, /differ from your sign-in password/);
  assert.equal((await fever(md5(`carol:${SIGN_IN_PASSWORD}`), '')).json.auth, 0, 'the sign-in password never works as a Fever password');
  assert.equal((await post('/account/fever', { current: SIGN_IN_PASSWORD, password: 'short', confirm: 'short' })).statusCode, 400);
  assert.equal((await post('/account/fever', { current: SIGN_IN_PASSWORD, password: 'carol fever secret', confirm: 'other fever secret' })).statusCode, 400);

  const set = await post('/account/fever', { current: SIGN_IN_PASSWORD, password: 'carol fever secret', confirm: 'carol fever secret' });
  assert.equal(set.statusCode, 200);
  assert.match(set.body, /Fever password set/);
  assert.match(set.body, /A Fever password is set/);
  assert.equal((await fever(carolKey, '')).json.auth, 1);
  // Only a hash of the key is stored.
  const stored = await tp.query(`select key_hash from fever_key where user_id = ${s.userId}`);
  assert.equal(stored.length, 1);
  assert.notEqual(stored[0]!.key_hash, carolKey);
  assert.ok(!JSON.stringify(await tp.query('select * from fever_key')).includes(carolKey));

  // The sign-in password cannot become the Fever password the other way round either.
  const pw = await post('/account/password', { current: SIGN_IN_PASSWORD, password: 'carol fever secret', confirm: 'carol fever secret' });
  assert.equal(pw.statusCode, 400);
  assert.match(pw.body, /that is your Fever password/);

  const removed = await post('/account/fever/remove', {});
  assert.equal(removed.statusCode, 200);
  assert.match(removed.body, /No Fever password is set/);
  assert.deepEqual((await fever(carolKey, 'items')).json, { api_version: 3, auth: 0 }, 'a removed Fever password stops at once');

  // The key is bound to the name: after a rename the old key no longer signs in.
  await post('/account/fever', { current: SIGN_IN_PASSWORD, password: 'carol fever secret', confirm: 'carol fever secret' });
  assert.equal((await fever(carolKey, '')).json.auth, 1);
  await tp.query(`update "user" set name = 'caroline' where id = ${s.userId}`);
  assert.equal((await fever(carolKey, '')).json.auth, 0);
  assert.equal((await fever(md5('caroline:carol fever secret'), '')).json.auth, 0, 'a new name needs the password set again');
});

test('wrong keys run into the per-address sign-in throttle (429 with Retry-After), reserved before the lookup', async (t) => {
  const throttled = buildApp({ store: tp.store, config: tp.p.config, now: () => new Date(NOW), signInThrottle: new SignInThrottle({ perAddress: 3 }) });
  t.after(() => throttled.close());
  const guesses = await Promise.all(Array.from({ length: 8 }, (_, i) => fever(md5(`ada:guess ${i}`), '', {}, throttled, '10.9.9.9')));
  assert.ok(guesses.filter((g) => g.status === 200).length <= 3, 'at most 3 keys were looked up');
  const refused = guesses.filter((g) => g.status === 429);
  assert.ok(refused.length >= 5);
  for (const g of refused) {
    assert.deepEqual(g.json, { api_version: 3, auth: 0 });
    assert.ok(Number(g.headers['retry-after']) >= 1);
  }
  assert.equal((await fever(keyOf('ada'), '', {}, throttled, '10.9.9.9')).status, 429, 'the right key waits too from that address');
  assert.equal((await fever(keyOf('ada'), '', {}, throttled, '10.9.9.10')).json.auth, 1, 'another address is not held up');
});

test('an app\'s parallel requests with a key that signed in are not held back by the throttle', async (t) => {
  const fresh = buildApp({ store: tp.store, config: tp.p.config, now: () => new Date(NOW), signInThrottle: new SignInThrottle() });
  t.after(() => fresh.close());
  assert.equal((await fever(keyOf('ada'), '', {}, fresh, '10.8.8.8')).json.auth, 1);
  const burst = await Promise.all(Array.from({ length: 30 }, () => fever(keyOf('ada'), 'items&since_id=0', {}, fresh, '10.8.8.8')));
  assert.deepEqual([...new Set(burst.map((r) => `${r.status} ${r.json.auth}`))], ['200 1']);
});

test('tidings users fever-password sets and removes the key; it refuses the sign-in password', async () => {
  const db = tp.location.databaseUrl ? ['--database-url', tp.location.databaseUrl] : ['--db', tp.location.dbPath];
  const same = await runCli(['users', 'fever-password', 'bob', '--password-stdin', ...db], { input: `${SIGN_IN_PASSWORD}\n` });
  assert.notEqual(same.code, 0);
  assert.match(same.stderr, /differ from the sign-in password/);
  const set = await runCli(['users', 'fever-password', 'bob', '--password-stdin', ...db], { input: 'bob second fever\n' });
  assert.equal(set.code, 0, set.stderr);
  assert.equal((await fever(md5('bob:bob second fever'), '')).json.auth, 1);
  assert.equal((await fever(keyOf('bob'), '')).json.auth, 0, 'the earlier key is replaced');
  const removed = await runCli(['users', 'fever-password', 'bob', '--remove', ...db]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal((await fever(md5('bob:bob second fever'), '')).json.auth, 0);
});

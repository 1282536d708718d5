import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL_CHARS, HOSTILE_TITLE, syndicationFixture, type SyndicationFixture } from './support/syndicationFixture.js';
import { signedIn } from './support/webSession.js';
import { storeTarget } from './support/stores.js';
import { parseFeed } from '../src/feed/parseFeed.js';
import { renderOutFeed } from '../src/render/feedsOut/renderOutFeed.js';
import { OUT_FORMATS, type OutFeed } from '../src/render/feedsOut/outFeed.js';
import { newSecret } from '../src/accounts/tokens.js';

/**
 * Feeds out: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of a reader's river, folders, feeds,
 * starred articles and saved searches, behind a per-reader secret URL.
 */
let f: SyndicationFixture;
const PUBLIC = 'https://news.example.org';

before(async () => {
  f = await syndicationFixture({ publicUrl: PUBLIC });
});
after(async () => {
  await f.close();
});

const get = (url: string, headers: Record<string, string> = {}) => f.app.inject({ method: 'GET', url, headers });
/** RSS and Atom readers (ours included) read markup out of titles: what the hostile title reads as there. */
const HOSTILE_AS_XML_TITLE = 'Quay ]]> & "the" \'tide\'';
const titleIn = (ext: string, t: string) => (ext === 'rss' && t === HOSTILE_TITLE ? HOSTILE_AS_XML_TITLE : t);
const TYPES = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' } as const;

async function read(url: string) {
  const r = await get(url);
  assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 200)}`);
  const parsed = parseFeed(r.body);
  assert.equal(parsed.bozo, false, `${url}: ${parsed.bozoReason}`);
  return { r, parsed };
}

const viewsOf = (secret: string, harbour: number) => ({
  river: `/syndication/${secret}/river`,
  starred: `/syndication/${secret}/starred`,
  folder: `/syndication/${secret}/folder/News`,
  feed: `/syndication/${secret}/feed/${harbour}`,
  search: `/syndication/${secret}/search`,
});
const withExt = (path: string, ext: string, query = '') => `${path}.${ext}${query}`;

test(`every view in every format on ${storeTarget}: well-formed, the right type, the reader's articles, one id per article everywhere`, async () => {
  const [anyArticle] = await f.tp.store.listArticles({ userId: f.ada.id, feedId: f.harbour, limit: 1 });
  await f.tp.store.setArticleState(f.ada.id, anyArticle!.id, { starred: true }, '2026-03-10T00:00:00Z');
  const expected = {
    river: ['Valley orchard harvest', 'Harbour dredging starts', 'Harbour board meets', HOSTILE_TITLE],
    starred: [anyArticle!.title],
    folder: ['Harbour dredging starts', 'Harbour board meets', HOSTILE_TITLE],
    feed: ['Harbour dredging starts', 'Harbour board meets', HOSTILE_TITLE],
    search: ['Harbour board meets'],
  };
  const idsByTitle = new Map<string, Set<string>>();
  for (const [view, path] of Object.entries(viewsOf(f.ada.secret, f.harbour))) {
    for (const ext of OUT_FORMATS) {
      const query = view === 'search' ? '?q=%22board%20met%22' : '';
      const { r, parsed } = await read(withExt(path, ext, query));
      assert.equal(r.headers['content-type'], TYPES[ext]);
      assert.equal(parsed.format, { rss: 'rss20', atom: 'atom10', json: 'json11' }[ext]);
      assert.deepEqual(parsed.items.map((i) => (i.title ?? '').replace(/[\u0001\u000b\ufffe]/g, '')), expected[view as keyof typeof expected].map((t) => titleIn(ext, t)), `${view}.${ext}`);
      assert.ok(parsed.title?.startsWith('Tidings: '), `${view}.${ext} title`);
      assert.ok(parsed.link?.startsWith(`${PUBLIC}/`), `${view}.${ext} link ${parsed.link}`);
      if (ext !== 'json') assert.equal(parsed.selfUrl, `${PUBLIC}${withExt(path, ext, query)}`.replace('?q=%22board%20met%22', '?q=%22board%20met%22'));
      for (const item of parsed.items) {
        assert.match(item.id ?? '', /^tag:news\.example\.org,2026:article\/\d+$/);
        assert.ok(item.published && item.updated, 'created and updated times');
        assert.ok(item.link?.startsWith('http://127.0.0.1:'), 'the publisher\'s page');
        const title = item.title === HOSTILE_AS_XML_TITLE ? HOSTILE_TITLE : item.title!;
        const ids = idsByTitle.get(title) ?? new Set();
        ids.add(item.id!);
        idsByTitle.set(title, ids);
      }
    }
  }
  for (const [title, ids] of idsByTitle) assert.equal(ids.size, 1, `${title}: one id in every view and format, got ${[...ids].join(' ')}`);
  assert.equal(idsByTitle.size, 4);
});

test('the full text with figures and captions, the source and section, the author, in each format', async () => {
  const secret = f.ada.secret;
  const source = (await f.tp.store.subscribedFeed(f.ada.id, f.harbour))!.sourceName;
  const origin = `${source} (Harbour desk)`;
  const feedUrl = f.server.url('/h.xml');
  const rss = (await get(`/syndication/${secret}/feed/${f.harbour}.rss`)).body;
  assert.match(rss, /<content:encoded>[^<]*&lt;figure&gt;.*&lt;figcaption&gt;&lt;span class="caption"&gt;The harbour at dawn, day 3/s);
  assert.ok(rss.includes(`<dc:creator>${source}</dc:creator>`));
  assert.ok(rss.includes('<category>Harbour desk</category>'));
  assert.ok(rss.includes(`<source url="${feedUrl}">${origin}</source>`));
  assert.match(rss, /<atom:link href="https:\/\/news\.example\.org\/syndication\/[\w-]+\/feed\/\d+\.rss" rel="self" type="application\/rss\+xml"\/>/);
  const atom = (await get(`/syndication/${secret}/feed/${f.harbour}.atom`)).body;
  assert.match(atom, /<content type="html">[^<]*&lt;figcaption&gt;&lt;span class="caption"&gt;The harbour at dawn/);
  assert.match(atom, /<published>2026-03-03T08:00:00Z<\/published>\n<updated>2026-03-03T08:00:00Z<\/updated>/);
  assert.ok(atom.includes('<category term="Harbour desk"/>'));
  assert.ok(atom.includes(`<source><id>${feedUrl}</id><title>${origin}</title><link rel="self" href="${feedUrl}"/>`));
  const json = (await get(`/syndication/${secret}/feed/${f.harbour}.json`)).json();
  assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
  const first = json.items[0];
  assert.match(first.content_html, /<figure>.*<figcaption><span class="caption">The harbour at dawn, day 3<\/span><\/figcaption><\/figure>/s);
  assert.equal(first.date_published, '2026-03-03T08:00:00Z');
  assert.equal(first.date_modified, '2026-03-03T08:00:00Z');
  assert.deepEqual(first.authors, [{ name: source }]);
  assert.deepEqual(first.tags, ['Harbour desk']);
  assert.deepEqual(first._tidings, { source, section: 'Harbour desk', feed: { title: origin, feed_url: feedUrl, home_page_url: (await f.tp.store.getFeed(f.harbour))!.siteUrl } });
});

test('hostile titles and bodies stay text: no markup, no CDATA end, no characters XML forbids', async () => {
  for (const ext of ['rss', 'atom'] as const) {
    const { r, parsed } = await read(`/syndication/${f.ada.secret}/river.${ext}`);
    const end = ext === 'rss' ? '</title>' : '</title>';
    assert.doesNotMatch(r.body, /<script/i);
    assert.doesNotMatch(r.body, /\]\]>/);
    assert.doesNotMatch(r.body, /[\u0001\u000b\ufffe]/);
    assert.ok(r.body.includes(`Quay ]]&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp; "the" 'tide'${end}`), `${ext}: the title is escaped text`);
    assert.ok(parsed.items.some((i) => i.title === titleIn(ext, HOSTILE_TITLE)), `${ext}: the title reads back`);
    assert.ok(parsed.items.some((i) => i.title === 'Harbour board meets'), `${ext}: controls dropped`);
  }
  const json = (await get(`/syndication/${f.ada.secret}/river.json`)).json() as { items: Array<{ title: string; content_html: string }> };
  assert.ok(json.items.some((i) => i.title === HOSTILE_TITLE));
  assert.ok(json.items.some((i) => i.title === 'Harbour board meets'), `json: ${json.items.map((i) => JSON.stringify(i.title))}`);
  const hostile = json.items.find((i) => i.title === HOSTILE_TITLE)!;
  assert.doesNotMatch(hostile.content_html, /<script/i, 'the stored body was sanitized');
  assert.match(hostile.content_html, /\]\]&gt; and &lt;script&gt;alert\(2\)/);
  // the writers alone, with what a store could not even hold (a lone surrogate)
  const feed: OutFeed = {
    id: 'tag:x,2026:view/river', title: `T${CONTROL_CHARS}\ud800`, description: 'd', homeUrl: 'http://x/', selfUrl: 'http://x/s?a=1&b=2',
    items: [{ id: 'tag:x,2026:article/1', title: `a ]]> b\u0000`, url: 'http://x/a?b=1&c=2', html: '<p>]]></p>', summary: '\u0008s', author: '<me>', source: 's', section: null, published: '2026-03-01T00:00:00Z', updated: '2026-03-01T00:00:00Z', origin: null }],
  };
  for (const format of OUT_FORMATS) {
    const { body } = renderOutFeed(format, feed);
    assert.doesNotMatch(body, /[\u0000\u0001\u0008\u000b\ufffe]|\ud800/, format);
    const parsed = parseFeed(body);
    assert.equal(parsed.bozo, false, `${format}: ${parsed.bozoReason}`);
    assert.equal(parsed.title, 'T');
    assert.equal(parsed.items[0]!.title, 'a ]]> b');
    assert.equal(parsed.items[0]!.link, 'http://x/a?b=1&c=2');
  }
});

test('conditional GET: a strong ETag, 304 while nothing changed, a new tag once something did', async () => {
  const url = `/syndication/${f.ada.secret}/starred.atom`;
  const first = await get(url);
  const etag = first.headers.etag as string;
  assert.match(etag, /^"[\w-]{20,}"$/, 'strong: no W/');
  assert.equal((await get(url)).headers.etag, etag, 'the same body, the same tag');
  const again = await get(url, { 'if-none-match': etag });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  assert.equal(again.headers.etag, etag);
  assert.equal((await get(url, { 'if-none-match': `"other", W/${etag}` })).statusCode, 304, 'a list, weak form');
  assert.equal((await get(url, { 'if-none-match': '"other"' })).statusCode, 200);
  const [valley] = await f.tp.store.listArticles({ userId: f.ada.id, feedId: f.valley, limit: 1 });
  await f.tp.store.setArticleState(f.ada.id, valley!.id, { starred: true }, '2026-03-10T00:00:00Z');
  const changed = await get(url, { 'if-none-match': etag });
  assert.equal(changed.statusCode, 200);
  assert.notEqual(changed.headers.etag, etag);
  await f.tp.store.setArticleState(f.ada.id, valley!.id, { starred: false }, '2026-03-10T00:00:00Z');
});

test('a folder\'s name may be long, hold a slash, spaces and any letters', async () => {
  const folder = `Morning/Évening & Co ${'ø'.repeat(150)}`;
  await f.tp.store.updateSubscription(f.ada.id, f.valley, { folder });
  try {
    const json = (await get(`/syndication/${f.ada.secret}/folder/${encodeURIComponent(folder)}.json`)).json();
    assert.equal(json.title, `Tidings: Folder: ${folder}`);
    assert.deepEqual(json.items.map((i: { title: string }) => i.title), ['Valley orchard harvest']);
    assert.equal(json.home_page_url, `${PUBLIC}/?folder=${encodeURIComponent(folder)}`);
  } finally {
    await f.tp.store.updateSubscription(f.ada.id, f.valley, { folder: null });
  }
});

test('item cap: 50 unless n asks, never above 200', async () => {
  const count = async (q: string) => ((await get(`/syndication/${f.ada.secret}/river.json${q}`)).json().items as unknown[]).length;
  assert.equal(await count('?n=2'), 2);
  assert.equal(await count('?n=0'), 1);
  assert.equal(await count('?n=abc'), 4);
  assert.equal(await count('?n=99999999'), 4);
});

test('a reader\'s feeds answer only their own subscriptions: another\'s feed, folder or article is as if it did not exist', async () => {
  const notFound = await get(`/syndication/${newSecret()}/river.atom`);
  assert.equal(notFound.statusCode, 404);
  const noRoute = await get('/syndication/nothing-here');
  assert.equal(noRoute.statusCode, 404);
  const same = (r: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
    assert.equal(r.statusCode, 404);
    assert.equal(r.body, noRoute.body);
    assert.equal(r.headers['content-type'], noRoute.headers['content-type']);
  };
  same(notFound);
  const bob = viewsOf(f.bob.secret, f.harbour);
  same(await get(`${bob.feed}.atom`));
  same(await get(`${bob.folder}.rss`));
  same(await get(`/syndication/${f.bob.secret}/search.json?q=harbour&feed=${f.harbour}`));
  same(await get(`/syndication/${f.bob.secret}/search.json`));
  same(await get(`/syndication/${f.bob.secret}/river.html`));
  same(await get(`/syndication/${f.bob.secret}/constructor.atom`));
  same(await get(`/syndication/${f.bob.secret}/story/999999.atom`));
  // A story of ada's harbour article: bob sees it only through articles of his own feeds.
  const [harbourArticle] = await f.tp.store.listArticles({ userId: f.ada.id, feedId: f.harbour, limit: 1 });
  const storyId = (await f.tp.store.storyIdsOf([harbourArticle!.id])).get(harbourArticle!.id);
  assert.ok(storyId !== undefined, 'the article was placed into a story');
  const story = await get(`/syndication/${f.bob.secret}/story/${storyId}.json`);
  if (story.statusCode === 200) assert.ok(story.json().items.every((i: { title: string }) => i.title === 'Valley orchard harvest'));
  else same(story);
  same(await get(`/syndication/${f.bob.secret}/feed/${f.valley}.xml`));
  const river = (await get(`${bob.river}.json`)).json();
  assert.deepEqual(river.items.map((i: { title: string }) => i.title), ['Valley orchard harvest']);
  assert.deepEqual((await get(`/syndication/${f.bob.secret}/search.json?q=harbour`)).json().items, []);
  assert.equal((await get(`/syndication/${f.bob.secret}/feed/${f.valley}.json`)).statusCode, 200);
});

test('the secret on the Account page: made, shown in this browser, linked from the river\'s head; regenerated or turned off, the old URLs answer 404', async () => {
  const web = await signedIn(f.tp.store, 'cy');
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const post = (url: string, fields: Record<string, string>, cookie = web.cookie) =>
    f.app.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: new URLSearchParams({ _csrf: web.csrf, ...fields }).toString() });
  const page = (url: string, cookie: string) => f.app.inject({ method: 'GET', url, headers: { cookie } });

  const before = await page('/account', web.cookie);
  assert.match(before.body, /<button type="submit">Make feed addresses<\/button>/);
  assert.doesNotMatch((await page('/', web.cookie)).body, /rel="alternate"/);

  const made = await post('/account/feeds', {});
  assert.equal(made.statusCode, 200);
  const secret = /\/syndication\/([\w-]{43})\/river\.atom/.exec(made.body)?.[1];
  assert.ok(secret, 'the new addresses are shown');
  const cookie = String(made.headers['set-cookie']).split(';')[0]!;
  assert.match(String(made.headers['set-cookie']), /^tidings_feeds=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
  const browser = `${web.cookie}; ${cookie}`;
  assert.equal((await get(`/syndication/${secret}/river.atom`)).statusCode, 200);

  const account = (await page('/account', browser)).body;
  assert.ok(account.includes(`href="/syndication/${secret}/starred.rss"`), 'the Account page links the feeds');
  const river = (await page('/', browser)).body;
  assert.ok(river.includes(`<link rel="alternate" type="application/atom+xml" title="All articles (Atom)" href="/syndication/${secret}/river.atom"/>`), river.slice(0, 900));
  const folder = (await page('/?folder=Morning%20%26%20Co', browser)).body;
  assert.ok(folder.includes(`href="/syndication/${secret}/folder/Morning%20%26%20Co.json"`));
  const feed = (await page(`/?feed=${f.valley}`, browser)).body;
  assert.ok(feed.includes(`href="/syndication/${secret}/feed/${f.valley}.rss"`));
  assert.ok((await page('/?show=starred', browser)).body.includes(`href="/syndication/${secret}/starred.atom"`));
  assert.ok((await page('/search?q=orchard&show=unread', browser)).body.includes(`href="/syndication/${secret}/search.json?q=orchard&amp;show=unread"`));
  // a stale or foreign secret in the cookie links nothing
  assert.doesNotMatch((await page('/', `${web.cookie}; tidings_feeds=${f.ada.secret}`)).body, /rel="alternate"/);

  // another browser: the hash cannot be shown, the reader pastes an address to link the feeds there
  const elsewhere = (await page('/account', web.cookie)).body;
  assert.match(elsewhere, /Only its hash is kept/);
  assert.equal((await post('/account/feeds/show', { secret: `${PUBLIC}/syndication/${newSecret()}/river.atom` })).statusCode, 400);
  const shown = await post('/account/feeds/show', { secret: `${PUBLIC}/syndication/${secret}/river.atom` });
  assert.equal(shown.statusCode, 303);
  assert.match(String(shown.headers['set-cookie']), new RegExp(`^tidings_feeds=${secret};`));

  const remade = await post('/account/feeds', {});
  const next = /\/syndication\/([\w-]{43})\/river\.atom/.exec(remade.body)?.[1];
  assert.ok(next && next !== secret);
  assert.equal((await get(`/syndication/${secret}/river.atom`)).statusCode, 404, 'revoked at once');
  assert.equal((await get(`/syndication/${next}/river.atom`)).statusCode, 200);
  assert.doesNotMatch((await page('/', browser)).body, /rel="alternate"/, 'the old secret in a cookie links nothing');

  const off = await post('/account/feeds', { action: 'off' });
  assert.equal(off.statusCode, 303);
  assert.match(String(off.headers['set-cookie']), /^tidings_feeds=; .*Max-Age=0/);
  assert.equal((await get(`/syndication/${next}/river.atom`)).statusCode, 404);
  assert.match((await page('/account', web.cookie)).body, /Make feed addresses/);

  // without the form token nothing changes
  const forged = await f.app.inject({ method: 'POST', url: '/account/feeds', headers: { ...FORM, cookie: web.cookie }, payload: '' });
  assert.equal(forged.statusCode, 403);
  // signing out forgets the secret in this browser
  const out = await post('/logout', {});
  assert.ok(([] as string[]).concat(out.headers['set-cookie'] as string[]).some((c) => /^tidings_feeds=; /.test(c)));
});

test('ids and links come from the request host when no public URL is set', async () => {
  f.tp.p.config.publicUrl = null;
  const local = await syndicationFixture();
  try {
    const r = await local.app.inject({ method: 'GET', url: `/syndication/${local.ada.secret}/river.atom`, headers: { host: 'reader.local:8080' } });
    const parsed = parseFeed(r.body);
    assert.equal(parsed.selfUrl, `http://reader.local:8080/syndication/${local.ada.secret}/river.atom`);
    assert.match(parsed.items[0]!.id!, /^tag:reader\.local,2026:article\/\d+$/);
    const other = await local.app.inject({ method: 'GET', url: `/syndication/${local.ada.secret}/river.atom`, headers: { host: 'bad host<>' } });
    assert.match(parseFeed(other.body).items[0]!.id!, /^tag:localhost,2026:article\/\d+$/);
  } finally {
    await local.close();
  }
});

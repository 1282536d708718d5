import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PublisherServer } from './support/publisherServer.js';
import { fixture, ingestOutlets, publish } from './support/storyOutlets.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';
import { buildApp } from '../src/server/app.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { entityKey } from '../src/text/entityKey.js';

/**
 * The river folded by story, on the outlets fixture (five outlets, three events, one wire
 * copy reprinted twice): what each entry says, paging, the reader's setting, the entity
 * filter and visibility. Expectations come from the fixture's own data, not from counts
 * written down here.
 */

type Reader = { cookie: string; csrf: string; userId: number; token: string };
let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
let ada: Reader;
/** Follows every outlet but the one left out. */
let bo: Reader;
const LEFT_OUT = fixture.outlets[1]!.name;

const FORM = 'application/x-www-form-urlencoded';

async function reader(name: string): Promise<Reader> {
  const r = await signedIn(tp.store, name);
  const token = newSecret();
  await tp.store.createApiToken({ userId: r.userId, tokenHash: secretHash(token), name: 'test', now: '2026-11-20T00:00:00Z' });
  return { ...r, token };
}

before(async () => {
  server = await new PublisherServer().start();
  publish(server);
  tp = await testPipeline();
  ada = await reader('ada');
  await ingestOutlets(tp, server, ada.userId);
  bo = await reader('bo');
  const feeds = await tp.store.listSubscriptions(bo.userId);
  const left = feeds.find((f) => f.sourceName === LEFT_OUT);
  assert.ok(left, `a feed of ${LEFT_OUT}`);
  assert.ok(await tp.store.unsubscribeUser(bo.userId, left.id));
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
});
after(async () => {
  await app?.close();
  await tp?.close();
  await server?.stop();
});

const page = (url: string, r = ada) => app.inject({ method: 'GET', url, headers: { cookie: r.cookie } });
const api = async (url: string, r = ada) => {
  const res = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${r.token}` } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};
const post = (url: string, body: Record<string, string>, r = ada) =>
  app.inject({ method: 'POST', url, headers: { cookie: r.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: r.csrf, ...body }).toString() });
/** The river's entries: article id and the entry's text without tags. */
function entries(html: string): Array<{ id: number; text: string }> {
  const out = [];
  for (const m of html.matchAll(/<li class="(?:read|unread)" data-id="(\d+)">([\s\S]*?)<\/li>/g)) {
    out.push({ id: Number(m[1]), text: m[2]!.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ').replace(/ ,/g, ',').trim() });
  }
  return out;
}

interface Expected {
  event: string;
  /** The outlet of the newest article (the entry shown). */
  shown: string;
  outlets: string[];
  articles: number;
  copies: number;
}

/** What a reader following `outlets` should see of each event, from the fixture and the stored copy links. */
async function expected(follows: (outlet: string) => boolean): Promise<Expected[]> {
  const copies = await tp.query('select a.canonical_url, x.copy_of from article_story x join article a on a.id = x.article_id');
  const copyUrls = new Set(copies.filter((r) => r.copy_of !== null).map((r) => new URL(String(r.canonical_url)).pathname));
  const byEvent = new Map<string, Array<{ outlet: string; published: string; copy: boolean }>>();
  for (const o of fixture.outlets) {
    if (!follows(o.name)) continue;
    for (const a of o.articles) {
      const list = byEvent.get(a.event) ?? [];
      list.push({ outlet: o.name, published: a.published, copy: copyUrls.has(`/${o.slug}/${a.slug}`) });
      byEvent.set(a.event, list);
    }
  }
  return [...byEvent].map(([event, list]) => {
    const newest = [...list].sort((x, y) => y.published.localeCompare(x.published))[0]!;
    return { event, shown: newest.outlet, outlets: [...new Set(list.map((a) => a.outlet))].sort(), articles: list.length, copies: list.filter((a) => a.copy).length };
  });
}

function label(e: Expected): string {
  const counted = e.outlets.length > 1 ? `${e.outlets.length} sources` : `${e.articles} articles`;
  return e.copies ? `${counted} · ${e.copies} ${e.copies === 1 ? 'copy' : 'copies'}` : counted;
}

/** The entry of the river standing for this event's story: the one whose counts and outlets match it. */
function checkEntries(html: string, want: Expected[]): void {
  const shown = entries(html);
  assert.equal(shown.length, want.length, `one entry per story: ${JSON.stringify(shown)}`);
  for (const e of want) {
    const also = `${label(e)} · also in: ${e.outlets.filter((o) => o !== e.shown).join(', ')} `;
    const hits = shown.filter((s) => s.text.startsWith(e.shown) && s.text.includes(also));
    assert.equal(hits.length, 1, `one entry from ${e.shown} with "${also}" in ${JSON.stringify(shown)}`);
  }
}

test('the folded river shows each story once, as its newest article, with sources, copies and the other outlets', async () => {
  assert.equal(await tp.count('article'), 9);
  assert.equal(await tp.count('story'), 3, 'the fixture gives three stories');
  const res = await page('/');
  assert.equal(res.statusCode, 200);
  const want = await expected(() => true);
  assert.equal(want.reduce((n, e) => n + e.copies, 0), 2, 'the wire copy reprinted twice is in the stored placements');
  checkEntries(res.body, want);
  assert.match(res.body, /href="\/stories\/\d+">4 sources · 2 copies<\/a>/, 'the counts link the story page');
  // Every "also in" link leads to an article of that outlet the reader can open.
  for (const m of res.body.matchAll(/also-in">[\s\S]*?<\/span>/g)) {
    for (const link of m[0].matchAll(/href="\/articles\/(\d+)">([^<]+)</g)) {
      const opened = await page(`/articles/${link[1]}`);
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, new RegExp(link[2]!));
    }
  }
});

test('a reader who does not follow an outlet never sees it in a folded entry, its counts or "also in"', async () => {
  const res = await page('/', bo);
  const want = await expected((o) => o !== LEFT_OUT);
  checkEntries(res.body, want);
  assert.doesNotMatch(res.body, new RegExp(LEFT_OUT));
  const list = await api('/articles?fold=stories', bo);
  assert.equal(list.articles.length, want.length);
  for (const a of list.articles) assert.ok(!a.story.alsoIn.some((o: { source: string }) => o.source === LEFT_OUT), JSON.stringify(a.story));
});

test('keyset pages of the folded river never repeat a story, in the API and on the web', async () => {
  const seen: number[] = [];
  let next: string | null = '';
  while (next !== null) {
    const body: { articles: Array<{ id: number; story: { id: number } }>; next: string | null } = await api(`/articles?fold=stories&limit=1${next ? `&before=${encodeURIComponent(next)}` : ''}`);
    assert.ok(body.articles.length <= 1);
    seen.push(...body.articles.map((a) => a.story.id));
    next = body.next;
    assert.ok(seen.length <= 9, 'paging ends');
  }
  assert.equal(seen.length, 3, JSON.stringify(seen));
  assert.equal(new Set(seen).size, 3, 'no story twice');
  for (const bad of ['fold=yes', `entity=${'x'.repeat(200)}`, 'entity=']) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/articles?${bad}`, headers: { authorization: `Bearer ${ada.token}` } });
    assert.equal(res.statusCode, 400, bad);
    assert.equal(res.json().error.code, 'invalid_input');
  }
  // Past the newest entry, the web river shows only the stories not shown above it.
  const first = entries((await page('/')).body)[0]!;
  const [row] = await tp.query(`select published_at from article where id = ${first.id}`);
  const cursor = `${new Date(String(row!.published_at)).toISOString().replace('.000', '')}_${first.id}`;
  const rest = entries((await page(`/?before=${encodeURIComponent(cursor)}`)).body);
  assert.equal(rest.length, 2);
  assert.ok(!rest.some((e) => e.id === first.id));
});

test('folding off (kept per reader) gives every article, wire copies included; on again folds', async () => {
  const off = await post('/account/fold', { fold: '0', next: '/' });
  assert.equal(off.statusCode, 303);
  assert.equal(off.headers.location, '/');
  assert.equal(await tp.store.foldsStories(ada.userId), false);
  const river = await page('/');
  assert.equal(entries(river.body).length, 9);
  assert.match(river.body, /<button type="submit" name="fold" value="1">Fold stories<\/button>/);
  assert.match((await page('/account')).body, /name="fold" value="1"/, 'the Account page shows the same setting');
  assert.equal((await api('/articles')).articles.length, 9, 'the API is unfolded unless asked');
  assert.equal((await post('/account/fold', { fold: 'maybe' })).statusCode, 400);
  await post('/account/fold', { fold: '1', next: '/' });
  assert.equal(entries((await page('/')).body).length, 3);
  assert.equal(entries((await page('/', bo)).body).length, 3, 'another reader keeps their own setting');
});

test('marking a folded entry read marks the article shown; the unread river then shows the story by another article', async () => {
  // Opening articles above marked them read; this starts from everything unread.
  await tp.query(`delete from article_state where user_id = ${ada.userId}`);
  const before = entries((await page('/?show=unread')).body);
  const shown = before[0]!;
  await post(`/articles/${shown.id}/state`, { read: '1', next: '/' });
  const after = entries((await page('/?show=unread')).body);
  assert.equal(after.length, before.length, 'the story still has unread articles');
  assert.ok(!after.some((e) => e.id === shown.id));
  const [{ n }] = (await tp.query(`select count(*) as n from article_state where user_id = ${ada.userId} and read_at is not null`)) as Array<{ n: number }>;
  assert.equal(Number(n), 1, 'one article read, not the story');
  await post(`/articles/${shown.id}/state`, { read: '0', next: '/' });
});

/** Lower case, no accents, words only: an oracle of its own, not text/entityKey.ts. */
const plain = (s: string) => ` ${s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;

/** The articles whose stored facts have a mention of `name` (any case), and those whose text names it, by id. */
async function articlesNaming(name: string): Promise<{ tagged: number[]; inText: number[] }> {
  const rows = await tp.query('select a.id, a.title, a.text, f.entities from article a join article_facts f on f.article_id = a.id order by a.id');
  const words = plain(name);
  const tagged = rows.filter((r) => (JSON.parse(String(r.entities)) as Array<{ text: string }>).some((e) => plain(e.text) === words));
  const inText = rows.filter((r) => plain(`${r.title} ${r.text}`).includes(words));
  return { tagged: tagged.map((r) => Number(r.id)), inText: inText.map((r) => Number(r.id)) };
}

test('the entity filter shows only articles naming the entity, as the story page names it, with a chip to remove it', async () => {
  await post('/account/fold', { fold: '0', next: '/' });
  const stories = (await api('/stories')).stories as Array<{ id: number }>;
  const names = (await Promise.all(stories.map(async (s) => (await api(`/stories/${s.id}`)).entities as Array<{ name: string; sources: number }>))).flat();
  // A name several outlets give, but not every article: the filter has something to leave out.
  const entity = names.filter((e) => e.sources > 1 && /^[\p{L} ]+$/u.test(e.name)).sort((a, b) => b.sources - a.sources)[0];
  assert.ok(entity, JSON.stringify(names));
  const { tagged: want, inText } = await articlesNaming(entity.name);
  assert.ok(want.length > 1 && want.length < 9, `${entity.name}: ${want}`);
  const res = await page(`/?entity=${encodeURIComponent(entity.name)}`);
  const got = entries(res.body).map((e) => e.id).sort((a, b) => a - b);
  assert.deepEqual(got, want);
  assert.ok(got.every((id) => inText.includes(id)), 'every article shown names it in its text');
  assert.ok(res.body.includes(`aria-label="Remove filter: ${entity.name}">${entity.name} <span aria-hidden="true">×</span></a>`), 'the chip names the filter');
  assert.match(res.body, /class="chip" href="\/"/, 'the chip leads to the river without the filter');
  // Another spelling of the same name is the same filter.
  const shouted = `  ${entity.name.toUpperCase().replace(/ /g, '   ')} `;
  assert.deepEqual(entries((await page(`/?entity=${encodeURIComponent(shouted)}`)).body).map((e) => e.id).sort((a, b) => a - b), want);
  assert.deepEqual(((await api(`/articles?entity=${encodeURIComponent(entity.name)}`)).articles as Array<{ id: number }>).map((a) => a.id).sort((a, b) => a - b), want);
  assert.equal(entries((await page('/?entity=Nobody%20Named%20This')).body).length, 0);
  // Folded, the filter keeps one entry per story among the articles naming it.
  await post('/account/fold', { fold: '1', next: '/' });
  const folded = entries((await page(`/?entity=${encodeURIComponent(entity.name)}`)).body);
  const storiesOf = await tp.store.storyIdsOf(want);
  assert.equal(folded.length, new Set(storiesOf.values()).size);
  // The story page and the article page link the name to the filter.
  const storyPage = await page(`/stories/${storiesOf.get(want[0]!)}`);
  assert.ok(storyPage.body.includes(`<a href="/?entity=${encodeURIComponent(entity.name)}" title="Articles naming ${entity.name}">${entity.name}</a>`), 'the story page links the name');
  const articlePage = await page(`/articles/${want[0]}`);
  assert.match(articlePage.body, /Named here:/);
  assert.match(articlePage.body, /<a href="\/\?entity=[^"]+"/);
  // Search narrows by it too.
  const word = entity.name.split(' ')[0]!;
  const hits = (await api(`/search?q=${encodeURIComponent(word)}&entity=${encodeURIComponent(entity.name)}`)) as Array<{ id: number }>;
  assert.ok(hits.every((h) => want.includes(h.id)) && hits.length > 0, JSON.stringify(hits));
});

test('the entity index follows the facts, and a rebuild fills it for facts stored without it', async () => {
  const rows = async () => JSON.stringify(await tp.query('select article_id, entity_key, name, type from article_entity order by article_id, entity_key, type'));
  const stored = await rows();
  assert.ok((await tp.count('article_entity')) > 9, 'several names per article');
  await tp.query('delete from article_entity');
  let after: number | null = 0;
  while (after !== null) after = await tp.store.reindexEntitiesAfter(after, 4);
  assert.equal(await rows(), stored);
  assert.equal(await tp.store.reindexEntitiesAfter(0, 4), null, 'nothing left to index');
});

test('entity keys ignore case, accents, punctuation, possessives and spacing', () => {
  assert.equal(entityKey('Kim Jong-un'), entityKey('  KIM   jong un '));
  assert.equal(entityKey('Zürich'), entityKey('Zurich'));
  assert.equal(entityKey('Kessin’s'), entityKey('kessin'));
  assert.notEqual(entityKey('Kessin Valley'), entityKey('Kessin'));
  assert.equal(entityKey(' -- '), '');
  assert.ok(entityKey('x'.repeat(10_000)).length <= 120);
});

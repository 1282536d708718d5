import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { buildApp } from '../src/server/app.js';
import { ArticleBodies } from '../src/server/ui/articleBodies.js';
import { reusableQuery } from '../src/store/reusableQuery.js';
import type { ArticleView } from '../src/model/article.js';

/**
 * The article page as readers open it: its neighbours in the list it came from (with the
 * reader's marks and names), and its body, kept between openings, always the newest
 * revision's while the reader's own marks are theirs.
 */
let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
let feedId: number;
const ids = new Map<string, number>();
const FORM = 'application/x-www-form-urlencoded';

const page = (t: string) => articlePage({ title: t, siteName: 'Harbour Times', bodyHtml: `<p>${t}. ${'The harbour board met on Friday to agree the plan for the new quay and its budget. '.repeat(3)}</p>` });

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  const items = [1, 2, 3, 4, 5].map((n) => ({ title: `Story ${n}`, link: server.url(`/s/${n}`), pubDate: `Mon, 0${n} Mar 2026 08:00:00 GMT` }));
  server.set('/s.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items }) });
  for (const n of [1, 2, 3, 4, 5]) server.set(`/s/${n}`, { body: page(`Story ${n}`) });
  const { feed } = await subscribe(tp.p, server.url('/s.xml'));
  feedId = feed.id;
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  for (const a of await tp.store.listArticles({ limit: 10 })) ids.set(a.title, a.id);
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
});
after(async () => {
  await app.close();
  await tp.close();
  await server.stop();
});

const open = async (cookie: string, url: string) => {
  const res = await app.inject({ method: 'GET', url, headers: { cookie } });
  assert.equal(res.statusCode, 200, url);
  return res.body;
};
/** The list pane: each row's title, source and class, the open one marked with a star. */
const pane = (body: string) =>
  [...body.matchAll(/<li class="(read|unread)"><a href="\/articles\/\d+[^"]*"( aria-current="page")?><span class="t">([^<]+)<\/span><span class="s">([^<]+)<\/span>/g)].map(
    (m) => `${m[3]}${m[2] ? '*' : ''} ${m[4]} ${m[1]}`,
  );
/**
 * An article opened as a browser opens it, then what app.js and the buttons ask after:
 * the list pane's rows, and the article previous and next lead to (undefined: back to the list).
 */
const openInList = async (cookie: string, url: string) => {
  const body = await open(cookie, url);
  const [path, query] = url.split('?') as [string, string | undefined];
  const params = new URLSearchParams(query);
  params.delete('seen');
  const list = params.size ? `?${params}` : '';
  const rows = await app.inject({ method: 'GET', url: `${path}/list${list}`, headers: { cookie } });
  assert.equal(rows.statusCode, 200, `${path}/list${list}`);
  const to = async (rel: 'prev' | 'next') => {
    const res = await app.inject({ method: 'GET', url: `${path}/${rel}${list}`, headers: { cookie } });
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    const id = /^\/articles\/(\d+)/.exec(location)?.[1];
    // Either way the list goes with it.
    assert.equal(new URLSearchParams(location.split('?')[1]).toString(), params.toString(), location);
    return id;
  };
  return { body, pane: pane(rows.body), prev: await to('prev'), next: await to('next') };
};
const titleOf = (id: string | undefined) => [...ids].find(([, v]) => String(v) === id)?.[0];

test('the article page walks the list it was opened from, with the reader marks and names', async () => {
  const ada = await signedIn(tp.store, 'ada');
  await tp.store.setFoldsStories(ada.userId, false);
  await open(ada.cookie, `/articles/${ids.get('Story 2')}`);
  const opened3 = await openInList(ada.cookie, `/articles/${ids.get('Story 3')}`);
  const story3 = opened3.body;
  assert.equal(titleOf(opened3.prev), 'Story 4');
  assert.equal(titleOf(opened3.next), 'Story 2');
  assert.deepEqual(opened3.pane, ['Story 5 Harbour Times unread', 'Story 4 Harbour Times unread', 'Story 3* Harbour Times read', 'Story 2 Harbour Times read', 'Story 1 Harbour Times unread']);
  // Its story, counted as the story page counts it for this reader.
  const storyId = (await tp.store.storyIdsOf([ids.get('Story 3')!])).get(ids.get('Story 3')!);
  assert.ok(storyId !== undefined, 'the story step placed the article');
  const detail = (await tp.store.storyDetail(ada.userId, storyId))!;
  assert.match(story3, new RegExp(`<a href="/stories/${storyId}">The whole story</a> <span class="muted">\\(${detail.story.sources} source, ${detail.story.articles} articles\\)`));
  assert.equal(await tp.store.articleInStory(ada.userId, storyId + 1, ids.get('Story 3')!), null);

  // A name the reader gave the feed is the name the pane shows.
  await tp.store.updateSubscription(ada.userId, feedId, { title: 'My Harbour' });
  assert.deepEqual((await openInList(ada.cookie, `/articles/${ids.get('Story 3')}?feed=${feedId}`)).pane.slice(0, 2), ['Story 5 My Harbour unread', 'Story 4 My Harbour unread']);
  // Hers alone: another reader of the feed still sees the publisher's name.
  const bea = await signedIn(tp.store, 'bea');
  assert.deepEqual((await openInList(bea.cookie, `/articles/${ids.get('Story 3')}?seen=0`)).pane.slice(0, 2), ['Story 5 Harbour Times unread', 'Story 4 Harbour Times unread']);

  // From the unread list, what was read is no neighbour; the links keep the list.
  const unread = await openInList(ada.cookie, `/articles/${ids.get('Story 3')}?show=unread&seen=0`);
  assert.equal(titleOf(unread.next), 'Story 1');
  assert.match(unread.body, /rel="next" href="\/articles\/\d+\/next\?show=unread"/);
  assert.deepEqual(unread.pane.map((r) => r.split(' ').slice(0, 2).join(' ')), ['Story 5', 'Story 4', 'Story 3*', 'Story 1']);

  // A feed the reader does not follow, and a name no article carries, have no neighbours.
  const elsewhere = await openInList(ada.cookie, `/articles/${ids.get('Story 3')}?feed=${feedId + 1000}`);
  assert.equal(elsewhere.prev, undefined);
  assert.equal((await openInList(ada.cookie, `/articles/${ids.get('Story 3')}?entity=Nobody%20Here`)).next, undefined);
  // At the end of the list, back to it, with a word on the list's page; the page itself walked nothing.
  const last = await app.inject({ method: 'GET', url: `/articles/${ids.get('Story 1')}/next?feed=${feedId}`, headers: { cookie: ada.cookie } });
  assert.equal(last.headers.location, `/?feed=${feedId}`);
  assert.match(await open(ada.cookie, `/?feed=${feedId}`), /That was the last article in this list\./);
  assert.equal(pane(story3).length, 0, 'the page carries no rows: app.js asks for them');
  assert.match(story3, new RegExp(`<nav class="list-pane" aria-label="Articles in this list" data-rows="/articles/${ids.get('Story 3')}/list">`));
  // Without a session, no rows: the sign-in page.
  const stranger = await app.inject({ method: 'GET', url: `/articles/${ids.get('Story 3')}/list` });
  assert.equal(stranger.statusCode, 303);
  assert.equal(pane(stranger.body).length, 0);
});

test('an id too long for a bigint is no such article or feed, never a server error', async () => {
  const ivo = await signedIn(tp.store, 'ivo');
  const huge = '99999999999999999999';
  const story = ids.get('Story 3')!;
  const status = async (url: string) => (await app.inject({ method: 'GET', url, headers: { cookie: ivo.cookie } })).statusCode;
  // The neighbour routes' slim lookup: the pane's row and the sort key, for a reader who sees it.
  const at = await tp.store.neighbourPosition(ivo.userId, story);
  assert.deepEqual(at && { ...at, publishedAt: new Date(at.publishedAt).toISOString() }, { id: story, title: 'Story 3', source: 'Harbour Times', publishedAt: '2026-03-03T08:00:00.000Z' });
  assert.equal(await tp.store.neighbourPosition(ivo.userId, story + 1000), null);
  for (const url of [`/articles/${huge}`, `/articles/${huge}/next`, `/articles/${huge}/list`, `/stories/${huge}`]) assert.equal(await status(url), 404, url);
  // As a list's filter it is no filter: the article opens, its rows and neighbours are the river's.
  assert.equal(await status(`/articles/${story}?feed=${huge}`), 200);
  assert.equal(await status(`/articles/${story}/list?feed=${huge}`), 200);
  assert.equal(await status(`/articles/${story}/next?feed=${huge}`), 303);
  assert.equal(await status(`/search?q=harbour&feed=${huge}&source=${huge}`), 200);
  assert.equal(await status(`/?feed=${huge}`), 400);
  const state = await app.inject({ method: 'POST', url: `/articles/${huge}/state`, headers: { cookie: ivo.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: ivo.csrf, read: '1', next: '/' }).toString() });
  assert.equal(state.statusCode, 400);
});

test('an article body is kept between openings, until a new revision; the marks stay each reader own', async () => {
  const cleo = await signedIn(tp.store, 'cleo');
  const dan = await signedIn(tp.store, 'dan');
  const id = ids.get('Story 1')!;
  const star = await app.inject({ method: 'POST', url: `/articles/${id}/state`, headers: { cookie: cleo.cookie, 'content-type': FORM }, payload: new URLSearchParams({ _csrf: cleo.csrf, starred: '1', next: '/' }).toString() });
  assert.equal(star.statusCode, 303);
  const cleoPage = await open(cleo.cookie, `/articles/${id}`);
  const danPage = await open(dan.cookie, `/articles/${id}`);
  assert.match(cleoPage, /aria-pressed="true">★ Starred</);
  assert.match(danPage, /aria-pressed="false">☆ Star</);
  // Each page carries its own reader's form token; the body is the same.
  assert.ok(cleoPage.includes(cleo.csrf) && !cleoPage.includes(dan.csrf));
  assert.ok(danPage.includes(dan.csrf) && !danPage.includes(cleo.csrf));
  const bodyOf = (p: string) => p.slice(p.indexOf('<div class="article-text">'), p.indexOf('</article>'));
  assert.equal(bodyOf(cleoPage), bodyOf(danPage));
  assert.match(bodyOf(cleoPage), /Story 1\. The harbour board/);
  assert.doesNotMatch(cleoPage, /class="changes"/);
  // Opened with seen=0 (back from Mark unread) it stays unread; opened plainly, it is read.
  await tp.store.setArticleState(dan.userId, id, { read: false }, '2026-03-09T00:00:00Z');
  assert.match(await open(dan.cookie, `/articles/${id}?seen=0`), /name="read" value="1">Mark read</);
  assert.match(await open(dan.cookie, `/articles/${id}`), /name="read" value="0">Mark unread</);

  // The publisher edits the story: the next opening shows revision 2 and its diff.
  const before = (await tp.store.getArticle(id))!;
  await tp.store.applyRecheck(id, edited(before, 'The harbour board met on Friday', 'The harbour board met on Saturday'), null);
  const after = await open(cleo.cookie, `/articles/${id}`);
  assert.match(after, /Story 1\. The harbour board met on Saturday/);
  assert.match(after, /\(revision 2 of 2\)<\/summary>/);
  assert.match(after, /<del>Friday<\/del><ins>Saturday<\/ins>/);
  assert.match(after, /aria-pressed="true">★ Starred</);
});

test('opening an article already read writes no mark: the first read time stays, Mark unread and a star still show', async () => {
  const fay = await signedIn(tp.store, 'fay');
  const id = ids.get('Story 2')!;
  // A time as either database gives it back (text or a Date), in ms; null when unread.
  const readAt = async () => {
    const v = (await tp.query(`select read_at from article_state where user_id = ${fay.userId} and article_id = ${id}`))[0]?.read_at;
    return v === null || v === undefined ? null : new Date(v as string | Date).getTime();
  };
  const first = Date.parse('2026-03-01T00:00:00Z');
  await tp.store.setArticleState(fay.userId, id, { read: true }, '2026-03-01T00:00:00Z');
  assert.match(await open(fay.cookie, `/articles/${id}`), /name="read" value="0">Mark unread</);
  assert.equal(await readAt(), first, 'read before: the opening wrote nothing');
  // Marked unread and starred elsewhere: the next opening shows the star and reads it again, now.
  await tp.store.setArticleState(fay.userId, id, { read: false, starred: true }, '2026-03-02T00:00:00Z');
  const reopened = await open(fay.cookie, `/articles/${id}`);
  assert.match(reopened, /name="read" value="0">Mark unread</);
  assert.match(reopened, /aria-pressed="true">★ Starred</);
  const again = await readAt();
  assert.ok(again !== null && again > first, 'read again, at the opening');
});

/** A significant edit of a stored article, as a page re-check would write it. */
function edited(a: ArticleView, from: string, to: string) {
  const text = a.text.replace(from, to);
  return {
    keys: { guid: a.guid, canonicalUrl: a.canonicalUrl, linkKey: a.canonicalUrl, contentHash: `${a.contentHash}-2` },
    url: a.url, title: a.title, byline: a.byline, publishedAt: a.publishedAt, publisherUpdatedAt: null,
    text, html: a.html.replace(from, to), leadImageUrl: a.leadImageUrl, lang: a.lang, wordCount: a.wordCount, feedHash: a.feedHash ?? '',
    extractStatus: a.extractStatus, extractError: null, images: a.images, seenAt: '2026-03-09T12:00:00Z', reason: 'page_change' as const, significant: true,
  };
}

test('a kept body answers only for the same version and HTML, within its budget', async () => {
  const bodies = new ArticleBodies(1000);
  let renders = 0;
  const render = (text: string) => async () => `${text}#${++renders}`;
  assert.equal(await bodies.body(1, 'r1', '<p>a</p>', render('a')), 'a#1');
  assert.equal(await bodies.body(1, 'r1', '<p>a</p>', render('a')), 'a#1');
  // Another revision, or the same revision with other HTML (a page completed later), renders anew.
  assert.equal(await bodies.body(1, 'r2', '<p>a</p>', render('a')), 'a#2');
  assert.equal(await bodies.body(1, 'r2', '<p>b</p>', render('b')), 'b#3');
  assert.equal(await bodies.body(1, 'r2', '<p>b</p>', render('b')), 'b#3');
  // Over budget the least recently used go first; a body bigger than an eighth is never kept.
  for (let id = 2; id <= 40; id++) await bodies.body(id, 'r1', 'x'.repeat(40), render('x'));
  const n = renders;
  assert.equal(await bodies.body(40, 'r1', 'x'.repeat(40), render('x')), `x#${n}`);
  await bodies.body(1, 'r2', '<p>b</p>', render('b'));
  assert.equal(renders, n + 1, 'the first entry was pushed out');
  await bodies.body(99, 'r1', 'y'.repeat(200), render('y'));
  await bodies.body(99, 'r1', 'y'.repeat(200), render('y'));
  assert.equal(renders, n + 3);
});

test('without a reader the article opens with no marks; a reusable query refuses a value it does not bind', async () => {
  const id = ids.get('Story 4')!;
  const opened = (await tp.store.openedArticle(undefined, id))!;
  assert.equal(opened.article.title, 'Story 4');
  assert.equal(opened.state, null);
  assert.equal(opened.revisions, 1);
  assert.equal(await tp.store.openedArticle(undefined, id + 1000), null);
  // A reader who follows nothing sees no article at all.
  const eve = await tp.store.createUser({ name: 'eve', passwordHash: 'x', isAdmin: false, now: '2026-03-01T00:00:00Z' });
  assert.equal(await tp.store.openedArticle(eve.id, id), null);
  assert.deepEqual((await tp.store.openedArticle((await tp.store.getUserByName('ada'))!.id, id))!.state, { read: false, starred: false });

  // A value tested while building would give one SQL for every value: refused at once.
  const tested = reusableQuery((db, v: { id: number; all: boolean }) => db.selectFrom('article').select('id').$if(!v.all, (qb) => qb.where('id', '=', v.id)));
  await assert.rejects(tested(tp.store.kysely(), { id, all: true }), /lost its values: all/);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PublisherServer, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { rulesPage, STORY_MARK, DIGEST_MARK, BOX_MARK } from './support/rulesPage.js';
import { runCli } from './support/cli.js';
import { apiReader } from './support/webSession.js';
import { extractArticle } from '../src/extract/extractArticle.js';
import { FEED_RULE_LIMITS, validFeedRules } from '../src/extract/feedRules.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { completeArticlePage } from '../src/ingest/articlePage.js';
import { recheckArticle } from '../src/ingest/recheckArticles.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { buildApp } from '../src/server/app.js';
import { ExtractionPool } from '../src/extract/extractionPool.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { SESSION_COOKIE } from '../src/server/auth.js';
import { TidingsError } from '../src/model/errors.js';

/*
 * A feed's own keep/remove selectors: checked when saved, applied when its pages are read
 * (refresh, fetch-page, recheck; in the extraction threads), over the site rules; set
 * through the API, the web form and the CLI only by an administrator or the only subscriber.
 */

const PAGE_URL = 'http://127.0.0.1/harbour';
const KEEP = { keep: ['.story-text'], remove: [] };
const BOTH = { keep: ['.story-text'], remove: ['.box-7'] };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TidingsError);
    return err.code;
  }
  assert.fail('the rules were accepted');
}

test('selectors the page DOM cannot parse, dangling ones, markup and lists over the caps are refused with invalid_selector', () => {
  for (const bad of ['p[', '##x', 'a:nosuch', 'a::before', 'p, ', 'div >', '<script>', 'p { color: red }', 'x'.repeat(FEED_RULE_LIMITS.length + 1)]) {
    assert.equal(refusal(() => validFeedRules({ remove: [bad] })), 'invalid_selector', bad);
  }
  const many = Array.from({ length: FEED_RULE_LIMITS.selectors + 1 }, (_, i) => `.c${i}`);
  assert.equal(refusal(() => validFeedRules({ keep: many })), 'invalid_selector');
  assert.equal(refusal(() => validFeedRules({ keep: '.one' })), 'invalid_selector', 'a list, not a string');
  assert.deepEqual(validFeedRules({ keep: [' .story-text ', '', '.story-text', 'article:has(> h1)'], remove: undefined }), { keep: ['.story-text', 'article:has(> h1)'], remove: [] });
});

test('keep picks the article where Readability alone takes the digest beside it; remove drops a block inside it', () => {
  const page = rulesPage();
  const plain = extractArticle(page, PAGE_URL).text;
  assert.ok(plain.includes(DIGEST_MARK), 'without rules the digest of other stories is taken too');
  const kept = extractArticle(page, PAGE_URL, { rules: KEEP }).text;
  assert.ok(!kept.includes(DIGEST_MARK) && kept.includes(BOX_MARK));
  assert.equal(kept.split(STORY_MARK).length - 1, 3, 'all three paragraphs of the story');
  const both = extractArticle(page, PAGE_URL, { rules: BOTH }).text;
  assert.ok(!both.includes(DIGEST_MARK) && !both.includes(BOX_MARK) && both.includes(STORY_MARK));
  const removedOnly = extractArticle(page, PAGE_URL, { rules: { remove: ['.col-b'] } }).text;
  assert.ok(!removedOnly.includes(DIGEST_MARK) && removedOnly.includes(STORY_MARK));
  assert.equal(extractArticle(page, PAGE_URL, { rules: { keep: ['.nothing-here'] } }).text, plain, 'a keep that finds nothing leaves the page to Readability');
});

test("a feed's keep wins over a site rule that would remove the same element", () => {
  // siteRules.json removes .related-content on cnn.com; here the publisher wraps its story in it.
  const page = rulesPage().replace('class="story-text"', 'class="story-text related-content"');
  const url = 'https://edition.cnn.com/2026/11/27/world/harbour-channel';
  assert.ok(!extractArticle(page, url).text.includes('paragraph 2'), 'the site rule removes the story');
  assert.equal(extractArticle(page, url, { rules: { keep: ['.related-content'] } }).text.split(STORY_MARK).length - 1, 3);
});

let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
const tokens: Record<string, string> = {};
const users: Record<string, number> = {};

before(async () => {
  server = await new PublisherServer().start();
  tp = await testPipeline();
  // The tests judge what the rules do to the text, not the time limit: on a busy machine a
  // page must not fall back to the feed's text for taking over the default 10 s.
  await tp.p.extractor.close();
  tp.p.extractor = new ExtractionPool({ timeoutMs: 120_000 });
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  for (const [name, isAdmin] of [['ada', false], ['bob', false], ['root', true]] as const) {
    ({ id: users[name], token: tokens[name] } = await apiReader(tp.store, name, isAdmin));
  }
});
after(async () => {
  await app.close();
  await tp.close();
  await server.stop();
});

/** A feed of one harbour story at `/{name}/`, followed by `readers`; its own title and teaser, so no two feeds' stories are one article. */
async function harbourFeed(name: string, readers: number[], page: () => string | null = rulesPage) {
  const published = new Date(Date.now() - 3600_000).toUTCString();
  server.set(`/${name}/feed.xml`, { type: 'application/rss+xml', body: rssFeed({ title: `Harbour ${name}`, link: server.url(`/${name}/`), items: [{ title: `Harbour board votes (${name})`, link: server.url(`/${name}/story`), pubDate: published, description: `<p>Teaser of ${name}.</p>` }] }) });
  server.set(`/${name}/story`, (_req, res) => {
    const body = page();
    res.writeHead(body ? 200 : 503, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'down');
  });
  const { feed } = await subscribe(tp.p, server.url(`/${name}/feed.xml`), { readers });
  return feed;
}

async function storyText(feedId: number): Promise<{ id: number; text: string; status: string }> {
  const [item] = await tp.store.listArticles({ feedId, limit: 5 });
  const a = (await tp.store.getArticle(item!.id))!;
  return { id: a.id, text: a.text, status: a.extractStatus };
}

test('the refresh reads pages with their feed rules in the extraction threads; a recheck with rules set later stores the better text', async () => {
  const feed = await harbourFeed('refresh', [users.ada!]);
  await tp.store.setFeedRules(feed.id, BOTH, { userId: users.ada!, now: '2026-03-01T00:00:00Z' });
  assert.equal((await refreshFeed(tp.p, feed)).created, 1);
  const first = await storyText(feed.id);
  assert.ok(first.text.includes(STORY_MARK) && !first.text.includes(DIGEST_MARK) && !first.text.includes(BOX_MARK), first.text);

  const other = await harbourFeed('recheck', [users.ada!]);
  await refreshFeed(tp.p, other);
  assert.ok((await storyText(other.id)).text.includes(DIGEST_MARK));
  await tp.store.setFeedRules(other.id, KEEP, { userId: null, now: '2026-03-01T00:00:00Z' });
  const article = await storyText(other.id);
  assert.deepEqual(await tp.store.articleFeedRules(article.id), KEEP);
  assert.equal((await recheckArticle(tp.p, article.id)).changed, 1);
  assert.ok(!(await storyText(other.id)).text.includes(DIGEST_MARK));
});

test("a fetch-page job reads the page with the rules of the article's feed", async () => {
  let up = false;
  const feed = await harbourFeed('later', [users.ada!], () => (up ? rulesPage() : null));
  await refreshFeed(tp.p, feed);
  const stored = await storyText(feed.id);
  assert.equal(stored.status, 'failed');
  await tp.store.setFeedRules(feed.id, BOTH, { userId: null, now: '2026-03-01T00:00:00Z' });
  up = true;
  assert.equal(await completeArticlePage(tp.p, stored.id), true);
  const done = await storyText(feed.id);
  assert.ok(done.text.includes(STORY_MARK) && !done.text.includes(DIGEST_MARK) && !done.text.includes(BOX_MARK), done.text);
});

const call = (who: string | null, method: string, url: string, payload?: unknown) =>
  app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });

test('API: the only subscriber and administrators set rules; a shared feed refuses other readers; invalid selectors are refused; no token, nothing', async () => {
  const own = await harbourFeed('own', [users.ada!]);
  const shared = await harbourFeed('shared', [users.ada!, users.bob!]);
  assert.equal((await call(null, 'PUT', `/feeds/${own.id}/rules`, BOTH)).statusCode, 401);
  assert.deepEqual((await call('ada', 'GET', `/feeds/${own.id}/rules`)).json(), { keep: [], remove: [], editable: true });

  const put = await call('ada', 'PUT', `/feeds/${own.id}/rules`, BOTH);
  assert.equal(put.statusCode, 200, put.body);
  assert.deepEqual(put.json(), { ...BOTH, editable: true });
  assert.deepEqual(await tp.store.getFeedRules(own.id), BOTH);

  const bad = await call('ada', 'PUT', `/feeds/${own.id}/rules`, { remove: ['.ok', 'p['] });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'invalid_selector');
  assert.deepEqual(await tp.store.getFeedRules(own.id), BOTH, 'a refused change stores nothing');

  const notMine = await call('bob', 'PUT', `/feeds/${own.id}/rules`, KEEP);
  assert.equal(notMine.statusCode, 404, 'a feed bob does not follow does not exist for him');
  const sharedGet = (await call('bob', 'GET', `/feeds/${shared.id}/rules`)).json();
  assert.equal(sharedGet.editable, false);
  const refused = await call('bob', 'PUT', `/feeds/${shared.id}/rules`, KEEP);
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().error.code, 'forbidden');
  const refusedEvenInvalid = await call('bob', 'PUT', `/feeds/${shared.id}/rules`, { keep: ['p['] });
  assert.equal(refusedEvenInvalid.json().error.code, 'forbidden', 'who asks is checked before what they send');
  assert.equal(await tp.store.getFeedRules(shared.id), null);

  const admin = await call('root', 'PUT', `/feeds/${shared.id}/rules`, KEEP);
  assert.equal(admin.statusCode, 200, admin.body);
  assert.equal((await call('root', 'PUT', `/feeds/${shared.id}/rules`, { keep: [], remove: [] })).statusCode, 200);
  assert.equal(await tp.store.getFeedRules(shared.id), null, 'empty lists clear the rules');

  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  assert.ok(doc.paths['/feeds/{id}/rules'].get && doc.paths['/feeds/{id}/rules'].put);
});

test('web: the rules page shows the form, saves one selector a line, keeps what was typed on an error; shared feeds read-only; the form token required', async () => {
  const own = await harbourFeed('form', [users.bob!]);
  const shared = await harbourFeed('formshared', [users.ada!, users.bob!]);
  const token = newSecret();
  const csrf = newSecret(18);
  await tp.store.createSession({ userId: users.bob!, tokenHash: secretHash(token), csrfToken: csrf, now: '2026-01-01T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
  const cookie = `${SESSION_COOKIE}=${token}`;
  const post = (id: number, form: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/feeds/${id}/rules`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
  const page = async (id: number) => (await app.inject({ method: 'GET', url: `/feeds/${id}/rules`, headers: { cookie } })).body;

  assert.match(await page(own.id), /<textarea id="keep" name="keep"[^>]*><\/textarea>/, 'an empty form for a feed without rules');
  assert.equal((await post(own.id, { keep: '.story-text' })).statusCode, 403, 'no form token');
  const saved = await post(own.id, { keep: '.story-text\r\n\r\n', remove: '.box-7\n.col-b', _csrf: csrf });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, `/feeds/${own.id}/rules`, 'no message in the URL');
  assert.deepEqual(await tp.store.getFeedRules(own.id), { keep: ['.story-text'], remove: ['.box-7', '.col-b'] });
  const after = await page(own.id);
  assert.match(after, /Rules saved: 1 to keep, 2 to remove/);
  assert.match(after, /name="remove"[^>]*>\.box-7\n\.col-b<\/textarea>/, 'the stored rules fill the form');

  assert.equal((await post(own.id, { keep: 'a::before', _csrf: csrf })).headers.location, `/feeds/${own.id}/rules`);
  const refusedPage = await page(own.id);
  assert.match(refusedPage, /flash-error[^]*invalid_selector/);
  assert.match(refusedPage, /name="keep"[^>]*>a::before<\/textarea>/, 'the form keeps what was typed');
  assert.deepEqual(await tp.store.getFeedRules(own.id), { keep: ['.story-text'], remove: ['.box-7', '.col-b'] }, 'nothing saved');

  await post(shared.id, { keep: '.story-text', _csrf: csrf });
  assert.match(await page(shared.id), /flash-error[^]*forbidden/);
  assert.doesNotMatch(await page(shared.id), /<textarea/, 'a shared feed shows its rules read-only');
  assert.equal(await tp.store.getFeedRules(shared.id), null);
  const unknown = await app.inject({ method: 'GET', url: '/feeds/999999/rules', headers: { cookie } });
  assert.equal(unknown.statusCode, 404);
});

test('CLI: tidings feeds rules ID shows, sets (--keep, --remove), refuses bad selectors and clears', async () => {
  const feed = await harbourFeed('cli', [users.ada!]);
  const args = tp.args;
  const set = await runCli(['feeds', 'rules', String(feed.id), '--keep', '.story-text', '--remove', '.box-7', '--remove', '.col-b', '--json', ...args]);
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(JSON.parse(set.stdout), { feed: feed.id, keep: ['.story-text'], remove: ['.box-7', '.col-b'] });
  const bad = await runCli(['feeds', 'rules', String(feed.id), '--keep', 'p[', ...args]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error\[invalid_selector\]/);
  assert.match((await runCli(['feeds', 'rules', String(feed.id), ...args])).stdout, /^keep \.story-text\nremove \.box-7\nremove \.col-b/);
  assert.equal((await runCli(['feeds', 'rules', String(feed.id), '--clear', ...args])).code, 0);
  assert.equal(await tp.store.getFeedRules(feed.id), null);
  assert.match((await runCli(['feeds', 'rules', '999999', ...args])).stderr, /^error\[not_found\]/);
});

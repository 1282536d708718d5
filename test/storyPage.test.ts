import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PublisherServer } from './support/publisherServer.js';
import { ingestOutlets, publish } from './support/storyOutlets.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';
import { buildApp } from '../src/server/app.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { SESSION_COOKIE } from '../src/server/auth.js';

let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
let cookie: string;
/** Story ids by the event they are about. */
const storyOf = new Map<'bridge' | 'quake' | 'rates', number>();

before(async () => {
  server = await new PublisherServer().start();
  publish(server);
  tp = await testPipeline();
  const reader = await signedIn(tp.store, 'ada');
  cookie = reader.cookie;
  await ingestOutlets(tp, server, reader.userId);
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  for (const s of await tp.store.listStories({ userId: reader.userId, limit: 10 })) {
    storyOf.set(/bridge/i.test(s.title) ? 'bridge' : /earthquake/i.test(s.title) ? 'quake' : 'rates', s.id);
  }
});
after(async () => {
  await app?.close();
  await tp?.close();
  await server?.stop();
});

const page = (url: string, as = cookie) => app.inject({ method: 'GET', url, headers: { cookie: as } });
/** The page's text without tags, spaces collapsed, to match what a reader reads. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

test('the three stories have pages with their sources, first report and timeline with a text equivalent', async () => {
  assert.equal(storyOf.size, 3);
  const quake = await page(`/stories/${storyOf.get('quake')}`);
  assert.equal(quake.statusCode, 200, quake.body);
  const text = textOf(quake.body);
  assert.match(text, /3 articles from 3 sources/);
  assert.match(text, /first reported by Metro Daily/);
  for (const source of ['Metro Daily', 'Northern Gazette', 'Coast Herald']) assert.match(quake.body, new RegExp(`<h3>${source}</h3>`));
  assert.match(quake.body, /<svg class="timeline"[^>]*role="img"[^>]*aria-label="Coverage timeline: 3 sources/);
  assert.equal((quake.body.match(/<circle /g) ?? []).length, 3, 'one mark per article');
  assert.match(quake.body, /<table class="timeline-table">/);
  assert.match(text, /Kessin/, 'the entities are listed');
  assert.doesNotMatch(quake.body, /\sstyle=/, 'no inline style: the CSP forbids it');
  assert.doesNotMatch(quake.body, /<script(?![^>]*\bsrc=)/, 'no inline script');
  const rates = textOf((await page(`/stories/${storyOf.get('rates')}`)).body);
  assert.match(rates, /2 articles from 2 sources/);
  assert.match(rates, /first reported by Valley Post/);
});

test('the figures table flags the disagreement with each outlet\'s value and attribution', async () => {
  const body = (await page(`/stories/${storyOf.get('quake')}`)).body;
  const table = body.slice(body.indexOf('<table class="figures">'), body.indexOf('</table>', body.indexOf('<table class="figures">')));
  assert.ok(table.length > 0, 'a figures table');
  const row = /<tr class="disagree">([\s\S]*?)<\/tr>/g;
  const flagged = [...table.matchAll(row)].map((m) => textOf(m[1]!));
  assert.equal(flagged.length, 2, flagged.join('\n'));
  assert.match(flagged[0]!, /people Sources disagree/);
  assert.ok(flagged.some((r) => /Metro Daily.*\b40\b/.test(r)) && flagged.some((r) => /Northern Gazette.*\b52\b/.test(r)), flagged.join('\n'));
  assert.ok(flagged.some((r) => /health ministry/i.test(r)), flagged.join('\n'));
  const others = await Promise.all([storyOf.get('bridge'), storyOf.get('rates')].map(async (id) => (await page(`/stories/${id}`)).body));
  assert.ok(others.every((b) => !/Sources disagree/.test(b)), 'only one disagreement');
});

test('the wire copy shows once with the outlets that also ran it', async () => {
  const text = textOf((await page(`/stories/${storyOf.get('bridge')}`)).body);
  assert.match(text, /4 articles from 4 sources, 2 wire copies/);
  assert.match(text, /Wire copies Aster River bridge collapses in Port Halden during morning rush \(Allied Wire Service\) — also in: Coast Herald, Valley Post/);
  assert.equal((text.match(/wire copy of Allied Wire Service/g) ?? []).length, 2);
});

test('a story answers 404 exactly like a missing one to a reader who cannot see it', async () => {
  const bob = await tp.store.createUser({ name: 'bob', passwordHash: 'x', isAdmin: false, now: '2026-11-20T00:00:00Z' });
  const token = newSecret();
  await tp.store.createSession({ userId: bob.id, tokenHash: secretHash(token), csrfToken: newSecret(18), now: '2026-11-20T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
  const asBob = `${SESSION_COOKIE}=${token}`;
  const hidden = await page(`/stories/${storyOf.get('quake')}`, asBob);
  const missing = await page('/stories/999999', asBob);
  assert.equal(hidden.statusCode, 404);
  assert.equal(missing.statusCode, 404);
  assert.equal(hidden.body, missing.body);
  assert.equal((await page('/stories/abc')).statusCode, 404);
  const river = await page('/', asBob);
  assert.doesNotMatch(river.body, /href="\/stories\//, 'nothing of the stories leaks into another reader\'s river');
});

test('the unfolded river links each article to its story with "N sources"; the article page links its story and lists its figures', async (t) => {
  const ada = (await tp.store.getUserByName('ada'))!;
  await tp.store.setFoldsStories(ada.id, false);
  t.after(() => tp.store.setFoldsStories(ada.id, true));
  const river = await page('/');
  assert.equal(river.statusCode, 200);
  const links = [...river.body.matchAll(/<p class="story-count"><a href="\/stories\/(\d+)">([^<]+)<\/a>/g)].map((m) => [Number(m[1]), m[2]]);
  assert.equal(links.length, 9, 'every article is in a story with others');
  assert.equal(links.filter(([id, label]) => id === storyOf.get('bridge') && label === '4 sources').length, 4);
  assert.equal(links.filter(([id, label]) => id === storyOf.get('quake') && label === '3 sources').length, 3);
  assert.equal(links.filter(([id, label]) => id === storyOf.get('rates') && label === '2 sources').length, 2);
  const quake = (await tp.store.storyDetail(undefined, storyOf.get('quake')!))!;
  const metro = quake.articles.find((a) => a.source === 'Metro Daily')!;
  const article = await page(`/articles/${metro.id}`);
  assert.equal(article.statusCode, 200);
  assert.match(article.body, new RegExp(`<a href="/stories/${storyOf.get('quake')}">The whole story</a>`));
  assert.match(textOf(article.body), /3 sources, 3 articles/);
  assert.match(textOf(article.body), /Figures in this article At least 40 people — the Kessin provincial governor/);
});

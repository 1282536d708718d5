import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PublisherServer } from './support/publisherServer.js';
import { fixture, ingestOutlets, publish } from './support/storyOutlets.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { runCli } from './support/cli.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeeds } from '../src/ingest/refreshRunner.js';
import { FACTS_RETRY_MS, StoryPlacer, rebuildStories, type Facts } from '../src/ingest/storyPlacer.js';
import type { StoryInput } from '../src/store/store.js';
import { buildApp } from '../src/server/app.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';

/** article id → [story id, copy of] as stored. */
async function placements(tp: TestPipeline): Promise<string> {
  const rows = await tp.query('select article_id, story_id, copy_of from article_story order by article_id');
  return JSON.stringify(rows.map((r) => [Number(r.article_id), Number(r.story_id), r.copy_of === null ? null : Number(r.copy_of)]));
}

let server: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
let token: string;

before(async () => {
  server = await new PublisherServer().start();
  publish(server);
  tp = await testPipeline();
  const user = await tp.store.createUser({ name: 'ada', passwordHash: 'x', isAdmin: false, now: '2026-11-20T00:00:00Z' });
  token = newSecret();
  await tp.store.createApiToken({ userId: user.id, tokenHash: secretHash(token), name: 'test', now: '2026-11-20T00:00:00Z' });
  await ingestOutlets(tp, server, user.id);
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
});
after(async () => {
  await app?.close();
  await tp?.close();
  await server?.stop();
});

const api = (url: string, auth = true) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth ? { authorization: `Bearer ${token}` } : {} });

test('five outlets covering three events give three stories, one copy group and one disagreement (API)', async () => {
  assert.equal(await tp.count('article'), 9);
  assert.equal(await tp.count('story_pending'), 0, 'every article went through the story step');
  const list = await api('/stories');
  assert.equal(list.statusCode, 200, list.body);
  const stories = list.json().stories as Array<{ id: number; title: string; sources: number; copies: number; articles: number }>;
  assert.equal(stories.length, 3, JSON.stringify(stories));
  assert.deepEqual(stories.map((s) => s.articles).sort(), [2, 3, 4]);
  const pages = await Promise.all(stories.map(async (s) => (await api(`/stories/${s.id}`)).json()));
  const copyGroups = pages.flatMap((p) => p.copyGroups);
  assert.equal(copyGroups.length, 1);
  assert.equal(copyGroups[0].copies.length, 2);
  assert.deepEqual([...copyGroups[0].sources].sort(), ['Allied Wire Service', 'Coast Herald', 'Valley Post']);
  const disagreements = pages.flatMap((p) => p.disagreements);
  assert.equal(disagreements.length, 1, JSON.stringify(disagreements));
  const d = disagreements[0];
  assert.equal(d.unit, 'people');
  assert.deepEqual(d.reports.map((r: { source: string; value: number }) => [r.source, r.value]).sort(), [['Metro Daily', 40], ['Northern Gazette', 52]]);
  assert.ok(d.reports.some((r: { attribution: string | null }) => /health ministry/.test(r.attribution ?? '')), JSON.stringify(d.reports));
  const quake = pages.find((p) => p.disagreements.length);
  assert.equal(quake.first.source, 'Metro Daily');
  assert.ok(quake.entities.some((e: { name: string }) => /Kessin/.test(e.name)), JSON.stringify(quake.entities));
  assert.equal(quake.timeline.length, 3);
});

test('the story API needs a token before anything else, pages by cursor, and hides what the reader cannot see', async () => {
  assert.equal((await api('/stories?limit=abc', false)).statusCode, 401);
  assert.equal((await api('/stories/1', false)).statusCode, 401);
  assert.equal((await api('/stories?limit=abc')).statusCode, 400);
  const first = (await api('/stories?limit=2')).json();
  assert.equal(first.stories.length, 2);
  const rest = (await api(`/stories?limit=2&before=${encodeURIComponent(first.next)}`)).json();
  assert.equal(rest.stories.length, 1);
  assert.equal(rest.next, null);
  const other = await tp.store.createUser({ name: 'bob', passwordHash: 'x', isAdmin: false, now: '2026-11-20T00:00:00Z' });
  assert.deepEqual(await tp.store.listStories({ userId: other.id, limit: 10 }), []);
  assert.equal(await tp.store.storyDetail(other.id, first.stories[0].id), null);
  assert.equal((await api('/stories/999999')).json().error.code, 'not_found');
});

test('the CLI lists stories, shows one, and shows an article\'s story', async () => {
  const db = tp.location.databaseUrl ? ['--database-url', tp.location.databaseUrl] : ['--db', tp.location.dbPath];
  const list = await runCli(['stories', '--json', ...db]);
  assert.equal(list.code, 0, list.stderr);
  const stories = JSON.parse(list.stdout) as Array<{ id: number; copies: number }>;
  assert.equal(stories.length, 3);
  const wire = stories.find((s) => s.copies === 2)!;
  const show = await runCli(['stories', 'show', String(wire.id), ...db]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /Copy group of #\d+: #\d+, #\d+ \(also in: Allied Wire Service, Coast Herald, Valley Post\)/);
  const text = await runCli(['stories', ...db]);
  assert.match(text.stdout, /4 sources\s+2 copies/);
  const article = await runCli(['show', String(wire.id), '--story', '--json', ...db]);
  assert.equal(article.code, 0, article.stderr);
  assert.equal(JSON.parse(article.stdout).id, wire.id);
  const quake = (await Promise.all(stories.map(async (s) => JSON.parse((await runCli(['stories', 'show', String(s.id), '--json', ...db])).stdout)))).find((p) => p.disagreements.length);
  assert.ok(quake, 'the quake story has its disagreement in the CLI too');
  const quakeText = await runCli(['stories', 'show', String(quake.id), ...db]);
  assert.match(quakeText.stdout, /people\s+DISAGREEMENT/);
});

test('a rebuild gives the same stories as ingestion', async () => {
  const ingested = await placements(tp);
  const stories = await tp.query('select id, title, article_count, source_count, copy_count from story order by id');
  const r = await rebuildStories(tp.store);
  assert.equal(r.articles, 9);
  assert.equal(await placements(tp), ingested);
  assert.deepEqual(await tp.query('select id, title, article_count, source_count, copy_count from story order by id'), stories);
  // Features found a batch ahead in a thread (two batches in flight here) or on the placing thread: the same.
  for (const opts of [{ batch: 2 }, { batch: 2, featureThread: false }]) {
    assert.equal((await rebuildStories(tp.store, opts)).articles, 9);
    assert.equal(await placements(tp), ingested, JSON.stringify(opts));
  }
  // The running process's state is from before the rebuild: its next step starts over, the same.
  assert.equal(await tp.p.stories!.placePending(), 0);
});

test('a failing story step never loses the article; the next step places it', async (t) => {
  const other = await testPipeline();
  t.after(() => other.close());
  const user = await other.store.createUser({ name: 'cy', passwordHash: 'x', isAdmin: false, now: '2026-11-20T00:00:00Z' });
  let failing = true;
  other.p.stories = new StoryPlacer(other.store, {
    facts: (a) => {
      if (failing) throw new Error('entity tagger crashed');
      return { entities: [], figures: [{ value: 1, unit: 'test', qualifier: null, text: a.title, attribution: null, sentence: '' }] };
    },
  });
  await ingestOutlets(other, server, user.id);
  assert.equal(await other.count('article'), 9, 'every article is stored');
  assert.equal(await other.count('story_pending'), 9, 'and waits for the story step');
  assert.equal(await other.count('article_story'), 0);
  failing = false;
  assert.equal(await other.p.stories.placePending(), 9);
  assert.equal(await other.count('story_pending'), 0);
  assert.equal(await other.count('article_story'), 9);
  assert.equal(await other.count('article_facts'), 9);
});

test('facts deferred by busy or failing threads: articles are placed without them and asked again once due', async (t) => {
  const other = await testPipeline();
  t.after(() => other.close());
  const user = await other.store.createUser({ name: 'ed', passwordHash: 'x', isAdmin: false, now: '2026-11-20T00:00:00Z' });
  let clock = Date.now();
  let deferring = true;
  let asked = 0;
  other.p.stories = new StoryPlacer(other.store, {
    now: () => clock,
    facts: (a) => {
      asked++;
      if (deferring) return { entities: [], figures: [], deferred: true };
      return { entities: [], figures: [{ value: 1, unit: 'test', qualifier: null, text: a.title, attribution: null, sentence: '' }] };
    },
  });
  await ingestOutlets(other, server, user.id);
  assert.equal(await other.count('article_story'), 9, 'every article is placed');
  assert.equal(await other.count('article_facts'), 0, 'none has facts stored');
  assert.equal(await other.count('story_pending'), 9, 'each is queued again for its facts');
  const before = asked;
  assert.equal(await other.p.stories.placePending(), 0, 'not before they are due');
  assert.equal(asked, before);
  deferring = false;
  clock += FACTS_RETRY_MS;
  assert.equal(await other.p.stories.placePending(), 9);
  assert.equal(await other.count('article_facts'), 9);
  assert.equal(await other.count('story_pending'), 0);
  assert.equal(await other.count('article_story'), 9, 'placed once');
});

/** A pipeline of its own that ingested the outlets with every article's facts deferred (none stored). */
async function ingestedWithoutFacts(t: TestContext, reader: string): Promise<TestPipeline> {
  const other = await testPipeline();
  t.after(() => other.close());
  const user = await other.store.createUser({ name: reader, passwordHash: 'x', isAdmin: false, now: '2026-11-20T00:00:00Z' });
  other.p.stories = new StoryPlacer(other.store, { facts: () => ({ entities: [], figures: [], deferred: true }) });
  await ingestOutlets(other, server, user.id);
  assert.equal(await other.count('article_facts'), 0, 'no facts yet: a rebuild asks for all');
  return other;
}

test('a rebuild asks for a batch\'s facts all at once (a pool finds them while the batch is placed)', { timeout: 120_000 }, async (t) => {
  const other = await ingestedWithoutFacts(t, 'fa');
  // Answers come only once the whole batch of three is asked: asked one by one, it would wait forever.
  let waiting: (() => void)[] = [];
  const facts = (a: StoryInput) => new Promise<Facts>((resolve) => {
    waiting.push(() => resolve({ entities: [], figures: [{ value: a.id, unit: 'test', qualifier: null, text: a.title, attribution: null, sentence: '' }] }));
    if (waiting.length < 3) return;
    for (const answer of waiting) answer();
    waiting = [];
  });
  assert.equal((await rebuildStories(other.store, { batch: 3, facts })).articles, 9);
  assert.equal(await other.count('article_facts'), 9);
});

test('the rebuild command finds every article\'s facts in its one facts thread, none deferred', { timeout: 300_000 }, async (t) => {
  const other = await ingestedWithoutFacts(t, 'ga');
  const db = other.location.databaseUrl ? ['--database-url', other.location.databaseUrl] : ['--db', other.location.dbPath];
  const r = await runCli(['stories', 'rebuild', '--json', ...db]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /facts_deferred/);
  assert.equal(await other.count('article_facts'), 9);
  assert.equal(await other.count('story_pending'), 0, 'none is queued again for its facts');
});

test('two processes placing in turn give the stories one process gives (each catches up on the other first)', async (t) => {
  const two = await testPipeline();
  t.after(() => two.close());
  const user = await two.store.createUser({ name: 'di', passwordHash: 'x', isAdmin: false, now: '2026-11-20T00:00:00Z' });
  const placers = [new StoryPlacer(two.store), new StoryPlacer(two.store)];
  for (const [i, o] of fixture.outlets.entries()) {
    // Each outlet's articles are placed by the other "process" than the one before.
    two.p.stories = placers[i % 2];
    const { feed } = await subscribe(two.p, server.url(`/${o.slug}/feed.xml`), { readers: [user.id] });
    await refreshFeeds(two.p, [(await two.store.getFeed(feed.id))!], { concurrency: 1 });
  }
  assert.equal(await two.count('article_story'), 9);
  const interleaved = await placements(two);
  await rebuildStories(two.store);
  assert.equal(await placements(two), interleaved);
  assert.equal(await placements(two), await placements(tp), 'the same stories as the single process');
});

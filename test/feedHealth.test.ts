import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { relativeDay } from '../src/render/time.js';
import { WORDED_CODES, errorPhrase, errorSentence } from '../src/model/errorWords.js';
import { feedsPage, type FeedsPageFeed } from '../src/server/ui/views/feeds.js';
import { buildApp } from '../src/server/app.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { PublisherServer, rssFeed } from './support/publisherServer.js';
import { testPipeline } from './support/pipeline.js';
import { apiReader, signedIn } from './support/webSession.js';
import { repoRoot, runCli } from './support/cli.js';

test('a day in words, in the reader’s zone: a clock time today, yesterday, a weekday, a date', () => {
  const now = new Date('2026-11-27T12:00:00Z'); // a Friday
  assert.equal(relativeDay('2026-11-27T10:05:00Z', now), '10:05');
  assert.equal(relativeDay('2026-11-27T00:00:00Z', now), '00:00');
  assert.equal(relativeDay('2026-11-26T23:59:00Z', now), 'yesterday', 'a minute before midnight is yesterday, not 12 hours ago');
  assert.equal(relativeDay('2026-11-24T10:05:00Z', now), 'Tuesday');
  assert.equal(relativeDay('2026-11-21T10:05:00Z', now), 'Saturday');
  assert.equal(relativeDay('2026-11-20T10:05:00Z', now), '20 Nov', 'a week ago is a date: "since Friday" would be today');
  assert.equal(relativeDay('2026-01-03T10:05:00Z', now), '3 Jan');
  assert.equal(relativeDay('2025-11-03T10:05:00Z', now), '3 Nov 2025');
  // 23:30 UTC on Thursday is already Friday in Tokyo, and still Thursday afternoon in New York.
  assert.equal(relativeDay('2026-11-26T23:30:00Z', now, 'Asia/Tokyo'), '08:30');
  assert.equal(relativeDay('2026-11-26T23:30:00Z', now, 'America/New_York'), 'yesterday');
  assert.equal(relativeDay('2026-11-27T03:00:00Z', now, 'America/New_York'), 'yesterday', 'before midnight in New York');
});

test('every error code has a sentence and a phrase; every code the source raises is one of them', () => {
  for (const code of WORDED_CODES) {
    const sentence = errorSentence(code, '');
    const phrase = errorPhrase(code);
    assert.match(sentence, /^[A-Z].*[.)]$/, `${code}: a sentence, capitalised and finished`);
    assert.match(phrase, /^[a-z].*[^.]$/, `${code}: a phrase that follows a colon`);
    assert.notEqual(phrase, errorPhrase('no such code'), `${code} has its own phrase`);
  }
  // The type makes a missing entry a compile error; this catches a code raised as a bare string.
  const raised = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(e.name)) for (const m of fs.readFileSync(file, 'utf8').matchAll(/new TidingsError\('([a-z_]+)'/g)) raised.add(m[1]!);
    }
  };
  walk(path.join(repoRoot, 'src'));
  assert.ok(raised.size > 10, `found the codes raised (${raised.size})`);
  for (const code of raised) assert.ok(WORDED_CODES.includes(code as never), `${code} has words`);
});

test('the sentence carries the error’s own message only where it names what to fix', () => {
  assert.equal(errorSentence('invalid_selector', 'remove selector p[ does not parse'), 'A selector cannot be used: remove selector p[ does not parse');
  assert.equal(errorSentence('dns_error', 'getaddrinfo ENOTFOUND x.example'), 'No site answers at that name. Check the spelling of the address.');
  assert.equal(errorSentence('internal', 'relation "feed" does not exist'), 'Something went wrong on our side. It has been logged; try again later.', 'our internals are logged, not shown');
  assert.equal(errorSentence('gone_in_a_later_version', 'the job said so'), 'the job said so', 'a code we do not know: its message');
});

const failingFeed = (over: Partial<FeedsPageFeed>): FeedsPageFeed => ({
  id: 7, sourceId: 1, sourceName: 'Quay Gazette', url: 'https://quay.example/feed.xml', siteUrl: null, title: 'Quay', section: null,
  sourceOverride: null, sectionOverride: null, etag: null, lastModified: null, lastFetchedAt: '2026-11-27T11:00:00Z', lastStatus: 'error',
  lastErrorCode: 'dns_error', lastError: 'getaddrinfo ENOTFOUND quay.example', errorCount: 7, failingSince: '2026-11-24T10:05:00Z',
  nextCheckAt: null, intervalSeconds: 1800, createdAt: '2026-11-01T00:00:00Z', health: 'failing', ...over,
});

test('the Feeds page says since when a feed fails, in words, with the exact local time on hover', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const html = feedsPage([failingFeed({})], { now, timeZone: 'Europe/Oslo' });
  assert.match(html, /<strong>failing<\/strong> since <time datetime="2026-11-24T10:05:00Z" title="2026-11-24 11:05:00">Tuesday<\/time>: the site’s name could not be found \(DNS error\)<small class="code"/);
  assert.match(html, /<span title="7 times in a row">/, 'the length of the run on hover');
  const today = feedsPage([failingFeed({ failingSince: '2026-11-27T09:15:00Z', errorCount: 2, health: 'erroring' })], { now, timeZone: 'Europe/Oslo' });
  assert.match(today, /<strong>trouble<\/strong> since <time[^>]*>10:15<\/time>: /);
  const unknownStart = feedsPage([failingFeed({ failingSince: null })], { now, timeZone: 'UTC' });
  assert.match(unknownStart, /<strong>failing<\/strong>: the site’s name could not be found \(DNS error\) \(7 times in a row\)/);
  const ok = feedsPage([failingFeed({ lastStatus: 'ok', lastErrorCode: null, lastError: null, errorCount: 0, failingSince: null, health: 'ok', itemsPerDay: 12 })], { now, timeZone: 'UTC' });
  assert.match(ok, /<strong>ok<\/strong> · 12 a day/);
  assert.doesNotMatch(ok, /since/);
});

test('a feed that fails twice then works: failing since its first failure, kept while failing, gone on success (page, API)', async (t) => {
  const publisher = await new PublisherServer().start();
  let clock = new Date('2026-11-24T10:05:00Z');
  const tp = await testPipeline({}, () => clock);
  t.after(async () => {
    await tp.close();
    await publisher.stop();
  });
  const feedUrl = publisher.url('/quay.xml');
  publisher.set('/quay.xml', { status: 500, body: 'down' });
  const { feed } = await subscribe(tp.p, feedUrl, { allowUnreachable: true });
  const web = await signedIn(tp.store);
  const api = await apiReader(tp.store, 'ivy');
  await tp.store.subscribeToAll(api.id, '2026-11-24T00:00:00Z');
  const app = buildApp({ store: tp.store, config: tp.p.config, now: () => clock });
  t.after(() => app.close());
  const refresh = async (at: string) => {
    clock = new Date(at);
    return refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  };
  const feedsPageHtml = async () => (await app.inject({ url: '/feeds', headers: { cookie: web.cookie } })).body;
  const apiFeed = async () => ((await app.inject({ url: '/api/v1/feeds', headers: { authorization: `Bearer ${api.token}` } })).json() as Array<{ id: number; failingSince: string | null }>).find((f) => f.id === feed.id)!;

  assert.equal((await refresh('2026-11-24T10:05:00Z')).errorCode, 'http_error');
  assert.equal((await tp.store.getFeed(feed.id))!.failingSince, '2026-11-24T10:05:00Z');
  assert.equal((await refresh('2026-11-25T16:40:00Z')).errorCode, 'http_error');
  const failing = (await tp.store.getFeed(feed.id))!;
  assert.equal(failing.failingSince, '2026-11-24T10:05:00Z', 'the run began at the first failure, not the last');
  assert.equal(failing.errorCount, 2);
  clock = new Date('2026-11-27T12:00:00Z');
  assert.match(await feedsPageHtml(), /since <time datetime="2026-11-24T10:05:00Z"[^>]*>Tuesday<\/time>: the site answered with an error/);
  assert.equal((await apiFeed()).failingSince, '2026-11-24T10:05:00Z');
  const listed = await runCli(['feeds', ...tp.args]);
  assert.match(listed.stdout, /error since 2026-11-24 10:05:00/, listed.stderr);
  const listedJson = JSON.parse((await runCli(['feeds', '--json', ...tp.args])).stdout) as Array<{ id: number; failingSince: string | null }>;
  assert.equal(listedJson.find((f) => f.id === feed.id)!.failingSince, '2026-11-24T10:05:00Z');

  publisher.set('/quay.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Quay', link: publisher.url('/'), items: [] }) });
  // The API's feed list is kept up to a minute when no article arrives (server/pageCache.ts).
  assert.equal((await refresh('2026-11-27T12:05:00Z')).status, 'ok');
  assert.equal((await tp.store.getFeed(feed.id))!.failingSince, null, 'a success ends the run');
  assert.doesNotMatch(await feedsPageHtml(), /failing|since/);
  assert.equal((await apiFeed()).failingSince, null);

  publisher.set('/quay.xml', { status: 500, body: 'down again' });
  await refresh('2026-11-27T13:30:00Z');
  assert.equal((await tp.store.getFeed(feed.id))!.failingSince, '2026-11-27T13:30:00Z', 'the next run begins anew');
});

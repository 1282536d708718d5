import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline } from './support/pipeline.js';
import { runCli } from './support/cli.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { recheckArticles } from '../src/ingest/recheckArticles.js';
import { nextRecheck, significantChange } from '../src/ingest/revisionPolicy.js';
import { parseRecheckSchedule } from '../src/model/recheckSchedule.js';
import { buildApp } from '../src/server/app.js';
import { signedIn } from './support/webSession.js';

const published = '2026-03-02T08:00:00Z';
const at = (minutes: number) => new Date(Date.parse(published) + minutes * 60_000);

test('re-checks thin out with age: 15 min, 1 h, 6 h, daily, never after a week', () => {
  const next = (ageMinutes: number) => {
    const d = nextRecheck(published, at(ageMinutes));
    return d ? (d.getTime() - at(ageMinutes).getTime()) / 60_000 : null;
  };
  assert.equal(next(10), 15);
  assert.equal(next(120), 60);
  assert.equal(next(12 * 60), 360);
  assert.equal(next(3 * 24 * 60), 1440);
  assert.equal(next(8 * 24 * 60), null);
  const custom = parseRecheckSchedule('5m<30m,2h<2d');
  assert.equal((nextRecheck(published, at(10), custom)!.getTime() - at(10).getTime()) / 60_000, 5);
  assert.equal(nextRecheck(published, at(3 * 24 * 60), custom), null);
  assert.throws(() => parseRecheckSchedule('often'), /EVERY<UNTIL/);
});

test('only significant changes make a revision', () => {
  const text = 'The ferry operator said on Monday that the winter timetable would start two weeks later than planned this year.\n\nRelated: Bridge closed';
  const v = { title: 'Ferry timetable delayed', text };
  assert.equal(significantChange(v, { ...v, text: text.replace(/ /g, '  ').replace('\n\n', '\n\n\n') }), false, 'whitespace');
  assert.equal(significantChange(v, { ...v, text: text.replace('Related: Bridge closed', 'Related: Storm warning issued') }), false, 'rotating related box');
  assert.equal(significantChange(v, { ...v, text: text.replace('two weeks', 'three weeks') }), true, 'a word in the story');
  assert.equal(significantChange(v, { ...v, title: 'Ferry timetable delayed again' }), true, 'the headline');
});

let server: PublisherServer;
before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

const story = (extra: string, related = 'Bridge closed for repairs') =>
  articlePage({
    title: 'Ferry timetable delayed',
    siteName: 'Harbour Times',
    published,
    bodyHtml: `<p>The ferry operator said on Monday that the winter timetable would start ${extra} than planned this year, citing crew shortages.</p><p>Passengers with season tickets will be offered refunds or an extension, a spokesperson for the operator told the Harbour Times on the quay.</p><p>Related: ${related}</p>`,
  });

test('a page re-check stores a revision for a real edit, moves Updated at, and stops after a week', async (t) => {
  let clock = at(5);
  const tp = await testPipeline({}, () => clock);
  t.after(() => tp.close());
  server.set('/ferry.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Harbour Times', link: server.url('/'), items: [{ title: 'Ferry timetable delayed', link: server.url('/ferry'), guid: 'ferry', pubDate: new Date(published).toUTCString() }] }) });
  server.set('/ferry', { body: story('two weeks later') });
  const { feed } = await subscribe(tp.p, server.url('/ferry.xml'));
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  const [item] = await tp.store.listArticles({ limit: 1 });
  const id = item!.id;

  clock = at(10);
  assert.equal((await recheckArticles(tp.p)).checked, 0, 'not due yet (15 minutes after first seen)');

  // trivial: spacing and the related box only
  clock = at(21);
  server.set('/ferry', { body: story('two  weeks later', 'Storm warning issued') });
  let r = await recheckArticles(tp.p);
  assert.deepEqual(r, { checked: 1, changed: 0, failed: 0 });
  assert.equal((await tp.store.listRevisions(id)).length, 1);

  // a real edit
  clock = at(40);
  server.set('/ferry', { body: story('three weeks later') });
  r = await recheckArticles(tp.p);
  assert.deepEqual(r, { checked: 1, changed: 1, failed: 0 });
  const revisions = await tp.store.listRevisions(id);
  assert.deepEqual(revisions.map((x) => x.reason), ['first', 'page_change']);
  assert.match(revisions[1]!.text, /three weeks later/);
  const [listed] = await tp.store.listArticles({ limit: 1 });
  assert.equal(listed!.updated, at(40).toISOString().replace('.000Z', 'Z'));
  assert.equal(listed!.published, published);

  // an unreachable page is tried again later, not dropped
  clock = at(120);
  server.set('/ferry', { status: 503, body: 'busy' });
  r = await recheckArticles(tp.p);
  assert.deepEqual(r, { checked: 1, changed: 0, failed: 1 });

  // after a week: one last look, then never again
  clock = at(8 * 24 * 60);
  server.set('/ferry', { body: story('three weeks later') });
  assert.equal((await recheckArticles(tp.p)).checked, 1);
  clock = at(30 * 24 * 60);
  assert.equal((await recheckArticles(tp.p)).checked, 0);

  // the reader sees it: CLI diff and show --revisions, and the web page
  const diff = await runCli(['diff', String(id), '--no-color', ...tp.args]);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /^revision 1 \(.*first\) → revision 2 \(.*page_change\): 1 word\(s\) removed, 1 added/);
  assert.match(diff.stdout, /start \[-two-\]\{\+three\+\} weeks later/);
  const list = await runCli(['show', String(id), '--revisions', ...tp.args]);
  assert.match(list.stdout, /^1 .* first .*\n2 .* page_change .*\(-1 \+1\)/);
  const one = await runCli(['diff', String(id), '1', ...tp.args]);
  assert.match(one.stdout, /first version; nothing to compare/);
  assert.equal((await runCli(['diff', String(id), '9', ...tp.args])).code, 1);

  const app = buildApp({ store: tp.store, config: tp.p.config, now: () => clock });
  const web = await signedIn(tp.store);
  const page = await app.inject({ method: 'GET', url: `/articles/${id}`, headers: { cookie: web.cookie } });
  assert.match(page.body, /<details class="changes"><summary>What changed on .*: 1 word\(s\) removed, 1 added \(revision 2 of 2\)<\/summary>/);
  assert.match(page.body, /<del>two<\/del><ins>three<\/ins>/);
  assert.match(page.body, /<span class="updated">Updated at<\/span>/);
  await app.close();
  void path;
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { articlePage, rssFeed } from './support/publisherServer.js';
import { waitFor } from './support/waitFor.js';
import { publishedPipeline } from './support/readerFixture.js';
import { testJobPolicies } from './support/jobEffects.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { completeArticlePage } from '../src/ingest/articlePage.js';
import { startJobRuntime } from '../src/cli/jobRuntime.js';

const { publisher: server, tp, close } = await publishedPipeline();
after(close);

const QUAY_TEXT = 'Work on the new quay began on Friday morning with two cranes and forty workers on site.';

test('a page that failed during a refresh is read again by a fetch-page job with back-off: once, without a second revision', async (t) => {
  const published = new Date(Date.now() - 3600_000).toUTCString();
  server.set('/g/feed.xml', {
    type: 'application/rss+xml',
    body: rssFeed({
      title: 'Harbour Times',
      link: server.url('/g/'),
      items: [
        { title: 'Quay works begin', link: server.url('/g/quay'), pubDate: published, description: '<p>The quay teaser.</p>' },
        { title: 'Ferry withdrawn', link: server.url('/g/ferry'), pubDate: published, description: '<p>The ferry teaser.</p>' },
      ],
    }),
  });
  // Down for the refresh and the job's first attempt, back for its retry.
  let quayRequests = 0;
  server.set('/g/quay', (_req, res) => {
    if (++quayRequests <= 2) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('try later');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(articlePage({ title: 'Quay works begin', siteName: 'Harbour Times', bodyHtml: `<p>${QUAY_TEXT}</p>` }));
  });
  // Never comes back: the job runs out of retries and the Feeds page says so.
  server.set('/g/ferry', { status: 502, body: 'down' });
  const { feed } = await subscribe(tp.p, server.url('/g/feed.xml'), { readers: [] });

  const config = { ...tp.p.config, jobs: { ...tp.p.config.jobs, pollSeconds: 0.5 } };
  const jobs = await startJobRuntime(tp.p, config, { scheduler: true, workers: true, concurrency: 2, tickMs: 100, policies: testJobPolicies });
  t.after(() => jobs.stop(1000));
  const article = async (title: string) => {
    const [item] = (await tp.store.listArticles({ limit: 5, feedId: feed.id })).filter((a) => a.title === title);
    return item ? tp.store.getArticle(item.id) : null;
  };
  await waitFor('the quay page to be read by its job', async () => (await article('Quay works begin'))?.extractStatus === 'ok');
  const quay = (await article('Quay works begin'))!;
  assert.equal(quay.text, QUAY_TEXT);
  assert.equal(quay.extractError, null);
  const [recheck] = await tp.query(`select next_recheck_at from article where id = ${quay.id}`);
  assert.ok(recheck!.next_recheck_at, 'the page is now re-checked for edits like any other');
  assert.equal(quayRequests, 3, 'the refresh, the failed attempt, the retry that succeeded');
  const revisions = await tp.store.listRevisions(quay.id);
  assert.equal(revisions.length, 1, 'the page text completes the article: the publisher changed nothing');
  assert.equal(revisions[0]!.text, QUAY_TEXT);

  await waitFor('the ferry page job to give up', async () => {
    const failures = await jobs.queue.feedFailures([feed.id]);
    return failures.some((f) => f.kind === 'fetch-page' && f.final);
  });
  const [failure] = await jobs.queue.feedFailures([feed.id]);
  assert.equal(failure!.code, 'http_error');
  assert.equal(failure!.attempt, 3);
  const ferry = (await article('Ferry withdrawn'))!;
  assert.equal(ferry.extractStatus, 'failed');
  assert.equal(ferry.text, 'The ferry teaser.');
  assert.equal(server.count('/g/ferry'), 4, 'the refresh and three attempts');

  // A retry after a crash (the job ran, its completion was lost): nothing is fetched or stored twice.
  assert.equal(await completeArticlePage(tp.p, quay.id), false);
  assert.equal(quayRequests, 3);
  assert.equal((await tp.store.listRevisions(quay.id)).length, 1);
  assert.equal((await article('Quay works begin'))!.text, QUAY_TEXT);
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rssFeed } from './support/publisherServer.js';
import { publishedPipeline } from './support/readerFixture.js';
import { inProcess } from './support/jobEffects.js';
import { waitFor } from './support/waitFor.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { startJobRuntime } from '../src/cli/jobRuntime.js';

const { publisher: server, tp, close } = await publishedPipeline();
after(close);

test('in-process queue: feeds claimed by a process that died are released at the next start, nothing else', async () => {
  for (const name of ['a', 'b', 'calm']) {
    server.set(`/r/${name}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: `Feed ${name}`, link: server.url('/r/'), items: [] }) });
  }
  const [a, b, calm] = await Promise.all(['a', 'b', 'calm'].map(async (n) => (await subscribe(tp.p, server.url(`/r/${n}.xml`), { readers: [] })).feed.id));
  // Refreshed already: its next check is its own, in the future, and must stay so.
  await refreshFeed(tp.p, (await tp.store.getFeed(calm))!);
  const calmNext = (await tp.store.getFeed(calm))!.nextCheckAt;
  const config = inProcess(tp.p.config);
  const fetchesBefore = { a: server.count('/r/a.xml'), calm: server.count('/r/calm.xml') };

  // A scheduler whose jobs die with it (no workers ran them): a and b are sent and claimed.
  // The default policies: a claim outlasts the refresh job's whole lifetime, about 51 minutes.
  const dying = await startJobRuntime(tp.p, config, { scheduler: true, workers: false, tickMs: 50 });
  try {
    await waitFor('a and b to be claimed', async () => {
      const next = await Promise.all([a, b].map(async (id) => (await tp.store.getFeed(id))!.nextCheckAt));
      return next.every((at) => at !== null && Date.parse(at) > Date.now() + 40 * 60_000);
    }, 10_000);
  } finally {
    await dying.stop(100);
  }
  assert.equal(server.count('/r/a.xml'), fetchesBefore.a, 'never refreshed: the jobs died with the process');

  const restarted = await startJobRuntime(tp.p, config, { scheduler: true, workers: true, concurrency: 2, tickMs: 50 });
  try {
    await waitFor('a and b to be refreshed after the restart', () => restarted.workers!.refreshed >= 2, 10_000);
  } finally {
    await restarted.stop(1000);
  }
  for (const id of [a, b]) assert.equal((await tp.store.getFeed(id))!.lastStatus, 'ok');
  assert.equal(server.count('/r/calm.xml'), fetchesBefore.calm, 'a feed with its own next check is not released');
  assert.equal((await tp.store.getFeed(calm))!.nextCheckAt, calmNext);
});

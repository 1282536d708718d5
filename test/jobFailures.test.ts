import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TidingsError } from '../src/model/errors.js';
import type { JobKind, JobPolicy, JobQueue } from '../src/jobs/jobQueue.js';
import { buildApp } from '../src/server/app.js';
import { waitFor } from './support/waitFor.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { storeJobQueue, testJobPolicies } from './support/jobEffects.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { SESSION_COOKIE } from '../src/server/auth.js';

const NOW = '2026-03-10T00:00:00Z';
let tp: TestPipeline;
let queue: JobQueue;
before(async () => {
  tp = await testPipeline();
});
after(async () => {
  await queue?.stop({ timeoutMs: 1000 });
  await tp.close();
});

/** A session for a reader who keeps their own subscriptions (webSession's signedIn follows every feed). */
async function sessionOf(userId: number): Promise<{ cookie: string }> {
  const token = newSecret();
  await tp.store.createSession({ userId, tokenHash: secretHash(token), csrfToken: newSecret(18), now: NOW, expiresAt: '2099-01-01T00:00:00Z' });
  return { cookie: `${SESSION_COOKIE}=${token}` };
}

async function addFeed(name: string): Promise<number> {
  const { feed } = await tp.store.addFeed({
    url: `https://${name}.example/feed.xml`, siteUrl: null, title: name, section: null, sourceName: name, sourceNameFrom: 'feed',
    sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now: NOW,
  });
  return feed.id;
}

test("the Feeds page shows the latest standing job failure of the reader's own feeds, and no one else's", async () => {
  const policies: Record<JobKind, JobPolicy> = {
    ...testJobPolicies,
    'refresh-feed': { retryLimit: 1, retryDelaySeconds: 1, expireInSeconds: 5 },
    // A retry an hour away: the failure stays "will retry" for the whole test.
    'renew-websub': { retryLimit: 1, retryDelaySeconds: 3600, expireInSeconds: 5 },
  };
  queue = storeJobQueue(tp.p.config, policies);
  await queue.start();
  const [broken, recovers, pushed, othersFeed] = [await addFeed('broken'), await addFeed('recovers'), await addFeed('pushed'), await addFeed('others')];
  const reader = await tp.store.createUser({ name: 'ada', passwordHash: 'x', isAdmin: false, now: NOW });
  const other = await tp.store.createUser({ name: 'bob', passwordHash: 'x', isAdmin: false, now: NOW });
  for (const feedId of [broken, recovers, pushed]) await tp.store.subscribeUser(reader.id, feedId, null, NOW);
  await tp.store.subscribeUser(other.id, othersFeed, null, NOW);

  const runs = new Map<number, number>();
  await queue.work('refresh-feed', { concurrency: 2 }, async ({ feedId }) => {
    runs.set(feedId, (runs.get(feedId) ?? 0) + 1);
    if (feedId === broken) throw new TidingsError('internal', 'database connection lost');
    if (feedId === othersFeed) throw new TidingsError('internal', 'secret of another reader');
    if (feedId === recovers && runs.get(feedId) === 1) throw new TidingsError('internal', 'first try failed');
  });
  await queue.work('renew-websub', { concurrency: 1 }, async () => {
    throw new TidingsError('network_error', 'hub unreachable');
  });
  for (const feedId of [broken, recovers, othersFeed]) await queue.send('refresh-feed', { feedId });
  await queue.send('renew-websub', { feedId: pushed });
  await waitFor('every job to settle', async () => {
    const kinds = (await queue.stats()).kinds;
    const refresh = kinds.find((k) => k.kind === 'refresh-feed');
    const renew = kinds.find((k) => k.kind === 'renew-websub');
    return refresh?.failed === 2 && refresh.completed === 1 && renew?.retrying === 1;
  });

  const mine = await queue.feedFailures([broken, recovers, pushed]);
  assert.deepEqual(mine.map((f) => f.feedId).sort(), [broken, pushed].sort(), 'the recovered feed has no standing failure');

  const app = buildApp({ store: tp.store, config: tp.p.config, jobs: queue, now: () => new Date() });
  const web = await sessionOf(reader.id);
  const page = await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: web.cookie } });
  await app.close();
  assert.equal(page.statusCode, 200);
  const row = (name: string) => page.body.split('<li>').find((r) => r.includes(`https://${name}.example/`)) ?? '';
  assert.match(row('broken'), /Job refresh-feed, attempt 2, <time datetime="[^"]+"[^>]*>[^<]+<\/time>: something went wrong on our side <small class="code">internal<\/small> database connection lost \(gave up\)/);
  assert.match(row('pushed'), /Job renew-websub, attempt 1, <time[^>]*>[^<]+<\/time>: the site could not be reached <small class="code">network_error<\/small> hub unreachable \(will retry\)/);
  assert.doesNotMatch(row('recovers'), /Job |first try failed/);
  assert.doesNotMatch(page.body, /secret of another reader/);
  assert.equal(page.body.match(/class="job-failure"/g)?.length, 2);
});

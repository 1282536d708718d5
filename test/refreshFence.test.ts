import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './support/stores.js';
import type { RefreshWrite } from '../src/store/store.js';

/**
 * A refresh's write lands after its fetch, sometimes long after (a job that expired while
 * slow and ran again elsewhere writes last). A feed made due between the fetch and the
 * write must stay due; it was seen as feeds that a refresh round never reached, their next
 * check set a day out by the late write of the round before.
 */
const T = (minute: number) => `2026-05-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

function write(feedId: number, fetchedAt: string, writtenAt: string): RefreshWrite {
  return { feedId, fetchedAt, writtenAt, status: 'not_modified', etag: null, lastModified: null, nextCheckAt: '2026-05-02T10:00:00.000Z', articles: [], links: [] };
}

test('a feed made due after a refresh fetched stays due when the refresh writes; otherwise the refresh sets the next check', async () => {
  const t = await openTestStore();
  try {
    const { feed } = await t.store.addFeed({ url: 'https://fence.example/feed.xml', siteUrl: null, title: 'Fence', section: null, sourceName: 'Fence', sourceNameFrom: 'user', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 3600, now: T(0) });
    const nextCheck = async () => new Date((await t.store.getFeed(feed.id))!.nextCheckAt!).toISOString();
    // Claimed by a scheduler until later than the write: the refresh's own next check wins.
    assert.deepEqual(await t.store.claimFeeds([feed.id], T(1), T(50)), [feed.id]);
    await t.store.saveRefresh(write(feed.id, T(2), T(3)));
    assert.equal(await nextCheck(), '2026-05-02T10:00:00.000Z');
    // Made due (a new round, "Refresh now") after the fetch at 10:05, before the write at 10:07.
    await t.store.claimFeeds([feed.id], '2026-05-03T00:00:00.000Z', T(6));
    await t.store.saveRefresh(write(feed.id, T(5), T(7)));
    assert.equal(await nextCheck(), T(6), 'still due from 10:06');
    // Due since before the fetch: this refresh answers it.
    await t.store.saveRefresh(write(feed.id, T(8), T(9)));
    assert.equal(await nextCheck(), '2026-05-02T10:00:00.000Z');
  } finally {
    await t.close();
  }
});

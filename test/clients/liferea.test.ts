import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readerFixture, FIXTURE_ITEMS } from '../support/readerFixture.js';
import { Liferea, lifereaMissing } from '../support/liferea.js';
import { until } from '../support/until.js';
import { parseItemId } from '../../src/server/greader/itemIds.js';

const missing = lifereaMissing();

test('Liferea (Google Reader API source): signs in, lists, downloads every item, and "next unread" marks one read on the server', { skip: missing ? `skipped: ${missing}` : false, timeout: 150_000 }, async () => {
  const f = await readerFixture();
  const liferea = new Liferea({ url: f.url, username: 'ada', password: f.ada.token });
  const contentsAsked = () => new Set(f.requests.filter((r) => r.url.startsWith('/reader/api/0/stream/items/contents') && r.status === 200).flatMap((r) => [(r.body as { i?: string | string[] } | undefined)?.i ?? []].flat()));
  try {
    await liferea.start();
    await until('Liferea to download every item', () => contentsAsked().size === FIXTURE_ITEMS.quay + FIXTURE_ITEMS.hill, 60_000);
    assert.ok(f.requests.some((r) => r.url === '/accounts/ClientLogin' && r.status === 200), 'signed in');
    assert.ok(f.requests.some((r) => r.url.startsWith('/reader/api/0/subscription/list') && r.status === 200), 'listed the subscriptions');
    assert.ok(f.requests.some((r) => r.url.startsWith('/reader/api/0/stream/items/contents') && !r.authorized), 'the contents came on the T field alone, as Liferea sends them');
    const bobs = await f.tp.store.listArticleRefs({ userId: f.bob.id, limit: 100 });
    assert.ok(![...contentsAsked()].some((i) => bobs.some((b) => b.id === parseItemId(i))), 'none of bob\'s items');
    await until('Liferea to count the unread items', () => liferea.unreadItems() === FIXTURE_ITEMS.quay + FIXTURE_ITEMS.hill, 30_000);

    assert.equal((await f.tp.store.countArticles({ userId: f.ada.id, read: true })), 0);
    liferea.nextUnread();
    await until('"next unread" to mark an item read on the server', async () => (await f.tp.store.countArticles({ userId: f.ada.id, read: true })) === 1, 30_000);
    const edit = f.requests.find((r) => r.url.startsWith('/reader/api/0/edit-tag'))!;
    assert.equal(edit.status, 200);
    assert.equal((edit.body as { a?: string }).a, 'user/-/state/com.google/read');
  } catch (err) {
    throw new Error(`${(err as Error).message}\nrequests:\n${f.requests.map((r) => `${r.status} ${r.method} ${r.url}`).join('\n')}\nliferea log:\n${liferea.log().slice(-3000)}`, { cause: err });
  } finally {
    await liferea.stop();
    await f.close();
  }
});

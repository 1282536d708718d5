import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './support/stores.js';

/**
 * The reader version is what the page cache trusts: on SQLite it is read again only when
 * the connection sees a write (its own, or another connection's commit), so both must move it.
 */
test('the reader version moves on this store\u2019s writes and on another connection\u2019s', async () => {
  const t = await openTestStore();
  try {
    const now = '2026-03-01T00:00:00Z';
    const user = await t.store.createUser({ name: 'versioned', passwordHash: 'x', isAdmin: false, now });
    const first = await t.store.readerVersion(user.id);
    assert.equal(await t.store.readerVersion(user.id), first, 'nothing written, nothing moved');

    await t.store.setFoldsStories(user.id, false);
    const own = await t.store.readerVersion(user.id);
    assert.notEqual(own, first, 'a write through this store');

    await t.query(`update "user" set state_version = state_version + 1 where id = ${user.id}`);
    const other = await t.store.readerVersion(user.id);
    assert.notEqual(other, own, 'a write by another connection');

    await t.query(`update "user" set state_version = state_version + 1 where id = ${user.id}`);
    assert.notEqual(await t.store.readerVersion(user.id), other, 'and the next one');
  } finally {
    await t.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openTestStore, storeTarget } from './support/stores.js';

/**
 * Reads held together (the server holds them while it answers requests) share a snapshot
 * within a turn on SQLite; writes and transactions of the store itself are never held back
 * by it, and another connection's commit is seen once the turn or the hold ends. On
 * PostgreSQL holding changes nothing: every read sees the latest commit.
 */
test('held reads share a snapshot within a turn, and never hold back a write', async () => {
  const t = await openTestStore();
  try {
    const now = '2026-03-01T00:00:00Z';
    const user = await t.store.createUser({ name: 'holder', passwordHash: 'x', isAdmin: false, now });
    const bump = () => t.query(`update "user" set state_version = state_version + 1 where id = ${user.id}`);
    const release = t.store.shareReads();
    const first = await t.store.readerVersion(user.id);
    await bump();
    const sameTurn = await t.store.readerVersion(user.id);
    if (storeTarget === 'sqlite') assert.equal(sameTurn, first, 'the snapshot of the turn');
    else assert.notEqual(sameTurn, first, 'PostgreSQL reads the latest');
    await nextTurn();
    const nextTurnVersion = await t.store.readerVersion(user.id);
    assert.notEqual(nextTurnVersion, first, 'the next turn sees the other connection');

    // A write after a held read: it ends the snapshot, so it neither waits nor fails on a
    // stale one, though another connection wrote after the snapshot was taken.
    await t.store.readerVersion(user.id);
    await bump();
    await t.store.setFoldsStories(user.id, false);
    assert.equal(await t.store.foldsStories(user.id), false, 'the write is read back at once');
    const afterWrite = await t.store.readerVersion(user.id);
    assert.notEqual(afterWrite, nextTurnVersion);

    // The store's own transactions run inside a hold as outside it.
    await t.store.readerVersion(user.id);
    const hash = 'a'.repeat(64);
    await t.store.createSession({ userId: user.id, tokenHash: hash, csrfToken: 'c', now, expiresAt: '2099-01-01T00:00:00Z' });
    await t.store.setPassword(user.id, 'y', null);
    assert.equal(await t.store.getSession(hash, now), null, 'the password change ended the session');

    release();
    release();
    await bump();
    assert.notEqual(await t.store.readerVersion(user.id), afterWrite, 'released: the latest at once');
  } finally {
    await t.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SESSION_TTL_MS, SessionCache } from '../src/store/sessionCache.js';
import type { Session } from '../src/model/article.js';

const NOW = '2026-03-01T00:00:00Z';
const session = (userId: number, flash?: string): Session => ({
  user: { id: userId, name: `u${userId}`, isAdmin: false, createdAt: NOW },
  csrfToken: 'c',
  expiresAt: '2026-04-01T00:00:00Z',
  ...(flash ? { flash } : {}),
});

/** A database stand-in: what it holds now, and how often it was asked. */
function table(rows: Record<string, Session | null>) {
  let reads = 0;
  return { rows, reads: () => reads, load: (hash: string) => async () => (reads++, rows[hash] ?? null) };
}

test('a session is read once, then kept until the TTL runs out (another process signed it out)', async () => {
  let clock = 0;
  const cache = new SessionCache(() => clock);
  const db = table({ a: session(1) });
  assert.equal((await cache.read('a', NOW, db.load('a')))?.user.id, 1);
  assert.equal((await cache.read('a', NOW, db.load('a')))?.user.id, 1);
  assert.equal(db.reads(), 1);
  db.rows.a = null;
  clock += SESSION_TTL_MS - 1;
  assert.ok(await cache.read('a', NOW, db.load('a')), 'within the TTL, a change elsewhere is not yet seen');
  clock += 2;
  assert.equal(await cache.read('a', NOW, db.load('a')), null);
  assert.equal(await cache.read('a', NOW, db.load('a')), null, 'no session is no entry');
  assert.equal(db.reads(), 3);
});

test('an expired session is never answered from the cache', async () => {
  const cache = new SessionCache(() => 0);
  const db = table({ a: session(1) });
  await cache.read('a', NOW, db.load('a'));
  db.rows.a = null;
  assert.equal(await cache.read('a', '2026-04-01T00:00:00Z', db.load('a')), null);
});

test('this process\u2019s own changes apply at once: sign-out, a new password, a flash message', async () => {
  const cache = new SessionCache(() => 0);
  const db = table({ a: session(1), b: session(1), c: session(2) });
  for (const h of ['a', 'b', 'c']) await cache.read(h, NOW, db.load(h));
  cache.setFlash('a', '{"kind":"ok","message":"Saved"}');
  assert.equal((await cache.read('a', NOW, db.load('a')))?.flash, '{"kind":"ok","message":"Saved"}');
  cache.setFlash('a', null);
  assert.equal((await cache.read('a', NOW, db.load('a')))?.flash, undefined);
  db.rows.b = null;
  cache.forgetUser(1, 'a');
  assert.equal(await cache.read('b', NOW, db.load('b')), null);
  assert.ok(await cache.read('a', NOW, db.load('a')), 'the session that set the password stays');
  db.rows.c = null;
  cache.forget('c');
  assert.equal(await cache.read('c', NOW, db.load('c')), null);
});

test('a read that began before a sign-out does not keep what it read', async () => {
  const cache = new SessionCache(() => 0);
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const slow = cache.read('a', NOW, async () => (await gate, session(1)));
  cache.forget('a');
  release();
  assert.ok(await slow, 'that request saw the session as it was');
  let reads = 0;
  assert.equal(await cache.read('a', NOW, async () => (reads++, null)), null);
  assert.equal(reads, 1, 'the next one asks the database');
});

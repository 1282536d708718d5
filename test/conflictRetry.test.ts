import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryingConflicts } from '../src/store/conflictRetry.js';

/** The store's retry of writes PostgreSQL aborted for a conflict (deadlock 40P01, serialization 40001). */
const failing = (codes: Array<string | undefined>) => {
  let runs = 0;
  const run = async () => {
    const code = codes[runs++];
    if (runs <= codes.length) throw Object.assign(new Error(`run ${runs}`), { code });
    return runs;
  };
  return { run, runs: () => runs };
};

test('a write aborted by a deadlock or a serialization failure is run again', async () => {
  const w = failing(['40P01', '40001']);
  assert.equal(await retryingConflicts('test', w.run), 3);
});

test('any other error is thrown at once', async () => {
  const w = failing(['23505']);
  await assert.rejects(retryingConflicts('test', w.run), /run 1/);
  assert.equal(w.runs(), 1);
});

test('a write that keeps losing ends in its error after a few runs', async () => {
  const w = failing(Array(10).fill('40P01'));
  await assert.rejects(retryingConflicts('test', w.run), /run 4/);
  assert.equal(w.runs(), 4);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruMap } from '../src/model/lruMap.js';

const keys = (m: LruMap<string, number>) => [...m.entries()].map(([k]) => k);

test('a full map drops the least recently used entry, and get counts as use', () => {
  const m = new LruMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  assert.equal(m.get('a'), 1);
  m.set('c', 3);
  assert.deepEqual(keys(m), ['a', 'c'], 'b was the least recently used');
  assert.equal(m.get('b'), undefined);
  assert.equal(m.size, 2);
});

test('peek reads without changing which entry leaves next', () => {
  const m = new LruMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  assert.equal(m.peek('a'), 1);
  m.set('c', 3);
  assert.deepEqual(keys(m), ['b', 'c'], 'a was still the oldest');
});

test('setting a kept key replaces its value and makes it the newest', () => {
  const m = new LruMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  m.set('a', 10);
  m.set('c', 3);
  assert.deepEqual([...m.entries()], [['a', 10], ['c', 3]]);
});

test('entries can be deleted while visited', () => {
  const m = new LruMap<string, number>(5);
  for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) m.set(k, i);
  for (const [k, v] of m.entries()) if (v % 2 === 0) m.delete(k);
  assert.deepEqual(keys(m), ['b', 'd']);
  assert.equal(m.delete('zz'), false);
});

test('a map must hold at least one entry', () => {
  assert.throws(() => new LruMap(0), RangeError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIso } from '../src/text/dates.js';

/** What formatIso must write: Date's own ISO form to the second (Date truncates a fraction of a millisecond). */
function byDate(ms: number): string {
  return new Date(Math.floor(Math.trunc(ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

test('formatIso writes the calendar as Date does: leap days, century years, both sides of 1970', () => {
  const times: number[] = [];
  for (const y of [1000, 1582, 1600, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2100, 2400, 9999]) {
    for (let day = 0; day < 367; day += 1) times.push(Date.UTC(y, 0, 1) + day * 86_400_000 + ((day * 7919) % 86_400) * 1000);
  }
  // Fractions of a millisecond and the last millisecond of a second, before and after 1970.
  times.push(-1, -0.5, 0.5, 999, 1000, -1000.25, -3_608_892_469_000.066, 1_743_110_107_999.9);
  for (const ms of times) assert.equal(formatIso(ms), byDate(ms), String(ms));
});

test('formatIso outside the four-digit years keeps the expanded ISO form', () => {
  assert.equal(formatIso(Date.UTC(999, 11, 31, 23, 59, 59)), byDate(Date.UTC(999, 11, 31, 23, 59, 59)));
  assert.equal(formatIso(Date.UTC(10000, 0, 1)), '+010000-01-01T00:00:00Z');
  assert.equal(formatIso(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), '9999-12-31T23:59:59Z');
});

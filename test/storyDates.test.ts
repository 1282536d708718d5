import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datesOf } from '../src/stories/dates.js';

test('dates: years and month–year pairs a text names, counted', () => {
  const v = datesOf('WASHINGTON, April 28, 2009 — The rule, passed in January 2009, goes. It was first proposed in 2008.');
  assert.deepEqual(Object.fromEntries([...v].sort()), { 'm2009-01': 1, 'm2009-04': 1, y2008: 1, y2009: 2 });
});

test('dates: capitals, abbreviations and day-first dates give the month; lower-case "may" is a verb', () => {
  assert.deepEqual([...datesOf('WEDNESDAY, MARCH 4, 2009').keys()].sort(), ['m2009-03', 'y2009']);
  assert.deepEqual([...datesOf('Tuesday 28 Sept. 2010').keys()].sort(), ['m2010-09', 'y2010']);
  assert.deepEqual([...datesOf('it may rain in 2012').keys()], ['y2012']);
  assert.deepEqual([...datesOf('Marrakech 2012').keys()], ['y2012'], 'a word that only starts like a month is not one');
});

test('dates: a month too far from the year, numbers that are not years, no dates at all', () => {
  assert.deepEqual([...datesOf('In March the council met, and by then in 2011 …').keys()], ['y2011']);
  assert.deepEqual([...datesOf('It cost 12,2010 dollars; 20100 people; 2009.5 units; 1850 and 2150 too').keys()], []);
  assert.equal(datesOf('').size, 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { incidentOf } from '../src/stories/incident.js';
import { createStoryState, DEFAULT_STORY_OPTIONS, placeArticle, storyOf, type StoryArticle } from '../src/stories/storyState.js';

const terms = (text: string, published: number | null = null) => Object.fromEntries([...incidentOf(text, published)].sort());

test('incident: dates, weekdays and ages a text names, counted', () => {
  assert.deepEqual(terms('Jackson, 25, was arrested early Tuesday. The 25-year-old was freed on Tuesday, March 3, 2009.'), {
    'age=25': 2,
    'm=2009-03': 1,
    'wd=tuesday': 2,
    'y=2009': 1,
  });
  assert.deepEqual(terms('a 7-year old girl and a 61 year-old man'), { 'age=61': 1, 'age=7': 1 });
});

test('incident: a weekday is resolved to the last such day on or before the publication time', () => {
  const wednesday = Date.parse('2009-03-04T10:53:00Z');
  assert.deepEqual(terms('Obama announced the plans Tuesday and signs them Wednesday.', wednesday), { 'd=2009-03-03': 1, 'd=2009-03-04': 1 });
  const sunday = Date.parse('2009-02-01T23:00:00Z');
  assert.deepEqual(terms('Williams was pulled over early Sunday; the team met on Friday.', sunday), { 'd=2009-01-30': 1, 'd=2009-02-01': 1 });
});

test('incident: no terms in a text without any, and hostile input is read only up to its cap', () => {
  assert.equal(incidentOf('', null).size, 0);
  assert.equal(incidentOf('The council met and talked at length about the budget.', null).size, 0);
  const long = `${'word '.repeat(10_000)} on Tuesday`;
  assert.equal(incidentOf(long, null).size, 0, 'a weekday past the first 20,000 characters is not read');
});

const ARREST = [
  'Chargers receiver {name} was arrested on suspicion of drunken driving early {day} in San Diego, the California Highway Patrol said. ' +
    'The {age}-year-old was pulled over for speeding on a freeway and failed a field sobriety test.',
  'Police stopped San Diego Chargers player {name} on a freeway early {day} and arrested him on suspicion of driving under the influence. ' +
    'The {age}-year-old gave a blood sample and was booked into jail, the team said.',
];

function arrest(id: string, name: string, day: string, age: number, text: 0 | 1): StoryArticle {
  return { id, title: `Chargers player ${name} arrested on suspicion of DUI`, text: ARREST[text]!.replace('{name}', name).replace('{day}', day).replace('{age}', String(age)) };
}

test('incident: two arrests of one kind told apart by their day and age, one arrest told twice kept together', () => {
  const list = [arrest('a1', 'Jackson', 'Tuesday', 25, 0), arrest('b1', 'Williams', 'Sunday', 32, 1), arrest('a2', 'Jackson', 'Tuesday', 25, 1)];
  const stories = (whenShare: number) => {
    const state = createStoryState({ whenShare });
    for (const a of list) placeArticle(state, a);
    return list.map((a) => storyOf(state, a.id));
  };
  assert.deepEqual(stories(DEFAULT_STORY_OPTIONS.whenShare), ['a1', 'b1', 'a1']);
  assert.deepEqual(stories(0), ['a1', 'a1', 'a1'], 'without the incident terms the second arrest joins the first');
});

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
  assert.deepEqual(terms('Obama announced the plans Tuesday and signs them Wednesday.', wednesday), { '~d=2009-03-03': 1, '~d=2009-03-04': 1 });
  const sunday = Date.parse('2009-02-01T23:00:00Z');
  assert.deepEqual(terms('Williams was pulled over early Sunday; the team met on Friday.', sunday), { '~d=2009-01-30': 1, '~d=2009-02-01': 1 });
});

test('incident: no terms in a text without any, and hostile input is read only up to its cap', () => {
  assert.equal(incidentOf('', null).size, 0);
  assert.equal(incidentOf('The council met and talked at length about the budget.', null).size, 0);
  const long = `${'word '.repeat(10_000)} on Tuesday`;
  assert.equal(incidentOf(long, null).size, 0, 'a weekday past the first 20,000 characters is not read');
});

/** The story of each article of `list` placed in order, with the incident terms given `whenShare`. */
function storiesOf(list: StoryArticle[], whenShare: number): (string | null)[] {
  const state = createStoryState({ whenShare });
  for (const a of list) placeArticle(state, a);
  return list.map((a) => storyOf(state, a.id));
}

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
  assert.deepEqual(storiesOf(list, DEFAULT_STORY_OPTIONS.whenShare), ['a1', 'b1', 'a1']);
  assert.deepEqual(storiesOf(list, 0), ['a1', 'a1', 'a1'], 'without the incident terms the second arrest joins the first');
});

const FIRE = [
  'A fire gutted the {shop} supermarket on the High Street in {town} late on {day}, and fifty firefighters fought the blaze through the night. ' +
    'Residents living near the store were moved from their homes while crews tackled the flames on the roof. ' +
    'Police said the fire was being treated as suspicious and asked witnesses to come forward. A {age}-year-old man was later arrested.',
  'Fifty firefighters were called to the {shop} store in {town} on {day} night after flames broke out on its roof. ' +
    'The supermarket was destroyed and neighbours spent the night in a community hall. ' +
    'A {age}-year-old man has been arrested on suspicion of arson, police said.',
];

function fire(id: string, town: string, day: string, age: number, text: 0 | 1): StoryArticle {
  const body = FIRE[text]!.replace('{shop}', 'Greenway').replace('{town}', town).replace('{day}', day).replace('{age}', String(age));
  return { id, title: `Fire destroys Greenway store in ${town}`, text: body };
}

test('incident: an article close in words to another fire goes past that neighbour when its day and ages differ', () => {
  // b1 shares most of a1's words (one template): its nearest neighbour, close enough for
  // the shortcut on words alone; a2 is a1's fire told in other words.
  const list = [fire('a1', 'Banstead', 'Friday', 31, 0), fire('b1', 'Wellington', 'Sunday', 24, 0), fire('a2', 'Banstead', 'Friday', 31, 1)];
  assert.deepEqual(storiesOf(list, DEFAULT_STORY_OPTIONS.whenShare), ['a1', 'b1', 'a1']);
  assert.deepEqual(storiesOf(list, 0), ['a1', 'a1', 'a1'], 'on words alone the second fire joins its neighbour');
});

const SATURDAY = Date.parse('2026-11-21T09:30:00Z');

function friday(id: string, title: string, text: string): StoryArticle {
  return { id, title, text, published: new Date(SATURDAY).toISOString() };
}

test('incident: three unrelated events reported "on Friday" the next day stay three stories', () => {
  // Each names the one Friday resolved from its publication time: agreement every event
  // of that day shares, so it must not join them; the quake told twice still joins.
  const list = [
    friday('q1', 'Earthquake kills dozens in Kessin province', 'An earthquake struck Kessin province on Friday, killing at least 40 people and ' +
      'destroying hundreds of homes, officials said. Rescue teams searched the rubble through the night.'),
    friday('b1', 'Port Halden bridge closed after cracks found', 'Engineers closed the main bridge in Port Halden on Friday after inspectors ' +
      'found cracks in two of its steel supports, the city council said. Ferries will carry commuters.'),
    friday('r1', 'Norland central bank raises interest rates', 'The Norland central bank raised its main interest rate by half a point on ' +
      'Friday, saying inflation had stayed too high for too long, the bank said in a statement.'),
    friday('q2', 'Dozens dead as earthquake hits Kessin', 'At least 40 people were killed when an earthquake hit Kessin province on Friday, ' +
      'officials said, as rescue teams dug through the rubble of hundreds of destroyed homes.'),
  ];
  assert.deepEqual(storiesOf(list, DEFAULT_STORY_OPTIONS.whenShare), ['q1', 'b1', 'r1', 'q1']);
});

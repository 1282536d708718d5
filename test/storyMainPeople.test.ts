import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mainPeopleOf } from '../src/stories/mainPeople.js';
import { createStoryState, placeArticle, storyOf, type StoryArticle } from '../src/stories/storyState.js';

const names = (text: string, limit = 3) => mainPeopleOf(text, limit).map((m) => `${m.name}:${m.count}`);

test('main people: named in full, then by surname alone, most named first', () => {
  const text =
    'Former FBI official Mark Felt died on Thursday at his home in Santa Rosa. Felt was 95. ' +
    'His daughter Joan Felt said he had been tired. Bob Woodward called Felt a hero; Woodward met him in a garage.';
  assert.deepEqual(names(text), ['felt:4', 'woodward:2']);
  assert.deepEqual(names(text, 1), ['felt:4']);
});

test('main people: a name never used alone, titles, calendar and stop words are no one', () => {
  assert.deepEqual(names('High Street was closed; the High Street shops reopen.'), [], 'never alone: a place, not someone');
  assert.deepEqual(names('Fred LaRue died on a trip to the coast. Mr. LaRue was 75, and Mr LaRue’s family said he had been ill. LaRue worked for the president.'), ['larue:4']);
  assert.deepEqual(names('On Tuesday the board met. Tuesday was cold. It rained, Microsoft It said.'), []);
  assert.deepEqual(names('Fire At The Waitrose Store In Wellington Town\nWellington had a fire.'), [], 'Title Case lines are skipped');
  assert.deepEqual(names(''), []);
});

const SACKING = [
  'The Riverside Hawks fired head coach {first} {last} on Monday after a losing start to the season, the club said. ' +
    '{last} had led the club for three seasons. General manager Tom Brandt said the team needed a new voice. ' +
    'Assistant coach Leo Park will take over for the rest of the season. {last} could not be reached for comment.',
  'Head coach {first} {last} was fired by the Riverside Hawks, days after another heavy defeat at home. ' +
    'Brandt, the general manager, thanked {last} for his work. {last} leaves with a losing record. ' +
    'Park, his assistant, becomes interim coach while the club searches for a replacement.',
];

function sacking(id: string, first: string, last: string, text: 0 | 1): StoryArticle {
  return { id, title: `Riverside Hawks fire coach ${last}`, text: SACKING[text]!.replaceAll('{first}', first).replaceAll('{last}', last) };
}

test('main people: two sackings of one kind told apart by who was sacked, one sacking told twice kept together', () => {
  const list = [sacking('a1', 'Dan', 'Pruitt', 0), sacking('b1', 'Lee', 'Carver', 1), sacking('a2', 'Dan', 'Pruitt', 1)];
  const stories = (incidentPeople: number) => {
    const state = createStoryState({ incidentPeople, whenShare: 0.4 });
    for (const a of list) placeArticle(state, a);
    return list.map((a) => storyOf(state, a.id));
  };
  assert.deepEqual(stories(2), ['a1', 'b1', 'a1']);
  assert.deepEqual(stories(0), ['a1', 'a1', 'a1'], 'without the main people the second sacking joins the first');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyIndex, estimatedJaccard, signatureOf } from '../src/stories/minhash.js';
import { createStoryState, placeArticle, storyOf, mergePass, splitPass, type StoryArticle } from '../src/stories/storyState.js';
import { extractFigures } from '../src/stories/figures.js';
import { canonicalNames, extractEntities } from '../src/stories/entities.js';
import { htmlToText } from '../src/stories/plainText.js';
import { NeighbourIndex } from '../src/stories/neighbourIndex.js';
import { packVector, ScoringTable } from '../src/stories/packedVectors.js';
import { dot } from '../src/stories/vectors.js';

const WIRE =
  'SEOUL (AP) — North Korea has sent at least 3,000 more soldiers to Russia this year, South Korea’s military said on Tuesday, ' +
  'adding that the troops were being trained for front-line duty near the border. The deployment follows a visit by officials from Moscow ' +
  'to Pyongyang last month, during which the two governments signed a mutual defence treaty that commits each to aid the other.';
const QUAKE =
  'An earthquake of magnitude 6.8 struck central Morocco late on Friday, destroying villages in the Atlas mountains and damaging old buildings ' +
  'in Marrakech. Rescue teams from Spain and Qatar arrived on Sunday as the government declared three days of national mourning.';
const PHONE =
  'Apple unveiled a thinner iPhone at its Cupertino campus on Tuesday, with a faster chip, a titanium frame and a price that starts at 999 dollars. ' +
  'Analysts said the launch was unlikely to lift sales in China, where local rivals have been gaining ground.';

test('MinHash: identical texts estimate 1, a light edit stays a copy, different stories do not', () => {
  const a = signatureOf(WIRE)!;
  assert.equal(estimatedJaccard(a, signatureOf(WIRE)!), 1);
  const edited = WIRE.replace('SEOUL (AP) — ', 'SEOUL — ').replace('last month', 'in May');
  assert.ok(estimatedJaccard(a, signatureOf(edited)!) >= 0.8, 'a light edit keeps most shingles');
  assert.ok(estimatedJaccard(a, signatureOf(QUAKE)!) < 0.1);
  assert.equal(signatureOf('  '), null);
});

test('LSH copy index: a copy finds the first article of its group, other stories find nothing', () => {
  const index = new CopyIndex(0.8, 3600_000);
  index.add('ap', signatureOf(WIRE)!, 0);
  assert.deepEqual(index.findOriginal(signatureOf(WIRE)!, 10)?.id, 'ap');
  assert.equal(index.findOriginal(signatureOf(QUAKE)!, 10), null);
  assert.equal(index.findOriginal(signatureOf(WIRE)!, 3600_001), null, 'outside the window the original is forgotten');
});

function articles(): StoryArticle[] {
  const t0 = Date.parse('2026-03-01T08:00:00Z');
  return [
    { id: 'ap-1', title: 'North Korea sends 3,000 more soldiers to Russia', text: WIRE, published: t0, source: 'AP' },
    { id: 'quake-1', title: 'Earthquake in Morocco destroys Atlas villages', text: QUAKE, published: t0 + 60_000, source: 'Reuters' },
    { id: 'abc-1', title: 'North Korea sends 3,000 more soldiers to Russia', text: WIRE, published: t0 + 120_000, source: 'ABC' },
    { id: 'phone-1', title: 'Apple unveils thinner iPhone', text: PHONE, published: t0 + 180_000, source: 'Verge' },
    {
      id: 'own-1',
      title: 'Seoul says North Korean troops head to Russia',
      text: 'South Korea’s military said North Korea sent about 3,000 more soldiers to Russia, where the troops train for front-line duty. Pyongyang and Moscow signed a defence treaty last month.',
      published: t0 + 240_000,
      source: 'BBC',
    },
    { id: 'quake-2', title: 'Morocco earthquake: rescue teams reach Atlas villages', text: `${QUAKE.slice(0, 120)} Villages in the Atlas mountains remain cut off after the earthquake in Morocco.`, published: t0 + 300_000, source: 'Guardian' },
  ];
}

function cluster(list: StoryArticle[]): { id: string; story: string; copyOf?: string }[] {
  const state = createStoryState();
  const placed = list.map((a) => placeArticle(state, a));
  mergePass(state);
  return placed.map((p) => ({ id: p.id, story: storyOf(state, p.id)!, ...(p.copyOf ? { copyOf: p.copyOf } : {}) }));
}

test('stories: copies fold into the original, each event is one story, the same input gives the same ids', () => {
  const first = cluster(articles());
  const by = Object.fromEntries(first.map((p) => [p.id, p]));
  assert.equal(by['abc-1']!.copyOf, 'ap-1');
  assert.equal(by['abc-1']!.story, 'ap-1');
  assert.equal(by['own-1']!.story, 'ap-1', 'an outlet’s own take on the event joins the story');
  assert.equal(by['quake-2']!.story, 'quake-1');
  assert.equal(by['phone-1']!.story, 'phone-1', 'a different event is a story of its own');
  assert.equal(new Set(first.map((p) => p.story)).size, 3);
  assert.deepEqual(cluster(articles()), first, 'a rebuild replays the same calls and gets the same stories');
});

test('activity window: a story quiet for longer than the window is closed, the next article opens a new one', () => {
  const [a] = articles();
  const later = { ...a!, id: 'ap-2', text: `${WIRE} More troops followed.`, published: (a!.published as number) + 3 * 24 * 3600_000 };
  const state = createStoryState({ windowMs: 48 * 3600_000 });
  placeArticle(state, a!);
  const p = placeArticle(state, later);
  assert.equal(p.story, 'ap-2');
  assert.equal(p.copyOf, undefined);
  const near = createStoryState({ windowMs: 7 * 24 * 3600_000 });
  placeArticle(near, a!);
  assert.equal(placeArticle(near, later).story, 'ap-1');
});

const QUAKE_WORDS = 'earthquake Morocco Atlas villages rescue Marrakech magnitude rubble mourning tremor aftershock collapsed'.split(' ');
const PHONE_WORDS = 'Apple iPhone Cupertino chip titanium price launch analysts Samsung sales camera battery'.split(' ');

/** Eight texts on one event, each a different slice of its words plus one word both events share. */
function event(prefix: string, words: string[], t0: number): StoryArticle[] {
  return Array.from({ length: 8 }, (_, i) => {
    const some = words.filter((_, k) => (k + i) % 3 !== 0);
    return { id: `${prefix}-${i + 1}`, title: `${some.slice(0, 4).join(' ')} government`, text: `The government spoke. ${some.join(' ')}.`, published: t0 + i * 60_000 };
  });
}

function forcedTogether(): { state: ReturnType<typeof createStoryState>; list: StoryArticle[] } {
  const t0 = Date.parse('2026-03-01T08:00:00Z');
  // A join threshold near zero lets the shared word glue both events into one story.
  const state = createStoryState({ joinThreshold: 0.001, joinThresholdShort: 0.001, mergeEvery: 1000 });
  const quake = event('quake', QUAKE_WORDS, t0);
  const phone = event('phone', PHONE_WORDS, t0);
  const list = quake.flatMap((q, i) => [q, phone[i]!]);
  for (const a of list) placeArticle(state, a);
  return { state, list };
}

test('split pass: a story holding two events is cut in two, the first article keeps the id, deterministically', () => {
  const { state, list } = forcedTogether();
  assert.equal(new Set(list.map((a) => storyOf(state, a.id))).size, 1, 'the low threshold glued both events together');
  const splits = splitPass(state);
  assert.equal(splits.length, 1);
  assert.deepEqual({ from: splits[0]!.from, into: splits[0]!.into }, { from: 'quake-1', into: 'phone-1' });
  assert.deepEqual(splits[0]!.articles, list.filter((a) => a.id.startsWith('phone')).map((a) => a.id));
  for (const a of list) assert.equal(storyOf(state, a.id), a.id.startsWith('quake') ? 'quake-1' : 'phone-1');
  assert.deepEqual(mergePass(state), [], 'the merge pass does not glue the parts back');
  assert.deepEqual(splitPass(state), [], 'a story is checked again only once it grew');
  const again = forcedTogether();
  assert.deepEqual(splitPass(again.state), splits, 'the same input gives the same split');
});

test('split pass: a story on one event stays whole; the periodic pass reports what it changed', () => {
  const t0 = Date.parse('2026-03-01T08:00:00Z');
  const state = createStoryState({ mergeEvery: 8 });
  const placed = event('quake', QUAKE_WORDS, t0).map((a) => placeArticle(state, a));
  assert.equal(new Set(placed.map((p) => storyOf(state, p.id))).size, 1);
  assert.deepEqual(placed[7]!.regrouped, { merges: [], splits: [] }, 'the eighth placement ran the pass and changed nothing');
  assert.equal(placed[6]!.regrouped, undefined);
  const forced = createStoryState({ joinThreshold: 0.001, joinThresholdShort: 0.001, mergeEvery: 16 });
  const quake = event('quake', QUAKE_WORDS, t0);
  const phone = event('phone', PHONE_WORDS, t0);
  const last = quake.flatMap((q, i) => [q, phone[i]!]).map((a) => placeArticle(forced, a)).at(-1)!;
  assert.equal(last.regrouped?.splits[0]?.into, 'phone-1');
  assert.equal(last.story, 'phone-1', 'the placement answers with the story after the pass');
});

const QUAKE_NEWS = 'An earthquake of magnitude 6.8 struck central Morocco late on Friday, destroying villages in the Atlas mountains and damaging old buildings in Marrakech.';
const QUAKE_RESCUE = 'Rescue teams from Spain and Qatar arrived on Sunday with dogs and tents as the government declared three days of national mourning for the dead.';

/** A rescue report placed before the event's story holds any rescue words, then three texts with both. */
function lateJoiner(mergeSmall: number): { before: string; after: string; merges: { from: string; into: string }[] } {
  const t0 = Date.parse('2026-03-01T08:00:00Z');
  const list: StoryArticle[] = [
    { id: 'quake-1', title: 'Earthquake strikes Morocco', text: QUAKE_NEWS, published: t0 },
    { id: 'rescue', title: 'Rescue teams arrive from Spain and Qatar', text: QUAKE_RESCUE, published: t0 + 60_000 },
    ...[2, 3, 4].map((i) => ({ id: `quake-${i}`, title: 'Earthquake in Morocco: rescuers arrive', text: `${QUAKE_NEWS} ${QUAKE_RESCUE}`, published: t0 + i * 60_000 })),
  ];
  // A merge threshold no two stories reach: only the small-story rule can merge them.
  const state = createStoryState({ mergeSmall, mergeThreshold: 0.99, mergeEvery: 1000 });
  for (const a of list) placeArticle(state, a);
  const before = storyOf(state, 'rescue')!;
  const merges = mergePass(state);
  return { before, after: storyOf(state, 'rescue')!, merges };
}

test('merge pass: a story of a few articles joins the story that grew toward it, with the join threshold', () => {
  const small = lateJoiner(3);
  assert.equal(small.before, 'rescue', 'placed first, the rescue report was too far from the story of one article');
  assert.equal(small.after, 'quake-1');
  assert.deepEqual(small.merges, [{ from: 'rescue', into: 'quake-1' }]);
  const off = lateJoiner(0);
  assert.equal(off.after, 'rescue', 'without the rule it needs the merge threshold');
  assert.deepEqual(off.merges, []);
});

test('merge pass: the same second chance for headlines, with the headline join threshold', () => {
  const t0 = Date.parse('2026-03-01T08:00:00Z');
  const list: StoryArticle[] = [
    { id: 'quake-1', title: 'Earthquake destroys villages in Morocco', published: t0 },
    { id: 'rescue', title: 'Rescue teams from Spain and Qatar arrive', published: t0 + 60_000 },
    ...[2, 3, 4].map((i) => ({ id: `quake-${i}`, title: 'Earthquake destroys villages in Morocco, rescue teams from Spain arrive', published: t0 + i * 60_000 })),
  ];
  const after = (mergeSmall: number) => {
    const state = createStoryState({ mergeSmall, mergeThresholdShort: 0.99, joinThresholdShort: 0.3, mergeEvery: 1000 });
    const placed = list.map((a) => placeArticle(state, a));
    assert.equal(placed[1]!.story, 'rescue');
    mergePass(state);
    return storyOf(state, 'rescue');
  };
  assert.equal(after(3), 'quake-1');
  assert.equal(after(0), 'rescue');
});

test('figures: qualifiers, ranges, money and percentages, with what they count', () => {
  const figs = extractFigures(
    'North Korea sent at least 3,000 more soldiers. About 400 were killed and more than 3,600 injured. ' +
      'The fund holds $2.5 billion, up 4.5% from last year. Between 20 and 30 people were rescued, and 1,000-2,000 fled. ' +
      'On May 3, 2013 at 10:30 the F-16 landed.',
  );
  const simple = figs.map((f) => [f.value, f.unit, f.qualifier]);
  assert.deepEqual(simple, [
    [3000, 'soldiers', 'at least'],
    [400, null, 'about'],
    [3600, 'injured', 'more than'],
    [2.5e9, 'USD', null],
    [4.5, 'percent', null],
    [[20, 30], 'people', null],
    [[1000, 2000], 'fled', null],
  ]);
  assert.equal(figs[0]!.text, 'at least 3,000 more soldiers');
  assert.equal(figs[3]!.sentence, 'The fund holds $2.5 billion, up 4.5% from last year.');
});

test('figures: attribution in the sentence or the one before', () => {
  const figs = extractFigures(
    'At least 3,000 soldiers crossed, according to South Korea’s military. ' +
      'About 400 were killed, South Korean intelligence said. ' +
      'The police reported 12 arrests. ' +
      'Officials estimated the damage at $40 million. ' +
      'Analysts at the bank spoke on Monday. The index fell 3 percent. ' +
      'Nobody commented. Prices rose 2 percent.',
  );
  assert.deepEqual(
    figs.map((f) => f.attribution),
    ['South Korea’s military', 'South Korean intelligence', 'The police', 'Officials', null, null],
  );
  const [before] = extractFigures('The Pentagon said on Monday that the plan was final. It said some 500 troops will leave.');
  assert.equal(before!.attribution, 'The Pentagon', 'a pronoun source is the named source of the sentence before');
  assert.equal(before!.qualifier, 'about');
  const [background] = extractFigures('The Pentagon said on Monday that the plan was final. The base houses 500 troops.');
  assert.equal(background!.attribution, null, 'a sentence without a source is not attributed');
  const [apposition] = extractFigures('The governor of the province, Ann Smith, told state television that 30 people were hurt.');
  assert.equal(apposition!.attribution, 'Ann Smith');
  const [range] = extractFigures('HP will pay $12 billion to $13 billion, the Journal said.');
  assert.deepEqual([range!.value, range!.unit, range!.attribution], [[12e9, 13e9], 'USD', 'the Journal']);
  assert.deepEqual(extractFigures('Posted 11 / 27 / 2005 7: 21 AM. The plane, Malaysia Airlines Flight 370, left.'), [], 'dates, times and names are not figures');
  const [inverted] = extractFigures('Five soldiers died, said a military spokesman.');
  assert.equal(inverted!.attribution, 'a military spokesman');
  assert.equal(inverted!.value, 5);
});

test('entities: typed mentions with UTF-16 offsets, repeats and surnames found, one canonical name', () => {
  const text = '😀 Barack Obama met Angela Merkel in Paris on Monday. Obama later flew to Berlin.';
  const list = extractEntities(text);
  for (const e of list) assert.equal(text.slice(e.start, e.end), e.text);
  const typed = list.map((e) => `${e.type}:${e.text}`);
  assert.ok(typed.includes('person:Barack Obama'));
  assert.ok(typed.includes('person:Angela Merkel'));
  assert.ok(typed.includes('place:Paris'));
  assert.ok(typed.includes('person:Obama'), 'the surname alone is the same person');
  assert.equal(list[0]!.start, 3, 'the emoji counts two UTF-16 code units');
  assert.equal(canonicalNames(list).get('person:Obama'), 'Barack Obama');
});

test('entities: names compromise leaves untyped get a type from their context, sentence-initial words are not names', () => {
  const text = 'Police said the Pentagon sent 300 troops to Kursk. Officials declined to comment. Then Sonmarg Kalia spoke.';
  const typed = extractEntities(text).map((e) => `${e.type}:${e.text}`);
  assert.ok(typed.includes('organization:Pentagon'), 'a name after "the" is an organisation');
  assert.ok(typed.includes('place:Kursk'), 'a name after "to" is a place');
  assert.ok(typed.includes('person:Sonmarg Kalia'), 'any other name is a person');
  assert.ok(!typed.some((t) => t.endsWith(':Police') || t.endsWith(':Officials') || t.endsWith(':Then')), typed.join(', '));
});

test('HTML input becomes its text, a line per block, scripts left out', () => {
  assert.equal(htmlToText('<html><head><title>x</title></head><body><p>One &amp; two</p><script>evil()</script><p>Three</p></body></html>'), 'One & two\nThree');
});

test('packed vectors give the dot products of their maps, and the neighbour index finds the nearest recent article', () => {
  const terms = Array.from({ length: 300 }, (_, i) => `term${i}`);
  const vector = (seed: number, n: number) => new Map(Array.from({ length: n }, (_, i) => [terms[(seed * 7 + i * 13) % terms.length]!, ((seed + i) % 5) + 0.5] as [string, number]));
  const table = new ScoringTable();
  for (let seed = 0; seed < 20; seed++) {
    const query = vector(seed, 60);
    table.load(query);
    for (let other = 0; other < 20; other++) {
      const v = vector(other * 3 + 1, 40 + other);
      assert.ok(Math.abs(table.dot(packVector(v)) - dot(query, v)) < 1e-9);
    }
  }
  assert.equal(table.load(new Map([['a', 1]])).dot(packVector(new Map([['b', 1]]))), 0);
  const index = new NeighbourIndex(1000, 4);
  index.add('old', packVector(new Map([['quake', 0.8], ['morocco', 0.6]])), 0);
  index.add('phone', packVector(new Map([['iphone', 1]])), 10);
  index.add('quake', packVector(new Map([['quake', 0.6], ['atlas', 0.8]])), 20);
  assert.equal(index.nearest(new Map([['quake', 0.6], ['morocco', 0.8]]), 30)?.id, 'old');
  assert.equal(index.nearest(new Map([['quake', 0.6], ['morocco', 0.8]]), 1005)?.id, 'quake', 'out of the window, the older one is gone');
});

test('a placing state forgets articles and stories two windows old, and places every article as one that keeps all', () => {
  const hour = 3600_000;
  const t0 = Date.parse('2026-03-01T08:00:00Z');
  // Ten hours of events, one window an hour: the early ones are long out of the window at the end.
  const list = Array.from({ length: 10 }, (_, h) => event(`${h % 2 ? 'phone' : 'quake'}${h}`, h % 2 ? PHONE_WORDS : QUAKE_WORDS, t0 + h * hour)).flat();
  const options = { windowMs: hour, mergeEvery: 4 };
  const keeping = createStoryState(options);
  const forgetting = createStoryState(options, { forget: true });
  for (const a of list) assert.deepEqual(placeArticle(forgetting, a), placeArticle(keeping, a), a.id);
  assert.equal(storyOf(keeping, 'quake0-1'), 'quake0-1');
  assert.equal(storyOf(forgetting, 'quake0-1'), null, 'an article placed long ago is forgotten');
  assert.equal(storyOf(forgetting, 'phone9-8'), storyOf(keeping, 'phone9-8'));
  assert.ok(forgetting.storyOfArticle.size <= 3 * 8, `articles of about two windows kept (${forgetting.storyOfArticle.size} of ${list.length})`);
  assert.ok(forgetting.stories.size < keeping.stories.size / 2, `${forgetting.stories.size} of ${keeping.stories.size} stories kept`);
  assert.equal(forgetting.live, keeping.live);
});

test('story options: a term weight that is not positive is refused with invalid_input, naming the option', () => {
  for (const bad of [{ name: 0 }, { number: -1 }, { title: 0.3 }, { title: Number.NaN }]) {
    const key = Object.keys(bad)[0]!;
    assert.throws(() => createStoryState(bad), (err: Error & { code?: string }) => err.code === 'invalid_input' && err.message.includes(`story option ${key}`), JSON.stringify(bad));
  }
  // A headline-only word at title weight 0.4 still weighs 1 + ln(0.4) > 0.
  assert.equal(createStoryState({ name: 0.5, number: 0.5, title: 0.4 }).options.title, 0.4);
});

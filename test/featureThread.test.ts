import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureThread } from '../src/stories/featureThread.js';
import { createStoryState, DEFAULT_STORY_OPTIONS, featuresOf, placeArticle, type StoryArticle } from '../src/stories/storyState.js';

const t0 = Date.parse('2026-03-01T08:00:00Z');
const WIRE = 'SEOUL (AP) — North Korea has sent at least 3,000 more soldiers to Russia this year, South Korea’s military said on Tuesday. A 33-year-old officer said the troops left in March 2026.';

/** Articles of two events with a wire copy, a headline alone, a text without words and one without a time. */
function articles(): StoryArticle[] {
  return [
    { id: '1', title: 'North Korea sends 3,000 more soldiers to Russia', text: WIRE, published: t0, source: 'AP' },
    { id: '2', title: 'Earthquake in Morocco destroys Atlas villages', text: 'An earthquake of magnitude 6.8 struck central Morocco late on Friday, destroying villages in the Atlas mountains.', published: new Date(t0 + 60_000).toISOString(), source: 'Reuters' },
    { id: '3', title: 'North Korea sends 3,000 more soldiers to Russia', text: WIRE, published: t0 + 120_000, source: 'ABC' },
    { id: '4', title: 'Morocco earthquake: rescue teams reach Atlas villages', text: null, published: t0 + 180_000 },
    { id: '5', title: '—', text: ' … ', published: 'not a date' },
    { id: '6', title: 'Seoul says North Korean troops head to Russia', text: 'South Korea’s military said North Korea sent about 3,000 more soldiers to Russia.', published: null },
  ];
}

test('the feature thread finds the features the placing thread finds, in order, and the placements are the same', async () => {
  const thread = new FeatureThread(DEFAULT_STORY_OPTIONS.title);
  try {
    const list = articles();
    // Two batches in flight at once, as a rebuild keeps them.
    const [first, second] = await Promise.all([thread.featurise(list.slice(0, 4)), thread.featurise(list.slice(4))]);
    const found = [...first, ...second];
    const here = list.map((a) => featuresOf(a, DEFAULT_STORY_OPTIONS.title));
    assert.equal(found.length, list.length);
    for (const [i, f] of found.entries()) {
      assert.deepEqual([...f.counts], [...here[i]!.counts], `counts of ${list[i]!.id}, in their order`);
      assert.deepEqual([...f.when], [...here[i]!.when], `incident terms of ${list[i]!.id}`);
      assert.deepEqual(f.signature && [...f.signature], here[i]!.signature && [...here[i]!.signature], `signature of ${list[i]!.id}`);
      assert.equal(f.published, here[i]!.published);
    }
    assert.equal(found[4]!.signature, null, 'a text without words has no signature');
    const [inline, ahead] = [createStoryState(), createStoryState()];
    assert.deepEqual(
      list.map((a, i) => placeArticle(ahead, a, found[i])),
      list.map((a) => placeArticle(inline, a)),
    );
  } finally {
    await thread.close();
  }
});

test('a closed feature thread refuses work rather than leaving it waiting', async () => {
  const thread = new FeatureThread(DEFAULT_STORY_OPTIONS.title);
  await thread.close();
  await assert.rejects(thread.featurise(articles()), /closed/);
});

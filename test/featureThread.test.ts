import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureThread } from '../src/stories/featureThread.js';
import { rebuildStories } from '../src/ingest/storyPlacer.js';
import type { Store, StoryBatch, StoryInput, StoryTransaction } from '../src/store/store.js';
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

const FIRE = 'A fire broke out at the Portside harbour warehouses on Monday night. Firefighters from Kelbrook fought the blaze for nine hours. The harbour master Anna Volkova said 14 warehouses burned and cargo worth 30 million euros was lost.';
const VOTE = 'Voters in Vendia elected Marek Hollis as president on Sunday. The electoral commission said turnout reached 71 percent. Hollis promised lower taxes and new railways across the northern provinces of Vendia.';

/** Two events and two articles whose headline is one event's and text the other's: where those go depends on the title weight. */
function crossedInputs(): StoryInput[] {
  const [fire, vote] = ['Harbour fire destroys Portside warehouses', 'Vendia elects Marek Hollis president'];
  return [[fire, FIRE], [vote, VOTE], [fire, VOTE], [vote, FIRE]].map(([title, text], i) => ({
    id: i + 1, title: title!, text: text!, publishedAt: new Date(t0 + i * 60_000).toISOString(), source: `S${i}`, contentHash: `h${i}`, placed: false, factsHash: `h${i}`,
  }));
}

/** The part of a store a rebuild uses, over `inputs`; `placed` gets each saved batch's article → story. */
function rebuildStore(inputs: StoryInput[], placed: Map<number, number>): Store {
  const tx = { save: async (b: StoryBatch) => void b.placements.forEach((p) => placed.set(p.articleId, p.storyId)) };
  return {
    countArticlesForStories: async () => inputs.length,
    clearStories: async () => placed.clear(),
    storyInputsAfter: async (after: number, limit: number) => inputs.filter((a) => a.id > after).slice(0, limit),
    withStoryLock: async <T>(fn: (t: StoryTransaction) => Promise<T>) => fn(tx as unknown as StoryTransaction),
  } as unknown as Store;
}

test('a rebuild with a non-default title weight places the same with and without the feature thread (the thread uses its weight)', async () => {
  const inputs = crossedInputs();
  const [inline, ahead] = [new Map<number, number>(), new Map<number, number>()];
  const options = { title: 40 };
  await rebuildStories(rebuildStore(inputs, inline), { batch: 2, featureThread: false, options });
  await rebuildStories(rebuildStore(inputs, ahead), { batch: 2, options });
  assert.deepEqual([...ahead], [...inline]);
  assert.equal(inline.get(3), 1, 'the heavy headline puts the third with the first');
});

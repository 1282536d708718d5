import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TermIndex } from '../src/stories/termIndex.js';
import { addInto, topTerms, type Vector } from '../src/stories/vectors.js';
import { wordsOf } from '../src/stories/words.js';

test('term index: a walk reaches each number once in the order first met, counts its terms, and a number removed mid-walk skips none', () => {
  const index = new TermIndex<string>(3);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => index.enter(x)) as [number, number, number, number];
  index.add(a, ['x', 'y']);
  index.add(b, ['x']);
  index.add(c, ['x', 'y', 'z']);
  const found = index.walk(['y', 'x', 'z'], -1, () => true);
  assert.deepEqual(found.map((n) => index.item(n)), ['a', 'c', 'b']);
  // c meets three terms, a two, b one: the two under most terms, in the order found.
  assert.deepEqual(index.mostShared(found, 2).map((n) => index.item(n)), ['a', 'c']);
  assert.deepEqual(index.walk(['x'], a, () => true).map((n) => index.item(n)), ['b', 'c']);
  // `keep` removing the number it is asked about: the entry after it is still reached.
  const removed = index.walk(['x'], -1, (n) => {
    if (n !== a) return true;
    index.remove(a, ['x', 'y']);
    return false;
  });
  assert.deepEqual(removed.map((n) => index.item(n)), ['b', 'c']);
  // Over `perTerm` stories under a term, the one listed longest ago leaves the term.
  index.add(d, ['x']);
  index.add(a, ['x']);
  assert.deepEqual(index.walk(['x'], -1, () => true).map((n) => index.item(n)), ['c', 'd', 'a']);
  // A freed number comes back for the next story, met by no earlier walk.
  index.remove(c, ['x', 'y', 'z']);
  index.leave(c);
  const e = index.enter('e');
  assert.equal(e, c);
  index.add(e, ['z']);
  assert.deepEqual(index.walk(['z'], -1, () => true).map((n) => index.item(n)), ['e']);
});

/** The heaviest terms as first written: every entry sorted by weight, then term. */
function sortedTop(v: Vector, n: number): string[] {
  return [...v]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, n)
    .map(([t]) => t);
}

test('topTerms and addInto keep the heaviest terms in weight order, ties by term, as a full sort does', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let round = 0; round < 50; round++) {
    const v: Vector = new Map();
    // Weights from a few values, so ties are common.
    for (let i = 0; i < 40; i++) v.set(`t${Math.floor(rnd() * 60)}`, Math.floor(rnd() * 5) / 4);
    assert.deepEqual(topTerms(v, 10), sortedTop(v, 10));
    const sum: Vector = new Map([...v].slice(0, 20));
    const added = new Map(sum);
    for (const [t, x] of v) added.set(t, (added.get(t) ?? 0) + x);
    const expected = sortedTop(added, 12);
    addInto(sum, v, 12);
    assert.deepEqual([...sum.keys()], expected);
    // Cut by addInto, the centroid is in weight order: topTerms reads it as it stands.
    assert.deepEqual(topTerms(sum, 5), expected.slice(0, 5));
  }
});

test('words: names mid-sentence, numbers, a sentence or a line starts with no name, an initial ends no sentence', () => {
  const words = wordsOf('Police in Paris said 3,000 people marched. Officers met J. Smith.\nReuters counted 12.5 km');
  assert.deepEqual(
    words.map((w) => `${w.term}:${w.kind}`),
    ['police:word', 'paris:name', '3000:number', 'march:word', 'officer:word', 'met:word', 'smith:name', 'reuter:word', 'count:word', '12.5:number', 'km:word'],
  );
});

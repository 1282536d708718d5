import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyIndex, signatureOf } from '../src/stories/minhash.js';
import { RollingDf } from '../src/stories/vectors.js';

/** The document frequencies as first written: every count halved at once at each half-life. */
class EagerDf {
  private readonly df = new Map<string, number>();
  private docs = 0;
  private sinceHalving = 0;

  constructor(private readonly halfLife: number) {}

  add(terms: Iterable<string>): void {
    for (const t of terms) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.docs++;
    if (++this.sinceHalving < this.halfLife) return;
    this.sinceHalving = 0;
    this.docs /= 2;
    for (const [t, n] of this.df) {
      if (n < 1) this.df.delete(t);
      else this.df.set(t, n / 2);
    }
  }

  idf(term: string): number {
    return Math.log((this.docs + 1) / ((this.df.get(term) ?? 0) + 1)) + 1;
  }
}

function seeded(seed: number): () => number {
  let a = seed;
  return () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
}

for (const halfLife of [100, 20]) {
  test(`rolling document frequency halved a slice at a time gives the idf of halving all at once (half-life ${halfLife})`, () => {
    const rnd = seeded(halfLife);
    const vocabulary = Array.from({ length: 3000 }, (_, i) => `t${i}`);
    // Skewed draws: some terms stay frequent, most are rare and fall under one between halvings.
    const term = () => vocabulary[Math.floor(vocabulary.length * rnd() ** 3)]!;
    const [sliced, eager] = [new RollingDf(halfLife), new EagerDf(halfLife)];
    for (let doc = 0; doc < 20 * halfLife; doc++) {
      const terms = new Set(Array.from({ length: 40 }, term));
      sliced.add(terms);
      eager.add(terms);
      const probe = term();
      assert.equal(sliced.idf(probe), eager.idf(probe), `doc ${doc}, ${probe}`);
    }
    for (const t of vocabulary) assert.equal(sliced.idf(t), eager.idf(t), t);
  });

  test(`rolling document frequency: the idf an add returns is the idf read after it, across halvings (half-life ${halfLife})`, () => {
    const rnd = seeded(halfLife + 1);
    const term = () => `t${Math.floor(3000 * rnd() ** 3)}`;
    const [returning, eager] = [new RollingDf(halfLife), new EagerDf(halfLife)];
    for (let doc = 0; doc < 20 * halfLife; doc++) {
      const terms = [...new Set(Array.from({ length: 40 }, term))];
      const idf = returning.addWithIdf(terms);
      eager.add(terms);
      assert.deepEqual(idf, terms.map((t) => eager.idf(t)), `doc ${doc}`);
    }
  });
}

test('copy index: past its first ring size and the window, copies find their earliest original and old ones are forgotten', () => {
  const text = (i: number) => `Report ${i}: the council of district ${i} met on day ${i} and voted ${i % 7} to ${i % 5} on budget line ${i * 31}.`;
  const index = new CopyIndex(0.8, 300);
  for (let i = 0; i < 1000; i++) {
    const sig = signatureOf(text(i))!;
    assert.equal(index.findOriginal(sig, i), null, `text ${i} is no copy`);
    index.add(String(i), sig, i);
  }
  assert.equal(index.findOriginal(signatureOf(text(950))!, 1000)?.id, '950');
  assert.equal(index.findOriginal(signatureOf(text(600))!, 1000), null, 'out of the window');
  index.add('again-950', signatureOf(text(950))!, 1001);
  assert.equal(index.findOriginal(signatureOf(text(950))!, 1002)?.id, '950', 'of equal copies the earliest');
});

test('MinHash signature: a repeated shingle changes nothing, a short text is one shingle, a signature can be written into a given array', () => {
  const into = new Uint32Array(128);
  assert.equal(signatureOf('alpha beta gamma delta epsilon', into), into);
  const twice = 'alpha beta gamma delta alpha beta gamma delta';
  assert.deepEqual(signatureOf(twice), signatureOf(`${twice} alpha beta gamma delta`));
  assert.notDeepEqual(signatureOf(twice), signatureOf(`${twice} alpha beta gamma epsilon`));
  assert.notDeepEqual(signatureOf('alpha beta'), signatureOf('alpha beta gamma'));
  assert.deepEqual(signatureOf('Alpha, BETA!'), signatureOf('alpha beta'));
});

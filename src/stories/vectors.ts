import { isTitleCase, wordsOf, type Word } from './words.js';

/** A sparse term → weight vector, L2-normalised unless said otherwise. */
export type Vector = Map<string, number>;

export interface Weights {
  /** Multiplier for capitalised words mid-sentence (people, places, organisations). */
  name: number;
  /** Multiplier for numbers. */
  number: number;
  /** How many times a title word counts against a body word. */
  title: number;
  /** Terms kept per article (the heaviest), which bounds the cost of each comparison. */
  terms: number;
  /** Share of the names-only cosine in the similarity of an article and a story (0: words only). */
  nameShare: number;
}

/**
 * Document frequency over a rolling window: every `halfLife` documents all counts are
 * halved, so terms of last month's stories stop looking rare and today's stop looking new.
 *
 * A halving moves the counts aside and carries them over a slice at each `add` after it
 * (a count read before its turn is halved as it is read): halving every term at once was
 * one placement that paid for the whole vocabulary. Each count is halved exactly as
 * eagerly: the same values, so the same stories.
 */
export class RollingDf {
  private df = new Map<string, number>();
  /** Counts from before the last halving, not yet carried over (each still to be halved once). */
  private unhalved = new Map<string, number>();
  /** Where the carrying over is: one walk per halving, not a walk from the start per slice. */
  private carrying: Iterator<[string, number]> = this.unhalved.entries();
  private docs = 0;
  private sinceHalving = 0;

  constructor(private readonly halfLife: number) {}

  add(terms: Iterable<string>): void {
    for (const t of terms) this.df.set(t, this.count(t) + 1);
    this.endDocument();
  }

  /**
   * `add`, then the idf of each of `terms` in their order: the counts just written serve
   * the weights, one map lookup per term instead of a second `idf` read of each. The
   * same values as `add` then `idf` (a halving inside this add has them read again).
   */
  addWithIdf(terms: Iterable<string>): number[] {
    const counts: number[] = [];
    const keys: string[] = [];
    for (const t of terms) {
      const n = this.count(t) + 1;
      this.df.set(t, n);
      counts.push(n);
      keys.push(t);
    }
    // Carrying over only moves counts from before the last halving: these are past it.
    if (this.endDocument()) for (let i = 0; i < keys.length; i++) counts[i] = this.count(keys[i]!);
    const docs = this.docs + 1;
    for (let i = 0; i < counts.length; i++) counts[i] = Math.log(docs / (counts[i]! + 1)) + 1;
    return counts;
  }

  idf(term: string): number {
    return Math.log((this.docs + 1) / (this.count(term) + 1)) + 1;
  }

  /** Counts a document in; true when that halved the counts. */
  private endDocument(): boolean {
    this.docs++;
    const halving = ++this.sinceHalving >= this.halfLife;
    if (halving) this.halve();
    this.carryOver(CARRIED_PER_ADD);
    return halving;
  }

  private count(term: string): number {
    const n = this.df.get(term);
    if (n !== undefined) return n;
    const old = this.unhalved.get(term);
    if (old === undefined) return 0;
    return this.carry(term, old);
  }

  private halve(): void {
    this.sinceHalving = 0;
    this.docs /= 2;
    // A halving before the last one's slices are done finishes them first.
    this.carryOver(Infinity);
    [this.unhalved, this.df] = [this.df, this.unhalved];
    this.carrying = this.unhalved.entries();
  }

  private carryOver(limit: number): void {
    for (let left = limit; left > 0 && this.unhalved.size; left--) {
      const next = this.carrying.next();
      if (next.done) break;
      this.carry(...next.value);
    }
  }

  /** Moves one count over the last halving, halved (a count under one is dropped); returns it. */
  private carry(term: string, n: number): number {
    this.unhalved.delete(term);
    const h = n < 1 ? 0 : n / 2;
    if (h > 0) this.df.set(term, h);
    return h;
  }
}

/** Counts carried over a halving per document added: the vocabulary moves well within a half-life. */
const CARRIED_PER_ADD = 64;

const KIND_ORDER: Record<Word['kind'], number> = { word: 0, number: 1, name: 2 };

/** Term → its frequency and the strongest kind it was seen as, in the order first seen. */
export type TermCounts = Map<string, { tf: number; kind: Word['kind'] }>;

/** Term frequencies of title and body, each term with the strongest kind it was seen as. */
export function termCounts(title: string, body: string, titleWeight: number): TermCounts {
  const counts = new Map<string, { tf: number; kind: Word['kind'] }>();
  const addAll = (words: Word[], w: number) => {
    for (const word of words) {
      const c = counts.get(word.term);
      if (!c) counts.set(word.term, { tf: w, kind: word.kind });
      else {
        c.tf += w;
        if (KIND_ORDER[word.kind] > KIND_ORDER[c.kind]) c.kind = word.kind;
      }
    }
  };
  addAll(wordsOf(title, !isTitleCase(title)), titleWeight);
  addAll(wordsOf(body), 1);
  return counts;
}

/** TF-IDF (`idf`: each term's, in the order of `counts`) with sublinear tf, names and numbers weighted up, the heaviest terms kept. */
export function weightedVector(counts: TermCounts, idf: readonly number[], w: Weights): Vector {
  const terms: string[] = [];
  const weights: number[] = [];
  let i = 0;
  for (const [term, c] of counts) {
    const kind = c.kind === 'name' ? w.name : c.kind === 'number' ? w.number : 1;
    terms.push(term);
    weights.push((1 + Math.log(c.tf)) * idf[i++]! * kind);
  }
  const out: Vector = new Map();
  for (const i of heaviestOrder(terms, weights).slice(0, w.terms)) out.set(terms[i]!, weights[i]!);
  return normalise(out);
}

/**
 * The part of `v` made of names (and numbers when `numbers`), normalised: two events of
 * one kind share their common words, the people and places tell them apart.
 */
export function namesOf(v: Vector, counts: Map<string, { kind: Word['kind'] }>, numbers: boolean): Vector {
  const out: Vector = new Map();
  for (const [t, x] of v) {
    const kind = counts.get(t)?.kind;
    if (kind === 'name' || (numbers && kind === 'number')) out.set(t, x);
  }
  return normalise(out);
}

/** Scales `v` to unit length in place (a map made for it: no second map per vector) and returns it. */
export function normalise(v: Vector): Vector {
  let sum = 0;
  for (const x of v.values()) sum += x * x;
  const n = Math.sqrt(sum) || 1;
  // Setting a key it holds keeps its place: the order, so every later sum, stays the same.
  for (const [t, x] of v) v.set(t, x / n);
  return v;
}

export function dot(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, x] of small) {
    const y = large.get(t);
    if (y !== undefined) s += x * y;
  }
  return s;
}

export function norm(v: Vector): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}

/** Adds `v` into `sum` in place, then keeps only the `keep` heaviest terms (heaviest first). */
export function addInto(sum: Vector, v: Vector, keep: number): void {
  for (const [t, x] of v) sum.set(t, (sum.get(t) ?? 0) + x);
  if (sum.size <= keep) return;
  const { terms, weights, order } = heaviestFirst(sum);
  sum.clear();
  for (let i = 0; i < keep; i++) sum.set(terms[order[i]!]!, weights[order[i]!]!);
}

/** The `n` heaviest terms of `v`, heaviest first (ties: the smaller term first). */
export function topTerms(v: Vector, n: number): string[] {
  // A centroid `addInto` just cut is in that order already: a walk tells, no sort needed.
  if (inHeaviestOrder(v)) return [...v.keys()].slice(0, n);
  const { terms, order } = heaviestFirst(v);
  return order.slice(0, n).map((i) => terms[i]!);
}

/**
 * The terms and weights of `v`, and their positions heaviest first (ties: the smaller
 * term first). Positions into two arrays rather than a [term, weight] pair per entry: a
 * centroid is cut on every join, and the pairs were garbage for the collector.
 */
function heaviestFirst(v: Vector): { terms: string[]; weights: number[]; order: number[] } {
  const terms = [...v.keys()];
  const weights = [...v.values()];
  return { terms, weights, order: heaviestOrder(terms, weights) };
}

/** Positions into `terms` and `weights`, heaviest first (ties: the smaller term first). */
function heaviestOrder(terms: readonly string[], weights: readonly number[]): number[] {
  const order = terms.map((_, i) => i);
  return order.sort((a, b) => weights[b]! - weights[a]! || (terms[a]! < terms[b]! ? -1 : 1));
}

function inHeaviestOrder(v: Vector): boolean {
  let prevTerm = '';
  let prevWeight = Infinity;
  for (const [t, x] of v) {
    if (x > prevWeight || (x === prevWeight && t < prevTerm) || Number.isNaN(x)) return false;
    prevTerm = t;
    prevWeight = x;
  }
  return true;
}

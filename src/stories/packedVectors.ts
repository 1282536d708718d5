import type { Vector } from './vectors.js';

/**
 * A vector packed for scoring many times: its terms with their 32-bit hashes and weights
 * in arrays of numbers (plain arrays, which the collector moves and compacts: one small
 * typed array per vector was a separately allocated backing store each, and the process
 * kept growing past what was live). Scoring it against a `ScoringTable` costs one probe of an integer table
 * per term, where a `Map` lookup hashes and compares a string per term: placement scores
 * thousands of vectors, so this is most of its cost.
 */
export interface PackedVector {
  readonly terms: readonly string[];
  readonly hashes: readonly number[];
  readonly weights: readonly number[];
}

/** 32-bit FNV-1a of a term: stable, and cheap for the short strings terms are. */
export function termHash(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export function packVector(v: Vector): PackedVector {
  const terms: string[] = [];
  const hashes: number[] = [];
  const weights: number[] = [];
  for (const [t, x] of v) {
    terms.push(t);
    hashes.push(termHash(t));
    weights.push(x);
  }
  return { terms, hashes, weights };
}

/**
 * One vector loaded into an open-addressing table (linear probing, a power-of-two size at
 * least four times its terms), to take dot products with many packed vectors. A probe that
 * meets an equal hash compares the strings too, so the products are exact.
 */
export class ScoringTable {
  private mask = 0;
  private slots = new Int32Array(0);
  private used = new Uint8Array(0);
  private terms: string[] = [];
  private weights = new Float64Array(0);

  load(v: Vector): this {
    let size = 16;
    while (size < v.size * 4) size *= 2;
    if (size !== this.slots.length) {
      this.slots = new Int32Array(size);
      this.used = new Uint8Array(size);
      this.weights = new Float64Array(size);
      this.terms = new Array<string>(size).fill('');
    } else this.used.fill(0);
    this.mask = size - 1;
    for (const [t, x] of v) this.put(termHash(t), t, x);
    return this;
  }

  dot(p: PackedVector): number {
    let s = 0;
    const { hashes, weights, terms } = p;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!;
      for (let j = h & this.mask; this.used[j]; j = (j + 1) & this.mask) {
        if (this.slots[j] === h && this.terms[j] === terms[i]) {
          s += this.weights[j]! * weights[i]!;
          break;
        }
      }
    }
    return s;
  }

  private put(h: number, t: string, x: number): void {
    let j = h & this.mask;
    while (this.used[j]) j = (j + 1) & this.mask;
    this.used[j] = 1;
    this.slots[j] = h;
    this.terms[j] = t;
    this.weights[j] = x;
  }
}

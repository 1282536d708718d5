import { ScoringTable, type PackedVector } from './packedVectors.js';
import type { Vector } from './vectors.js';

/** Entries scored exactly per lookup: the best by their postings' partial products. */
const SHORTLIST = 16;

/** One term's postings, oldest first: entry numbers, and the entries' weights for the term. */
interface Postings {
  entries: number[];
  weights: number[];
}

/**
 * Recent articles by term, for the nearest earlier article: a headline often says what
 * one earlier headline said in other words while sharing little with the story's whole
 * vocabulary. Posting lists keep the newest `perTerm` articles, entries older than the
 * window drop out, so a lookup costs the same at a million articles as at a thousand, and
 * memory follows what the window holds.
 *
 * A lookup adds up each entry's products through the postings it walks (a posting carries
 * the entry's weight for its term), then takes exact dot products for a short list of the
 * best: the sums are exact except for entries a long posting list already let go of.
 *
 * Entries are numbered in arrival order and kept in ring arrays indexed by number, so a
 * walk reads arrays of numbers rather than following a pointer per posting; the oldest
 * entry leaves first, from the front of each of its terms' lists.
 */
export class NeighbourIndex {
  private readonly postings = new Map<string, Postings>();
  private readonly table = new ScoringTable();
  /** Live entries are numbered head..tail-1; slot of entry n: n & mask. */
  private head = 0;
  private tail = 0;
  private mask = 1023;
  private ids: string[] = new Array<string>(1024);
  private vectors: PackedVector[] = new Array<PackedVector>(1024);
  private at = new Float64Array(1024);
  /** The part of an entry's dot product found so far by the lookup under way (0 outside one). */
  private partial = new Float64Array(1024);

  constructor(
    private readonly windowMs: number,
    private readonly perTerm: number,
  ) {}

  nearest(v: Vector, now: number): { id: string; similarity: number } | null {
    this.evict(now);
    const reached = this.reach(v);
    let best = -1;
    let bestSim = 0;
    if (reached.length) this.table.load(v);
    for (const e of this.shortlist(reached)) {
      const sim = this.table.dot(this.vectors[e & this.mask]!);
      if (sim > bestSim) {
        best = e;
        bestSim = sim;
      }
    }
    for (const e of reached) this.partial[e & this.mask] = 0;
    return best < 0 ? null : { id: this.ids[best & this.mask]!, similarity: bestSim };
  }

  add(id: string, vector: PackedVector, at: number): void {
    if (this.tail - this.head > this.mask) this.grow();
    const n = this.tail++;
    const slot = n & this.mask;
    this.ids[slot] = id;
    this.vectors[slot] = vector;
    this.at[slot] = at;
    for (let i = 0; i < vector.terms.length; i++) this.post(vector.terms[i]!, n, vector.weights[i]!);
  }

  private post(term: string, n: number, weight: number): void {
    const list = this.postings.get(term);
    if (!list) return void this.postings.set(term, { entries: [n], weights: [weight] });
    list.entries.push(n);
    list.weights.push(weight);
    // Over twice the limit, the newest `perTerm` stay.
    if (list.entries.length > this.perTerm * 2) {
      list.entries.splice(0, list.entries.length - this.perTerm);
      list.weights.splice(0, list.weights.length - this.perTerm);
    }
  }

  /**
   * The entries sharing a term with `v`, in the order first reached, with their partial
   * products (`nearest` zeroes them again after). An entry not yet reached has a partial
   * product of 0: weights are positive (TF-IDF with idf ≥ 1, scaled), so every product
   * is, and one array read per posting tells a first reach (this walk is a tenth of a
   * placement's CPU).
   */
  private reach(v: Vector): number[] {
    const reached: number[] = [];
    const { partial, mask } = this;
    for (const [t, x] of v) {
      const list = this.postings.get(t);
      if (!list) continue;
      const { entries, weights } = list;
      for (let i = 0; i < entries.length; i++) {
        const slot = entries[i]! & mask;
        const p = partial[slot]!;
        if (p === 0) reached.push(entries[i]!);
        partial[slot] = p + x * weights[i]!;
      }
    }
    return reached;
  }

  /** The SHORTLIST entries with the largest partial products, ties to the first reached. */
  private shortlist(reached: number[]): number[] {
    if (reached.length <= SHORTLIST) return reached;
    const { partial, mask } = this;
    const top: number[] = [];
    for (const e of reached) {
      const p = partial[e & mask]!;
      if (top.length === SHORTLIST && p <= partial[top[SHORTLIST - 1]! & mask]!) continue;
      let i = Math.min(top.length, SHORTLIST - 1);
      while (i > 0 && partial[top[i - 1]! & mask]! < p) i--;
      top.splice(i, 0, e);
      if (top.length > SHORTLIST) top.pop();
    }
    return top;
  }

  private evict(now: number): void {
    while (this.head < this.tail && now - this.at[this.head & this.mask]! > this.windowMs) {
      const n = this.head++;
      const slot = n & this.mask;
      for (const t of this.vectors[slot]!.terms) {
        const list = this.postings.get(t);
        // The oldest entry is at the front of each list that still holds it.
        if (list?.entries[0] !== n) continue;
        list.entries.shift();
        list.weights.shift();
        if (!list.entries.length) this.postings.delete(t);
      }
      this.ids[slot] = '';
      this.vectors[slot] = EMPTY;
    }
  }

  /** Doubles the ring: each live entry moves to its slot under the wider mask. */
  private grow(): void {
    const size = (this.mask + 1) * 2;
    const [ids, vectors, at, partial] = [new Array<string>(size), new Array<PackedVector>(size), new Float64Array(size), new Float64Array(size)];
    for (let n = this.head; n < this.tail; n++) {
      const [from, to] = [n & this.mask, n & (size - 1)];
      ids[to] = this.ids[from]!;
      vectors[to] = this.vectors[from]!;
      at[to] = this.at[from]!;
    }
    Object.assign(this, { ids, vectors, at, partial, mask: size - 1 });
  }
}

const EMPTY: PackedVector = { terms: [], hashes: [], weights: [] };

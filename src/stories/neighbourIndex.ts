import { packVector, ScoringTable, type PackedVector } from './packedVectors.js';
import type { Vector } from './vectors.js';

interface Entry {
  id: string;
  vector: PackedVector;
  at: number;
  /** The lookup that last reached this entry, and the part of its dot product found so far. */
  seenBy: number;
  partial: number;
}

interface Posting {
  entry: Entry;
  weight: number;
}

/** Entries scored exactly per lookup: the best by their postings' partial products. */
const SHORTLIST = 16;

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
 */
export class NeighbourIndex {
  private readonly postings = new Map<string, Posting[]>();
  private readonly table = new ScoringTable();
  private lookups = 0;
  /** Entries in arrival order, for dropping them once they leave the window. */
  private readonly queue: Entry[] = [];
  private head = 0;

  constructor(
    private readonly windowMs: number,
    private readonly perTerm: number,
  ) {}

  nearest(v: Vector, now: number): { id: string; similarity: number } | null {
    this.evict(now);
    const reached = this.reach(v);
    let best: Entry | null = null;
    let bestSim = 0;
    if (reached.length) this.table.load(v);
    for (const e of shortlist(reached)) {
      const sim = this.table.dot(e.vector);
      if (sim > bestSim) {
        best = e;
        bestSim = sim;
      }
    }
    return best ? { id: best.id, similarity: bestSim } : null;
  }

  add(id: string, vector: Vector, at: number): void {
    const entry: Entry = { id, vector: packVector(vector), at, seenBy: 0, partial: 0 };
    for (const [t, weight] of vector) {
      const list = this.postings.get(t);
      if (!list) this.postings.set(t, [{ entry, weight }]);
      else {
        list.push({ entry, weight });
        if (list.length > this.perTerm * 2) list.splice(0, list.length - this.perTerm);
      }
    }
    this.queue.push(entry);
  }

  /** The entries sharing a term with `v`, in the order first reached, with their partial products. */
  private reach(v: Vector): Entry[] {
    const lookup = ++this.lookups;
    const reached: Entry[] = [];
    for (const [t, x] of v) {
      for (const { entry: e, weight } of this.postings.get(t) ?? []) {
        if (e.seenBy !== lookup) {
          e.seenBy = lookup;
          e.partial = 0;
          reached.push(e);
        }
        e.partial += x * weight;
      }
    }
    return reached;
  }

  private evict(now: number): void {
    while (this.head < this.queue.length && now - this.queue[this.head]!.at > this.windowMs) {
      const e = this.queue[this.head++]!;
      for (const t of e.vector.terms) {
        const list = this.postings.get(t);
        const i = list ? list.findIndex((p) => p.entry === e) : -1;
        if (i < 0) continue;
        list!.splice(i, 1);
        if (list!.length === 0) this.postings.delete(t);
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The SHORTLIST entries with the largest partial products, ties to the first reached. */
function shortlist(reached: Entry[]): Entry[] {
  if (reached.length <= SHORTLIST) return reached;
  const top: Entry[] = [];
  for (const e of reached) {
    if (top.length === SHORTLIST && e.partial <= top[SHORTLIST - 1]!.partial) continue;
    let i = Math.min(top.length, SHORTLIST - 1);
    while (i > 0 && top[i - 1]!.partial < e.partial) i--;
    top.splice(i, 0, e);
    if (top.length > SHORTLIST) top.pop();
  }
  return top;
}

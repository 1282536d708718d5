import { dot, type Vector } from './vectors.js';

interface Entry {
  id: string;
  vector: Vector;
  at: number;
}

/**
 * Recent articles by term, for the nearest earlier article: a headline often says what
 * one earlier headline said in other words while sharing little with the story's whole
 * vocabulary. Posting lists keep the newest `perTerm` articles, entries older than the
 * window drop out, so a lookup costs the same at a million articles as at a thousand.
 */
export class NeighbourIndex {
  private readonly postings = new Map<string, Entry[]>();

  constructor(
    private readonly windowMs: number,
    private readonly perTerm: number,
  ) {}

  nearest(v: Vector, now: number): { id: string; similarity: number } | null {
    let best: Entry | null = null;
    let bestSim = 0;
    const seen = new Set<Entry>();
    for (const t of v.keys()) {
      for (const e of this.postings.get(t) ?? []) {
        if (seen.has(e) || now - e.at > this.windowMs) continue;
        seen.add(e);
        const sim = dot(v, e.vector);
        if (sim > bestSim) {
          best = e;
          bestSim = sim;
        }
      }
    }
    return best ? { id: best.id, similarity: bestSim } : null;
  }

  add(id: string, vector: Vector, at: number): void {
    const e = { id, vector, at };
    for (const t of vector.keys()) {
      const list = this.postings.get(t);
      if (!list) this.postings.set(t, [e]);
      else {
        list.push(e);
        if (list.length > this.perTerm * 2) list.splice(0, list.length - this.perTerm);
      }
    }
  }
}

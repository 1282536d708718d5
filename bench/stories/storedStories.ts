import type { PlacedArticle } from '../../src/stories/placementOrder.js';

/**
 * Each article's story as a store keeps it: placements, then merges (every article of the
 * story moves) and splits (the listed articles move), applied as a rebuild applies them.
 * With each article's true event, the bench scores the stories (pairwise P/R/F1) at any
 * size without the clusterer keeping every article in memory.
 */
export class StoredStories {
  private readonly story: Int32Array;
  private readonly event: Int32Array;
  /** A story merged away → the story it went into (ids never come back). */
  private readonly mergedInto = new Map<number, number>();

  constructor(n: number) {
    this.story = new Int32Array(n + 1);
    this.event = new Int32Array(n + 1);
  }

  /** Article `id` (1..n) of true event `event`, placed as `p` says. */
  place(id: number, event: number, p: PlacedArticle): void {
    this.story[id] = Number(p.story);
    this.event[id] = event;
    for (const m of p.merges) this.mergedInto.set(Number(m.from), Number(m.into));
    for (const sp of p.splits) for (const a of sp.articles) this.story[Number(a)] = Number(sp.into);
  }

  /** Pairwise precision, recall and F1 of the stories against the true events. */
  pairwise(): { p: number; r: number; f1: number } {
    const cells = new Map<string, number>();
    const stories = new Map<number, number>();
    const events = new Map<number, number>();
    const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
    for (let i = 1; i < this.story.length; i++) {
      const s = this.resolved(this.story[i]!);
      bump(cells, `${s}:${this.event[i]}`);
      bump(stories, s);
      bump(events, this.event[i]!);
    }
    const pairs = (m: Map<unknown, number>) => [...m.values()].reduce((sum, c) => sum + (c * (c - 1)) / 2, 0);
    const same = pairs(cells);
    const p = same / (pairs(stories) || 1);
    const r = same / (pairs(events) || 1);
    return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
  }

  private resolved(story: number): number {
    let s = story;
    for (let next = this.mergedInto.get(s); next !== undefined; next = this.mergedInto.get(s)) s = next;
    return s;
  }
}

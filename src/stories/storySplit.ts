import type { PackedVector } from './packedVectors.js';
import type { Vector } from './vectors.js';

/** An article as its story remembers it, for splitting the story later. */
export interface Member {
  id: string;
  /** Its weighted terms, packed (the same arrays the neighbour index scores). */
  vector: PackedVector;
  /** The names-only part of `vector`, normalised. */
  names: Vector;
  /** The incident terms it names (see `incidentOf`), normalised. */
  when: Vector;
  at: number;
  /** Placement order: members stay sorted by it, so every pass sees the same order. */
  seq: number;
  /** Its id names a story (it opened one, or a split named one after it). */
  named?: true;
}

export interface SplitRule {
  /** Neither part may be smaller than this: a few strays are not a second event. */
  minPart: number;
  /** Cosine between the two parts' centroids under which the story has drifted apart. */
  threshold: number;
}

const ROUNDS = 8;

/**
 * Two-means over a story's members, seeded by its most off-centre member and the member
 * least like that one. Returns the part without `keepId` (or the smaller part) when the
 * parts are each big enough and their centroids too far apart to be one event; null
 * when the story holds together. Deterministic: members in placement order, ties stay.
 */
export function driftedPart(members: Member[], keepId: string, rule: SplitRule): { stay: Member[]; leave: Member[] } | null {
  if (members.length < rule.minPart * 2) return null;
  const local = new LocalTerms(members);
  const all = members.map(() => true);
  const a = leastLike(local, local.sum(all, true));
  const b = leastLike(local, local.vectorOf(a));
  if (a === b) return null;
  const [va, vb] = [local.vectorOf(a), local.vectorOf(b)];
  let side = members.map((_, i) => local.dot(i, vb) > local.dot(i, va));
  for (let round = 0; round < ROUNDS; round++) {
    const [ca, cb] = [local.sum(side, false), local.sum(side, true)];
    const [na, nb] = [normOf(ca) || 1, normOf(cb) || 1];
    const next = members.map((_, i) => local.dot(i, cb) / nb > local.dot(i, ca) / na);
    if (next.every((x, i) => x === side[i])) break;
    side = next;
  }
  const one = members.filter((_, i) => !side[i]);
  const two = members.filter((_, i) => side[i]);
  if (Math.min(one.length, two.length) < rule.minPart) return null;
  const [c1, c2] = [local.sum(side, false), local.sum(side, true)];
  if (cosine(c1, c2) >= rule.threshold) return null;
  const keepsOne = one.some((m) => m.id === keepId) || (!two.some((m) => m.id === keepId) && one.length >= two.length);
  return keepsOne ? { stay: one, leave: two } : { stay: two, leave: one };
}

/** The sum of the members' vectors (not normalised: a centroid up to scale). */
export function sumOf(members: Member[], part: 'vector' | 'names' | 'when' = 'vector'): Vector {
  const sum: Vector = new Map();
  for (const m of members) {
    if (part !== 'vector') for (const [t, x] of m[part]) sum.set(t, (sum.get(t) ?? 0) + x);
    else for (let i = 0; i < m.vector.terms.length; i++) sum.set(m.vector.terms[i]!, (sum.get(m.vector.terms[i]!) ?? 0) + m.vector.weights[i]!);
  }
  return sum;
}

/**
 * The members' vectors over the terms they use, numbered in the order first met: a
 * centroid is then an array indexed by term number, and the two-means rounds cost array
 * arithmetic rather than string-keyed map lookups. Sums add in member order as `sumOf` does.
 */
class LocalTerms {
  private readonly terms = new Map<string, number>();
  private readonly index: Int32Array[] = [];
  private readonly weights: (readonly number[])[] = [];
  private readonly norms: number[] = [];

  constructor(members: Member[]) {
    for (const { vector } of members) {
      const index = new Int32Array(vector.terms.length);
      for (let i = 0; i < index.length; i++) {
        let k = this.terms.get(vector.terms[i]!);
        if (k === undefined) this.terms.set(vector.terms[i]!, (k = this.terms.size));
        index[i] = k;
      }
      this.index.push(index);
      this.weights.push(vector.weights);
      this.norms.push(normOf(vector.weights));
    }
  }

  get size(): number {
    return this.index.length;
  }

  /** The sum of the members on side `which` of `side`. */
  sum(side: readonly boolean[], which: boolean): Float64Array {
    const out = new Float64Array(this.terms.size);
    for (let m = 0; m < this.index.length; m++) {
      if (side[m] !== which) continue;
      const [index, weights] = [this.index[m]!, this.weights[m]!];
      for (let i = 0; i < index.length; i++) out[index[i]!]! += weights[i]!;
    }
    return out;
  }

  vectorOf(m: number): Float64Array {
    const out = new Float64Array(this.terms.size);
    const [index, weights] = [this.index[m]!, this.weights[m]!];
    for (let i = 0; i < index.length; i++) out[index[i]!] = weights[i]!;
    return out;
  }

  dot(m: number, v: Float64Array): number {
    const [index, weights] = [this.index[m]!, this.weights[m]!];
    let s = 0;
    for (let i = 0; i < index.length; i++) s += weights[i]! * v[index[i]!]!;
    return s;
  }

  norm(m: number): number {
    return this.norms[m]!;
  }
}

function normOf(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function cosine(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!;
  return d ? d / ((normOf(a) || 1) * (normOf(b) || 1)) : 0;
}

/** The member least like `v` (the first of equals). */
function leastLike(local: LocalTerms, v: Float64Array): number {
  let worst = 0;
  let worstSim = Infinity;
  // v's norm once, not once per member: v may be the sum of hundreds of members.
  const nv = normOf(v) || 1;
  for (let m = 0; m < local.size; m++) {
    const d = local.dot(m, v);
    const sim = d ? d / ((local.norm(m) || 1) * nv) : 0;
    if (sim < worstSim) {
      worst = m;
      worstSim = sim;
    }
  }
  return worst;
}

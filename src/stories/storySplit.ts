import { packVector, ScoringTable, type PackedVector } from './packedVectors.js';
import { dot, norm, type Vector } from './vectors.js';

/** An article as its story remembers it, for splitting the story later. */
export interface Member {
  id: string;
  vector: Vector;
  /** The names-only part of `vector`, normalised. */
  names: Vector;
  /** The dates it names (see `datesOf`), normalised. */
  when: Vector;
  at: number;
  /** Placement order: members stay sorted by it, so every pass sees the same order. */
  seq: number;
  /** `vector` packed for scoring, made at the first split check that needs it. */
  packed?: PackedVector;
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
  const whole = sumOf(members);
  const a = leastLike(members, whole);
  const b = leastLike(members, a.vector);
  if (a === b) return null;
  let side = members.map((m) => dot(m.vector, b.vector) > dot(m.vector, a.vector));
  for (let round = 0; round < ROUNDS; round++) {
    const [ca, cb] = centroids(members, side);
    const [na, nb] = [norm(ca) || 1, norm(cb) || 1];
    // A centroid holds every term of its part: one table each, probed once per member term.
    tableA.load(ca);
    tableB.load(cb);
    const next = members.map((m) => {
      const p = (m.packed ??= packVector(m.vector));
      return tableB.dot(p) / nb > tableA.dot(p) / na;
    });
    if (next.every((x, i) => x === side[i])) break;
    side = next;
  }
  const one = members.filter((_, i) => !side[i]);
  const two = members.filter((_, i) => side[i]);
  if (Math.min(one.length, two.length) < rule.minPart) return null;
  if (cosine(sumOf(one), sumOf(two)) >= rule.threshold) return null;
  const keepsOne = one.some((m) => m.id === keepId) || (!two.some((m) => m.id === keepId) && one.length >= two.length);
  return keepsOne ? { stay: one, leave: two } : { stay: two, leave: one };
}

/** The sum of the members' vectors (not normalised: a centroid up to scale). */
export function sumOf(members: Member[], part: 'vector' | 'names' | 'when' = 'vector'): Vector {
  const sum: Vector = new Map();
  for (const m of members) for (const [t, x] of m[part]) sum.set(t, (sum.get(t) ?? 0) + x);
  return sum;
}

const tableA = new ScoringTable();
const tableB = new ScoringTable();

function centroids(members: Member[], side: boolean[]): [Vector, Vector] {
  return [sumOf(members.filter((_, i) => !side[i])), sumOf(members.filter((_, i) => side[i]))];
}

function cosine(a: Vector, b: Vector): number {
  const d = dot(a, b);
  return d ? d / ((norm(a) || 1) * (norm(b) || 1)) : 0;
}

function leastLike(members: Member[], v: Vector): Member {
  let worst = members[0]!;
  let worstSim = Infinity;
  // v's norm once, not once per member: v may be the sum of hundreds of members.
  const nv = norm(v) || 1;
  for (const m of members) {
    const d = dot(m.vector, v);
    const sim = d ? d / ((norm(m.vector) || 1) * nv) : 0;
    if (sim < worstSim) {
      worst = m;
      worstSim = sim;
    }
  }
  return worst;
}

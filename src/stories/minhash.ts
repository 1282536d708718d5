/**
 * Wire-copy signatures: MinHash over word shingles, banded for locality-sensitive lookup.
 * With 16 bands of 8 rows, two texts become candidates with probability 1-(1-J⁸)¹⁶:
 * about 0.5 at Jaccard 0.7, 0.98 at 0.8, 0.0004 at 0.3, so the band index finds
 * copies without comparing every pair, and the signature estimate decides.
 */
export const HASHES = 128;
export const BANDS = 16;
const ROWS = HASHES / BANDS;
const SHINGLE = 4;

// regex-safe: one character class, linear
const WORD = /[\p{L}\p{N}]+/gu;

/** MurmurHash3's finaliser: turns x^seed into an independent-looking permutation. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const SEEDS = Uint32Array.from({ length: HASHES }, (_, i) => mix(0x9e3779b9 + i * 0x632be5ab));

/**
 * The MinHash signature of a text (into `into` when given), or null when it has no words.
 * Shingles are runs of SHINGLE words (the whole text when shorter), lower-cased and joined
 * by spaces; each is hashed as it is walked, with no string made for it, and a minimum is
 * the same however often a shingle repeats.
 */
export function signatureOf(text: string, into: Uint32Array = new Uint32Array(HASHES)): Uint32Array | null {
  const words = text.toLowerCase().match(WORD) ?? [];
  if (words.length === 0) return null;
  const sig = into.fill(0xffffffff);
  const span = Math.min(SHINGLE, words.length);
  for (let i = 0; i + span <= words.length; i++) {
    const h = shingleHash(words, i, span);
    for (let k = 0; k < HASHES; k++) {
      const v = mix(h ^ SEEDS[k]!);
      if (v < sig[k]!) sig[k] = v;
    }
  }
  return sig;
}

/** 32-bit FNV-1a (fast, stable across runs and platforms) of `words[from..from+span)` joined by spaces, without joining them. */
function shingleHash(words: string[], from: number, span: number): number {
  let h = 0x811c9dc5;
  for (let w = from; w < from + span; w++) {
    if (w > from) h = Math.imul(h ^ 32, 0x01000193);
    const word = words[w]!;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  return sameHashes(a, 0, b, 0) / HASHES;
}

function sameHashes(a: Uint32Array, aAt: number, b: Uint32Array, bAt: number): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[aAt + i] === b[bAt + i]) same++;
  return same;
}

/** Band `b`'s key of the signature at `at` in `sig`: texts sharing a band's key are candidate copies. */
function bandKey(sig: Uint32Array, at: number, b: number): number {
  let h = 0x811c9dc5 ^ b;
  for (let r = 0; r < ROWS; r++) h = mix(h ^ sig[at + b * ROWS + r]!);
  // As a small integer: a number key costs a map no string to build, hash and keep.
  return h | 0;
}

/**
 * The band index over recent articles. Entries older than the window are dropped in
 * arrival order, so memory follows the window, not the whole history.
 *
 * Entries are numbered in arrival order and kept in ring arrays indexed by number, their
 * signatures side by side in one array: no small array per article for the collector and
 * the allocator to keep track of.
 */
export class CopyIndex {
  /** Per band: band key → entry numbers, oldest first. */
  private readonly buckets = Array.from({ length: BANDS }, () => new Map<number, number[]>());
  private lookups = 0;
  /** Live entries are numbered head..tail-1; slot of entry n: n & mask. */
  private head = 0;
  private tail = 0;
  private mask = 255;
  private ids = new Array<string>(256);
  private at = new Float64Array(256);
  private sigs = new Uint32Array(256 * HASHES);
  /** The lookup that last compared an entry. */
  private seenBy = new Int32Array(256);

  constructor(
    readonly threshold: number,
    readonly windowMs: number,
  ) {}

  /** The earliest indexed article this one copies (estimated Jaccard ≥ threshold), if any. */
  findOriginal(sig: Uint32Array, at: number): { id: string; similarity: number } | null {
    this.evict(at);
    const lookup = ++this.lookups;
    let best = -1;
    let bestSim = 0;
    for (let b = 0; b < BANDS; b++) {
      for (const n of this.buckets[b]!.get(bandKey(sig, 0, b)) ?? []) {
        const slot = n & this.mask;
        if (this.seenBy[slot] === lookup) continue;
        this.seenBy[slot] = lookup;
        const sim = sameHashes(sig, 0, this.sigs, slot * HASHES) / HASHES;
        if (sim >= this.threshold && (sim > bestSim || (sim === bestSim && best >= 0 && this.at[slot]! < this.at[best & this.mask]!))) {
          best = n;
          bestSim = sim;
        }
      }
    }
    return best >= 0 ? { id: this.ids[best & this.mask]!, similarity: bestSim } : null;
  }

  add(id: string, sig: Uint32Array, at: number): void {
    if (this.tail - this.head > this.mask) this.grow();
    const n = this.tail++;
    const slot = n & this.mask;
    this.ids[slot] = id;
    this.at[slot] = at;
    this.seenBy[slot] = 0;
    this.sigs.set(sig, slot * HASHES);
    for (let b = 0; b < BANDS; b++) {
      const key = bandKey(sig, 0, b);
      const list = this.buckets[b]!.get(key);
      if (list) list.push(n);
      else this.buckets[b]!.set(key, [n]);
    }
  }

  private evict(now: number): void {
    while (this.head < this.tail && now - this.at[this.head & this.mask]! > this.windowMs) {
      const n = this.head++;
      const slot = n & this.mask;
      for (let b = 0; b < BANDS; b++) {
        const key = bandKey(this.sigs, slot * HASHES, b);
        const list = this.buckets[b]!.get(key);
        // The oldest entry is at the front of each list that holds it.
        if (list?.[0] !== n) continue;
        list.shift();
        if (!list.length) this.buckets[b]!.delete(key);
      }
      this.ids[slot] = '';
    }
  }

  /** Doubles the ring: each live entry moves to its slot under the wider mask. */
  private grow(): void {
    const size = (this.mask + 1) * 2;
    const [ids, at, sigs] = [new Array<string>(size), new Float64Array(size), new Uint32Array(size * HASHES)];
    for (let n = this.head; n < this.tail; n++) {
      const [from, to] = [n & this.mask, n & (size - 1)];
      ids[to] = this.ids[from]!;
      at[to] = this.at[from]!;
      sigs.set(this.sigs.subarray(from * HASHES, (from + 1) * HASHES), to * HASHES);
    }
    Object.assign(this, { ids, at, sigs, seenBy: new Int32Array(size), mask: size - 1 });
  }
}

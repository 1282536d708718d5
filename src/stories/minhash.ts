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

export function shinglesOf(text: string): Set<string> {
  const words = text.toLowerCase().match(WORD) ?? [];
  const out = new Set<string>();
  if (words.length === 0) return out;
  if (words.length < SHINGLE) out.add(words.join(' '));
  for (let i = 0; i + SHINGLE <= words.length; i++) out.add(words.slice(i, i + SHINGLE).join(' '));
  return out;
}

/** 32-bit FNV-1a: fast, stable across runs and platforms. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

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

/** The MinHash signature of a text, or null when it has no words. */
export function signatureOf(text: string): Uint32Array | null {
  const shingles = shinglesOf(text);
  if (shingles.size === 0) return null;
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const s of shingles) {
    const h = fnv1a(s);
    for (let i = 0; i < HASHES; i++) {
      const v = mix(h ^ SEEDS[i]!);
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return sig;
}

export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

/** One key per band: texts sharing any key are candidate copies. */
export function bandKeys(sig: Uint32Array): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = mix(h ^ sig[b * ROWS + r]!);
    keys.push(`${b}:${h.toString(36)}`);
  }
  return keys;
}

interface Entry {
  id: string;
  sig: Uint32Array;
  keys: string[];
  at: number;
}

/**
 * The band index over recent articles. Entries older than the window are dropped in
 * arrival order, so memory follows the window, not the whole history.
 */
export class CopyIndex {
  private readonly buckets = new Map<string, Entry[]>();
  private readonly queue: Entry[] = [];
  private head = 0;

  constructor(
    readonly threshold: number,
    readonly windowMs: number,
  ) {}

  /** The earliest indexed article this one copies (estimated Jaccard ≥ threshold), if any. */
  findOriginal(sig: Uint32Array, at: number): { id: string; similarity: number } | null {
    this.evict(at);
    let best: Entry | null = null;
    let bestSim = 0;
    const seen = new Set<Entry>();
    for (const key of bandKeys(sig)) {
      for (const e of this.buckets.get(key) ?? []) {
        if (seen.has(e)) continue;
        seen.add(e);
        const sim = estimatedJaccard(sig, e.sig);
        if (sim >= this.threshold && (sim > bestSim || (sim === bestSim && best && e.at < best.at))) {
          best = e;
          bestSim = sim;
        }
      }
    }
    return best ? { id: best.id, similarity: bestSim } : null;
  }

  add(id: string, sig: Uint32Array, at: number): void {
    const e: Entry = { id, sig, keys: bandKeys(sig), at };
    for (const k of e.keys) {
      const list = this.buckets.get(k);
      if (list) list.push(e);
      else this.buckets.set(k, [e]);
    }
    this.queue.push(e);
  }

  private evict(now: number): void {
    while (this.head < this.queue.length && now - this.queue[this.head]!.at > this.windowMs) {
      const e = this.queue[this.head++]!;
      for (const k of e.keys) {
        const list = this.buckets.get(k);
        if (!list) continue;
        const rest = list.filter((x) => x !== e);
        if (rest.length) this.buckets.set(k, rest);
        else this.buckets.delete(k);
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

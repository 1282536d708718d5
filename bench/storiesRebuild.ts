/**
 * Child process of the bench's `stories` part: places N synthetic articles in arrival order
 * exactly as `tidings stories rebuild` does (placementOrder.ts, merge passes included), and
 * reports the time, the peak RSS, and the cost of placing one article (p50/p99 of 1,000
 * placements) once 100,000 and once N articles are stored.
 *
 * Articles come from templates of events: each event has its own names, places and
 * numbers, outlets write it up in their own words, and now and then an outlet reprints
 * another's text word for word (a wire copy). About 17,000 articles a day, so the story
 * window (48 h) holds some 35,000 articles whatever N is.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FeatureThread } from '../src/stories/featureThread.js';
import { createPlacingState, placeInOrder } from '../src/stories/placementOrder.js';
import { DEFAULT_STORY_OPTIONS, type ArticleFeatures, type StoryArticle } from '../src/stories/storyState.js';
import { StoredStories } from './stories/storedStories.js';

const n = Number(process.argv[2] ?? 1_000_000);
const checkpoints = [100_000, n].filter((c, i, all) => c <= n && all.indexOf(c) === i);
const SAMPLE = 1000;
/**
 * BENCH_STORIES_HASH=1: a hash of every placement (story, copy, merges, splits) in the
 * output, so a change meant to keep placements identical can be shown to (off by default:
 * hashing costs CPU the timings should not count).
 */
const placementsHash = process.env.BENCH_STORIES_HASH === '1' ? createHash('sha256') : null;
/** Articles between two readings of the process's memory (after a full collection when --expose-gc). */
const MEMORY_EVERY = 50_000;

function memoryNow(stored: number): { stored: number; rssMb: number; heapMb: number; arrayBuffersMb: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  // Typed arrays' backing stores live outside the heap: counted apart.
  return { stored, rssMb: m.rss / 1048576, heapMb: m.heapUsed / 1048576, arrayBuffersMb: m.arrayBuffers / 1048576 };
}

/**
 * CPU seconds of this (the placing) thread alone, from Linux's per-thread counters (null
 * elsewhere): with the feature thread, the process's CPU time counts both threads, and
 * the placing thread's is what bounds the wall time on two cores.
 */
function placingThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** Linux's USER_HZ: what /proc counts CPU time in. */
const CLOCK_TICKS = 100;

/** Deterministic pseudo-random numbers (mulberry32), so every run places the same articles. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const SYLLABLES = ['ka', 'ren', 'dor', 'vel', 'mar', 'sto', 'lin', 'bra', 'tek', 'os', 'ul', 'han', 'mir', 'zo', 'pet', 'ald', 'quin', 'ser'];
const name = () => {
  const s = Array.from({ length: 2 + Math.floor(rnd() * 2) }, () => pick(SYLLABLES)).join('');
  return s[0]!.toUpperCase() + s.slice(1);
};
const KINDS = ['earthquake', 'election', 'strike', 'flood', 'trial', 'summit', 'merger', 'wildfire', 'protest', 'crash'];
// A vocabulary of its own per event and a large shared one, as news has: shared words
// are spread thin, so no word is in every story (real text's long tail).
const lower = () => Array.from({ length: 2 + Math.floor(rnd() * 2) }, () => pick(SYLLABLES)).join('');
const COMMON = Array.from({ length: 5000 }, lower);
const FILLER = 'officials residents police government ministry reporters witnesses families workers council hospital army court market company union'.split(' ');
const VERBS = 'said reported confirmed warned announced estimated told described promised denied'.split(' ');
const OUTLETS = Array.from({ length: 40 }, (_, i) => `Outlet ${i}`);

interface Event {
  /** The event's number: the gold story its articles belong to, for the quality check. */
  n: number;
  kind: string;
  people: string[];
  places: string[];
  org: string;
  figure: number;
  words: string[];
  texts: { title: string; text: string }[];
}

function newEvent(): Event {
  return { n: events++, kind: pick(KINDS), people: [name() + ' ' + name(), name() + ' ' + name()], places: [name(), name()], org: `${name()} ${pick(['Ministry', 'Council', 'Group', 'Union'])}`, figure: 10 + Math.floor(rnd() * 900), words: Array.from({ length: 12 }, lower), texts: [] };
}

function writeUp(e: Event): { title: string; text: string } {
  const sentences = Array.from({ length: 6 + Math.floor(rnd() * 6) }, () => {
    const who = pick(e.people);
    const own = `${pick(e.words)} ${pick(e.words)} ${pick(COMMON)} ${pick(COMMON)} ${pick(COMMON)}`;
    return `${who} ${pick(VERBS)} the ${e.kind} in ${pick(e.places)} affected ${e.figure} ${pick(FILLER)} ${own} as the ${e.org} ${pick(e.words)} ${pick(COMMON)} ${pick(VERBS)} near ${pick(e.places)}.`;
  });
  return { title: `${e.kind[0]!.toUpperCase()}${e.kind.slice(1)} in ${e.places[0]}: ${pick(e.people)} ${pick(VERBS)} ${e.figure} ${pick(FILLER)}`, text: sentences.join(' ') };
}

let events = 0;
const open: Event[] = [];
const start = Date.parse('2026-01-01T00:00:00Z');
const state = createPlacingState();
const stored = new StoredStories(n);
const memory: ReturnType<typeof memoryNow>[] = [];
const samples = new Map<number, number[]>();
// CPU time too: on a shared, loaded machine wall time counts the time other processes ran.
const cpuSamples = new Map<number, number[]>();
let stories = 0;
/**
 * Articles featurised per batch in the feature thread, and batches in flight: the thread
 * works on the next batches while this one places (BENCH_STORIES_INLINE=1: all on this
 * thread, as before the thread).
 */
const BATCH = 500;
const AHEAD = 4;
const features = process.env.BENCH_STORIES_INLINE === '1' ? null : new FeatureThread(DEFAULT_STORY_OPTIONS.title);

/** Article `i` and its true event. */
function nextArticle(i: number): { article: StoryArticle & { published: number }; event: number } {
  // A new event about one article in eight; events fade after a few hundred articles.
  if (open.length < 3 || rnd() < 0.12) open.push(newEvent());
  if (open.length > 300) open.splice(0, open.length - 300);
  const e = open[Math.floor(open.length * Math.sqrt(rnd()))]!;
  const copy = e.texts.length && rnd() < 0.1 ? pick(e.texts) : null;
  const body = copy ?? writeUp(e);
  if (!copy) e.texts.push(body);
  return { article: { id: String(i), title: body.title, text: body.text, published: start + i * 5000, source: pick(OUTLETS) }, event: e.n };
}

function place(i: number, article: StoryArticle, event: number, found: ArticleFeatures | undefined): void {
  const sampled = checkpoints.find((c) => i > c - SAMPLE && i <= c);
  const before = sampled ? process.hrtime.bigint() : 0n;
  const cpuBefore = sampled ? process.cpuUsage() : null;
  // A sampled placement finds its own features: the cost of placing one new article as ingestion does.
  const placed = placeInOrder(state, article, sampled ? undefined : found);
  if (sampled) {
    const cpu = process.cpuUsage(cpuBefore!);
    samples.set(sampled, [...(samples.get(sampled) ?? []), Number(process.hrtime.bigint() - before) / 1e6]);
    cpuSamples.set(sampled, [...(cpuSamples.get(sampled) ?? []), (cpu.user + cpu.system) / 1000]);
  }
  if (placed.story === article.id) stories++;
  placementsHash?.update(`${article.id}\t${JSON.stringify(placed)}\n`);
  stored.place(i, event, placed);
  if (i % MEMORY_EVERY === 0) {
    memory.push(memoryNow(i));
    // Progress on stderr: a run cut short (a long one on a loaded machine) still tells how far it got.
    const cpu = process.cpuUsage();
    process.stderr.write(`${JSON.stringify({ ...memory[memory.length - 1], cpuSeconds: (cpu.user + cpu.system) / 1e6, seconds: Number(process.hrtime.bigint() - t0) / 1e9 })}\n`);
  }
}

const t0 = process.hrtime.bigint();
const inFlight: { from: number; items: ReturnType<typeof nextArticle>[]; sampled: boolean; found: Promise<ArticleFeatures[]> | null }[] = [];
let made = 0;
for (;;) {
  // Nothing is sent to the thread past a batch with sampled placements until it is placed:
  // the process's CPU time is what a sample reads, and the thread's work would count in it.
  while (inFlight.length < AHEAD && made < n && !inFlight.some((b) => b.sampled)) {
    const from = made + 1;
    const items = Array.from({ length: Math.min(BATCH, n - made) }, () => nextArticle(++made));
    const sampled = checkpoints.some((c) => from <= c && made > c - SAMPLE);
    inFlight.push({ from, items, sampled, found: sampled ? null : (features?.featurise(items.map((x) => x.article)) ?? null) });
  }
  const next = inFlight.shift();
  if (!next) break;
  const found = next.found ? await next.found : null;
  next.items.forEach((x, j) => place(next.from + j, x.article, x.event, found?.[j]));
}
await features?.close();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuTotal = process.cpuUsage();
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
process.stdout.write(
  JSON.stringify({
    articles: n,
    seconds,
    cpuSeconds: (cpuTotal.user + cpuTotal.system) / 1e6,
    placingThreadCpuSeconds: placingThreadCpuSeconds(),
    storiesOpened: stories,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    memory,
    quality: stored.pairwise(),
    ...(placementsHash ? { placementsHash: placementsHash.digest('hex').slice(0, 16) } : {}),
    placement: [...samples].map(([stored, xs]) => {
      const cpu = cpuSamples.get(stored)!;
      return { stored, p50Ms: quantile(xs, 0.5), p99Ms: quantile(xs, 0.99), p50CpuMs: quantile(cpu, 0.5), p99CpuMs: quantile(cpu, 0.99), maxCpuMs: quantile(cpu, 1) };
    }),
  }),
);

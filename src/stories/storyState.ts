import { CopyIndex, signatureOf } from './minhash.js';
import { NeighbourIndex } from './neighbourIndex.js';
import { RollingDf, addInto, dot, norm, termCounts, topTerms, weightedVector, type Vector, type Weights } from './vectors.js';

/** One article as the clusterer sees it; `published` is ISO 8601 or ms since the epoch. */
export interface StoryArticle {
  id: string;
  title: string;
  text?: string | null;
  published?: string | number | null;
  source?: string | null;
}

export interface Placement {
  id: string;
  /** The story's id: the id of its first article. */
  story: string;
  /** The first article of the copy group this article is a wire copy of. */
  copyOf?: string;
}

export interface StoryOptions extends Weights {
  /** Cosine between an article and a story's centroid to join it (full text / headline only). */
  joinThreshold: number;
  joinThresholdShort: number;
  /** Cosine between an article and its nearest recent article to join that one's story. */
  neighbourThreshold: number;
  neighbourThresholdShort: number;
  /** An article with fewer weighted terms than this is short (a headline, a teaser). */
  shortTerms: number;
  /** Cosine between two story centroids to merge them in the periodic pass (the short one when both stories are mostly short articles). */
  mergeThreshold: number;
  mergeThresholdShort: number;
  /** Estimated Jaccard of shingles above which two articles are copies. */
  copyThreshold: number;
  /** A story quiet for longer than this is closed: new articles start a new story. */
  windowMs: number;
  /** Articles between two merge passes. */
  mergeEvery: number;
  /** Terms of a story's centroid kept, and of those the heaviest indexed for lookup. */
  centroidTerms: number;
  indexedTerms: number;
  /** Documents after which the rolling document frequencies are halved. */
  dfHalfLife: number;
}

/** Tuned on one half of each evaluation set (npm run eval:stories prints both halves). */
export const DEFAULT_STORY_OPTIONS: StoryOptions = {
  joinThreshold: 0.35,
  joinThresholdShort: 0.1,
  neighbourThreshold: 0.5,
  neighbourThresholdShort: 2,
  shortTerms: 16,
  mergeThreshold: 0.6,
  mergeThresholdShort: 0.25,
  copyThreshold: 0.8,
  windowMs: 48 * 3600_000,
  mergeEvery: 100,
  centroidTerms: 120,
  indexedTerms: 25,
  dfHalfLife: 50_000,
  name: 3,
  number: 2,
  title: 2,
  terms: 60,
};

interface Story {
  id: string;
  centroid: Vector;
  norm: number;
  size: number;
  /** Articles of the story that were short (headlines only). */
  short: number;
  lastAt: number;
  indexed: string[];
  mergedInto: string | null;
  changed: boolean;
}

export interface StoryState {
  readonly options: StoryOptions;
  readonly df: RollingDf;
  readonly copies: CopyIndex;
  readonly neighbours: NeighbourIndex;
  readonly stories: Map<string, Story>;
  /** term → open stories whose centroid has it among its heaviest terms. */
  readonly index: Map<string, Set<string>>;
  readonly storyOfArticle: Map<string, string>;
  readonly copyOf: Map<string, string>;
  now: number;
  placed: number;
}

export function createStoryState(options: Partial<StoryOptions> = {}): StoryState {
  const o = { ...DEFAULT_STORY_OPTIONS, ...options };
  return {
    options: o,
    df: new RollingDf(o.dfHalfLife),
    copies: new CopyIndex(o.copyThreshold, o.windowMs),
    neighbours: new NeighbourIndex(o.windowMs, 64),
    stories: new Map(),
    index: new Map(),
    storyOfArticle: new Map(),
    copyOf: new Map(),
    now: 0,
    placed: 0,
  };
}

/**
 * Places one article into its story (an existing one, or a new story of one) and returns
 * where it went. Ingestion calls this as articles arrive; a rebuild replays the same calls
 * in the same order and gets the same stories. Every `mergeEvery` articles, stories that
 * converged are merged: `storyOf` then gives an article's current story.
 */
export function placeArticle(state: StoryState, article: StoryArticle): Placement {
  const o = state.options;
  state.now = Math.max(state.now, timeOf(article.published) ?? state.now);
  const text = article.text ?? '';
  const counts = termCounts(article.title, text, o.title);
  state.df.add(counts.keys());
  const vector = weightedVector(counts, state.df, o);
  const original = copyOriginal(state, article, text);
  const storyId = original ? storyOf(state, original) : bestStory(state, vector);
  state.neighbours.add(article.id, vector, state.now);
  const story = storyId ? joinStory(state, storyId, vector) : openStory(state, article.id, vector);
  state.storyOfArticle.set(article.id, story.id);
  if (original) state.copyOf.set(article.id, original);
  if (++state.placed % o.mergeEvery === 0) mergePass(state);
  return { id: article.id, story: storyOf(state, article.id)!, ...(original ? { copyOf: original } : {}) };
}

/** The article's story now (after merges), or null for an article never placed. */
export function storyOf(state: StoryState, articleId: string): string | null {
  let id = state.storyOfArticle.get(articleId);
  if (id === undefined) return null;
  let s = state.stories.get(id);
  while (s?.mergedInto) {
    id = s.mergedInto;
    s = state.stories.get(id);
  }
  return id;
}

function timeOf(p: string | number | null | undefined): number | null {
  if (typeof p === 'number') return Number.isFinite(p) ? p : null;
  if (typeof p !== 'string' || !p) return null;
  const ms = Date.parse(p);
  return Number.isNaN(ms) ? null : ms;
}

function copyOriginal(state: StoryState, article: StoryArticle, text: string): string | null {
  const sig = signatureOf(`${article.title}\n${text}`);
  if (!sig) return null;
  const hit = state.copies.findOriginal(sig, state.now);
  state.copies.add(article.id, sig, state.now);
  if (!hit) return null;
  return state.copyOf.get(hit.id) ?? hit.id;
}

function isOpen(state: StoryState, s: Story): boolean {
  return !s.mergedInto && state.now - s.lastAt <= state.options.windowMs;
}

/** The open story closest to `v` through the term index, if it passes the join threshold. */
function bestStory(state: StoryState, v: Vector): string | null {
  const o = state.options;
  const short = v.size < o.shortTerms;
  const near = state.neighbours.nearest(v, state.now);
  if (near && near.similarity >= (short ? o.neighbourThresholdShort : o.neighbourThreshold)) {
    const id = storyOf(state, near.id);
    if (id && isOpen(state, state.stories.get(id)!)) return id;
  }
  let best: Story | null = null;
  let bestScore = short ? o.joinThresholdShort : o.joinThreshold;
  for (const s of candidates(state, v.keys())) {
    const score = dot(v, s.centroid) / (s.norm || 1);
    if (score > bestScore || (score === bestScore && best && s.id < best.id)) {
      best = s;
      bestScore = score;
    }
  }
  return best?.id ?? null;
}

/** Open stories sharing an indexed term; closed ones found on the way leave the index. */
function candidates(state: StoryState, terms: Iterable<string>, except?: string): Story[] {
  const found = new Map<string, Story>();
  for (const t of terms) {
    for (const id of state.index.get(t) ?? []) {
      if (id === except || found.has(id)) continue;
      const s = state.stories.get(id)!;
      if (isOpen(state, s)) found.set(id, s);
      else unindex(state, s);
    }
  }
  return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function openStory(state: StoryState, id: string, v: Vector): Story {
  const s: Story = { id, centroid: new Map(v), norm: norm(v), size: 1, short: v.size < state.options.shortTerms ? 1 : 0, lastAt: state.now, indexed: [], mergedInto: null, changed: true };
  state.stories.set(id, s);
  reindex(state, s);
  return s;
}

function joinStory(state: StoryState, id: string, v: Vector): Story {
  const s = state.stories.get(id)!;
  addInto(s.centroid, v, state.options.centroidTerms);
  s.norm = norm(s.centroid);
  s.size++;
  if (v.size < state.options.shortTerms) s.short++;
  s.lastAt = Math.max(s.lastAt, state.now);
  s.changed = true;
  reindex(state, s);
  return s;
}

function reindex(state: StoryState, s: Story): void {
  unindex(state, s);
  s.indexed = topTerms(s.centroid, state.options.indexedTerms);
  for (const t of s.indexed) {
    const set = state.index.get(t);
    if (set) set.add(s.id);
    else state.index.set(t, new Set([s.id]));
  }
}

function unindex(state: StoryState, s: Story): void {
  for (const t of s.indexed) {
    const set = state.index.get(t);
    set?.delete(s.id);
    if (set?.size === 0) state.index.delete(t);
  }
  s.indexed = [];
}

/**
 * Merges stories whose centroids converged: each story changed since the last pass is
 * compared with the open stories sharing its indexed terms, and the younger of a close
 * pair folds into the older. Returns the merges made, for a store to apply.
 */
export function mergePass(state: StoryState): { from: string; into: string }[] {
  const merges: { from: string; into: string }[] = [];
  const changed = [...state.stories.values()].filter((s) => s.changed && isOpen(state, s));
  for (const s of changed) {
    s.changed = false;
    if (s.mergedInto) continue;
    for (const other of candidates(state, s.indexed, s.id)) {
      if (s.mergedInto) break;
      const sim = dot(s.centroid, other.centroid) / ((s.norm || 1) * (other.norm || 1));
      const short = s.short * 2 > s.size && other.short * 2 > other.size;
      if (sim < (short ? state.options.mergeThresholdShort : state.options.mergeThreshold)) continue;
      const [keep, gone] = state.placed && older(state, s, other) ? [s, other] : [other, s];
      merge(state, keep, gone);
      merges.push({ from: gone.id, into: keep.id });
    }
  }
  return merges;
}

function older(state: StoryState, a: Story, b: Story): boolean {
  return a.size > b.size || (a.size === b.size && a.id < b.id);
}

function merge(state: StoryState, keep: Story, gone: Story): void {
  unindex(state, gone);
  gone.mergedInto = keep.id;
  addInto(keep.centroid, gone.centroid, state.options.centroidTerms);
  keep.norm = norm(keep.centroid);
  keep.size += gone.size;
  keep.short += gone.short;
  keep.lastAt = Math.max(keep.lastAt, gone.lastAt);
  keep.changed = true;
  reindex(state, keep);
}

import { TidingsError } from '../model/errors.js';
import { AgeQueue } from './ageQueue.js';
import { incidentOf, isContextTerm } from './incident.js';
import { CopyIndex, HASHES, signatureOf } from './minhash.js';
import { NeighbourIndex } from './neighbourIndex.js';
import { packVector, ScoringTable, type PackedVector } from './packedVectors.js';
import { driftedPart, sumOf, type Member } from './storySplit.js';
import { TermIndex } from './termIndex.js';
import { RollingDf, addInto, namesOf, norm, normalise, termCounts, topTerms, weightedVector, type TermCounts, type Vector, type Weights } from './vectors.js';

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
  /** Set when this placement ran a share of the periodic pass: what it changed, for a store to apply. */
  regrouped?: Regrouping;
}

export interface Regrouping {
  merges: { from: string; into: string }[];
  /** `articles` left story `from` for the new story `into` (the id of one of them). */
  splits: { from: string; into: string; articles: string[] }[];
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
  /** Articles between the starts of two periodic passes (merge, then split). */
  mergeEvery: number;
  /**
   * Stories the periodic pass checks per placement at most (for a merge or a split): the
   * pass is spread over the placements after its start, so no one placement pays for all of it.
   */
  passChecks: number;
  /** Cosine between the two halves of a story under which it is split (short: mostly headlines). */
  splitThreshold: number;
  splitThresholdShort: number;
  /** The smallest part a split may cut off. */
  splitMinPart: number;
  /** Recent articles a story keeps (vectors) to judge a split; older ones stay where they are. */
  splitMembers: number;
  /** Stories checked for a split per pass at most (the rest wait for the next): a bound on one placement's cost. */
  splitChecks: number;
  /** Terms of a story's centroid kept, and of those the heaviest indexed for lookup. */
  centroidTerms: number;
  indexedTerms: number;
  /**
   * Open stories listed under one indexed term at most (the most recently changed): a
   * word every story of a kind shares cannot make each lookup visit all of them.
   */
  storiesPerTerm: number;
  /** Stories a changed story is compared with in the merge pass: those sharing most of its indexed terms. */
  mergeCandidates: number;
  /**
   * Open stories an article is scored against at most: those whose indexed terms it shares
   * most of. Where thousands of stories are open, a story sharing one of an article's
   * terms is rarely its story, and scoring each was most of a placement's cost.
   */
  joinCandidates: number;
  /** Documents after which the rolling document frequencies are halved. */
  dfHalfLife: number;
  /** Share of the cosine of the incident terms two full texts name (dates, weekdays, ages: see `incidentOf`), when both name one (0: ignored). */
  whenShare: number;
  /**
   * A story of at most this many articles meets others in the merge pass with the join
   * threshold rather than the merge threshold (0: never).
   */
  mergeSmall: number;
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
  passChecks: 4,
  splitThreshold: 0.3,
  splitThresholdShort: 0.1,
  splitMinPart: 3,
  splitMembers: 200,
  splitChecks: 4,
  centroidTerms: 120,
  indexedTerms: 25,
  storiesPerTerm: 64,
  mergeCandidates: 16,
  joinCandidates: 64,
  dfHalfLife: 50_000,
  whenShare: 0.4,
  mergeSmall: 3,
  name: 3,
  number: 1,
  title: 2,
  terms: 60,
  nameShare: 0.5,
};

interface Story {
  id: string;
  centroid: Vector;
  norm: number;
  /** The names-only centroid (see `namesOf`). */
  names: Vector;
  namesNorm: number;
  /** `centroid` and `names` packed for scoring, made when first needed after a change. */
  packed: { centroid: PackedVector; names: PackedVector } | null;
  /** The incident terms its articles name (see `incidentOf`), summed. */
  when: Vector;
  whenNorm: number;
  size: number;
  /** Articles of the story that were short (headlines only). */
  short: number;
  lastAt: number;
  indexed: string[];
  mergedInto: string | null;
  changed: boolean;
  members: Member[];
  /** Size at the last split check: a story is checked again once it grew by a quarter. */
  checkedAt: number;
  /** Waiting in the pass's merge queue. */
  queued: boolean;
  /** Its number in the term index while it is open (see `TermIndex`), else -1. */
  slot: number;
}

/**
 * The periodic pass under way: stories that changed before it started wait for their merge
 * check, then the stories due a split check are listed and checked, a few per placement.
 */
interface Pass {
  merges: Story[];
  next: number;
  /** Set when the merge checks are done: list the stories due a split check then. */
  splitsDue: boolean;
  splits: Story[];
}

export interface StoryState {
  readonly options: StoryOptions;
  readonly df: RollingDf;
  readonly copies: CopyIndex;
  readonly neighbours: NeighbourIndex;
  readonly stories: Map<string, Story>;
  /** Stories that may still be open, in the order they opened: what the periodic pass visits. */
  readonly active: Set<Story>;
  /** term → open stories whose centroid has it among its heaviest terms. */
  readonly index: TermIndex<Story>;
  readonly storyOfArticle: Map<string, string>;
  readonly copyOf: Map<string, string>;
  /**
   * Set when placed articles and retired stories are forgotten after this long: their
   * `storyOf` is then null (a store keeps where they went; nothing placed later can reach
   * them), and memory follows the window rather than everything placed.
   */
  readonly forget: { afterMs: number; articles: AgeQueue<string>; stories: AgeQueue<Story> } | null;
  /** Stories not merged away (open or closed). */
  live: number;
  readonly pass: Pass;
  now: number;
  placed: number;
}

/**
 * Every term weight must be positive: NeighbourIndex takes a partial product of 0 for an
 * entry not yet reached, and a weight of 0 or less would make a reached one look unreached.
 * Names and numbers multiply the weight; a headline-only word's sublinear tf is
 * 1 + ln(title), positive only for a title weight over 1/e.
 */
function checkedWeights(o: StoryOptions): StoryOptions {
  const floors: [keyof Weights, number][] = [['name', 0], ['number', 0], ['title', Math.exp(-1)]];
  for (const [key, floor] of floors) {
    const v = o[key];
    if (!Number.isFinite(v) || v <= floor) throw new TidingsError('invalid_input', `story option ${key} is ${v}: it must be a number over ${floor === 0 ? 0 : '1/e (0.368)'}, so that every term weight is positive`);
  }
  return o;
}

/**
 * A fresh state. `forget`: placed articles and retired stories are forgotten two windows
 * on (what a store's long-running placer wants); without it every article's story stays
 * known (what `tidings stories cluster` prints at the end).
 */
export function createStoryState(options: Partial<StoryOptions> = {}, memory: { forget?: boolean } = {}): StoryState {
  const o = checkedWeights({ ...DEFAULT_STORY_OPTIONS, ...options });
  return {
    options: o,
    df: new RollingDf(o.dfHalfLife),
    copies: new CopyIndex(o.copyThreshold, o.windowMs),
    neighbours: new NeighbourIndex(o.windowMs, 64),
    stories: new Map(),
    active: new Set(),
    index: new TermIndex(o.storiesPerTerm),
    storyOfArticle: new Map(),
    copyOf: new Map(),
    forget: memory.forget ? { afterMs: 2 * o.windowMs, articles: new AgeQueue(), stories: new AgeQueue() } : null,
    live: 0,
    pass: { merges: [], next: 0, splitsDue: false, splits: [] },
    now: 0,
    placed: 0,
  };
}

/**
 * Places one article into its story (an existing one, or a new story of one) and returns
 * where it went. Ingestion calls this as articles arrive; a rebuild replays the same calls
 * in the same order and gets the same stories. Every `mergeEvery` articles a pass starts
 * that merges stories that converged and splits ones that drifted, `passChecks` stories per
 * placement: `storyOf` then gives an article's current story.
 */
export function placeArticle(state: StoryState, article: StoryArticle, features?: ArticleFeatures): Placement {
  const o = state.options;
  const f = features ?? featuresOf(article, o.title, signature);
  state.now = Math.max(state.now, f.published ?? state.now);
  const counts = f.counts;
  const vector = weightedVector(counts, state.df.addWithIdf(counts.keys()), o);
  const member = { id: article.id, vector: packVector(vector), names: namesOf(vector, counts, false), when: f.when.size ? f.when : NO_INCIDENT, at: state.now, seq: state.placed };
  const original = copyOriginal(state, article.id, f.signature);
  const storyId = original ? storyOf(state, original) : bestStory(state, vector, member);
  state.neighbours.add(article.id, member.vector, state.now);
  const story = storyId ? joinStory(state, storyId, vector, member) : openStory(state, member);
  state.storyOfArticle.set(article.id, story.id);
  if (original) state.copyOf.set(article.id, original);
  forgetOld(state, article.id);
  if (++state.placed % o.mergeEvery === 0) startPass(state);
  const regrouped = passSlice(state, o.passChecks);
  return { id: article.id, story: storyOf(state, article.id)!, ...(original ? { copyOf: original } : {}), ...(regrouped ? { regrouped } : {}) };
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

/**
 * What placement needs of an article that no placement before it changes: its term
 * counts, its MinHash signature and its incident terms. Found on the placing thread by
 * `placeArticle`, or ahead of it in another thread (a rebuild, see `featureThread.ts`):
 * the same values either way, so the same stories.
 */
export interface ArticleFeatures {
  counts: TermCounts;
  /** Null when the text has no words (no copy is looked for). */
  signature: Uint32Array | null;
  /** The incident terms (see `incidentOf`), normalised. */
  when: Vector;
  /** `published` in ms, or null when absent or unreadable. */
  published: number | null;
}

/** The features of `article` (`titleWeight`: the options' `title`); its signature into `into` when given. */
export function featuresOf(article: StoryArticle, titleWeight: number, into?: Uint32Array): ArticleFeatures {
  const text = article.text ?? '';
  const published = timeOf(article.published);
  const full = `${article.title}\n${text}`;
  return { counts: termCounts(article.title, text, titleWeight), signature: signatureOf(full, into), when: incidentIn(full, published), published };
}

/** The incident terms a text names (see `incidentOf`), normalised; the one empty vector when it names none. */
function incidentIn(text: string, published: number | null): Vector {
  const terms = incidentOf(text, published);
  return terms.size ? normalise(terms) : NO_INCIDENT;
}

const NO_INCIDENT: Vector = new Map();

/**
 * Forgets articles placed, and stories retired, more than `forget.afterMs` ago. Safe: an
 * article older than the window is no copy original or neighbour any more, and a story
 * retired that long ago has no article left that names it (its articles came before it
 * retired); stories merged into it retired before it did.
 */
function forgetOld(state: StoryState, placed: string): void {
  const f = state.forget;
  if (!f) return;
  f.articles.push(placed, state.now);
  const before = state.now - f.afterMs;
  f.articles.drop(before, (id) => {
    state.storyOfArticle.delete(id);
    state.copyOf.delete(id);
  });
  f.stories.drop(before, (s) => state.stories.delete(s.id));
}

function timeOf(p: string | number | null | undefined): number | null {
  if (typeof p === 'number') return Number.isFinite(p) ? p : null;
  if (typeof p !== 'string' || !p) return null;
  const ms = Date.parse(p);
  return Number.isNaN(ms) ? null : ms;
}

function copyOriginal(state: StoryState, id: string, sig: Uint32Array | null): string | null {
  if (!sig) return null;
  const hit = state.copies.findOriginal(sig, state.now);
  state.copies.add(id, sig, state.now);
  if (!hit) return null;
  return state.copyOf.get(hit.id) ?? hit.id;
}

// Scratch for the signature being placed: the copy index keeps its own copy of it.
const signature = new Uint32Array(HASHES);

function isOpen(state: StoryState, s: Story): boolean {
  return !s.mergedInto && state.now - s.lastAt <= state.options.windowMs;
}

/** The open story closest to `v` (member `m`'s vector) through the term index, if it passes the join threshold. */
function bestStory(state: StoryState, v: Vector, m: Member): string | null {
  const o = state.options;
  const short = v.size < o.shortTerms;
  const near = state.neighbours.nearest(v, state.now);
  if (near && near.similarity >= (short ? o.neighbourThresholdShort : o.neighbourThreshold)) {
    const id = storyOf(state, near.id);
    const s = id === null ? null : state.stories.get(id)!;
    if (s && isOpen(state, s) && (short || neighbourAgrees(o, near.similarity, m, s))) return s.id;
  }
  let best: Story | null = null;
  let bestScore = short ? o.joinThresholdShort : o.joinThreshold;
  const words = queryWords.load(v);
  const names = queryNames.load(m.names);
  // The best score wins and ties go to the smaller id, so the candidates' order does not matter.
  for (const s of candidates(state, v.keys(), o.joinCandidates)) {
    const p = packedOf(s);
    const wordsCos = words.dot(p.centroid) / (s.norm || 1);
    const namesCos = m.names.size && s.namesNorm ? names.dot(p.names) / s.namesNorm : null;
    const score = short ? wordsCos : blended(o, wordsCos, namesCos, incidentAgreement(m.when, 1, s.when, s.whenNorm));
    if (score > bestScore || (score === bestScore && best && s.id < best.id)) {
      best = s;
      bestScore = score;
    }
  }
  return best?.id ?? null;
}

/**
 * Whether the neighbour's story still passes the neighbour threshold once the incident
 * terms are weighed in, as `blended` weighs them: an article close in words to one of an
 * older incident of its kind (another arrest, another fire at one chain's store) that
 * names another day, year or age goes on to be scored against every candidate instead.
 */
function neighbourAgrees(o: StoryOptions, similarity: number, m: Member, s: Story): boolean {
  return blended(o, similarity, null, incidentAgreement(m.when, 1, s.when, s.whenNorm)) >= o.neighbourThreshold;
}

// Scratch tables for the vectors being compared: placement is synchronous, so one of each serves every state.
const queryWords = new ScoringTable();
const queryNames = new ScoringTable();

function packedOf(s: Story): { centroid: PackedVector; names: PackedVector } {
  s.packed ??= { centroid: packVector(s.centroid), names: packVector(s.names) };
  return s.packed;
}

/**
 * Cosine of words blended with the cosine of names when both sides name someone, then with
 * the incident terms' agreement when both name one. Only for full texts: a headline names
 * too few people or dates to tell two events apart by them.
 */
function blended(o: StoryOptions, words: number, names: number | null, when: Agreement | null): number {
  const named = names === null ? words : (1 - o.nameShare) * words + o.nameShare * names;
  if (when === null) return named;
  // Agreement on context terms (every event of that day names them) adds nothing; disagreement still counts.
  const cosine = when.cosine <= named ? when.cosine : named + (when.cosine - named) * when.evidence;
  return (1 - o.whenShare) * named + o.whenShare * cosine;
}

/** How far two incident vectors agree: their cosine, and the share of it owed to terms that are not context. */
interface Agreement {
  cosine: number;
  evidence: number;
}

/** The agreement of two incident vectors given their norms, or null when either side is empty. */
function incidentAgreement(a: Vector, aNorm: number, b: Vector, bNorm: number): Agreement | null {
  if (!a.size || !b.size || !aNorm || !bNorm) return null;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let all = 0;
  let evidence = 0;
  for (const [t, x] of small) {
    const y = large.get(t);
    if (y === undefined) continue;
    all += x * y;
    if (!isContextTerm(t)) evidence += x * y;
  }
  return { cosine: all / (aNorm * bNorm), evidence: all ? evidence / all : 0 };
}

/**
 * The `limit` open stories sharing the most indexed terms with `terms` (ties: the first
 * reached first), in the order first reached; closed ones found on the way leave the index.
 */
function candidates(state: StoryState, terms: Iterable<string>, limit: number, except?: Story): Story[] {
  const index = state.index;
  const found = index.walk(terms, except?.slot ?? -1, (n) => {
    const s = index.item(n);
    if (isOpen(state, s)) return true;
    retire(state, s);
    return false;
  });
  return index.mostShared(found, limit).map((n) => index.item(n));
}

/** The `limit` candidates of `s` sharing most of its indexed terms, in id order (merges are made in this order). */
function mergeCandidates(state: StoryState, s: Story): Story[] {
  return candidates(state, s.indexed, state.options.mergeCandidates, s).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function openStory(state: StoryState, m: Member): Story {
  const s = storyOfMembers(state, m.id, [m]);
  m.named = true;
  state.live++;
  state.stories.set(m.id, s);
  state.active.add(s);
  reindex(state, s);
  return s;
}

function storyOfMembers(state: StoryState, id: string, members: Member[]): Story {
  const o = state.options;
  const centroid: Vector = new Map();
  addInto(centroid, sumOf(members), o.centroidTerms);
  const names: Vector = new Map();
  addInto(names, sumOf(members, 'names'), o.centroidTerms);
  const when: Vector = new Map();
  addInto(when, sumOf(members, 'when'), o.centroidTerms);
  const short = members.filter((m) => m.vector.terms.length < o.shortTerms).length;
  const lastAt = Math.max(...members.map((m) => m.at));
  return { id, centroid, norm: norm(centroid), names, namesNorm: norm(names), packed: null, when, whenNorm: norm(when), size: members.length, short, lastAt, indexed: [], mergedInto: null, changed: true, members, checkedAt: members.length, queued: false, slot: -1 };
}

function joinStory(state: StoryState, id: string, vector: Vector, m: Member): Story {
  const s = state.stories.get(id)!;
  addInto(s.centroid, vector, state.options.centroidTerms);
  s.norm = norm(s.centroid);
  addInto(s.names, m.names, state.options.centroidTerms);
  s.namesNorm = norm(s.names);
  s.packed = null;
  addInto(s.when, m.when, state.options.centroidTerms);
  s.whenNorm = norm(s.when);
  s.size++;
  if (m.vector.terms.length < state.options.shortTerms) s.short++;
  s.lastAt = Math.max(s.lastAt, state.now);
  s.changed = true;
  s.members.push(m);
  if (s.members.length > state.options.splitMembers * 2) s.members.splice(0, s.members.length - state.options.splitMembers);
  reindex(state, s);
  return s;
}

function reindex(state: StoryState, s: Story): void {
  unindex(state, s);
  s.indexed = topTerms(s.centroid, state.options.indexedTerms);
  if (s.slot < 0) s.slot = state.index.enter(s);
  state.index.add(s.slot, s.indexed);
}

/** A story that closed or merged away: out of the index, its members and centroid no longer needed. */
function retire(state: StoryState, s: Story): void {
  unindex(state, s);
  if (s.slot >= 0) state.index.leave(s.slot);
  s.slot = -1;
  s.members = [];
  // Closed or merged away, it is never scored again (its articles' copies would only come
  // within the window): what a million articles' worth of stories keep is their ids.
  s.centroid = new Map();
  s.names = new Map();
  s.when = new Map();
  s.packed = null;
  state.active.delete(s);
  state.forget?.stories.push(s, state.now);
}

/** The open stories; closed ones found on the way are retired, so the pass costs what the window holds. */
function openStories(state: StoryState): Story[] {
  const open: Story[] = [];
  for (const s of state.active) {
    if (isOpen(state, s)) open.push(s);
    else retire(state, s);
  }
  return open;
}

function unindex(state: StoryState, s: Story): void {
  if (s.slot >= 0) state.index.remove(s.slot, s.indexed);
  s.indexed = [];
}

/** Queues the stories changed since the last pass for a merge check; the split checks follow them. */
function startPass(state: StoryState): void {
  const pass = state.pass;
  for (const s of openStories(state)) {
    if (!s.changed) continue;
    // Cleared now, not when checked: a change while it waits counts for the next pass.
    s.changed = false;
    if (!s.queued) pass.merges.push(s);
    s.queued = true;
  }
  pass.splitsDue = true;
}

/**
 * Up to `checks` stories of the pass under way checked (merge checks first), or null when
 * no pass is under way. Returns what changed, for a store to apply.
 */
function passSlice(state: StoryState, checks: number): Regrouping | null {
  const pass = state.pass;
  if (pass.next === pass.merges.length && !pass.splitsDue && !pass.splits.length) return null;
  const done: Regrouping = { merges: [], splits: [] };
  for (; checks > 0 && pass.next < pass.merges.length; checks--) mergeCheck(state, pass.merges[pass.next++]!, done.merges);
  if (pass.next < pass.merges.length) return done;
  pass.merges.length = pass.next = 0;
  if (pass.splitsDue) pass.splits = dueSplits(state);
  pass.splitsDue = false;
  for (; checks > 0 && pass.splits.length; checks--) splitCheck(state, pass.splits.shift()!, done.splits);
  return done;
}

/**
 * Merges stories whose centroids converged: each story changed since the last pass is
 * compared with the open stories sharing its indexed terms, and the younger of a close
 * pair folds into the older. Runs what a pass under way still has to check first. Returns
 * the merges made, for a store to apply.
 */
export function mergePass(state: StoryState): { from: string; into: string }[] {
  startPass(state);
  const merges: { from: string; into: string }[] = [];
  const pass = state.pass;
  while (pass.next < pass.merges.length) mergeCheck(state, pass.merges[pass.next++]!, merges);
  pass.merges.length = pass.next = 0;
  return merges;
}

/** The merges of one story with the open stories sharing most of its indexed terms. */
function mergeCheck(state: StoryState, s: Story, merges: { from: string; into: string }[]): void {
  s.queued = false;
  if (!isOpen(state, s)) return;
  // s's centroid changes only when another story merges into it: the tables are loaded again then.
  let loaded: Story | null = null;
  for (const other of mergeCandidates(state, s)) {
    if (s.mergedInto) break;
    if (loaded !== s) loaded = loadTables(s);
    const p = packedOf(other);
    const short = s.short * 2 > s.size && other.short * 2 > other.size;
    const words = queryWords.dot(p.centroid) / ((s.norm || 1) * (other.norm || 1));
    const names = s.namesNorm && other.namesNorm ? queryNames.dot(p.names) / (s.namesNorm * other.namesNorm) : null;
    const sim = short ? words : blended(state.options, words, names, incidentAgreement(s.when, s.whenNorm, other.when, other.whenNorm));
    if (sim < mergeThresholdOf(state.options, s, other, short)) continue;
    const [keep, gone] = state.placed && older(state, s, other) ? [s, other] : [other, s];
    merge(state, keep, gone);
    merges.push({ from: gone.id, into: keep.id });
    loaded = null;
  }
}

/**
 * A story of a few articles meets others at the pass with the join threshold: its
 * centroid is close to its articles', so it is one more chance for them to join a story
 * that grew toward them since they were placed (the merge threshold is for centroids of
 * many articles each).
 */
function mergeThresholdOf(o: StoryOptions, a: Story, b: Story, short: boolean): number {
  const small = Math.min(a.size, b.size) <= o.mergeSmall;
  if (short) return small ? o.joinThresholdShort : o.mergeThresholdShort;
  return small ? o.joinThreshold : o.mergeThreshold;
}

function loadTables(s: Story): Story {
  queryWords.load(s.centroid);
  queryNames.load(s.names);
  return s;
}

function older(state: StoryState, a: Story, b: Story): boolean {
  return a.size > b.size || (a.size === b.size && a.id < b.id);
}

function merge(state: StoryState, keep: Story, gone: Story): void {
  gone.mergedInto = keep.id;
  state.live--;
  addInto(keep.centroid, gone.centroid, state.options.centroidTerms);
  keep.norm = norm(keep.centroid);
  addInto(keep.names, gone.names, state.options.centroidTerms);
  keep.namesNorm = norm(keep.names);
  keep.packed = null;
  addInto(keep.when, gone.when, state.options.centroidTerms);
  keep.whenNorm = norm(keep.when);
  keep.size += gone.size;
  keep.short += gone.short;
  keep.lastAt = Math.max(keep.lastAt, gone.lastAt);
  keep.changed = true;
  keep.members = [...keep.members, ...gone.members].sort((a, b) => a.seq - b.seq).slice(-state.options.splitMembers);
  retire(state, gone);
  reindex(state, keep);
}

/**
 * Splits stories that drifted apart: open stories that grew by a quarter since they were
 * last checked (the first `splitChecks` of them, oldest first) are each cut in two
 * (two-means over its recent members) when the parts are far apart. The part with the
 * story's own first article keeps the id; the other becomes a story named after its first
 * article that names no story yet. Returns the splits made.
 */
export function splitPass(state: StoryState): Regrouping['splits'] {
  const splits: Regrouping['splits'] = [];
  for (const s of dueSplits(state)) splitCheck(state, s, splits);
  return splits;
}

function dueSplits(state: StoryState): Story[] {
  const o = state.options;
  return openStories(state)
    .filter((s) => s.size >= s.checkedAt + Math.max(o.splitMinPart, s.checkedAt / 4))
    .slice(0, o.splitChecks);
}

function splitCheck(state: StoryState, s: Story, splits: Regrouping['splits']): void {
  // Listed when the merge checks ended: it may have closed or merged away since.
  if (!isOpen(state, s)) return;
  const o = state.options;
  s.checkedAt = s.size;
  const short = s.short * 2 > s.size;
  const part = driftedPart(s.members, s.id, { minPart: o.splitMinPart, threshold: short ? o.splitThresholdShort : o.splitThreshold });
  const head = part?.leave.find((m) => !m.named);
  if (part && head) splits.push(split(state, s, part.stay, part.leave, head.id));
}

function split(state: StoryState, s: Story, stay: Member[], leave: Member[], id: string): Regrouping['splits'][number] {
  const size = s.size;
  unindex(state, s);
  const rest = storyOfMembers(state, s.id, stay);
  Object.assign(s, { ...rest, slot: s.slot, size: size - leave.length, checkedAt: size - leave.length, short: Math.max(0, s.short - leave.filter((m) => m.vector.terms.length < state.options.shortTerms).length) });
  reindex(state, s);
  const cut = storyOfMembers(state, id, leave);
  leave.find((m) => m.id === id)!.named = true;
  state.live++;
  state.stories.set(id, cut);
  state.active.add(cut);
  reindex(state, cut);
  // An article already forgotten (see `forgetOld`) stays so: the store moves it.
  for (const m of leave) if (state.storyOfArticle.has(m.id)) state.storyOfArticle.set(m.id, id);
  return { from: s.id, into: id, articles: leave.map((m) => m.id) };
}

import { logError } from '../log/loggedError.js';
import { asTidingsError, TidingsError } from '../model/errors.js';
import type { ExtractionPool } from '../extract/extractionPool.js';
import type { ArticleFactsWrite, PlacedInput, StoryBatch, StoryInput, Store, StoryTransaction } from '../store/store.js';
import { turnTaker } from './eventLoopTurns.js';
import { createPlacingState, placeInOrder, type PlacingState } from '../stories/placementOrder.js';
import { FeatureThread } from '../stories/featureThread.js';
import { DEFAULT_STORY_OPTIONS, storyOf, type ArticleFeatures, type StoryOptions } from '../stories/storyState.js';

import type { Facts } from './factsWorker.js';

export type { Facts };
export type FactsOf = (article: StoryInput) => Facts | Promise<Facts>;

/**
 * Facts found on the calling thread. Loaded at first use: the entity tagger takes seconds
 * to load, which a command that never stores an article should not pay.
 */
export const articleFacts: FactsOf = async (a) => {
  const { factsOfText } = await import('./factsWorker.js');
  return factsOfText(a.text || a.title);
};

// Compiled next to this file, so it is found from dist/ as from src/.
const FACTS_WORKER = new URL('./factsWorker.js', import.meta.url).href;
/**
 * The time one article's facts may take in a worker. Longer than a page's extraction: a
 * fresh thread loads the tagger first (seconds on a loaded machine), and the text is
 * capped (MAX_FACTS_TEXT), so this only stops a text that defeats the tagger.
 */
export const FACTS_TIMEOUT_MS = 30_000;

/** When facts the threads could not find are asked again. */
export const FACTS_RETRY_MS = 10 * 60_000;

/**
 * Facts found in a thread of `pool` (under its time and memory limits), so that tagging a
 * long article never stalls the event loop serve's requests share. A text over a limit
 * gets no facts (logged with `facts_failed`). When the threads are saturated (a task
 * already waits for one) or a worker fails otherwise, the facts are deferred, never found
 * on the main thread: none now, asked again later (StoryPlacer requeues the article),
 * logged once with `facts_deferred` until facts are found again.
 *
 * `wait`: requests wait for a free thread instead of being deferred when the threads are
 * saturated. For a caller that owns the pool and asks for many at once (the rebuild asks
 * for a whole batch: with one thread, every request from the third on would be deferred).
 */
export function factsInPool(pool: ExtractionPool, opts: { worker?: string; timeoutMs?: number; wait?: boolean } = {}): FactsOf {
  let deferring = false;
  const defer = (a: StoryInput, why: string, cause?: unknown): Facts => {
    if (!deferring) logError(new TidingsError('facts_deferred', `entities and figures of article ${a.id} deferred (${why}); articles are asked again later, this is logged once until facts are found again`, { cause }), 'facts step deferred');
    deferring = true;
    return { entities: [], figures: [], deferred: true };
  };
  return async (a) => {
    if (!opts.wait && pool.queued > 0) return defer(a, 'the facts threads are saturated');
    try {
      const facts = await pool.runTask<string, Facts>(opts.worker ?? FACTS_WORKER, a.text || a.title, opts.timeoutMs ?? FACTS_TIMEOUT_MS);
      deferring = false;
      return facts;
    } catch (err) {
      if (asTidingsError(err).code !== 'too_complex') return defer(a, `a worker thread failed: ${(err as Error).message}`, err);
      logError(new TidingsError('facts_failed', `entities and figures of article ${a.id} failed in a worker thread (the text is over a limit, stored without facts): ${(err as Error).message}`, { cause: err }), 'facts step failed');
      return { entities: [], figures: [] };
    }
  };
}

export interface StoryPlacerOptions {
  /** Articles per step (one transaction). */
  batch?: number;
  /** How entities and figures are found (a test makes it fail). */
  facts?: FactsOf;
  /** How far back a fresh process replays stored placements to warm its state (default: two story windows). */
  warmMs?: number;
  /** The clock deferred facts are due by (a test moves it). */
  now?: () => number;
}

const REPLAY_PAGE = 2000;
/** Stored story ids kept before the first trim: a small map is not worth walking. */
const STORED_STORIES_FLOOR = 4096;

/**
 * The story step of ingestion. Articles are queued for it in their own transaction
 * (story_pending), so a failure here never loses one: it is logged once with the code
 * `story_failed` and the articles wait for the next step.
 *
 * The clusterer's state lives in memory, one per process, warmed at the first step from
 * the stored placements of the recent window. Placement runs under the store's story lock
 * (an advisory lock on PostgreSQL, the write lock on SQLite) in one transaction that first
 * replays what other processes placed since (their placements are numbered by `seq`), then
 * places the pending articles in id order and writes the results. Several workers thus
 * place one at a time in one global order, and every process's state stays the one that
 * order gives. Entities and figures, the slow part, are found before the lock is taken.
 */
export class StoryPlacer {
  private placing: PlacingState | null = null;
  private seq = 0;
  private epoch = '';
  /** Story ids as stored, for stories whose first article this process replayed rather than placed. */
  private readonly storedStory = new Map<string, number>();
  /** `storedStory`'s size after it was last trimmed (see forgetStoredStories). */
  private keptStoredStories = STORED_STORIES_FLOOR;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly batch: number;
  private readonly facts: FactsOf;

  constructor(
    private readonly store: Store,
    private readonly options: StoryPlacerOptions = {},
  ) {
    this.batch = options.batch ?? 200;
    this.facts = options.facts ?? articleFacts;
  }

  /** Places everything pending; never throws (a failure is logged and retried at the next call). Returns how many articles were done. */
  placePending(): Promise<number> {
    const run = this.queue.then(() => this.drain());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<number> {
    let done = 0;
    try {
      for (;;) {
        const pending = await this.store.pendingStoryInputs(this.batch, new Date(this.now()).toISOString());
        if (!pending.length) return done;
        done += await this.step(pending);
      }
    } catch (err) {
      // The in-memory state may hold placements the store does not: start it again.
      this.placing = null;
      logError(new TidingsError('story_failed', `placing articles into stories failed: ${(err as Error).message}`, { cause: err }), 'story step failed; the articles stay queued');
      return done;
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async step(pending: StoryInput[]): Promise<number> {
    const facts = newFacts(new Date(this.now() + FACTS_RETRY_MS).toISOString());
    // The step shares serve's event loop: a turn for the web server every few milliseconds.
    const turn = turnTaker();
    for (const a of pending) {
      await facts.find(this.facts, a);
      await turn();
    }
    if (!this.placing) await this.warm();
    return this.store.withStoryLock(async (tx) => {
      await this.catchUp(tx);
      const batch: StoryBatch = { placements: [], ...facts.batch, merges: [], splits: [], done: pending.map((a) => a.id) };
      for (const a of pending) {
        // Another process may have placed it since the pending list was read (replayed just now).
        if (!a.placed && storyOf(this.placing!.state, String(a.id)) === null) this.placeOne(a, batch);
        await turn();
      }
      await tx.save(batch);
      this.seq += batch.placements.length;
      return pending.length;
    });
  }

  private placeOne(a: StoryInput, batch: StoryBatch): void {
    const placed = placeInOrder(this.placing!, storyArticle(a));
    batch.placements.push({ articleId: a.id, storyId: this.stored(placed.story), copyOf: placed.copyOf === null ? null : Number(placed.copyOf), seq: this.seq + batch.placements.length + 1 });
    // Stored placements of a merged story (this batch's too) move when the batch is saved.
    for (const m of placed.merges) batch.merges.push({ from: this.stored(m.from), into: this.stored(m.into) });
    for (const sp of placed.splits) {
      // A split's new story is named by one of its articles, which was no story's id before.
      this.storedStory.set(sp.into, Number(sp.into));
      batch.splits.push({ from: this.stored(sp.from), into: Number(sp.into), articles: sp.articles.map(Number) });
    }
  }

  private stored(storyId: string): number {
    return this.storedStory.get(storyId) ?? Number(storyId);
  }

  /** A fresh state from the stored placements of the recent window, in placement order. */
  private async warm(): Promise<void> {
    this.placing = createPlacingState();
    this.storedStory.clear();
    this.keptStoredStories = STORED_STORIES_FLOOR;
    this.seq = 0;
    this.epoch = await this.store.storyEpoch();
    const newest = await this.store.newestPlacedTime();
    if (!newest) return;
    const warmMs = this.options.warmMs ?? 2 * DEFAULT_STORY_OPTIONS.windowMs;
    const since = new Date(Date.parse(newest) - warmMs).toISOString();
    for (;;) {
      const rows = await this.store.placementsAfter({ afterSeq: this.seq, since, limit: REPLAY_PAGE });
      if (!rows.length) break;
      this.replay(rows);
      if (rows.length < REPLAY_PAGE) break;
    }
    // Placements of articles published before the window are not replayed, but numbered on.
    this.seq = Math.max(this.seq, await this.store.lastStorySeq());
  }

  /** Replays what other processes placed since this state's last placement. */
  private async catchUp(tx: StoryTransaction): Promise<void> {
    if ((await tx.epoch()) !== this.epoch) throw new TidingsError('conflict', 'stories were rebuilt since this process warmed its state');
    for (;;) {
      const rows = await tx.placementsAfter({ afterSeq: this.seq, limit: REPLAY_PAGE });
      if (!rows.length) return;
      this.replay(rows);
    }
  }

  private replay(rows: PlacedInput[]): void {
    const stories = this.placing!.state.stories;
    for (const r of rows) {
      placeInOrder(this.placing!, storyArticle(r));
      // Only an article that names a story here is looked up (`stored`): one that joined a story needs no entry.
      if (stories.has(String(r.id))) this.storedStory.set(String(r.id), r.storyId);
      this.seq = r.seq;
    }
    this.forgetStoredStories();
  }

  /**
   * Drops the stored ids of stories the state has forgotten (see createStoryState's
   * `forget`): nothing placed later names them, and a long-running process would otherwise
   * keep one entry per story it ever replayed. Runs when the map doubled since the last time.
   */
  private forgetStoredStories(): void {
    if (this.storedStory.size < this.keptStoredStories * 2) return;
    const stories = this.placing!.state.stories;
    for (const id of this.storedStory.keys()) if (!stories.has(id)) this.storedStory.delete(id);
    this.keptStoredStories = Math.max(STORED_STORIES_FLOOR, this.storedStory.size);
  }
}

/** The facts a step writes, and the articles whose facts were deferred (asked again from `later` on). */
function newFacts(later: string) {
  const batch = { facts: [] as ArticleFactsWrite[], factsLater: { articles: [] as number[], at: later } };
  return {
    batch,
    /** Finds the facts of `a` unless they are up to date with its text. */
    async find(factsOf: FactsOf, a: StoryInput): Promise<void> {
      if (a.factsHash !== a.contentHash) keep(a, await factsOf(a));
    },
    /** Finds the facts of all `inputs` at once (a pool finds them while the caller works), kept in their order. */
    async findAll(factsOf: FactsOf, inputs: StoryInput[]): Promise<void> {
      const found = await Promise.all(inputs.map((a) => (a.factsHash === a.contentHash ? null : factsOf(a))));
      found.forEach((f, i) => f && keep(inputs[i]!, f));
    },
  };
  function keep(a: StoryInput, { deferred, ...found }: Facts): void {
    if (deferred) batch.factsLater.articles.push(a.id);
    else batch.facts.push({ articleId: a.id, contentHash: a.contentHash, ...found });
  }
}

function storyArticle(a: StoryInput) {
  return { id: String(a.id), title: a.title, text: a.text, published: a.publishedAt, source: a.source };
}

/**
 * Places every stored article again, in id (arrival) order, as ingestion does: the same
 * stories as ingestion gave. Entities and figures are found again only for articles whose
 * text changed since. `onBatch` reports progress. `options`: the clusterer's (default:
 * DEFAULT_STORY_OPTIONS, what ingestion uses).
 */
export async function rebuildStories(store: Store, opts: { batch?: number; facts?: FactsOf; onBatch?: (done: number, total: number) => void; featureThread?: boolean; options?: Partial<StoryOptions> } = {}): Promise<{ articles: number; stories: number }> {
  const facts = opts.facts ?? articleFacts;
  const batchSize = opts.batch ?? 1000;
  const total = await store.countArticlesForStories();
  await store.clearStories(`rebuild-${Date.now()}`);
  const placing = createPlacingState(opts.options);
  // Features are found with the placing state's title weight: the ones placement would find.
  const ahead = new FeaturesAhead(opts.featureThread ?? true, placing.state.options.title);
  let seq = 0;
  let inputs = await store.storyInputsAfter(0, batchSize);
  let features = ahead.of(inputs);
  try {
    while (inputs.length) {
      // The next batch is read and featurised while this one is placed.
      const nextInputs = await store.storyInputsAfter(inputs[inputs.length - 1]!.id, batchSize);
      const nextFeatures = ahead.of(nextInputs);
      const found = newFacts(new Date(Date.now() + FACTS_RETRY_MS).toISOString());
      const batch: StoryBatch = { placements: [], ...found.batch, merges: [], splits: [], done: inputs.map((a) => a.id) };
      // Facts are asked for all at once before placing: from a pool they are found in its
      // thread while this one places (awaited in turn, they held up every placement).
      const factsFound = found.findAll(facts, inputs);
      // Its failure is met when it is awaited, after placing; until then it is not unhandled.
      factsFound.catch(() => undefined);
      const featured = await features;
      for (const [i, a] of inputs.entries()) {
        const placed = placeInOrder(placing, storyArticle(a), featured?.[i]);
        batch.placements.push({ articleId: a.id, storyId: Number(placed.story), copyOf: placed.copyOf === null ? null : Number(placed.copyOf), seq: ++seq });
        for (const m of placed.merges) batch.merges.push({ from: Number(m.from), into: Number(m.into) });
        for (const sp of placed.splits) batch.splits.push({ from: Number(sp.from), into: Number(sp.into), articles: sp.articles.map(Number) });
      }
      await factsFound;
      await store.withStoryLock((tx) => tx.save(batch));
      opts.onBatch?.(seq, total);
      [inputs, features] = [nextInputs, nextFeatures];
    }
  } finally {
    await ahead.close();
  }
  return { articles: seq, stories: placing.state.live };
}

/**
 * A rebuild's articles featurised in a thread of their own (see `FeatureThread`), a batch
 * ahead of placement. Without the thread (it failed to start or died) a batch gets no
 * features and placement finds them itself: the same stories, only slower; logged once.
 */
class FeaturesAhead {
  private thread: FeatureThread | null = null;
  private logged = false;

  constructor(useThread: boolean, titleWeight: number) {
    if (!useThread) return;
    try {
      this.thread = new FeatureThread(titleWeight);
    } catch (err) {
      this.failed(err);
    }
  }

  async of(inputs: StoryInput[]): Promise<ArticleFeatures[] | null> {
    if (!this.thread || !inputs.length) return null;
    try {
      return await this.thread.featurise(inputs.map(storyArticle));
    } catch (err) {
      this.failed(err);
      return null;
    }
  }

  async close(): Promise<void> {
    await this.thread?.close();
  }

  private failed(err: unknown): void {
    const thread = this.thread;
    this.thread = null;
    void thread?.close();
    // Two batches in flight fail together: one line.
    if (this.logged) return;
    this.logged = true;
    logError(new TidingsError('features_thread_failed', `the rebuild's feature thread failed, features are found on the placing thread (same stories, slower): ${(err as Error).message}`, { cause: err }), 'stories rebuild');
  }
}

/** The process's story step for a pipeline, made at first use: facts are found in the pipeline's facts threads. */
export function storyPlacerOf(holder: { store: Store; stories?: StoryPlacer; factsPool?: ExtractionPool }): StoryPlacer {
  holder.stories ??= new StoryPlacer(holder.store, holder.factsPool ? { facts: factsInPool(holder.factsPool) } : {});
  return holder.stories;
}

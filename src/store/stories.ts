import { expressionBuilder, type Expression, type Insertable, type Kysely } from 'kysely';
import { articleFilter } from './articleFilter.js';
import type { ArticleEntityTable, Database, Db, StoryPendingTable } from './schema.js';
import { entityKey, MAX_ENTITY_KEY } from '../text/entityKey.js';
import type { StoreDialect } from './dialect.js';

/**
 * Stories as stored: where each article was placed (story, copy of, placement order), its
 * entities and figures, and per story the aggregates a list shows. The clustering itself
 * lives in src/stories and runs in ingest (ingest/storyPlacer.ts); this module only keeps
 * and reads its results, so the reader and the API never recompute them.
 */

/** An article as the story step reads it. */
export interface StoryInput {
  id: number;
  title: string;
  text: string;
  publishedAt: string;
  source: string;
  contentHash: string;
  /** Already placed (a 'facts' job, or a retry after a crash). */
  placed: boolean;
  /** The content hash its stored facts were computed from, if any. */
  factsHash: string | null;
}

/** A stored placement, replayed to bring a process's in-memory state up to date. */
export interface PlacedInput extends StoryInput {
  seq: number;
  storyId: number;
}

export interface StoryPlacementWrite {
  articleId: number;
  storyId: number;
  copyOf: number | null;
  seq: number;
}

export interface ArticleFactsWrite {
  articleId: number;
  contentHash: string;
  /** JSON arrays, as src/stories returns them. */
  entities: unknown[];
  figures: unknown[];
}

/** One step's results, written in one transaction. */
export interface StoryBatch {
  placements: StoryPlacementWrite[];
  facts: ArticleFactsWrite[];
  /** Stories folded into older ones by the clusterer's periodic pass, in order. */
  merges: Array<{ from: number; into: number }>;
  /** Articles the same pass moved out of a story that drifted, into a new story. */
  splits: Array<{ from: number; into: number; articles: number[] }>;
  /** Pending rows now done. */
  done: number[];
  /** Placed articles whose facts are asked again from `at` on (the facts threads were busy or failing). */
  factsLater?: { articles: number[]; at: string };
}

export interface StorySummary {
  id: number;
  title: string;
  firstSeen: string;
  lastSeen: string;
  articles: number;
  sources: number;
  copies: number;
}

export interface StoryArticle {
  id: number;
  title: string;
  url: string;
  source: string;
  sourceId: number;
  published: string;
  firstSeen: string;
  copyOf: number | null;
  entities: unknown[];
  figures: unknown[];
}

export interface StoryDetail {
  story: StorySummary;
  /** Oldest first. */
  articles: StoryArticle[];
}

export interface StoryPageQuery {
  /** Only stories with articles this reader can see, counted over those. */
  userId?: number;
  limit: number;
  /** Keyset cursor: stories strictly less recently active than this. */
  before?: { lastSeen: string; id: number };
}

const inputColumns = ['a.id', 'a.title', 'a.text', 'a.published_at', 'a.content_hash', 'source.name as source_name', 'x.article_id as placed_id', 'f.content_hash as facts_hash'] as const;

function inputQuery(db: Db) {
  return db
    .selectFrom('article as a')
    .innerJoin('source', 'source.id', 'a.source_id')
    .leftJoin('article_story as x', 'x.article_id', 'a.id')
    .leftJoin('article_facts as f', 'f.article_id', 'a.id');
}

interface InputRow {
  id: number;
  title: string;
  text: string;
  published_at: string;
  content_hash: string;
  source_name: string;
  placed_id: number | null;
  facts_hash: string | null;
}

function toInput(r: InputRow): StoryInput {
  return {
    id: Number(r.id), title: r.title, text: r.text, publishedAt: r.published_at, source: r.source_name,
    contentHash: r.content_hash, placed: r.placed_id !== null, factsHash: r.facts_hash,
  };
}

/** Articles waiting for the story step, oldest id first; facts asked again later only once due at `now`. */
export async function pendingStoryInputs(db: Db, limit: number, now: string): Promise<StoryInput[]> {
  const rows = await inputQuery(db)
    .innerJoin('story_pending as p', 'p.article_id', 'a.id')
    .select([...inputColumns])
    .where((eb) => eb.or([eb('p.kind', '!=', 'facts_later'), eb('p.queued_at', '<=', now)]))
    .orderBy('a.id')
    .limit(limit)
    .execute();
  return rows.map(toInput);
}

/** Every stored article after `afterId` in id order (arrival order), for a rebuild. */
export async function storyInputsAfter(db: Db, afterId: number, limit: number): Promise<StoryInput[]> {
  const rows = await inputQuery(db).select([...inputColumns]).where('a.id', '>', afterId).orderBy('a.id').limit(limit).execute();
  return rows.map(toInput);
}

export async function countArticlesForStories(db: Db): Promise<number> {
  const row = await db.selectFrom('article').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The last placement's number (0 before any). */
export async function lastStorySeq(db: Db): Promise<number> {
  const row = await db.selectFrom('article_story').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * Stored placements in placement order: after `afterSeq`, or (with `since`) those of
 * articles published since then, to warm a fresh process's state on the recent window.
 */
export async function placementsAfter(db: Db, q: { afterSeq: number; since?: string; limit: number }): Promise<PlacedInput[]> {
  const rows = await inputQuery(db)
    .select([...inputColumns, 'x.seq', 'x.story_id'])
    .where('x.seq', '>', q.afterSeq)
    .$if(q.since !== undefined, (qb) => qb.where('a.published_at', '>=', q.since!))
    .orderBy('x.seq')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({ ...toInput(r as InputRow), seq: Number(r.seq), storyId: Number(r.story_id) }));
}

/** The newest publication time among placed articles, where a warm-up window ends. */
export async function newestPlacedTime(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('article_story as x')
    .innerJoin('article as a', 'a.id', 'x.article_id')
    .select((eb) => eb.fn.max('a.published_at').as('t'))
    .executeTakeFirst();
  return (row?.t as string | null | undefined) ?? null;
}

/** What a placing process does while it holds the story lock, all in one transaction. */
export interface StoryTransaction {
  lastSeq(): Promise<number>;
  /** Changes when a rebuild starts over: a process's in-memory state of another epoch is stale. */
  epoch(): Promise<string>;
  placementsAfter(q: { afterSeq: number; limit: number }): Promise<PlacedInput[]>;
  /** One step's results; a placement numbered like an existing one fails the transaction (unique seq). */
  save(batch: StoryBatch): Promise<void>;
}

const EPOCH_KEY = 'stories.epoch';

/**
 * Runs `fn` in one transaction holding the story lock (dialect.lockStories): processes
 * placing at once take turns, each catching up on the others' placements first.
 */
export async function withStoryLock<T>(db: Kysely<Database>, dialect: StoreDialect, fn: (tx: StoryTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await dialect.lockStories(trx);
    return fn({
      lastSeq: () => lastStorySeq(trx),
      epoch: () => storyEpoch(trx),
      placementsAfter: (q) => placementsAfter(trx, q),
      save: (b) => saveStoryBatch(trx, b),
    });
  });
}

export async function storyEpoch(db: Db): Promise<string> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', EPOCH_KEY).executeTakeFirst();
  return row?.value ?? '';
}

async function saveStoryBatch(trx: Db, b: StoryBatch): Promise<void> {
  if (b.placements.length) {
    await trx
      .insertInto('article_story')
      .values(b.placements.map((p) => ({ article_id: p.articleId, story_id: p.storyId, copy_of: p.copyOf, seq: p.seq })))
      .execute();
  }
  for (const f of b.facts) await saveFacts(trx, f);
  const touched = new Set(b.placements.map((p) => p.storyId));
  for (const m of b.merges) {
    await trx.updateTable('article_story').set({ story_id: m.into }).where('story_id', '=', m.from).execute();
    await trx.deleteFrom('story').where('id', '=', m.from).execute();
    touched.delete(m.from);
    touched.add(m.into);
  }
  for (const sp of b.splits) {
    await trx.updateTable('article_story').set({ story_id: sp.into }).where('article_id', 'in', sp.articles).execute();
    touched.add(sp.from);
    touched.add(sp.into);
  }
  await refreshStories(trx, [...touched].sort((x, y) => x - y));
  if (b.done.length) await trx.deleteFrom('story_pending').where('article_id', 'in', b.done).execute();
  if (b.factsLater) await queueStoryWork(trx, b.factsLater.articles, 'facts_later', b.factsLater.at);
}

async function saveFacts(trx: Db, f: ArticleFactsWrite): Promise<void> {
  const row = { content_hash: f.contentHash, entities: JSON.stringify(f.entities), figures: JSON.stringify(f.figures) };
  await trx
    .insertInto('article_facts')
    .values({ article_id: f.articleId, ...row })
    .onConflict((oc) => oc.column('article_id').doUpdateSet(row))
    .execute();
  await indexEntities(trx, f.articleId, f.entities);
}

/** Entity rows one article keeps at most: a list of names, not a concordance. */
const MAX_ENTITIES_PER_ARTICLE = 200;

/** The article's entity index rows, replaced by those of its current facts. */
async function indexEntities(trx: Db, articleId: number, entities: readonly unknown[]): Promise<void> {
  await trx.deleteFrom('article_entity').where('article_id', '=', articleId).execute();
  const rows = entityRows(articleId, entities);
  if (rows.length) await trx.insertInto('article_entity').values(rows).execute();
}

/** One row per distinct (key, type), named as the article first writes it. */
export function entityRows(articleId: number, entities: readonly unknown[]): ArticleEntityRow[] {
  const rows = new Map<string, ArticleEntityRow>();
  for (const e of entities) {
    if (rows.size >= MAX_ENTITIES_PER_ARTICLE) break;
    if (!isNamed(e)) continue;
    const key = entityKey(e.text);
    const id = `${e.type}\u0000${key}`;
    if (key && !rows.has(id)) rows.set(id, { article_id: articleId, entity_key: key, name: e.text.trim().slice(0, MAX_ENTITY_KEY), type: e.type });
  }
  return [...rows.values()];
}

type ArticleEntityRow = Insertable<ArticleEntityTable>;

function isNamed(e: unknown): e is { text: string; type: string } {
  const v = e as { text?: unknown; type?: unknown } | null;
  return typeof v?.text === 'string' && typeof v.type === 'string' && v.type.length <= 20;
}

/**
 * Fills the entity index from the JSON of stored facts that have no index rows, after
 * `afterId` (a page of them, in id order): a rebuild fills it for facts stored before the
 * index existed; facts written since index themselves. Returns the last article id looked
 * at, or null when none was left.
 */
export async function reindexEntitiesAfter(db: Kysely<Database>, afterId: number, limit: number): Promise<number | null> {
  const facts = await db
    .selectFrom('article_facts as f')
    .select(['f.article_id', 'f.entities'])
    .where('f.article_id', '>', afterId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('article_entity as e').select('e.article_id').whereRef('e.article_id', '=', 'f.article_id'))))
    .orderBy('f.article_id')
    .limit(limit)
    .execute();
  if (!facts.length) return null;
  await db.transaction().execute(async (trx) => {
    for (const f of facts) await indexEntities(trx, Number(f.article_id), parseList(f.entities));
  });
  return Number(facts[facts.length - 1]!.article_id);
}

/** Stories refreshed per round of queries: well under either dialect's limit on bound parameters. */
const REFRESH_CHUNK = 500;

/**
 * The stories' rows from their articles now: counts, first and last times, the earliest
 * headline; a story left with no article is deleted. A few queries for every
 * REFRESH_CHUNK stories, not three per story: a rebuild's batch touches hundreds.
 */
async function refreshStories(trx: Db, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += REFRESH_CHUNK) {
    const chunk = ids.slice(i, i + REFRESH_CHUNK);
    const [aggregates, titles] = [await storyAggregates(trx, chunk), await firstTitles(trx, chunk)];
    const gone = chunk.filter((id) => !aggregates.has(id));
    if (gone.length) await trx.deleteFrom('story').where('id', 'in', gone).execute();
    const rows = [...aggregates].map(([id, agg]) => ({
      id, title: titles.get(id)!, first_seen_at: String(agg.first), last_seen_at: String(agg.last),
      article_count: Number(agg.n), source_count: Number(agg.sources), copy_count: Number(agg.copies),
    }));
    if (!rows.length) continue;
    await trx
      .insertInto('story')
      .values(rows)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'), first_seen_at: eb.ref('excluded.first_seen_at'), last_seen_at: eb.ref('excluded.last_seen_at'),
          article_count: eb.ref('excluded.article_count'), source_count: eb.ref('excluded.source_count'), copy_count: eb.ref('excluded.copy_count'),
        })),
      )
      .execute();
  }
}

async function storyAggregates(trx: Db, ids: readonly number[]) {
  const rows = await trx
    .selectFrom('article_story as x')
    .innerJoin('article as a', 'a.id', 'x.article_id')
    .where('x.story_id', 'in', ids)
    .groupBy('x.story_id')
    .select((eb) => [
      'x.story_id',
      eb.fn.countAll().as('n'),
      eb.fn.count('a.source_id').distinct().as('sources'),
      eb.fn.count('x.copy_of').as('copies'),
      eb.fn.min('a.published_at').as('first'),
      eb.fn.max('a.published_at').as('last'),
    ])
    .execute();
  return new Map(rows.map((r) => [Number(r.story_id), r]));
}

/** Each story's earliest headline (by publication time, then id). */
async function firstTitles(trx: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await trx
    .selectFrom((eb) =>
      eb
        .selectFrom('article_story as x')
        .innerJoin('article as a', 'a.id', 'x.article_id')
        .where('x.story_id', 'in', ids)
        .select((ob) => ['x.story_id', 'a.title', ob.fn.agg<number>('row_number').over((w) => w.partitionBy('x.story_id').orderBy('a.published_at').orderBy('a.id')).as('rank')])
        .as('ranked'),
    )
    .select(['ranked.story_id', 'ranked.title'])
    .where('ranked.rank', '=', 1)
    .execute();
  return new Map(rows.map((r) => [Number(r.story_id), r.title]));
}

/** Queues articles for the story step, in the writer's transaction; a 'place' already queued stays. */
export async function queueStoryWork(trx: Db, articleIds: readonly number[], kind: StoryPendingTable['kind'], at: string): Promise<void> {
  if (!articleIds.length) return;
  await trx
    .insertInto('story_pending')
    .values(articleIds.map((id) => ({ article_id: id, kind, queued_at: at })))
    .onConflict((oc) => oc.column('article_id').doNothing())
    .execute();
}

/** Forgets every placement and story (facts stay: they depend on the text only) and starts a new epoch, for a rebuild. */
export async function clearStories(db: Kysely<Database>, dialect: StoreDialect, epoch: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await dialect.lockStories(trx);
    const row = { key: EPOCH_KEY, value: epoch };
    await trx.insertInto('setting').values(row).onConflict((oc) => oc.column('key').doUpdateSet({ value: epoch })).execute();
    await trx.deleteFrom('article_story').execute();
    await trx.deleteFrom('story').execute();
    await trx.deleteFrom('story_pending').where('kind', '=', 'place').execute();
  });
}

/** Stories, most recently active first; with a reader, only those they can see, counted over what they see. */
export async function listStories(db: Db, q: StoryPageQuery): Promise<StorySummary[]> {
  const rows = await db
    .selectFrom('story as s')
    .selectAll('s')
    .$if(q.userId !== undefined, (qb) => qb.where((eb) => eb.exists(visibleIn(eb.ref('s.id'), q.userId!))))
    .$if(!!q.before, (qb) => qb.where((eb) => eb(eb.refTuple('s.last_seen_at', 's.id'), '<', eb.tuple(q.before!.lastSeen, q.before!.id))))
    .orderBy('s.last_seen_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(q.limit)
    .execute();
  const stories = rows.map(toSummary);
  if (q.userId === undefined) return stories;
  return Promise.all(stories.map(async (s) => (await storyDetail(db, q.userId, s.id))?.story ?? s));
}

/** Articles of the story `storyId` (a column of the outer query) that the reader can see. */
function visibleIn(storyId: Expression<number>, userId: number) {
  return expressionBuilder<Database, never>()
    .selectFrom('article_story as x')
    .innerJoin('article as a', 'a.id', 'x.article_id')
    .select('x.article_id')
    .where('x.story_id', '=', storyId)
    .where(articleFilter({ userId }));
}

function toSummary(r: { id: number; title: string; first_seen_at: string; last_seen_at: string; article_count: number; source_count: number; copy_count: number }): StorySummary {
  return {
    id: Number(r.id), title: r.title, firstSeen: r.first_seen_at, lastSeen: r.last_seen_at,
    articles: Number(r.article_count), sources: Number(r.source_count), copies: Number(r.copy_count),
  };
}

/**
 * One story as a page shows it, in one call: its articles the reader can see (all without
 * a reader) with their sources, times, copy links, entities and figures; null when the
 * reader sees none of them (as if it did not exist). Counts are over what they see.
 */
export async function storyDetail(db: Db, userId: number | undefined, storyId: number): Promise<StoryDetail | null> {
  const rows = await storyArticles(db)
    .where('x.story_id', '=', storyId)
    .$if(userId !== undefined, (qb) => qb.where(articleFilter({ userId: userId! })))
    .orderBy('a.published_at')
    .orderBy('a.id')
    .execute();
  if (!rows.length) return null;
  const articles = rows.map(toStoryArticle);
  const story: StorySummary = {
    id: storyId, title: articles[0]!.title, firstSeen: articles[0]!.published, lastSeen: articles[articles.length - 1]!.published,
    articles: articles.length, sources: new Set(articles.map((a) => a.sourceId)).size, copies: articles.filter((a) => a.copyOf !== null).length,
  };
  return { story, articles };
}

/**
 * What an article's page shows of its story: how many of its articles and outlets the
 * reader sees (counted by the story's index, not read), and the article itself with its
 * facts. Null when the reader does not see the article in that story.
 */
export async function articleInStory(db: Db, userId: number, storyId: number, articleId: number): Promise<ArticleInStory | null> {
  const [self, counts] = await Promise.all([
    storyArticles(db).where('x.story_id', '=', storyId).where('x.article_id', '=', articleId).where(articleFilter({ userId })).executeTakeFirst(),
    db
      .selectFrom('article_story as x')
      .innerJoin('article as a', 'a.id', 'x.article_id')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.count('a.source_id').distinct().as('sources')])
      .where('x.story_id', '=', storyId)
      .where(articleFilter({ userId }))
      .executeTakeFirstOrThrow(),
  ]);
  return self ? { articles: Number(counts.n), sources: Number(counts.sources), self: toStoryArticle(self) } : null;
}

export interface ArticleInStory {
  articles: number;
  sources: number;
  self: StoryArticle;
}

/** A story's articles as its page and report read them, with their facts. */
function storyArticles(db: Db) {
  return db
    .selectFrom('article_story as x')
    .innerJoin('article as a', 'a.id', 'x.article_id')
    .innerJoin('source', 'source.id', 'a.source_id')
    .leftJoin('article_facts as f', 'f.article_id', 'a.id')
    .select(['a.id', 'a.title', 'a.canonical_url', 'a.published_at', 'a.first_seen_at', 'a.source_id', 'source.name as source_name', 'x.copy_of', 'f.entities', 'f.figures']);
}

interface StoryArticleRow {
  id: number; title: string; canonical_url: string; published_at: string; first_seen_at: string; source_id: number;
  source_name: string; copy_of: number | null; entities: string | null; figures: string | null;
}

function toStoryArticle(r: StoryArticleRow): StoryArticle {
  return {
    id: Number(r.id), title: r.title, url: r.canonical_url, source: r.source_name, sourceId: Number(r.source_id),
    published: r.published_at, firstSeen: r.first_seen_at, copyOf: r.copy_of === null ? null : Number(r.copy_of),
    entities: parseList(r.entities), figures: parseList(r.figures),
  };
}

function parseList(json: string | null): unknown[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** The story of each of these articles (those placed), for the river to fold by. */
export async function storyIdsOf(db: Db, articleIds: readonly number[]): Promise<Map<number, number>> {
  if (!articleIds.length) return new Map();
  const rows = await db.selectFrom('article_story').select(['article_id', 'story_id']).where('article_id', 'in', [...articleIds]).execute();
  return new Map(rows.map((r) => [Number(r.article_id), Number(r.story_id)]));
}

/** How many articles wait for the story step (a health figure). */
export async function pendingStoryCount(db: Db): Promise<number> {
  const row = await db.selectFrom('story_pending').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What the river shows of an article's story: its id and how much of it the reader can see. */
export interface StoryCoverage {
  storyId: number;
  articles: number;
  sources: number;
  /** Wire copies among those articles. */
  copies: number;
  /** The other outlets in it, each with its newest article there (by arrival), by name. */
  alsoIn: Array<{ source: string; articleId: number }>;
}

/**
 * The story of each of these articles with the articles, sources and copies of it this
 * reader can see (everyone's without a reader), in one query grouped by outlet: the river
 * folds a story into one entry with these, or links an article to its story. Outlets the
 * reader does not follow never appear: only articles that reached them count.
 */
export async function storyCoverageOf(db: Db, userId: number | undefined, articleIds: readonly number[]): Promise<Map<number, StoryCoverage>> {
  if (!articleIds.length) return new Map();
  const rows = await db
    .selectFrom('article_story as x')
    .innerJoin('article as shown', 'shown.id', 'x.article_id')
    .innerJoin('article_story as y', 'y.story_id', 'x.story_id')
    .innerJoin('article as a', 'a.id', 'y.article_id')
    .innerJoin('source', 'source.id', 'a.source_id')
    .where('x.article_id', 'in', [...articleIds])
    .where(articleFilter(userId === undefined ? {} : { userId }))
    .groupBy(['x.article_id', 'x.story_id', 'shown.source_id', 'a.source_id', 'source.name'])
    .select((eb) => [
      'x.article_id', 'x.story_id', 'shown.source_id as shown_source', 'a.source_id', 'source.name',
      eb.fn.countAll().as('n'), eb.fn.count('y.copy_of').as('copies'), eb.fn.max('y.article_id').as('newest'),
    ])
    .orderBy('source.name')
    .execute();
  const out = new Map<number, StoryCoverage>();
  for (const r of rows) {
    const id = Number(r.article_id);
    const c = out.get(id) ?? { storyId: Number(r.story_id), articles: 0, sources: 0, copies: 0, alsoIn: [] };
    c.articles += Number(r.n);
    c.sources += 1;
    c.copies += Number(r.copies);
    if (Number(r.source_id) !== Number(r.shown_source)) c.alsoIn.push({ source: r.name, articleId: Number(r.newest) });
    out.set(id, c);
  }
  return out;
}

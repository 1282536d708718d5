import { expressionBuilder, sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { articleFilter, type ArticleFilter, type ArticleScope } from './articleFilter.js';
import { reusableQuery } from './reusableQuery.js';
import type { ArticleStoryTable, Db } from './schema.js';
import { toListItem } from './rows.js';
import type { ArticleNeighbour } from '../model/article.js';
import type { ArticleListItem, ArticleOrder, ArticleQuery, ArticleRef } from './store.js';
import { collapseWhitespace } from '../text/whitespace.js';

/** An article as lists show it (river, search): with its source and section, aliased `a`. */
export function articleListQuery(db: Db) {
  return db
    .selectFrom('article as a')
    .innerJoin('source', 'source.id', 'a.source_id')
    .select(['a.id', 'a.title', 'a.canonical_url', 'a.published_at', 'a.publisher_updated_at', 'a.changed_at', 'source.name as source_name'])
    .select(firstSection());
}

/** The section an article is filed under: that of the first feed that carried it. */
export function firstSection() {
  const eb = expressionBuilder<ArticleScope, 'a'>();
  return eb
    .selectFrom('article_feed')
    .innerJoin('feed', 'feed.id', 'article_feed.feed_id')
    .select(sql<string | null>`coalesce(feed.section_override, feed.section)`.as('section'))
    .whereRef('article_feed.article_id', '=', 'a.id')
    .orderBy('article_feed.first_seen_at')
    .orderBy('article_feed.feed_id')
    .limit(1)
    .as('section');
}

/** The river: a reader's (or everyone's) articles, newest first, a page at a time. */
export async function listArticles(db: Db, q: ArticleQuery): Promise<ArticleListItem[]> {
  const userId = q.userId;
  const rows = await ordered(articleListQuery(db), q.order)
    .select(sql<string>`substr(a.text, 1, 400)`.as('excerpt'))
    .select('a.lead_image_url')
    .$if(userId !== undefined, (qb) =>
      qb
        .leftJoin('article_state', (join) => join.onRef('article_state.article_id', '=', 'a.id').on('article_state.user_id', '=', userId!))
        .select(['article_state.read_at', 'article_state.starred_at'])
        .select(readerTitle(userId!)),
    )
    .$if(!!q.content, (qb) => qb.select(['a.html', 'a.byline']).select(feedCameThrough(q).as('feed_id')))
    .where(articleFilter(q))
    .$if(!!q.fold, (qb) => qb.leftJoin('article_story as xs', 'xs.article_id', 'a.id').where(newestOfItsStory(q)))
    .limit(q.limit)
    .$if(!!q.offset, (qb) => qb.offset(q.offset!))
    .execute();
  return rows.map((r) => ({
    ...(userId !== undefined ? { read: !!r.read_at, starred: !!r.starred_at } : {}),
    ...renamed(toListItem(r), (r as { reader_title?: string | null }).reader_title),
    excerpt: collapseWhitespace(r.excerpt),
    leadImage: r.lead_image_url,
    ...(q.content ? contentOf(r as unknown as ContentRow) : {}),
  }));
}

/**
 * Folding: an article of a story stands for it only when no newer article of the story (by
 * the river's own order) passes the same filter. Each story thus has one entry, the same on
 * every page of a keyset-paged river, so paging never shows a story twice. Walks the
 * story's placements (article_story_story) per candidate; the filter is checked on the
 * newer ones only, under their own alias `a` (the inner EXISTS), as articleFilter has it.
 */
function newestOfItsStory(q: ArticleQuery): Expression<SqlBool> {
  const eb = expressionBuilder<ArticleScope & { xs: ArticleStoryTable }, 'a' | 'xs'>();
  const scope: ArticleFilter = { ...q, before: undefined, after: undefined };
  const newer = eb
    .selectFrom('article_story as ys')
    .innerJoin('article as na', 'na.id', 'ys.article_id')
    .select('ys.article_id')
    .whereRef('ys.story_id', '=', 'xs.story_id')
    .where(sql<SqlBool>`(na.published_at, na.id) > (a.published_at, a.id)`)
    .where((e) => e.exists(e.selectFrom('article as a').select('a.id').whereRef('a.id', '=', 'na.id').where(articleFilter(scope))));
  return eb.or([eb('xs.story_id', 'is', null), eb.not(eb.exists(newer))]);
}

/**
 * The reader's own name for the feed that brought the article (the first one they renamed),
 * so a feed renamed on the Feeds page shows its new name in the river too.
 */
function readerTitle(userId: number) {
  const eb = expressionBuilder<ArticleScope, 'a'>();
  return eb
    .selectFrom('article_feed')
    .innerJoin('subscription', 'subscription.feed_id', 'article_feed.feed_id')
    .select('subscription.title')
    .whereRef('article_feed.article_id', '=', 'a.id')
    .where('subscription.user_id', '=', userId)
    .where('subscription.title', 'is not', null)
    .orderBy('article_feed.first_seen_at')
    .limit(1)
    .as('reader_title');
}

/** A reader's name stands for the publisher and section both, as subscriptionTitle has it. */
function renamed<T extends { source: string; section: string | null }>(item: T, title: string | null | undefined): T {
  return title ? { ...item, source: title, section: null } : item;
}

interface ContentRow {
  html: string;
  byline: string | null;
  feed_id: number | string | null;
}

function contentOf(r: ContentRow): Pick<ArticleListItem, 'html' | 'byline' | 'feedId'> {
  return { html: r.html, byline: r.byline, feedId: r.feed_id === null ? null : Number(r.feed_id) };
}

/** Ids and times only, for protocols that list item ids before asking for contents. */
export async function listArticleRefs(db: Db, q: ArticleQuery): Promise<ArticleRef[]> {
  const rows = await ordered(db.selectFrom('article as a').select(['a.id', 'a.published_at']), q.order)
    .where(articleFilter(q))
    .limit(q.limit)
    .$if(!!q.offset, (qb) => qb.offset(q.offset!))
    .execute();
  return rows.map((r) => ({ id: Number(r.id), published: r.published_at }));
}

export async function countArticles(db: Db, q: ArticleFilter): Promise<number> {
  const row = await db
    .selectFrom('article as a')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(articleFilter(q))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The feed an article reached the reader through: the one asked for, else the lowest id
 * among the reader's subscriptions that carried it (everyone's feeds without a reader).
 */
function feedCameThrough(q: ArticleQuery) {
  const eb = expressionBuilder<ArticleScope, 'a'>();
  if (q.feedId !== undefined) return sql<number | null>`${q.feedId}`;
  return eb
    .selectFrom('article_feed')
    .select((e) => e.fn.min('article_feed.feed_id').as('feed_id'))
    .whereRef('article_feed.article_id', '=', 'a.id')
    .$if(q.userId !== undefined, (qb) =>
      qb.where('article_feed.feed_id', 'in', eb.selectFrom('subscription').select('subscription.feed_id').where('subscription.user_id', '=', q.userId!)),
    );
}

/** The (published_at, id) index serves both time orders; the primary key the id orders. */
function ordered<Q extends SelectQueryBuilder<ArticleScope, 'a', object>>(qb: Q, order: ArticleOrder = 'newest'): Q {
  switch (order) {
    case 'newest':
      return qb.orderBy('a.published_at', 'desc').orderBy('a.id', 'desc') as Q;
    case 'oldest':
      return qb.orderBy('a.published_at', 'asc').orderBy('a.id', 'asc') as Q;
    case 'id-asc':
      return qb.orderBy('a.id', 'asc') as Q;
    case 'id-desc':
      return qb.orderBy('a.id', 'desc') as Q;
  }
}

/** The list an article was opened from, and which way from it to walk. */
export interface NeighbourQuery {
  userId: number;
  list: Pick<ArticleFilter, 'feedId' | 'folder' | 'show' | 'entity'>;
  at: { publishedAt: string; id: number };
  side: 'newer' | 'older';
  limit: number;
}

/**
 * The articles either side of one in its list, nearest first: one walk of the river index
 * from the open article, selecting only what the list pane shows (no excerpt, no section).
 * Built once per kind of list (see reusableQuery.ts); an entity list, rare, each time.
 */
export async function listNeighbours(db: Db, q: NeighbourQuery): Promise<ArticleNeighbour[]> {
  const shape: NeighbourShape = { side: q.side, show: q.list.show ?? 'all', feed: q.list.feedId !== undefined, folder: q.list.folder !== undefined };
  const values: NeighbourValues = { userId: q.userId, publishedAt: q.at.publishedAt, id: q.at.id, limit: q.limit, feedId: q.list.feedId ?? 0, folder: q.list.folder ?? '' };
  const rows = q.list.entity === undefined
    ? await neighbourRun(shape)(db, values)
    : await neighbourQuery(db, shape, values, q.list.entity).execute();
  const titles = rows.some((r) => r.renames) ? await readerTitles(db, q.userId, rows.map((r) => Number(r.id))) : null;
  return rows.map((r) => ({ id: Number(r.id), title: r.title, source: titles?.get(Number(r.id)) || r.source_name, read: !!r.read_at }));
}

/** Where an article sits in the reader's lists, and its row in the pane (the neighbours' route needs no more). */
export interface NeighbourPosition {
  id: number;
  title: string;
  source: string;
  publishedAt: string;
}

/**
 * The open article's place, for walking its list: only the row the pane shows and its sort
 * key, where openedArticle also asks the story, revisions and section (every j/k and every
 * /list paid for those). Null when the reader cannot see the article.
 */
export async function neighbourPosition(db: Db, userId: number, id: number): Promise<NeighbourPosition | null> {
  const [row] = await positionRun(db, { userId, id });
  return row ? { id: Number(row.id), title: row.title, source: row.source_name, publishedAt: row.published_at } : null;
}

const positionRun = reusableQuery((db, v: { userId: number; id: number }) =>
  db
    .selectFrom('article as a')
    .innerJoin('source', 'source.id', 'a.source_id')
    .select(['a.id', 'a.title', 'a.published_at', 'source.name as source_name'])
    .where(articleFilter({ userId: v.userId, articleId: v.id })),
);

/**
 * Whether the reader renamed any feed: asked once per walk, not per row. Looking up each
 * row's own name cost a fifth of the walk's SQL, for the few readers who rename feeds.
 */
function renamesFeeds(userId: number) {
  const eb = expressionBuilder<ArticleScope, 'a'>();
  return eb
    .selectFrom('subscription')
    .select(sql<number>`1`.as('one'))
    .where('subscription.user_id', '=', userId)
    .where('subscription.title', 'is not', null)
    .limit(1)
    .as('renames');
}

/** The reader's own names for the feeds that brought these articles (readerTitle's rule). */
async function readerTitles(db: Db, userId: number, ids: number[]): Promise<Map<number, string | null>> {
  const titles = new Map<number, string | null>();
  for (let i = 0; i < ids.length; i += TITLE_SLOTS) {
    const values: TitleValues = { userId };
    // Unused slots ask for id 0, which no article has.
    for (let slot = 0; slot < TITLE_SLOTS; slot++) values[`id${slot}`] = ids[i + slot] ?? 0;
    for (const r of await titlesRun(db, values)) titles.set(Number(r.id), r.reader_title);
  }
  return titles;
}

/** Ids per title lookup: a walk's rows in one query, built once (a fresh build cost more than the walk). */
const TITLE_SLOTS = 20;

type TitleValues = { userId: number; [slot: `id${number}`]: number };

const titlesRun = reusableQuery((db, v: TitleValues) => {
  const ids = Array.from({ length: TITLE_SLOTS }, (_, slot) => v[`id${slot}`]!);
  return db.selectFrom('article as a').select('a.id').select(readerTitle(v.userId)).where('a.id', 'in', ids);
});

interface NeighbourShape {
  side: 'newer' | 'older';
  show: 'all' | 'unread' | 'starred';
  feed: boolean;
  folder: boolean;
}

type NeighbourValues = { userId: number; publishedAt: string; id: number; limit: number; feedId: number; folder: string };

function neighbourQuery(db: Db, shape: NeighbourShape, v: NeighbourValues, entity?: string) {
  const at = { publishedAt: v.publishedAt, id: v.id };
  const filter = articleFilter({
    userId: v.userId,
    show: shape.show,
    ...(shape.feed ? { feedId: v.feedId } : {}),
    ...(shape.folder ? { folder: v.folder } : {}),
    ...(entity !== undefined ? { entity } : {}),
    ...(shape.side === 'newer' ? { after: at } : { before: at }),
  });
  const query = db
    .selectFrom('article as a')
    .innerJoin('source', 'source.id', 'a.source_id')
    .leftJoin('article_state', (join) => join.onRef('article_state.article_id', '=', 'a.id').on('article_state.user_id', '=', v.userId))
    .select(['a.id', 'a.title', 'source.name as source_name', 'article_state.read_at'])
    .select(renamesFeeds(v.userId))
    .where(filter)
    .limit(v.limit);
  return ordered(query, shape.side === 'newer' ? 'oldest' : 'newest');
}

/** One reusable query per kind of list: at most 2 × 3 × 2 × 2 of them. */
const neighbourRuns = new Map<string, (db: Db, v: NeighbourValues) => Promise<Array<{ id: number; title: string; source_name: string; read_at: string | null; renames: number | null }>>>();

function neighbourRun(shape: NeighbourShape) {
  const key = `${shape.side}:${shape.show}:${shape.feed}:${shape.folder}`;
  let run = neighbourRuns.get(key);
  if (!run) {
    run = reusableQuery((db, v: NeighbourValues) => neighbourQuery(db, shape, v));
    neighbourRuns.set(key, run);
  }
  return run;
}

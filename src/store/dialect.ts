import type { Expression, Kysely, RawBuilder, SqlBool, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * What differs between the databases the store runs on. Every other query is written once
 * in the store's aggregate modules (feeds.ts, articles.ts, …); each dialect folder
 * (`sqlite/`, `postgres/`) fills this in.
 */
export interface StoreDialect {
  /**
   * The articles matching what a reader typed (all words, "phrases", prefix*), best first,
   * as ids with their rank (lower is better). `filter` is the reader's further condition on
   * the article, aliased `a` (articleFilter.ts: subscriptions, feed, dates…), applied in the
   * same query.
   */
  searchArticleIds(db: Kysely<Database>, text: string, filter: Expression<SqlBool>, page: SearchPage): Promise<Array<{ id: number; rank: number }>>;
  /** The UTC calendar day (YYYY-MM-DD) of a stored time, for grouping by day. */
  utcDay(time: RawBuilder<unknown>): RawBuilder<string>;
  /**
   * Takes, for the rest of this transaction, the one lock story placement runs under, so
   * processes placing at once take turns (stories.ts, withStoryLock).
   */
  lockStories(trx: Transaction<Database>): Promise<void>;
  /**
   * Takes, for the rest of this transaction, what keeps the unread count of one
   * subscription from moving while it is recounted (new links to the feed, the reader's
   * read marks), so the recount's next statement counts every committed row.
   */
  lockUnreadCount(trx: Transaction<Database>, userId: number, feedId: number): Promise<void>;
  /**
   * Takes, for the rest of this transaction, what a link of each of these stored articles to
   * a feed will lock, all at once in id order, before the links move any unread count: a
   * reader's read marks take their articles first too, so neither waits for an article while
   * holding a count the other needs.
   */
  lockArticlesToLink(trx: Transaction<Database>, articleIds: readonly number[]): Promise<void>;
  /** Whether lockArticlesToLink takes anything: without, a refresh need not find its articles before writing. */
  readonly locksArticlesToLink: boolean;
}

/** How far a search reads (both dialects read the window in widening ranges of ids below the newest article). */
export interface WindowBound {
  /** The newest matches ranked (SEARCH_WINDOW; smaller in tests). */
  window: number;
  /** Ids below the newest article that the first range covers. */
  firstSpan: number;
}

export interface SearchPage {
  limit: number;
  offset: number;
}

/**
 * Search ranks, by relevance, the newest SEARCH_WINDOW articles that match and pass the
 * reader's filters. Common words in a large archive match a great many
 * articles, and ranking them all on every search was the cost (see the latency bench); for
 * news the recent matches are the ones wanted. 1,000 keeps a search near 10 ms at 1 M.
 */
export const SEARCH_WINDOW = 1000;

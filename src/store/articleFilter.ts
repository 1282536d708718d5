import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import type { ArticleTable, Database } from './schema.js';
import { entityKey } from '../text/entityKey.js';

/** Which articles a query wants: every field is optional, and all that are given must hold. */
export interface ArticleFilter {
  /** Only articles that reached this reader through one of their subscriptions. */
  userId?: number;
  /** Only this feed's articles (with userId: only while the reader follows it). */
  feedId?: number;
  /** With userId: only feeds the reader filed in this folder; null: those filed in none. */
  folder?: string | null;
  /** With userId: only the reader's unread or starred articles. */
  show?: 'all' | 'unread' | 'starred';
  /** With userId: only articles the reader has (true) or has not (false) read. */
  read?: boolean;
  /** With userId: only articles the reader has (true) or has not (false) starred. */
  starred?: boolean;
  /** Only this publisher's articles. */
  sourceId?: number;
  articleId?: number;
  /** Only these articles (client protocols name items by id). */
  ids?: readonly number[];
  /** Only ids strictly above / below these (client protocols page by id). */
  afterId?: number;
  beforeId?: number;
  /** Published at or after `from`, before `to`, at or before `upTo`. */
  from?: string;
  to?: string;
  upTo?: string;
  /** Only articles that name this entity (any spelling with the same text/entityKey.ts key). */
  entity?: string;
  /** Keyset cursor: articles strictly older than this (published_at, id). */
  before?: { publishedAt: string; id: number };
  /** The same cursor the other way: articles strictly newer than this (oldest-first pages). */
  after?: { publishedAt: string; id: number };
}

/** The tables a filter reads, with the article aliased `a`. */
export type ArticleScope = Database & { a: ArticleTable };

/**
 * The filter as one condition on the article aliased `a`, written once for the river,
 * search, mark-all-read and visibility, on every database.
 */
export function articleFilter(f: ArticleFilter): Expression<SqlBool> {
  const eb = expressionBuilder<ArticleScope, 'a'>();
  const all: Array<Expression<SqlBool>> = [];
  if (f.articleId !== undefined) all.push(eb('a.id', '=', f.articleId));
  if (f.ids !== undefined) all.push(f.ids.length ? eb('a.id', 'in', [...f.ids]) : sql<SqlBool>`1 = 0`);
  if (f.afterId !== undefined) all.push(eb('a.id', '>', f.afterId));
  if (f.beforeId !== undefined) all.push(eb('a.id', '<', f.beforeId));
  if (f.userId !== undefined) all.push(...readerConditions(f.userId, f));
  else if (f.feedId !== undefined) {
    const feedId = f.feedId;
    all.push(eb.exists(eb.selectFrom('article_feed').select('article_feed.article_id').whereRef('article_feed.article_id', '=', 'a.id').where('article_feed.feed_id', '=', feedId)));
  }
  if (f.sourceId !== undefined) all.push(eb('a.source_id', '=', f.sourceId));
  if (f.entity !== undefined) all.push(namesEntity(f.entity));
  if (f.from) all.push(eb('a.published_at', '>=', f.from));
  if (f.to) all.push(eb('a.published_at', '<', f.to));
  if (f.upTo) all.push(eb('a.published_at', '<=', f.upTo));
  // A row-value comparison walks the (published_at, id) index; an OR of two conditions does not.
  if (f.before) all.push(eb(eb.refTuple('a.published_at', 'a.id'), '<', eb.tuple(f.before.publishedAt, f.before.id)));
  if (f.after) all.push(eb(eb.refTuple('a.published_at', 'a.id'), '>', eb.tuple(f.after.publishedAt, f.after.id)));
  return eb.and(all);
}

/** The entity index's primary key answers this per article; a rare name could lead from its key index. */
function namesEntity(name: string): Expression<SqlBool> {
  const eb = expressionBuilder<ArticleScope, 'a'>();
  const key = entityKey(name);
  if (!key) return sql<SqlBool>`1 = 0`;
  return eb.exists(eb.selectFrom('article_entity').select('article_entity.article_id').whereRef('article_entity.article_id', '=', 'a.id').where('article_entity.entity_key', '=', key));
}

/** A reader sees what came through their own subscriptions; their feed and folder filters reach only through those. */
function readerConditions(userId: number, f: ArticleFilter): Array<Expression<SqlBool>> {
  const eb = expressionBuilder<ArticleScope, 'a'>();
  const subscribed = eb
    .selectFrom('article_feed')
    .innerJoin('subscription', 'subscription.feed_id', 'article_feed.feed_id')
    .select('article_feed.article_id')
    .whereRef('article_feed.article_id', '=', 'a.id')
    .where('subscription.user_id', '=', userId)
    .$if(f.feedId !== undefined, (qb) => qb.where('article_feed.feed_id', '=', f.feedId!))
    .$if(f.folder !== undefined, (qb) => qb.where('subscription.folder', f.folder === null ? 'is' : '=', f.folder!));
  const marked = (mark: 'read_at' | 'starred_at') =>
    eb.exists(
      eb
        .selectFrom('article_state')
        .select('article_state.article_id')
        .whereRef('article_state.article_id', '=', 'a.id')
        .where('article_state.user_id', '=', userId)
        .where(`article_state.${mark}`, 'is not', null),
    );
  const all = [eb.exists(subscribed)];
  const read = f.read ?? (f.show === 'unread' ? false : undefined);
  const starred = f.starred ?? (f.show === 'starred' ? true : undefined);
  if (read !== undefined) all.push(read ? marked('read_at') : eb.not(marked('read_at')));
  if (starred !== undefined) all.push(starred ? marked('starred_at') : eb.not(marked('starred_at')));
  return all;
}

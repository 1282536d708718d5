import { sql } from 'kysely';
import type { Db } from './schema.js';
import { toListItem } from './rows.js';
import type { ArticleListItem, ArticleQuery } from './store.js';

/** The river: a reader's (or everyone's) articles, newest first, a page at a time. */

export async function listArticles(db: Db, q: ArticleQuery): Promise<ArticleListItem[]> {
  let query = db
    .selectFrom('article')
    .innerJoin('source', 'source.id', 'article.source_id')
    .select([
      'article.id',
      'article.title',
      'article.canonical_url',
      'article.published_at',
      'article.publisher_updated_at',
      'article.changed_at',
      sql<string>`substr(article.text, 1, 400)`.as('excerpt'),
      'source.name as source_name',
    ])
    .select((eb) =>
      eb
        .selectFrom('article_feed')
        .innerJoin('feed', 'feed.id', 'article_feed.feed_id')
        .select(sql<string | null>`coalesce(feed.section_override, feed.section)`.as('section'))
        .whereRef('article_feed.article_id', '=', 'article.id')
        .orderBy('article_feed.first_seen_at')
        .orderBy('article_feed.feed_id')
        .limit(1)
        .as('section'),
    );
  if (q.feedId !== undefined) {
    const feedId = q.feedId;
    query = query.where((eb) => eb.exists(eb.selectFrom('article_feed').select('article_feed.article_id').whereRef('article_feed.article_id', '=', 'article.id').where('article_feed.feed_id', '=', feedId)));
  }
  if (q.before) {
    const b = q.before;
    // A row-value comparison walks the (published_at, id) index; an OR of two conditions does not.
    query = query.where(sql<boolean>`(article.published_at, article.id) < (${b.publishedAt}, ${b.id})`);
  }
  if (q.userId !== undefined) {
    const userId = q.userId;
    query = query
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('article_feed')
            .innerJoin('subscription', 'subscription.feed_id', 'article_feed.feed_id')
            .select('article_feed.article_id')
            .whereRef('article_feed.article_id', '=', 'article.id')
            .where('subscription.user_id', '=', userId)
            // A reader's feed filter reaches only through their own subscription to it.
            .$if(q.feedId !== undefined, (qb) => qb.where('article_feed.feed_id', '=', q.feedId!))
            .$if(q.folder !== undefined, (qb) => qb.where('subscription.folder', '=', q.folder!)),
        ),
      )
      .leftJoin('article_state', (join) => join.onRef('article_state.article_id', '=', 'article.id').on('article_state.user_id', '=', userId))
      .select(['article_state.read_at', 'article_state.starred_at']) as unknown as typeof query;
    if (q.show === 'unread') query = query.where(sql<boolean>`article_state.read_at is null`);
    if (q.show === 'starred') query = query.where(sql<boolean>`article_state.starred_at is not null`);
  }
  const rows = await query.orderBy('article.published_at', 'desc').orderBy('article.id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({
    ...(q.userId !== undefined ? { read: !!(r as { read_at?: string | null }).read_at, starred: !!(r as { starred_at?: string | null }).starred_at } : {}),
    ...toListItem(r),
    excerpt: r.excerpt.replace(/\s+/g, ' ').trim(),
  }));
}

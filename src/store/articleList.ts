import { expressionBuilder, sql } from 'kysely';
import { articleFilter, type ArticleScope } from './articleFilter.js';
import type { Db } from './schema.js';
import { toListItem } from './rows.js';
import type { ArticleListItem, ArticleQuery } from './store.js';
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
  const rows = await articleListQuery(db)
    .select(sql<string>`substr(a.text, 1, 400)`.as('excerpt'))
    .$if(userId !== undefined, (qb) =>
      qb
        .leftJoin('article_state', (join) => join.onRef('article_state.article_id', '=', 'a.id').on('article_state.user_id', '=', userId!))
        .select(['article_state.read_at', 'article_state.starred_at']),
    )
    .where(articleFilter(q))
    .orderBy('a.published_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({
    ...(userId !== undefined ? { read: !!r.read_at, starred: !!r.starred_at } : {}),
    ...toListItem(r),
    excerpt: collapseWhitespace(r.excerpt),
  }));
}

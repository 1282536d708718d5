import type { Kysely } from 'kysely';
import type { Article } from '../model/article.js';
import type { Database, Db } from './schema.js';
import { toArticle } from './rows.js';

/** Which stored articles are read again on demand, and when each is read again on schedule. */

/** Articles published at or after `since` (of one feed, when given), newest first. */
export async function recentArticles(db: Db, q: { since: string; feedId?: number; limit: number }): Promise<Article[]> {
  let query = db.selectFrom('article').selectAll('article').where('article.published_at', '>=', q.since);
  if (q.feedId !== undefined) {
    const feedId = q.feedId;
    query = query.where((eb) => eb.exists(eb.selectFrom('article_feed').select('article_feed.article_id').whereRef('article_feed.article_id', '=', 'article.id').where('article_feed.feed_id', '=', feedId)));
  }
  const rows = await query.orderBy('article.published_at', 'desc').orderBy('article.id', 'desc').limit(q.limit).execute();
  return rows.map(toArticle);
}

/** Of one feed's articles, those due to be read again at `now`. */
export async function feedArticlesDue(db: Db, feedId: number, now: string, limit: number): Promise<Article[]> {
  const rows = await db
    .selectFrom('article')
    .innerJoin('article_feed', 'article_feed.article_id', 'article.id')
    .selectAll('article')
    .where('article_feed.feed_id', '=', feedId)
    .where('article.next_recheck_at', '<=', now)
    .orderBy('article.next_recheck_at')
    .limit(limit)
    .execute();
  return rows.map(toArticle);
}

const BATCH = 500;

/**
 * Sets every stored next re-check again with `plan` (a changed schedule): articles published
 * since `since` get the plan's time, older ones none. Batches by id, each in one transaction,
 * so a large instance is never locked for long. Returns how many articles were planned.
 */
export async function replanRechecks(db: Kysely<Database>, since: string, plan: (publishedAt: string) => string | null): Promise<number> {
  await db.updateTable('article').set({ next_recheck_at: null }).where('published_at', '<', since).where('next_recheck_at', 'is not', null).execute();
  let after = 0;
  let planned = 0;
  for (;;) {
    const rows = await db.selectFrom('article').select(['id', 'published_at']).where('published_at', '>=', since).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (rows.length === 0) return planned;
    await db.transaction().execute(async (trx) => {
      for (const r of rows) await trx.updateTable('article').set({ next_recheck_at: plan(r.published_at) }).where('id', '=', r.id).execute();
    });
    planned += rows.length;
    after = Number(rows[rows.length - 1]!.id);
  }
}

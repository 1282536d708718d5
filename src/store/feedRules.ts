import type { FeedRules } from '../model/feed.js';
import type { Db } from './schema.js';

/** Feeds' own extraction rules (feed_rule): selector lists stored as JSON text, alike on both dialects. */

export async function getFeedRules(db: Db, feedId: number): Promise<FeedRules | null> {
  const row = await db.selectFrom('feed_rule').select(['keep_selectors', 'remove_selectors']).where('feed_id', '=', feedId).executeTakeFirst();
  return row ? toRules(row) : null;
}

/** Empty lists remove the feed's rules; anything else replaces them whole. */
export async function setFeedRules(db: Db, feedId: number, rules: FeedRules, by: { userId: number | null; now: string }): Promise<void> {
  if (rules.keep.length === 0 && rules.remove.length === 0) {
    await db.deleteFrom('feed_rule').where('feed_id', '=', feedId).execute();
    return;
  }
  const values = { keep_selectors: JSON.stringify(rules.keep), remove_selectors: JSON.stringify(rules.remove), updated_by: by.userId, updated_at: by.now };
  await db
    .insertInto('feed_rule')
    .values({ feed_id: feedId, ...values })
    .onConflict((oc) => oc.column('feed_id').doUpdateSet(values))
    .execute();
}

/**
 * The rules for reading an article's page again: those of the first feed (by id) that
 * carries the article and has rules. An article reaches a source through several feeds;
 * their pages are the same, so one set of rules is enough.
 */
export async function articleFeedRules(db: Db, articleId: number): Promise<FeedRules | null> {
  const row = await db
    .selectFrom('article_feed')
    .innerJoin('feed_rule', 'feed_rule.feed_id', 'article_feed.feed_id')
    .select(['feed_rule.keep_selectors', 'feed_rule.remove_selectors'])
    .where('article_feed.article_id', '=', articleId)
    .orderBy('article_feed.feed_id')
    .limit(1)
    .executeTakeFirst();
  return row ? toRules(row) : null;
}

export async function feedSubscriberCount(db: Db, feedId: number): Promise<number> {
  const row = await db.selectFrom('subscription').select((eb) => eb.fn.countAll().as('n')).where('feed_id', '=', feedId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

function toRules(row: { keep_selectors: string; remove_selectors: string }): FeedRules {
  return { keep: JSON.parse(row.keep_selectors) as string[], remove: JSON.parse(row.remove_selectors) as string[] };
}

import { sql } from 'kysely';
import { subscriptionTitle, type FeedWithSource, type SidebarFeed } from '../model/article.js';
import { formatIso } from '../text/dates.js';
import { reusableQuery } from './reusableQuery.js';
import { unreadOf } from './unreadTable.js';
import { articleFilter } from './articleFilter.js';
import type { StoreDialect } from './dialect.js';
import { feedsWithSource } from './feeds.js';
import type { Db } from './schema.js';
import { toFeed, toSubscribedFeed } from './rows.js';
import { ACTIVITY_DAYS } from './store.js';

/** What each reader follows (subscriptions, folders, their names for feeds) and their read and starred marks. */

export async function subscribeUser(db: Db, userId: number, feedId: number, folder: string | null, now: string, title: string | null = null): Promise<void> {
  await db
    .insertInto('subscription')
    .values({ user_id: userId, feed_id: feedId, folder, title, created_at: now })
    // Subscribing again with a folder or a name (an OPML import, say) files or names the feed so.
    .onConflict((oc) =>
      oc.columns(['user_id', 'feed_id']).doUpdateSet((eb) => ({
        folder: sql<string | null>`coalesce(${eb.ref('excluded.folder')}, subscription.folder)`,
        title: sql<string | null>`coalesce(${eb.ref('excluded.title')}, subscription.title)`,
      })),
    )
    .execute();
}

export async function subscribeToAll(db: Db, userId: number, now: string): Promise<void> {
  await sql`insert into subscription (user_id, feed_id, folder, title, created_at) select ${userId}, id, null, null, ${now} from feed where true on conflict do nothing`.execute(db);
}

export async function unsubscribeUser(db: Db, userId: number, feedId: number): Promise<boolean> {
  const r = await db.deleteFrom('subscription').where('user_id', '=', userId).where('feed_id', '=', feedId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function updateSubscription(db: Db, userId: number, feedId: number, change: { title?: string | null; folder?: string | null }): Promise<boolean> {
  const patch: { title?: string | null; folder?: string | null } = {};
  if (change.title !== undefined) patch.title = change.title;
  if (change.folder !== undefined) patch.folder = change.folder;
  if (Object.keys(patch).length === 0) return false;
  const r = await db.updateTable('subscription').set(patch).where('user_id', '=', userId).where('feed_id', '=', feedId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function subscribedFeed(db: Db, userId: number, feedId: number): Promise<(FeedWithSource & { folder: string | null; customTitle: string | null }) | null> {
  const row = await feedsWithSource(db)
    .innerJoin('subscription', 'subscription.feed_id', 'feed.id')
    .select(['subscription.folder', 'subscription.title as custom_title'])
    .where('subscription.user_id', '=', userId)
    .where('feed.id', '=', feedId)
    .executeTakeFirst();
  return row ? toSubscribedFeed(row) : null;
}

export async function listSubscriptions(db: Db, dialect: StoreDialect, userId: number): Promise<Array<FeedWithSource & { folder: string | null; customTitle: string | null; itemsPerDay: number; activity: number[] }>> {
  const rows = await feedsWithSource(db)
    .innerJoin('subscription', 'subscription.feed_id', 'feed.id')
    .select(['subscription.folder', 'subscription.title as custom_title'])
    .select(sql<number>`(select count(*) from article_feed x where x.feed_id = feed.id and x.first_seen_at >= ${formatIsoDaysAgo(7)})`.as('week_count'))
    .where('subscription.user_id', '=', userId)
    .orderBy('source.name')
    .orderBy('feed.id')
    .execute();
  const firstDay = Date.parse(formatIsoDaysAgo(ACTIVITY_DAYS - 1).slice(0, 10));
  const day = dialect.utcDay(sql`article_feed.first_seen_at`);
  const counts = await db
    .selectFrom('article_feed')
    .innerJoin('subscription', 'subscription.feed_id', 'article_feed.feed_id')
    .where('subscription.user_id', '=', userId)
    .where('article_feed.first_seen_at', '>=', formatIso(firstDay))
    .select(['article_feed.feed_id', day.as('day'), sql<number>`count(*)`.as('n')])
    .groupBy(['article_feed.feed_id', day])
    .execute();
  const quiet = () => new Array<number>(ACTIVITY_DAYS).fill(0);
  const activity = new Map<number, number[]>();
  for (const c of counts) {
    const i = Math.round((Date.parse(c.day) - firstDay) / 86400_000);
    if (i < 0 || i >= ACTIVITY_DAYS) continue;
    const days = activity.get(c.feed_id) ?? quiet();
    days[i] = Number(c.n);
    activity.set(c.feed_id, days);
  }
  return rows.map((r) => ({
    ...toSubscribedFeed(r),
    itemsPerDay: Math.round((Number(r.week_count) / 7) * 10) / 10,
    activity: activity.get(r.id) ?? quiet(),
  }));
}

export async function articleVisibleTo(db: Db, userId: number, articleId: number): Promise<boolean> {
  const row = await db.selectFrom('article as a').select('a.id').where(articleFilter({ userId, articleId })).executeTakeFirst();
  return row !== undefined;
}

export async function setArticleState(db: Db, userId: number, articleId: number, state: { read?: boolean; starred?: boolean }, now: string): Promise<void> {
  const values = { userId, articleId, readAt: state.read ? now : null, starredAt: state.starred ? now : null };
  const columns = (state.read !== undefined ? 1 : 0) + (state.starred !== undefined ? 2 : 0);
  if (columns) await stateUpserts[columns - 1]!(db, values);
}

type StateValues = { userId: number; articleId: number; readAt: string | null; starredAt: string | null };

/** The mark on one article as one upsert, setting only the marks given; each kind built once (opening an article is one). */
const stateUpserts = (['read', 'starred', 'both'] as const).map((set) =>
  reusableQuery((db, v: StateValues) =>
    db
      .insertInto('article_state')
      .values({ user_id: v.userId, article_id: v.articleId, read_at: v.readAt, starred_at: v.starredAt })
      .onConflict((oc) =>
        oc.columns(['user_id', 'article_id']).doUpdateSet({
          ...(set !== 'starred' ? { read_at: v.readAt } : {}),
          ...(set !== 'read' ? { starred_at: v.starredAt } : {}),
        }),
      ),
  ),
);

/**
 * Rows are written in article order, as are setArticleStates' (and their chunks): the
 * unread triggers lock each article (PostgreSQL 0014), and two writers that lock the same
 * articles in one order cannot deadlock each other. Those locks last until commit, so a
 * whole list marked in one statement held one per article and ran PostgreSQL out of shared
 * memory (its lock table holds max_locks_per_transaction × connections, 6,400 by default);
 * each range of MARK_ALL_CHUNK articles is its own statement, committed before the next.
 * A failure part-way leaves the ranges before it read, as marking them one by one would;
 * a mark is idempotent (the first read time is kept), so a retry finishes the rest.
 */
export async function markAllRead(db: Db, userId: number, opts: { feedId?: number; folder?: string | null; entity?: string; upTo: string }, now: string): Promise<number> {
  let marked = 0;
  for (let after = 0; ; ) {
    const { rows } = await sql<{ article_id: number | string }>`
      insert into article_state (user_id, article_id, read_at, starred_at)
      select ${userId}, a.id, ${now}, null from article a
      where ${articleFilter({ ...opts, userId })} and a.id > ${after}
      order by a.id limit ${MARK_ALL_CHUNK}
      on conflict (user_id, article_id) do update set read_at = coalesce(article_state.read_at, excluded.read_at)
      returning article_id`.execute(db);
    marked += rows.length;
    if (rows.length < MARK_ALL_CHUNK) return marked;
    after = Math.max(...rows.map((r) => Number(r.article_id)));
  }
}

/** Articles marked by one statement of markAllRead: as many as the bench fill links at once, a third of PostgreSQL's default lock table. */
const MARK_ALL_CHUNK = 2000;

/** Chunks keep the id lists well under every database's bound-parameter limit. */
const STATE_CHUNK = 500;

export async function setArticleStates(db: Db, userId: number, ids: readonly number[], state: { read?: boolean; starred?: boolean }, now: string): Promise<number> {
  const value = (on: boolean | undefined) => (on ? now : null);
  const kept = (column: 'read_at' | 'starred_at', on: boolean | undefined) =>
    on === undefined ? sql.ref(`article_state.${column}`) : on ? sql`coalesce(article_state.${sql.ref(column)}, excluded.${sql.ref(column)})` : sql`null`;
  let written = 0;
  for (let i = 0; i < ids.length; i += STATE_CHUNK) {
    const result = await sql`
      insert into article_state (user_id, article_id, read_at, starred_at)
      select ${userId}, a.id, ${value(state.read)}, ${value(state.starred)} from article a
      where ${articleFilter({ userId, ids: ids.slice(i, i + STATE_CHUNK) })}
      order by a.id
      on conflict (user_id, article_id) do update set read_at = ${kept('read_at', state.read)}, starred_at = ${kept('starred_at', state.starred)}`.execute(db);
    written += Number(result.numAffectedRows ?? 0);
  }
  return written;
}

/** Marks unread again what the reader read at or after `since`; returns how many. */
export async function unreadReadSince(db: Db, userId: number, since: string): Promise<number> {
  const r = await db.updateTable('article_state').set({ read_at: null }).where('user_id', '=', userId).where('read_at', '>=', since).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function unreadCounts(db: Db, userId: number): Promise<Array<{ feedId: number; unread: number; newest: string }>> {
  const rows = await db
    .selectFrom('subscription')
    .innerJoin('article_feed', 'article_feed.feed_id', 'subscription.feed_id')
    .innerJoin('article as a', 'a.id', 'article_feed.article_id')
    .leftJoin('article_state', (join) => join.onRef('article_state.article_id', '=', 'a.id').on('article_state.user_id', '=', userId))
    .select((eb) => ['article_feed.feed_id', eb.fn.countAll().as('unread'), eb.fn.max('a.published_at').as('newest')])
    .where('subscription.user_id', '=', userId)
    .where('article_state.read_at', 'is', null)
    .groupBy('article_feed.feed_id')
    .execute();
  return rows.map((r) => ({ feedId: Number(r.feed_id), unread: Number(r.unread), newest: r.newest }));
}

/**
 * The reader's feeds for the sidebar, by folder then name, each with its unread count as the
 * database keeps it (subscription_unread, kept by triggers): one row per feed, however many articles.
 */
export async function sidebarFeeds(db: Db, userId: number): Promise<SidebarFeed[]> {
  const rows = await sidebarRows(db, { userId });
  const feeds = rows.map((r) => ({
    id: Number(r.id),
    name: subscriptionTitle({ customTitle: r.custom_title, sourceName: r.source_name, section: r.section }),
    folder: r.folder,
    siteUrl: r.site_url,
    unread: Number(r.unread ?? 0),
  }));
  const key = (f: SidebarFeed) => `${f.folder === null ? '1' : `0${f.folder.toLowerCase()}`}\u0000${f.name.toLowerCase()}`;
  return feeds.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
}

/** Asked on every page with a sidebar: built once (see reusableQuery.ts). */
const sidebarRows = reusableQuery((db, v: { userId: number }) =>
  db
    .selectFrom('subscription')
    .innerJoin('feed', 'feed.id', 'subscription.feed_id')
    .innerJoin('source', 'source.id', 'feed.source_id')
    .leftJoin('subscription_unread as u', (join) => join.onRef('u.user_id', '=', 'subscription.user_id').onRef('u.feed_id', '=', 'subscription.feed_id'))
    .select(['feed.id', 'feed.site_url', 'subscription.folder', 'subscription.title as custom_title', 'source.name as source_name', 'u.unread'])
    .select(sql<string | null>`coalesce(feed.section_override, feed.section)`.as('section'))
    .where('subscription.user_id', '=', v.userId),
);

function formatIsoDaysAgo(days: number): string {
  return formatIso(Date.now() - days * 86400_000);
}

/** The instance's feeds a reader does not follow (what a newcomer may pick from), by name. */
export async function unfollowedFeeds(db: Db, userId: number, limit: number): Promise<Array<{ id: number; title: string; siteUrl: string | null }>> {
  const rows = await feedsWithSource(db)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('subscription').select('subscription.feed_id').whereRef('subscription.feed_id', '=', 'feed.id').where('subscription.user_id', '=', userId))))
    .orderBy('source.name')
    .orderBy('feed.section')
    .orderBy('feed.id')
    .limit(limit)
    .execute();
  return rows.map(toFeed).map((f) => ({ id: f.id, title: f.section ? `${f.sourceName} (${f.section})` : f.sourceName, siteUrl: f.siteUrl }));
}

/** A subscription's key, where a rolling recount of the unread counts stopped. */
export interface SubscriptionKey {
  userId: number;
  feedId: number;
}

/**
 * Recounts the kept unread counts (subscription_unread) of the next `limit` subscriptions
 * after `after` (by reader, then feed), each in its own short transaction under the
 * locks its triggers take, and sets those that drifted. Returns how many were checked and
 * set, and where the next slice starts (null: this one reached the end).
 */
export async function recountUnreadSlice(
  db: Db,
  dialect: StoreDialect,
  after: SubscriptionKey | null,
  limit: number,
): Promise<{ checked: number; repaired: number; next: SubscriptionKey | null }> {
  const keysAfter = (from: SubscriptionKey | null) =>
    db
      .selectFrom('subscription')
      .select(['user_id', 'feed_id'])
      .$if(from !== null, (q) => q.where(sql<boolean>`(user_id, feed_id) > (${from!.userId}, ${from!.feedId})`))
      .orderBy('user_id')
      .orderBy('feed_id')
      .limit(limit)
      .execute();
  let slice = await keysAfter(after);
  // The last slice ended exactly at the end: this one starts the next round.
  if (slice.length === 0 && after !== null) slice = await keysAfter(null);
  let repaired = 0;
  for (const { user_id: userId, feed_id: feedId } of slice) {
    repaired += await db.transaction().execute(async (trx) => {
      await dialect.lockUnreadCount(trx, userId, feedId);
      const counted = unreadOf(String(userId), String(feedId));
      const result = await sql`update subscription_unread set unread = (${counted})
        where user_id = ${userId} and feed_id = ${feedId} and unread <> (${counted})`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    });
  }
  const last = slice.at(-1);
  return { checked: slice.length, repaired, next: slice.length === limit && last ? { userId: last.user_id, feedId: last.feed_id } : null };
}

import { expressionBuilder, type Kysely } from 'kysely';
import type { FeedWithSource } from '../model/article.js';
import type { Database, Db, FeedTable } from './schema.js';
import { toFeed } from './rows.js';
import type { FeedFailure, NewFeed, RefreshWrite } from './store.js';

/** Feeds and the sources (publishers) they belong to. */

/** Feeds with their source's name, as every feed query wants them. */
export function feedsWithSource(db: Db) {
  return db.selectFrom('feed').innerJoin('source', 'source.id', 'feed.source_id').selectAll('feed').select('source.name as source_name');
}

export async function addFeed(db: Kysely<Database>, f: NewFeed): Promise<{ feed: FeedWithSource; created: boolean }> {
  const existing = await getFeedByUrl(db, f.url);
  if (existing) return { feed: existing, created: false };
  const id = await db.transaction().execute(async (trx) => {
    const sourceId = await ensureSource(trx, f.sourceName, f.sourceNameFrom, f.sourceHomepage, f.now);
    const row = await trx
      .insertInto('feed')
      .values({
        source_id: sourceId,
        url: f.url,
        site_url: f.siteUrl,
        title: f.title,
        section: f.section,
        source_override: f.sourceOverride,
        section_override: f.sectionOverride,
        last_status: 'new',
        error_count: 0,
        interval_seconds: f.intervalSeconds,
        next_check_at: null,
        created_at: f.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
  return { feed: (await getFeed(db, id))!, created: true };
}

export async function getFeed(db: Db, id: number): Promise<FeedWithSource | null> {
  const row = await feedsWithSource(db).where('feed.id', '=', id).executeTakeFirst();
  return row ? toFeed(row) : null;
}

export async function getFeedByUrl(db: Db, url: string): Promise<FeedWithSource | null> {
  const row = await feedsWithSource(db).where('feed.url', '=', url).executeTakeFirst();
  return row ? toFeed(row) : null;
}

export async function listFeeds(db: Db): Promise<FeedWithSource[]> {
  const rows = await feedsWithSource(db).orderBy('source.name').orderBy('feed.section').orderBy('feed.id').execute();
  return rows.map(toFeed);
}

export async function dueFeeds(db: Db, now: string, limit: number): Promise<FeedWithSource[]> {
  const rows = await feedsWithSource(db)
    .where((eb) => eb.or([eb('feed.next_check_at', 'is', null), eb('feed.next_check_at', '<=', now)]))
    .orderBy('feed.next_check_at', (ob) => ob.asc().nullsFirst())
    .orderBy('feed.id')
    .limit(limit)
    .execute();
  return rows.map(toFeed);
}

export async function overdueFeeds(db: Db, now: string): Promise<{ count: number; oldestDueAt: string | null }> {
  const row = await db
    .selectFrom('feed')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min(eb.fn.coalesce('feed.next_check_at', 'feed.created_at')).as('oldest')])
    .where((eb) => eb.or([eb('feed.next_check_at', 'is', null), eb('feed.next_check_at', '<=', now)]))
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), oldestDueAt: row?.oldest ?? null };
}

export async function recordFeedFailure(db: Db, feedId: number, failure: FeedFailure): Promise<void> {
  await db
    .updateTable('feed')
    .set((eb) => ({
      last_fetched_at: failure.at,
      last_status: 'error',
      last_error_code: failure.code,
      last_error: failure.message.slice(0, 1000),
      error_count: eb('error_count', '+', 1),
      // A run of failures begins at its first one; a feed failing already keeps its start.
      failing_since: eb.case().when('last_status', '=', 'error').then(eb.ref('failing_since')).else(failure.at).end(),
      next_check_at: failure.nextCheckAt,
    }))
    .where('id', '=', feedId)
    .execute();
}

/** The feed's side of a successful refresh: validators, schedule, what it learnt of itself. Returns the feed's source. */
export async function recordFeedRefresh(trx: Db, w: RefreshWrite): Promise<{ sourceId: number }> {
  const feed = await trx.selectFrom('feed').select(['source_id', 'source_override']).where('id', '=', w.feedId).executeTakeFirstOrThrow();
  const patch: Partial<Record<keyof FeedTable, unknown>> = {
    last_fetched_at: w.fetchedAt,
    last_status: w.status,
    last_error_code: null,
    last_error: null,
    error_count: 0,
    failing_since: null,
    next_check_at: w.writtenAt ? keptDue(w.fetchedAt, w.writtenAt, w.nextCheckAt) : w.nextCheckAt,
    etag: w.etag,
    last_modified: w.lastModified,
  };
  if (w.feedTitle !== undefined) patch.title = w.feedTitle;
  if (w.intervalSeconds !== undefined) patch.interval_seconds = w.intervalSeconds;
  if (w.siteUrl !== undefined) patch.site_url = w.siteUrl;
  if (w.section !== undefined) patch.section = w.section;
  await trx.updateTable('feed').set(patch as never).where('id', '=', w.feedId).execute();
  if (w.sourceName && !feed.source_override) {
    // The publisher's own name replaces a guess from a feed title, never a person's choice.
    const allowed = w.sourceName.from === 'site' ? ['feed', 'site'] : ['feed'];
    await trx
      .updateTable('source')
      .set({ name: w.sourceName.name, name_from: w.sourceName.from })
      .where('id', '=', feed.source_id)
      .where('name_from', 'in', allowed)
      .execute();
  }
  return { sourceId: feed.source_id };
}

/** The feed's next check after a refresh, unless it was made due after the fetch (see RefreshWrite.writtenAt). */
function keptDue(fetchedAt: string, writtenAt: string, next: string) {
  const eb = expressionBuilder<Database, 'feed'>();
  const dueSince = eb.and([eb('feed.next_check_at', '>', fetchedAt), eb('feed.next_check_at', '<=', writtenAt)]);
  return eb.case().when(dueSince).then(eb.ref('feed.next_check_at')).else(next).end();
}

async function ensureSource(trx: Db, name: string, from: string, homepage: string | null, now: string): Promise<number> {
  const host = hostOf(homepage);
  // Insert first: of two feeds of one publisher added at once, the second finds the first's row.
  const inserted = await trx
    .insertInto('source')
    .values({ name, homepage, host, name_from: from, created_at: now })
    .onConflict((oc) => oc.column('host').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const found = await trx.selectFrom('source').select(['id', 'name_from']).where('host', '=', host).executeTakeFirstOrThrow();
  // A person's name for the publisher, or the publisher's own, beats one guessed from a feed title.
  if (rank(from) > rank(found.name_from)) await trx.updateTable('source').set({ name, name_from: from }).where('id', '=', found.id).execute();
  return found.id;
}

function rank(from: string): number {
  return from === 'user' ? 3 : from === 'site' ? 2 : 1;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    // An address that does not parse has no host: the feed gets a source of its own.
    return null;
  }
}

/**
 * Makes due at `now`, with their back-off forgotten, the feeds whose last refresh failed with
 * one of `codes` (failures a setting caused, retried when that setting changes). Returns their ids.
 */
export async function retryFeedsFailedWith(db: Db, codes: readonly string[], now: string): Promise<number[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .updateTable('feed')
    .set({ next_check_at: now, error_count: 0 })
    .where('last_status', '=', 'error')
    .where('last_error_code', 'in', [...codes])
    .returning('id')
    .execute();
  return rows.map((r) => Number(r.id));
}

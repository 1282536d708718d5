import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';
import { logger } from '../../log/logger.js';
import { createArticleEntityTable, createStoryTables } from '../storyTables.js';
import { createUnreadTable, unreadOf } from '../unreadTable.js';

/**
 * Versioned schema of the PostgreSQL store: the same tables and columns as the SQLite one
 * (sqlite/migrations.ts), with times as timestamptz and ids as bigint identities. A
 * migration, once released, is never edited: add a new one.
 */
export const postgresMigrations: Record<string, Migration> = {
  '0001_core': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('source')
        .addColumn('id', 'bigint', identity)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('homepage', 'text')
        .addColumn('host', 'text', (c) => c.unique())
        .addColumn('name_from', 'text', (c) => c.notNull().defaultTo('feed'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('feed')
        .addColumn('id', 'bigint', identity)
        .addColumn('source_id', 'bigint', (c) => c.notNull().references('source.id'))
        .addColumn('url', 'text', (c) => c.notNull().unique())
        .addColumn('site_url', 'text')
        .addColumn('title', 'text')
        .addColumn('section', 'text')
        .addColumn('source_override', 'text')
        .addColumn('section_override', 'text')
        .addColumn('etag', 'text')
        // An HTTP validator sent back as the publisher wrote it, not a time of ours.
        .addColumn('last_modified', 'text')
        .addColumn('last_fetched_at', 'timestamptz')
        .addColumn('last_status', 'text', (c) => c.notNull().defaultTo('new'))
        .addColumn('last_error_code', 'text')
        .addColumn('last_error', 'text')
        .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_check_at', 'timestamptz')
        .addColumn('interval_seconds', 'integer', (c) => c.notNull().defaultTo(1800))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feed_next_check').on('feed').column('next_check_at').execute();
      await db.schema
        .createTable('article')
        .addColumn('id', 'bigint', identity)
        .addColumn('source_id', 'bigint', (c) => c.notNull().references('source.id'))
        .addColumn('guid', 'text')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('canonical_url', 'text', (c) => c.notNull().unique())
        .addColumn('url_key', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('byline', 'text')
        .addColumn('published_at', 'timestamptz', (c) => c.notNull())
        .addColumn('publisher_updated_at', 'timestamptz')
        .addColumn('changed_at', 'timestamptz')
        .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
        .addColumn('next_recheck_at', 'timestamptz')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('lead_image_url', 'text')
        .addColumn('lang', 'text')
        .addColumn('word_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('feed_hash', 'text')
        .addColumn('extract_status', 'text', (c) => c.notNull())
        .addColumn('extract_error', 'text')
        .execute();
      await db.schema.createIndex('article_source_hash').on('article').columns(['source_id', 'content_hash']).execute();
      await db.schema.createIndex('article_river').on('article').columns(['published_at desc', 'id desc']).execute();
      await db.schema.createIndex('article_url_key').on('article').column('url_key').execute();
      await db.schema.createIndex('article_next_recheck').on('article').column('next_recheck_at').execute();
      await db.schema
        .createTable('article_feed')
        .addColumn('article_id', 'bigint', (c) => c.notNull().references('article.id').onDelete('cascade'))
        .addColumn('feed_id', 'bigint', (c) => c.notNull().references('feed.id').onDelete('cascade'))
        .addColumn('guid', 'text')
        .addColumn('link_key', 'text')
        .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('article_feed_pk', ['article_id', 'feed_id'])
        .execute();
      await db.schema.createIndex('article_feed_guid').on('article_feed').columns(['feed_id', 'guid']).execute();
      await db.schema.createIndex('article_feed_link_key').on('article_feed').column('link_key').execute();
      await db.schema.createIndex('article_feed_seen').on('article_feed').columns(['feed_id', 'first_seen_at']).execute();
      await db.schema
        .createTable('revision')
        .addColumn('id', 'bigint', identity)
        .addColumn('article_id', 'bigint', (c) => c.notNull().references('article.id').onDelete('cascade'))
        .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('revision_article').on('revision').columns(['article_id', 'id']).execute();
      await db.schema
        .createTable('image')
        .addColumn('id', 'bigint', identity)
        .addColumn('article_id', 'bigint', (c) => c.notNull().references('article.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('caption', 'text')
        .addColumn('credit', 'text')
        .execute();
      await db.schema.createIndex('image_article').on('image').columns(['article_id', 'position']).execute();
      await db.schema
        .createTable('setting')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tombstone')
        .addColumn('id', 'bigint', identity)
        .addColumn('url_key', 'text')
        .addColumn('feed_id', 'bigint')
        .addColumn('guid', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tombstone_url_key').on('tombstone').column('url_key').execute();
      await db.schema.createIndex('tombstone_feed_guid').on('tombstone').columns(['feed_id', 'guid']).execute();
      await db.schema
        .createTable('websub')
        .addColumn('feed_id', 'bigint', (c) => c.primaryKey().references('feed.id').onDelete('cascade'))
        .addColumn('hub', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('callback_token', 'text', (c) => c.notNull().unique())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('lease_seconds', 'integer')
        .addColumn('expires_at', 'timestamptz')
        .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_push_at', 'timestamptz')
        .addColumn('last_error', 'text')
        .execute();
    },
  },
  '0002_accounts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('user')
        .addColumn('id', 'bigint', identity)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // Only hashes of session and API secrets are stored: a copy of the database opens no account.
      await db.schema
        .createTable('session')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_token')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_used_at', 'timestamptz')
        .execute();
      await db.schema
        .createTable('subscription')
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('feed_id', 'bigint', (c) => c.notNull().references('feed.id').onDelete('cascade'))
        .addColumn('folder', 'text')
        .addColumn('title', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_pk', ['user_id', 'feed_id'])
        .execute();
      await db.schema.createIndex('subscription_feed').on('subscription').column('feed_id').execute();
      await db.schema
        .createTable('article_state')
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('article_id', 'bigint', (c) => c.notNull().references('article.id').onDelete('cascade'))
        .addColumn('read_at', 'timestamptz')
        .addColumn('starred_at', 'timestamptz')
        .addPrimaryKeyConstraint('article_state_pk', ['user_id', 'article_id'])
        .execute();
      await db.schema.createIndex('article_state_article').on('article_state').column('article_id').execute();
    },
  },
  '0003_search': {
    async up(db: Kysely<unknown>) {
      await createSearchConfiguration(db);
      // Kept by the database itself, so no write path can forget it. Titles weigh A, text B
      // (ranked five to one, as SQLite's bm25(5, 1)). The text is capped below tsvector's 1 MB.
      await addSearchColumn(db, 'tidings_search');
    },
  },
  '0004_fever': {
    async up(db: Kysely<unknown>) {
      // Its own table (see SQLite's 0009_fever): unique key lookup, removal by row, and the name the key was made for.
      await db.schema
        .createTable('fever_key')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
  '0005_syndication': {
    async up(db: Kysely<unknown>) {
      // One secret per reader for their feeds out; regenerating replaces it, so the old URLs die.
      await db.schema
        .createTable('syndication_secret')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
  '0006_stories': {
    async up(db: Kysely<unknown>) {
      await createStoryTables(db, 'bigint', 'timestamptz');
    },
  },
  '0007_feed_rules': {
    async up(db: Kysely<unknown>) {
      // Per feed, as SQLite's 0012_feed_rules: the extracted article is shared by the feed's readers.
      await db.schema
        .createTable('feed_rule')
        .addColumn('feed_id', 'bigint', (c) => c.primaryKey().references('feed.id').onDelete('cascade'))
        .addColumn('keep_selectors', 'text', (c) => c.notNull())
        .addColumn('remove_selectors', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'bigint', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
  '0008_search_stemmed': {
    async up(db: Kysely<unknown>) {
      // English stemming ("libraries" finds "library"), as SQLite's porter tokenizer. The
      // generated column is rebuilt (the table rewritten) in this migration's transaction,
      // so a failure leaves the old one. prefix:* needs no index of its own: GIN matches a
      // prefix by a range scan of its sorted lexemes.
      await createSearchConfiguration(db, 'tidings_search_stemmed', true);
      await sql`drop index article_search`.execute(db);
      await sql`alter table article drop column search`.execute(db);
      await addSearchColumn(db, 'tidings_search_stemmed');
    },
  },
  '0009_reader_version': {
    async up(db: Kysely<unknown>) {
      // See SQLite's 0014_reader_version: changes of what a reader sees, counted by the database.
      await db.schema.alterTable('user').addColumn('state_version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await sql`create function bump_state_version() returns trigger language plpgsql as $$
        begin
          -- Nested: PL/pgSQL evaluates both sides of an and, and subscription has no read_at.
          if tg_op = 'UPDATE' and tg_table_name = 'article_state' then
            if (old.read_at is null) = (new.read_at is null) and (old.starred_at is null) = (new.starred_at is null) then
              return null;
            end if;
          end if;
          update "user" set state_version = state_version + 1
            where id = (case when tg_op = 'DELETE' then old.user_id else new.user_id end);
          return null;
        end $$`.execute(db);
      for (const table of ['article_state', 'subscription']) {
        await sql`create trigger ${sql.raw(`${table}_version`)} after insert or update or delete on ${sql.table(table)}
          for each row execute function bump_state_version()`.execute(db);
      }
    },
  },
  '0010_server_lease_and_flash': {
    async up(db: Kysely<unknown>) {
      // One row per running `tidings serve`: CLI commands that fetch find it here and hand it
      // their work (cli/handover.ts), so one process with one set of settings does all fetching.
      await db.schema
        .createTable('server_lease')
        .addColumn('server_id', 'text', (c) => c.primaryKey())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('command_port', 'integer', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('started_at', 'timestamptz', (c) => c.notNull())
        .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // The one message a page shows after a redirect, kept with the session, never in a URL.
      await db.schema.alterTable('session').addColumn('flash', 'text').execute();
    },
  },
  '0011_article_entity_and_fold': {
    async up(db: Kysely<unknown>) {
      await createArticleEntityTable(db, 'bigint');
    },
  },
  '0012_unread_counts': {
    async up(db: Kysely<unknown>) {
      // See SQLite's 0017_unread_counts: the sidebar's unread counts, kept by the database.
      await createUnreadTable(db, 'bigint');
      await unreadTriggerFunctions(db, 'unlocked');
      await sql`create trigger subscription_unread after insert on subscription
        for each row execute function subscription_unread_insert()`.execute(db);
      // A deleted article leaves the count of each subscriber who had not read it. Counted
      // before the delete: the row triggers below run after its cascades, when neither its
      // links nor its read marks are left to say whose count it was in.
      await sql`create trigger article_unread before delete on article
        for each row execute function article_unread_delete()`.execute(db);
      // An article linked to a feed (or unlinked) counts for each subscriber who has not read it.
      await sql`create trigger article_feed_unread after insert or delete on article_feed
        for each row execute function article_feed_unread()`.execute(db);
      // Reading (or unreading) an article moves the count of each of its feeds the reader follows.
      await sql`create trigger article_state_unread after insert or update of read_at or delete on article_state
        for each row execute function article_state_unread()`.execute(db);
    },
  },
  '0013_feed_failing_since': {
    async up(db: Kysely<unknown>) {
      // When the current run of failed refreshes began ("failing since Tuesday"): set by the
      // first failure after a success, cleared by the next success. Feeds failing already
      // keep null (the start of their run is not known): the page says "failing" alone.
      await db.schema.alterTable('feed').addColumn('failing_since', 'timestamptz').execute();
    },
  },
  '0014_unread_count_locks': {
    async up(db: Kysely<unknown>) {
      await lockUnreadTriggers(db);
      await recountDriftedUnread(db);
    },
  },
  '0015_unread_reader_first': {
    async up(db: Kysely<unknown>) {
      // A reader's write (read marks, a new subscription) bumps their version row
      // (0009's trigger, after the unread trigger of the same row), and held it while the
      // next row's unread trigger asked for its article and counts: two writes of one
      // reader took the row and the counts in opposite orders and deadlocked. The unread
      // triggers now take the reader's row first, so those writes queue on it whole.
      await unreadTriggerFunctions(db, 'readerFirst');
    },
  },
  '0016_search_prefix_words': {
    async up(db: Kysely<unknown>) {
      // Prefixes match the words as written ("timetable" is stemmed to "timet", so timeta:*
      // found nothing): a tsvector of the unstemmed words (0003's tidings_search, simple with
      // unaccent as SQLite's unicode61), stripped of positions and weights, which a prefix
      // never asks for. Stored, not an expression index: a prefix common enough for the
      // planner to walk the primary key checks each row's stored vector instead of parsing
      // its text again. Adding it rewrites the table, in this migration's transaction.
      await addPrefixSearchColumn(db);
    },
  },
  '0017_search_one_gin_index': {
    async up(db: Kysely<unknown>) {
      // A query of words and prefixes asked two single-column GIN indexes and ANDed their
      // bitmaps, or walked the primary key detoasting both vectors per row: 2x the time of
      // the one stemmed vector before 0016 (bench/searchPrefix.ts at 100 k). One GIN index
      // over both columns intersects the two conditions inside the index, as one tsquery
      // did, and serves a condition on either column alone as well as its own index did.
      // Built before the old two are dropped: minutes at millions of articles (3 min at 100 k, load ~14).
      const started = Date.now();
      logger().info({}, 'indexing both search columns in one GIN index');
      await sql`set local maintenance_work_mem = '256MB'`.execute(db);
      await sql`create index ${sql.raw(SEARCH_INDEX)} on article using gin (search, search_prefix)`.execute(db);
      logger().info({ ms: Date.now() - started }, 'both search columns indexed');
      await sql`drop index article_search`.execute(db);
      await sql`drop index article_search_prefix`.execute(db);
    },
  },
  '0018_unread_locks_in_one_order': {
    async up(db: Kysely<unknown>) {
      // A read mark beside a refresh still deadlocked now and then (CI: 40P01 in
      // setArticleStates). Each read mark's trigger took its article exclusively and then the
      // counts of its feeds, so two readers marking the same article waited for each other
      // while holding counts, and a refresh locked its feed's counts in heap order, not by
      // reader: ada's marks held (ada, quay) and waited for an article bob's marks held, bob's
      // waited for (bob, quay), which the refresh held while it waited for (ada, quay). Now
      // every writer takes its articles before any count, in id order, and counts by reader:
      // read marks share their article locks (a mark changes the counts of its own reader
      // only; one reader's marks queue on the reader's row) and take them all in a before
      // trigger, as the statement writes its rows in article order, before any after trigger
      // counts; a link counts its feed's subscribers in reader order; a refresh locks the
      // articles it links first (postgresDialect.lockArticlesToLink).
      await unreadTriggerFunctions(db, 'ordered');
      await sql`create or replace function article_state_article_lock() returns trigger language plpgsql as $$
        begin
          perform unread_lock(${sql.raw(String(UNREAD_LOCKS[0]))}, new.article_id, true);
          return new;
        end $$`.execute(db);
      await sql`create trigger article_state_article_lock before insert or update of read_at on article_state
        for each row execute function article_state_article_lock()`.execute(db);
    },
  },
  '0019_read_mark_lock_once': {
    async up(db: Kysely<unknown>) {
      // 0018's before trigger took each read mark's article lock, and the after trigger took
      // it again; the before trigger also locked for a mark that moves no count (a star, a
      // read time changed). It now fires only when the row turns read or unread (what the
      // after trigger counts), and the after trigger takes the article only for a delete,
      // which the before trigger does not see. The same lock, shared, held to commit, taken
      // at the same point (before the row is written), so the order of 0018 holds.
      await unreadTriggerFunctions(db, 'lockedBefore');
      await sql`drop trigger article_state_article_lock on article_state`.execute(db);
      await sql`create trigger article_state_article_lock_insert before insert on article_state
        for each row when (new.read_at is not null) execute function article_state_article_lock()`.execute(db);
      await sql`create trigger article_state_article_lock_update before update of read_at on article_state
        for each row when ((old.read_at is null) <> (new.read_at is null)) execute function article_state_article_lock()`.execute(db);
    },
  },
};

/** The GIN index of the article's stemmed and unstemmed search vectors (0017). */
export const SEARCH_INDEX = 'article_search_words';

/**
 * 0012's triggers under concurrent transactions. Each adds or takes away by a relative
 * update, but what it counts is read at READ COMMITTED, where another open transaction's
 * rows are not seen: a read mark and a new link of the same article each left the other
 * out (the count stayed one too high), a read mark and a removed link both took the
 * article off, a new subscription counted without a link or read mark being written
 * beside it. Each trigger now first takes a transaction-scoped advisory lock on what it
 * counts by, so the two wait for each other and the second's statements, with a fresh
 * snapshot, see the first's rows: the article for links, read marks and deletes, the feed
 * (shared by links) and the reader (shared by read marks) against a new subscription.
 */
async function lockUnreadTriggers(db: Kysely<unknown>): Promise<void> {
  // Two-key advisory locks: a key space apart from the single-key ones Tidings takes
  // elsewhere. Ids past 2^31 wrap, and two sharing a key only wait for each other.
  await sql`create or replace function unread_lock(kind integer, id bigint, shared boolean) returns void language plpgsql as $$
    begin
      if shared then perform pg_advisory_xact_lock_shared(kind, (id % 2147483647)::integer);
      else perform pg_advisory_xact_lock(kind, (id % 2147483647)::integer); end if;
    end $$`.execute(db);
  await unreadTriggerFunctions(db, 'locked');
}

/**
 * Counts that drifted before 0014 are set to a count of the rows, once; the number of
 * subscriptions whose count was wrong is logged (code unread_recounted) when there are any.
 */
export async function recountDriftedUnread(db: Kysely<unknown>): Promise<number> {
  const result = await sql`update subscription_unread u set unread = c.unread
    from (select s.user_id, s.feed_id, (${unreadOf('s.user_id', 's.feed_id')}) as unread from subscription s) c
    where u.user_id = c.user_id and u.feed_id = c.feed_id and u.unread <> c.unread`.execute(db);
  const repaired = Number(result.numAffectedRows ?? 0);
  if (repaired) logger().warn({ code: 'unread_recounted', subscriptions: repaired }, 'unread counts that had drifted were recounted');
  return repaired;
}

/**
 * The functions of 0012's triggers: 'locked' (0014) makes each first take its advisory
 * locks, 'readerFirst' (0015) has those of a reader's writes take the reader's version row
 * before them, 'ordered' (0018) takes the counts by reader and read marks' articles shared,
 * 'lockedBefore' (0019) leaves a read mark's article to the before trigger but for a delete.
 */
async function unreadTriggerFunctions(db: Kysely<unknown>, locks: 'unlocked' | 'locked' | 'readerFirst' | 'ordered' | 'lockedBefore'): Promise<void> {
  const [article, feed, reader] = UNREAD_LOCKS;
  const ordered = locks === 'ordered' || locks === 'lockedBefore';
  const lock = (kind: number, id: string, shared = false) => sql.raw(locks !== 'unlocked' ? `perform unread_lock(${kind}, ${id}, ${shared});` : '');
  // The lock 0009's version trigger takes on the row when it bumps it.
  const readerRow = (id: string) => sql.raw(locks === 'readerFirst' || ordered ? `perform 1 from "user" where id = ${id} for no key update;` : '');
  // 0018: the counts a link moves, locked by reader before they are moved (an update locks in heap order).
  const feedCountsByReader = (id: string) =>
    sql.raw(ordered ? `perform 1 from subscription_unread where feed_id = ${id} order by user_id for no key update;` : '');
  await sql`create or replace function subscription_unread_insert() returns trigger language plpgsql as $$
    begin
      ${readerRow('new.user_id')} ${lock(feed, 'new.feed_id')} ${lock(reader, 'new.user_id')}
      insert into subscription_unread (user_id, feed_id, unread)
        values (new.user_id, new.feed_id, (${unreadOf('new.user_id', 'new.feed_id')}))
        on conflict (user_id, feed_id) do update set unread = excluded.unread;
      return null;
    end $$`.execute(db);
  await sql`create or replace function article_unread_delete() returns trigger language plpgsql as $$
    begin
      ${lock(article, 'old.id')}
      update subscription_unread u set unread = unread - 1 from article_feed l
        where l.article_id = old.id and u.feed_id = l.feed_id and not exists (select 1 from article_state s
          where s.user_id = u.user_id and s.article_id = old.id and s.read_at is not null);
      return old;
    end $$`.execute(db);
  await sql`create or replace function article_feed_unread() returns trigger language plpgsql as $$
    declare
      link article_feed;
    begin
      if tg_op = 'DELETE' then link := old; else link := new; end if;
      if tg_op = 'DELETE' and not exists (select 1 from article where id = old.article_id) then return null; end if;
      ${lock(article, 'link.article_id')} ${lock(feed, 'link.feed_id', true)} ${feedCountsByReader('link.feed_id')}
      update subscription_unread u set unread = unread + (case when tg_op = 'DELETE' then -1 else 1 end)
        where u.feed_id = link.feed_id and not exists (select 1 from article_state s
          where s.user_id = u.user_id and s.article_id = link.article_id and s.read_at is not null);
      return null;
    end $$`.execute(db);
  const stateArticleLock = locks === 'lockedBefore'
    ? sql.raw(`if tg_op = 'DELETE' then perform unread_lock(${article}, state.article_id, true); end if;`)
    : lock(article, 'state.article_id', ordered);
  await sql`create or replace function article_state_unread() returns trigger language plpgsql as $$
    declare
      delta integer := 0;
      state article_state;
    begin
      if tg_op = 'DELETE' then state := old; else state := new; end if;
      if tg_op = 'DELETE' and not exists (select 1 from article where id = old.article_id) then return null; end if;
      if tg_op = 'INSERT' then
        if new.read_at is not null then delta := -1; end if;
      elsif tg_op = 'DELETE' then
        if old.read_at is not null then delta := 1; end if;
      elsif (old.read_at is null) <> (new.read_at is null) then
        delta := case when new.read_at is null then 1 else -1 end;
      end if;
      if delta <> 0 then
        ${readerRow('state.user_id')} ${stateArticleLock} ${lock(reader, 'state.user_id', true)}
        update subscription_unread set unread = unread + delta
          where user_id = state.user_id and feed_id in (select feed_id from article_feed where article_id = state.article_id);
      end if;
      return null;
    end $$`.execute(db);
}

/** The first keys of the unread triggers' advisory locks: article, feed, reader. */
export const UNREAD_LOCKS = [0x7d01, 0x7d02, 0x7d03] as const;

/** SQL for the number of a feed's articles a reader has not read (migration 0011). */
/** The article's tsvector in a search configuration, and its GIN index. */
async function addSearchColumn(db: Kysely<unknown>, configuration: string): Promise<void> {
  const config = sql.lit(configuration);
  await sql`alter table article add column search tsvector generated always as (
    setweight(to_tsvector(${config}, title), 'A') ||
    setweight(to_tsvector(${config}, left(text, 400000)), 'B')) stored`.execute(db);
  await sql`create index article_search on article using gin (search)`.execute(db);
}

/** 0015's column and GIN index of unstemmed words for prefix search; logs each step's time (minutes at millions of articles). */
async function addPrefixSearchColumn(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from article`.execute(db);
  const articles = Number(rows[0]!.n);
  const started = Date.now();
  const step = (message: string) => logger().info({ articles, ms: Date.now() - started }, message);
  step('adding the prefix search column (rewrites the article table)');
  await sql`alter table article add column search_prefix tsvector generated always as (strip(
    to_tsvector('tidings_search', title) || to_tsvector('tidings_search', left(text, 400000)))) stored`.execute(db);
  step('indexing the prefix search column');
  await sql`set local maintenance_work_mem = '256MB'`.execute(db);
  await sql`create index article_search_prefix on article using gin (search_prefix)`.execute(db);
  step('prefix search column indexed');
}

function identity(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  return c.primaryKey().generatedAlwaysAsIdentity();
}

/**
 * A text search configuration behaving like SQLite's FTS5 `unicode61 remove_diacritics 2`:
 * `simple` (lower case, no stemming, no stop words) plus `unaccent` when the server has it,
 * so "café" and "cafe" find each other on both databases. `stemmed` adds the English
 * snowball stemmer as FTS5's porter tokenizer does, without its stop words (FTS5 has none).
 */
async function createSearchConfiguration(db: Kysely<unknown>, name = 'tidings_search', stemmed = false): Promise<void> {
  await sql`create text search configuration ${sql.raw(name)} (copy = simple)`.execute(db);
  let words = 'simple';
  if (stemmed) {
    words = `${name}_english`;
    await sql`create text search dictionary ${sql.raw(words)} (template = snowball, language = english)`.execute(db);
    await sql`alter text search configuration ${sql.raw(name)} alter mapping for asciiword, asciihword, hword_asciipart with ${sql.raw(words)}`.execute(db);
    await sql`alter text search configuration ${sql.raw(name)} alter mapping for hword, hword_part, word with ${sql.raw(words)}`.execute(db);
  }
  if (!(await unaccentCreated(db))) return;
  await sql`alter text search configuration ${sql.raw(name)} alter mapping for hword, hword_part, word with unaccent, ${sql.raw(words)}`.execute(db);
}

async function unaccentCreated(db: Kysely<unknown>): Promise<boolean> {
  const available = await sql`select 1 from pg_available_extensions where name = 'unaccent'`.execute(db);
  if (available.rows.length === 0) return false;
  // Creating an extension may need rights the instance's role lacks: then search keeps accents.
  await sql`savepoint unaccent`.execute(db);
  try {
    await sql`create extension if not exists unaccent`.execute(db);
    return true;
  } catch (err) {
    await sql`rollback to savepoint unaccent`.execute(db);
    logger().warn({ code: 'internal', err: (err as Error).message }, 'unaccent extension not created: PostgreSQL search keeps accents');
    return false;
  }
}

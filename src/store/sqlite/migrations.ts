import { sql, type Kysely, type Migration } from 'kysely';
import { logger } from '../../log/logger.js';
import { urlKey } from '../../model/identity.js';
import { createArticleEntityTable, createStoryTables } from '../storyTables.js';
import { createUnreadTable, unreadOf } from '../unreadTable.js';

/**
 * Versioned schema. A migration, once released, is never edited: add a new one.
 * Kysely's Migrator records applied versions; on SQLite it runs them outside any transaction
 * (each statement commits alone), so a migration that must be all or nothing opens its own.
 */
export const sqliteMigrations: Record<string, Migration> = {
  '0001_core': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('source')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('homepage', 'text')
        .addColumn('host', 'text', (c) => c.unique())
        .addColumn('name_from', 'text', (c) => c.notNull().defaultTo('feed'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('feed')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('source_id', 'integer', (c) => c.notNull().references('source.id'))
        .addColumn('url', 'text', (c) => c.notNull().unique())
        .addColumn('site_url', 'text')
        .addColumn('title', 'text')
        .addColumn('section', 'text')
        .addColumn('source_override', 'text')
        .addColumn('section_override', 'text')
        .addColumn('etag', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('last_fetched_at', 'text')
        .addColumn('last_status', 'text', (c) => c.notNull().defaultTo('new'))
        .addColumn('last_error_code', 'text')
        .addColumn('last_error', 'text')
        .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_check_at', 'text')
        .addColumn('interval_seconds', 'integer', (c) => c.notNull().defaultTo(1800))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feed_next_check').on('feed').column('next_check_at').execute();
      await db.schema
        .createTable('article')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('source_id', 'integer', (c) => c.notNull().references('source.id'))
        .addColumn('guid', 'text')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('canonical_url', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('byline', 'text')
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('publisher_updated_at', 'text')
        .addColumn('changed_at', 'text')
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
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
      await db.schema
        .createTable('article_feed')
        .addColumn('article_id', 'integer', (c) => c.notNull().references('article.id').onDelete('cascade'))
        .addColumn('feed_id', 'integer', (c) => c.notNull().references('feed.id').onDelete('cascade'))
        .addColumn('guid', 'text')
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('article_feed_pk', ['article_id', 'feed_id'])
        .execute();
      await db.schema.createIndex('article_feed_guid').on('article_feed').columns(['feed_id', 'guid']).execute();
      await db.schema
        .createTable('revision')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('article_id', 'integer', (c) => c.notNull().references('article.id').onDelete('cascade'))
        .addColumn('seen_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('revision_article').on('revision').columns(['article_id', 'id']).execute();
      await db.schema
        .createTable('image')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('article_id', 'integer', (c) => c.notNull().references('article.id').onDelete('cascade'))
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
      await sql`select 1`.execute(db);
    },
  },
  '0002_identity_and_tombstones': {
    async up(db: Kysely<unknown>) {
      // Identity that survives publishers: scheme/www/tracking-free URL keys, the link each
      // feed gave, and tombstones so deleted articles never come back.
      await db.schema.alterTable('article').addColumn('url_key', 'text').execute();
      const rows = await sql<{ id: number; canonical_url: string }>`select id, canonical_url from article`.execute(db);
      for (const r of rows.rows) await sql`update article set url_key = ${urlKey(r.canonical_url)} where id = ${r.id}`.execute(db);
      await db.schema.createIndex('article_url_key').on('article').column('url_key').execute();
      await db.schema.alterTable('article_feed').addColumn('link_key', 'text').execute();
      await db.schema.createIndex('article_feed_link_key').on('article_feed').column('link_key').execute();
      await db.schema
        .createTable('tombstone')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('url_key', 'text')
        .addColumn('feed_id', 'integer')
        .addColumn('guid', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tombstone_url_key').on('tombstone').column('url_key').execute();
      await db.schema.createIndex('tombstone_feed_guid').on('tombstone').columns(['feed_id', 'guid']).execute();
    },
  },
  '0003_websub': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('websub')
        .addColumn('feed_id', 'integer', (c) => c.primaryKey().references('feed.id').onDelete('cascade'))
        .addColumn('hub', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('callback_token', 'text', (c) => c.notNull().unique())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('lease_seconds', 'integer')
        .addColumn('expires_at', 'text')
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('last_push_at', 'text')
        .addColumn('last_error', 'text')
        .execute();
    },
  },
  '0004_recheck': {
    async up(db: Kysely<unknown>) {
      // When the article's page is read again to catch the publisher's edits (null: never again).
      await db.schema.alterTable('article').addColumn('next_recheck_at', 'text').execute();
      await db.schema.createIndex('article_next_recheck').on('article').column('next_recheck_at').execute();
    },
  },
  '0005_search': {
    async up(db: Kysely<unknown>) {
      // Full-text search over title and text: an external-content FTS5 index kept in step
      // with the article table by triggers, so no write path can forget it.
      await sql`create virtual table article_fts using fts5(title, text, content='article', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`.execute(db);
      await createIndexTriggers(db, 'article_fts');
      await sql`insert into article_fts(rowid, title, text) select id, title, text from article`.execute(db);
    },
  },
  '0006_accounts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('user')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Only hashes of session and API secrets are stored: a copy of the database opens no account.
      await db.schema
        .createTable('session')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_token')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema
        .createTable('subscription')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('feed_id', 'integer', (c) => c.notNull().references('feed.id').onDelete('cascade'))
        .addColumn('folder', 'text')
        .addColumn('title', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_pk', ['user_id', 'feed_id'])
        .execute();
      await db.schema
        .createTable('article_state')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('article_id', 'integer', (c) => c.notNull().references('article.id').onDelete('cascade'))
        .addColumn('read_at', 'text')
        .addColumn('starred_at', 'text')
        .addPrimaryKeyConstraint('article_state_pk', ['user_id', 'article_id'])
        .execute();
    },
  },
  '0007_search_rank': {
    async up(db: Kysely<unknown>) {
      // Titles weigh five times the text in the index's own rank (used by ORDER BY rank).
      await sql`insert into article_fts(article_fts, rank) values ('rank', 'bm25(5.0, 1.0)')`.execute(db);
    },
  },
  '0008_feed_activity': {
    async up(db: Kysely<unknown>) {
      // Items a day and the 30-day activity read a range of one feed's recent links; without
      // this a feed with a million articles is scanned whole (133 ms → 2 ms at 1M).
      await db.schema.createIndex('article_feed_seen').on('article_feed').columns(['feed_id', 'first_seen_at']).execute();
    },
  },
  '0009_fever': {
    async up(db: Kysely<unknown>) {
      // A table of its own, not a column of user: the unique index serves the lookup by key,
      // removing the key deletes the row, and the name the key was made for sits beside it
      // (the key is md5 of `name:password`, so a renamed reader's old key must stop matching).
      await db.schema
        .createTable('fever_key')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0010_syndication': {
    async up(db: Kysely<unknown>) {
      // One secret per reader for their feeds out; regenerating replaces it, so the old URLs die.
      await db.schema
        .createTable('syndication_secret')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0011_stories': {
    async up(db: Kysely<unknown>) {
      await createStoryTables(db, 'integer', 'text');
    },
  },
  '0012_feed_rules': {
    async up(db: Kysely<unknown>) {
      // Per feed, not per subscription: the extracted article is shared by every reader of
      // the feed, so one set of rules shapes it; the API lets an administrator or the only
      // subscriber set them.
      await db.schema
        .createTable('feed_rule')
        .addColumn('feed_id', 'integer', (c) => c.primaryKey().references('feed.id').onDelete('cascade'))
        .addColumn('keep_selectors', 'text', (c) => c.notNull())
        .addColumn('remove_selectors', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'integer', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0013_search_stemmed': {
    async up(db: Kysely<unknown>) {
      // Porter stemming ("libraries" finds "library") and prefix indexes of 2 and 3 letters
      // (prefix* reads one short doclist instead of every word that starts so). The index is
      // rebuilt from the article table in this migration's transaction: a failure leaves the
      // old index in place. About a minute per million short articles (README, bench).
      for (const t of ['insert', 'delete', 'update']) await sql`drop trigger if exists ${sql.raw(`article_fts_${t}`)}`.execute(db);
      await sql`drop table article_fts`.execute(db);
      await sql`create virtual table article_fts using fts5(title, text, content='article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')`.execute(db);
      await createIndexTriggers(db, 'article_fts');
      await sql`insert into article_fts(article_fts) values ('rebuild')`.execute(db);
      await sql`insert into article_fts(article_fts, rank) values ('rank', 'bm25(5.0, 1.0)')`.execute(db);
    },
  },
  '0014_reader_version': {
    async up(db: Kysely<unknown>) {
      // Counts the changes to what a reader sees beyond new articles (read, starred,
      // subscriptions), kept by the database so every process's writes count: the page
      // cache's version (server/pageCache.ts). Only changes of state count: opening an
      // article already read writes a new time, not a new state.
      await db.schema.alterTable('user').addColumn('state_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      const bump = (who: string) => `update "user" set state_version = state_version + 1 where id = ${who}.user_id;`;
      await sql.raw(`create trigger article_state_version_insert after insert on article_state begin ${bump('new')} end`).execute(db);
      await sql.raw(`create trigger article_state_version_delete after delete on article_state begin ${bump('old')} end`).execute(db);
      await sql.raw(`create trigger article_state_version_update after update on article_state
        when (old.read_at is null) <> (new.read_at is null) or (old.starred_at is null) <> (new.starred_at is null)
        begin ${bump('new')} end`).execute(db);
      await sql.raw(`create trigger subscription_version_insert after insert on subscription begin ${bump('new')} end`).execute(db);
      await sql.raw(`create trigger subscription_version_delete after delete on subscription begin ${bump('old')} end`).execute(db);
      await sql.raw(`create trigger subscription_version_update after update on subscription begin ${bump('new')} end`).execute(db);
    },
  },
  '0015_server_lease_and_flash': {
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
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .execute();
      // The one message a page shows after a redirect, kept with the session, never in a URL.
      await db.schema.alterTable('session').addColumn('flash', 'text').execute();
    },
  },
  '0016_article_entity_and_fold': {
    async up(db: Kysely<unknown>) {
      await createArticleEntityTable(db, 'integer');
    },
  },
  '0017_unread_counts': {
    async up(db: Kysely<unknown>) {
      // The sidebar's unread count per subscription, kept by the database as rows change
      // (any process, any write path): counting them per page read every article of the
      // reader's feeds (140 ms of CPU per page at 100 k articles). Derived: `db copy` leaves
      // it to the target's triggers.
      await createUnreadTable(db, 'integer');
      await sql`create trigger subscription_unread_insert after insert on subscription begin
        insert or replace into subscription_unread (user_id, feed_id, unread)
        values (new.user_id, new.feed_id, (${unreadOf('new.user_id', 'new.feed_id')}));
      end`.execute(db);
      // An article linked to a feed (or unlinked) counts for each subscriber who has not read it.
      for (const [event, row, delta] of [['insert', 'new', '+ 1'], ['delete', 'old', '- 1']] as const) {
        await sql.raw(`create trigger article_feed_unread_${event} after ${event} on article_feed begin
          update subscription_unread set unread = unread ${delta} where feed_id = ${row}.feed_id
            and not exists (select 1 from article_state s where s.user_id = subscription_unread.user_id
              and s.article_id = ${row}.article_id and s.read_at is not null);
        end`).execute(db);
      }
      // Reading (or unreading) an article moves the count of each of its feeds the reader follows.
      const moveBy = (row: 'new' | 'old', delta: string) => `update subscription_unread set unread = unread ${delta}
        where user_id = ${row}.user_id and feed_id in (select feed_id from article_feed where article_id = ${row}.article_id);`;
      await sql.raw(`create trigger article_state_unread_insert after insert on article_state
        when new.read_at is not null begin ${moveBy('new', '- 1')} end`).execute(db);
      await sql.raw(`create trigger article_state_unread_delete after delete on article_state
        when old.read_at is not null begin ${moveBy('old', '+ 1')} end`).execute(db);
      await sql.raw(`create trigger article_state_unread_update after update of read_at on article_state
        when (old.read_at is null) <> (new.read_at is null)
        begin ${moveBy('new', "+ (case when new.read_at is null then 1 else -1 end)")} end`).execute(db);
    },
  },
  '0018_feed_failing_since': {
    async up(db: Kysely<unknown>) {
      // When the current run of failed refreshes began ("failing since Tuesday"): set by the
      // first failure after a success, cleared by the next success. Feeds failing already
      // keep null (the start of their run is not known): the page says "failing" alone.
      await db.schema.alterTable('feed').addColumn('failing_since', 'text').execute();
    },
  },
  '0019_search_prefix_index': {
    async up(db: Kysely<unknown>) {
      // Prefix indexes of 1 to 6 letters: FTS5 reads a prefix* from an index of exactly its
      // length, else merges the whole doclist of every word it starts. At 1 M bench articles
      // (each word in 80 % of them) harb* took 21 ms of blocking CPU, h* 80-200 ms; 0.4 ms
      // with an index. Each length adds a fifth to a third of the 2-3-letter index (476 MB
      // at 1 M; 2-6: 879 MB). Longer prefixes go without: rarer, and they start fewer words.
      await rebuildSearchIndex(db, '1 2 3 4 5 6');
    },
  },
  '0020_river_covering_index': {
    async up(db: Kysely<unknown>) {
      // The article page's neighbour walks read the id, title and source of 30 rows around a
      // random place in the river: with these in the river index, a walk reads a leaf or two
      // of it instead of 30 article rows (each in its own table page, with its text and HTML).
      // Replaces article_river, its prefix: the river pages walk this one the same way.
      await db.schema.createIndex('article_river_list').ifNotExists().on('article').columns(['published_at desc', 'id desc', 'source_id', 'title']).execute();
      await db.schema.dropIndex('article_river').ifExists().execute();
    },
  },
  '0021_search_prefix_words': {
    async up(db: Kysely<unknown>) {
      // The stemmed index holds "timet" for "timetable", so timeta* found nothing. Prefixes
      // now match the words as written, in a second index over the same rows with the prefix
      // indexes; the stemmed one, asked only for whole words and phrases, is rebuilt without
      // them. The new index keeps which column a word is in (titles rank first) but not its
      // positions: no phrase holds a prefix.
      await withRebuildCache(db, async () => {
        await rebuildIndex(db, PREFIX_FTS, REBUILD_BATCH);
        await rebuildIndex(db, { ...STEMMED_FTS, options: '' }, REBUILD_BATCH);
      });
    },
  },
};

/** SQL for the number of a feed's articles a reader has not read (migration 0016). */
/** Rows of the article table indexed between two progress lines of a long rebuild. */
const REBUILD_BATCH = 100_000;
/** The page cache of a rebuild, in KiB (SQLite's default is 2 MB). */
const REBUILD_CACHE_KIB = 128 * 1024;

/** An external-content FTS5 index of the article table's title and text. */
interface FtsIndex {
  table: string;
  tokenize: string;
  /** Further FTS5 options, written out after the tokenizer. */
  options: string;
}

/** Whole words and phrases, by their Porter stem ("libraries" finds "library"). */
const STEMMED_FTS: FtsIndex = { table: 'article_fts', tokenize: 'porter unicode61 remove_diacritics 2', options: '' };
/**
 * Prefixes, matched against the words as written, with indexes of 1 to 6 letters (see 0019).
 * detail=column keeps the title/text split without positions; columnsize=0 drops the
 * per-row lengths only bm25 reads.
 */
const PREFIX_FTS: FtsIndex = {
  table: 'article_prefix_fts',
  tokenize: 'unicode61 remove_diacritics 2',
  options: "prefix='1 2 3 4 5 6', detail=column, columnsize=0",
};

/**
 * Recreates the stemmed FTS5 index with these prefix lengths and fills it from the article
 * table (migration 0019; 0021 moved the prefix indexes to article_prefix_fts).
 */
export async function rebuildSearchIndex(db: Kysely<unknown>, prefix: string, batch = REBUILD_BATCH): Promise<void> {
  await withRebuildCache(db, () => rebuildIndex(db, { ...STEMMED_FTS, options: `prefix='${prefix.replace(/'/g, "''")}'` }, batch));
}

/** A larger page cache while FTS5 merges its segments: 1 M articles 151 → 113 s, CPU 37 → 34 s. */
async function withRebuildCache(db: Kysely<unknown>, rebuild: () => Promise<void>): Promise<void> {
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  await sql`pragma cache_size = ${sql.raw(String(-REBUILD_CACHE_KIB))}`.execute(db);
  try {
    await rebuild();
  } finally {
    await sql`pragma cache_size = ${sql.raw(String(rows[0]!.cache_size))}`.execute(db);
  }
}

/**
 * Recreates an FTS5 index and fills it from the article table, in one transaction: Kysely
 * runs SQLite migrations outside any, and a crash midway must leave the old index (the
 * migration, not yet recorded, runs again). Filled in batches of rows to log progress:
 * minutes at millions of articles.
 */
async function rebuildIndex(db: Kysely<unknown>, index: FtsIndex, batch: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const table = sql.raw(index.table);
    for (const t of ['insert', 'delete', 'update']) await sql`drop trigger if exists ${sql.raw(`${index.table}_${t}`)}`.execute(trx);
    await sql`drop table if exists ${table}`.execute(trx);
    const options = index.options ? `, ${index.options}` : '';
    await sql`create virtual table ${table} using fts5(title, text, content='article', content_rowid='id',
      tokenize=${sql.lit(index.tokenize)}${sql.raw(options)})`.execute(trx);
    await createIndexTriggers(trx, index.table);
    if (index.table === STEMMED_FTS.table) await sql`insert into article_fts(article_fts, rank) values ('rank', 'bm25(5.0, 1.0)')`.execute(trx);
    await fillIndex(trx, index.table, batch);
  });
}

async function fillIndex(db: Kysely<unknown>, name: string, batch: number): Promise<void> {
  const { rows } = await sql<{ n: number; top: number | null }>`select count(*) as n, max(id) as top from article`.execute(db);
  const { n, top } = rows[0]!;
  const started = Date.now();
  let done = 0;
  for (let after = 0; after < (top ?? 0);) {
    const end = await sql<{ id: number }>`select id from article where id > ${after} order by id limit 1 offset ${batch - 1}`.execute(db);
    const last = end.rows[0]?.id ?? top!;
    await sql`insert into ${sql.raw(name)}(rowid, title, text) select id, title, text from article where id > ${after} and id <= ${last}`.execute(db);
    done = Math.min(n, done + batch);
    after = last;
    if (n > batch) logger().info({ index: name, indexed: done, of: n, ms: Date.now() - started }, 'rebuilding the search index');
  }
}

/** Keeps an external-content FTS5 index in step with the article table, so no write path can forget it. */
async function createIndexTriggers(db: Kysely<unknown>, name: string): Promise<void> {
  const t = (suffix: string) => sql.raw(`${name}_${suffix}`);
  const index = sql.raw(name);
  await sql`create trigger ${t('insert')} after insert on article begin
    insert into ${index}(rowid, title, text) values (new.id, new.title, new.text);
  end`.execute(db);
  await sql`create trigger ${t('delete')} after delete on article begin
    insert into ${index}(${index}, rowid, title, text) values ('delete', old.id, old.title, old.text);
  end`.execute(db);
  await sql`create trigger ${t('update')} after update of title, text on article begin
    insert into ${index}(${index}, rowid, title, text) values ('delete', old.id, old.title, old.text);
    insert into ${index}(rowid, title, text) values (new.id, new.title, new.text);
  end`.execute(db);
}

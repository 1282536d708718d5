import type { Kysely } from 'kysely';

/**
 * The tables of stories, written once for both databases' migrations (SQLite 0011,
 * PostgreSQL 0006): only the id and time column types differ. A released migration never
 * changes, so a later change to these tables is a new migration, not an edit here.
 */
export async function createStoryTables(db: Kysely<unknown>, id: 'integer' | 'bigint', time: 'text' | 'timestamptz'): Promise<void> {
  // A story's id is its first article's id; no foreign key, so a merge only rewrites ids.
  await db.schema
    .createTable('story')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', time, (c) => c.notNull())
    .addColumn('last_seen_at', time, (c) => c.notNull())
    .addColumn('article_count', 'integer', (c) => c.notNull())
    .addColumn('source_count', 'integer', (c) => c.notNull())
    .addColumn('copy_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('story_activity').on('story').columns(['last_seen_at desc', 'id desc']).execute();
  // seq is the placement order: unique, so two processes placing at once cannot both write
  // the same next numbers (the loser catches up and tries again; see ingest/storyPlacer.ts).
  await db.schema
    .createTable('article_story')
    .addColumn('article_id', id, (c) => c.primaryKey().references('article.id').onDelete('cascade'))
    .addColumn('story_id', id, (c) => c.notNull())
    .addColumn('copy_of', id)
    .addColumn('seq', id, (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex('article_story_story').on('article_story').columns(['story_id', 'article_id']).execute();
  // Entities and figures of the text whose content hash they were computed from.
  await db.schema
    .createTable('article_facts')
    .addColumn('article_id', id, (c) => c.primaryKey().references('article.id').onDelete('cascade'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('entities', 'text', (c) => c.notNull())
    .addColumn('figures', 'text', (c) => c.notNull())
    .execute();
  // Written in the article's own transaction: the story step is a follow-up that can fail
  // and be retried without the article ever being at risk.
  await db.schema
    .createTable('story_pending')
    .addColumn('article_id', id, (c) => c.primaryKey().references('article.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('queued_at', time, (c) => c.notNull())
    .execute();
}

/**
 * The entities each article mentions, one row per name (SQLite 0016, PostgreSQL 0011): the
 * river's entity filter finds articles by `entity_key` (text/entityKey.ts) without reading
 * the facts' JSON. Written with the facts (stories.ts), so it always matches them.
 */
export async function createArticleEntityTable(db: Kysely<unknown>, id: 'integer' | 'bigint'): Promise<void> {
  await db.schema
    .createTable('article_entity')
    .addColumn('article_id', id, (c) => c.notNull().references('article.id').onDelete('cascade'))
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_entity_pk', ['article_id', 'entity_key', 'type'])
    .execute();
  // A rare entity is found from its key; the primary key serves "does this article name it".
  await db.schema.createIndex('article_entity_key').on('article_entity').columns(['entity_key', 'article_id']).execute();
  // Folding the river is a reader's choice, kept with the reader (on unless turned off).
  await db.schema.alterTable('user').addColumn('fold_stories', 'integer', (c) => c.notNull().defaultTo(1)).execute();
}

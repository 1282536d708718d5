import { sql, type RawBuilder } from 'kysely';
import { searchParts, type SearchPart } from '../searchQuery.js';
import { SEARCH_WINDOW, type StoreDialect } from '../dialect.js';

/**
 * SQLite: FTS5 and text times. Search ranks the reader's newest SEARCH_WINDOW matches by how
 * many of the query's parts the title holds, then by time. Not bm25: its weight of each word counts
 * every article holding it, a walk over most of the index for common words (65 ms a search
 * at 1 M articles), where these are range reads of the index (see dialect.ts).
 */
export const sqliteDialect: StoreDialect = {
  async searchArticleIds(db, text, filter, page) {
    const parts = searchParts(text).map(ftsPart);
    if (parts.length === 0) return [];
    const rows = await sql<{ id: number; rank: number }>`
      with recent as materialized (
        select a.id, a.published_at from article_fts f join article a on a.id = f.rowid
        where article_fts match ${parts.join(' ')} and ${filter}
        order by f.rowid desc limit ${SEARCH_WINDOW}),
      oldest as (select min(id) as id from recent)
      select r.id, ${titleMisses(parts)} as rank from recent r
      order by rank, r.published_at desc, r.id desc
      limit ${page.limit} offset ${page.offset}`.execute(db);
    return rows.rows;
  },
  utcDay(time) {
    // Times are stored as ISO 8601 UTC text: the day is its first ten characters.
    return sql<string>`substr(${time}, 1, 10)`;
  },
  async lockStories(trx) {
    // A write first: the transaction holds the database's write lock from here on, so a
    // second process waits at this statement instead of failing to upgrade a read lock later.
    await sql`insert into setting (key, value) values ('stories.lock', '') on conflict (key) do update set value = excluded.value`.execute(trx);
  },
  async lockUnreadCount() {
    // One writer at a time: the recount is one statement, which no other write interleaves.
  },
};

/** How many of the parts the title lacks, each a title-only match over the window's range of the index. */
function titleMisses(parts: string[]): RawBuilder<number> {
  const misses = parts.map((p) => sql`(r.id not in (
    select rowid from article_fts where article_fts match ${`title : ${p}`} and rowid >= (select id from oldest)))`);
  return sql<number>`(${sql.join(misses, sql` + `)})`;
}

/** One part of a query as FTS5 syntax: a quoted phrase or word, * for a prefix. */
function ftsPart(p: SearchPart): string {
  return p.phrase ? `"${p.words.join(' ')}"` : `"${p.words[0]}"${p.prefix ? '*' : ''}`;
}

/**
 * What a reader types → a safe FTS5 query: every word must match (as typed, or as a prefix
 * when it ends in *), "quoted phrases" stay phrases, and nothing the reader types can be
 * read as FTS5 syntax (column filters, NEAR, parentheses).
 */
export function ftsQuery(input: string): string | null {
  const parts = searchParts(input).map(ftsPart);
  return parts.length ? parts.join(' ') : null;
}

import { sql } from 'kysely';
import { searchParts } from '../searchQuery.js';
import { SEARCH_WINDOW, searchCandidates, type StoreDialect } from '../dialect.js';

/** SQLite: FTS5 (bm25 rank, titles weigh five times the text) and text times. */
export const sqliteDialect: StoreDialect = {
  async searchArticleIds(db, text, filter, page) {
    const match = ftsQuery(text);
    if (!match) return [];
    const rows = await sql<{ id: number; rank: number }>`
      select a.id, hit.rank as rank
      from (
        select rowid, rank from article_fts
        where article_fts match ${match}
          and rowid >= coalesce((select min(rowid) from (select rowid from article_fts where article_fts match ${match} order by rowid desc limit ${SEARCH_WINDOW})), 0)
        order by rank limit ${searchCandidates(page)}) hit
      join article a on a.id = hit.rowid
      where ${filter}
      order by hit.rank, a.published_at desc
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
};

/**
 * What a reader types → a safe FTS5 query: every word must match (as typed, or as a prefix
 * when it ends in *), "quoted phrases" stay phrases, and nothing the reader types can be
 * read as FTS5 syntax (column filters, NEAR, parentheses).
 */
export function ftsQuery(input: string): string | null {
  const parts = searchParts(input).map((p) => (p.phrase ? `"${p.words.join(' ')}"` : `"${p.words[0]}"${p.prefix ? '*' : ''}`));
  return parts.length ? parts.join(' ') : null;
}

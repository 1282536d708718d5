import { sql } from 'kysely';
import { SEARCH_WINDOW, type StoreDialect } from '../dialect.js';
import { searchParts } from '../searchQuery.js';

/**
 * Title weighs five times the text, as SQLite's bm25(5, 1): weights of {D, C, B, A}.
 * Normalization 1 divides by 1 + log(length), so long texts do not win by length alone.
 */
const RANK_WEIGHTS = '{0.1, 0.2, 0.2, 1.0}';

/** PostgreSQL: the article's generated tsvector (GIN index) and timestamptz times. */
export const postgresDialect: StoreDialect = {
  async searchArticleIds(db, text, filter, page) {
    const query = tsQuery(text);
    if (!query) return [];
    // Ranks the newest SEARCH_WINDOW matches (see dialect.ts); the reader's filters apply in the same query.
    const rows = await sql<{ id: number; rank: number }>`
      with q as (select to_tsquery('tidings_search', ${query}) as query),
      recent as (select coalesce(min(id), 0) as first_id from (
        select id from article, q where search @@ q.query order by id desc limit ${SEARCH_WINDOW}) w)
      select a.id, -ts_rank_cd(${RANK_WEIGHTS}::float4[], a.search, q.query, 1) as rank
      from article a, q, recent
      where a.search @@ q.query and a.id >= recent.first_id and ${filter}
      order by rank, a.published_at desc
      limit ${page.limit} offset ${page.offset}`.execute(db);
    return rows.rows;
  },
  utcDay(time) {
    return sql<string>`to_char(${time} at time zone 'UTC', 'YYYY-MM-DD')`;
  },
};

/**
 * What a reader types → a to_tsquery string: every word must match (& between them), a
 * "phrase" is its words next to each other (<->), a trailing * a prefix (:*). Each word is
 * a quoted lexeme, so nothing typed is read as tsquery syntax; the query itself is sent as a
 * bound parameter.
 */
export function tsQuery(input: string): string | null {
  const parts = searchParts(input).map((p) => {
    const lexemes = p.words.map(quoteLexeme);
    if (p.phrase) return lexemes.length > 1 ? `(${lexemes.join(' <-> ')})` : lexemes[0]!;
    return `${lexemes[0]}${p.prefix ? ':*' : ''}`;
  });
  return parts.length ? parts.join(' & ') : null;
}

function quoteLexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

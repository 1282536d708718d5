import { sql } from 'kysely';
import { SEARCH_WINDOW, type StoreDialect } from '../dialect.js';
import { searchParts } from '../searchQuery.js';
import { UNREAD_LOCKS } from './migrations.js';

/**
 * Title weighs five times the text, as SQLite's bm25(5, 1): weights of {D, C, B, A}.
 * Normalization 1 divides by 1 + log(length), so long texts do not win by length alone.
 */
/** The advisory lock key of story placement (any constant no other part of Tidings uses). */
const STORY_LOCK = 0x5701e5;

const RANK_WEIGHTS = '{0.1, 0.2, 0.2, 1.0}';

/** PostgreSQL: the article's generated tsvector (GIN index) and timestamptz times. */
export const postgresDialect: StoreDialect = {
  async searchArticleIds(db, text, filter, page) {
    const query = tsQuery(text);
    if (!query) return [];
    // Ranks the reader's newest SEARCH_WINDOW matches (see dialect.ts): the filters choose the window.
    // The tsquery is written inline (not a CTE) so the planner estimates how common the words
    // are: common words walk the primary key backwards and stop after the window, rare ones
    // use the GIN index. The window is materialized once and ranked by id, not searched again
    // (4.8 s → 21 ms for two words in most of 1 M articles).
    const tsquery = sql`to_tsquery('tidings_search_stemmed', ${query})`;
    const rows = await sql<{ id: number; rank: number }>`
      with recent as materialized (
        select a.id, a.published_at, a.search from article a
        where a.search @@ ${tsquery} and ${filter} order by a.id desc limit ${SEARCH_WINDOW})
      select r.id, -ts_rank_cd(${RANK_WEIGHTS}::float4[], r.search, ${tsquery}, 1) as rank
      from recent r
      order by rank, r.published_at desc, r.id desc
      limit ${page.limit} offset ${page.offset}`.execute(db);
    return rows.rows;
  },
  utcDay(time) {
    return sql<string>`to_char(${time} at time zone 'UTC', 'YYYY-MM-DD')`;
  },
  async lockStories(trx) {
    // Released when the transaction ends, whatever way it ends.
    await sql`select pg_advisory_xact_lock(${STORY_LOCK})`.execute(trx);
  },
  async lockUnreadCount(trx, userId, feedId) {
    // The locks of a new subscription's trigger (migration 0014), in its order.
    const [, feed, reader] = UNREAD_LOCKS;
    await sql`select unread_lock(${feed}, ${feedId}, false), unread_lock(${reader}, ${userId}, false)`.execute(trx);
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

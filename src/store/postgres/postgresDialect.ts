import { sql, type RawBuilder } from 'kysely';
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

/** PostgreSQL: the article's generated tsvectors (GIN indexes) and timestamptz times. */
export const postgresDialect: StoreDialect = {
  async searchArticleIds(db, text, filter, page) {
    const query = tsQueries(text);
    if (!query) return [];
    // Ranks the reader's newest SEARCH_WINDOW matches (see dialect.ts): the filters choose the window.
    // The tsqueries are written inline (not a CTE) so the planner estimates how common the words
    // are: common words walk the primary key backwards and stop after the window, rare ones
    // use the GIN index of both columns (0017), which intersects words and prefixes inside it.
    // The window is materialized once and ranked by id, not searched again
    // (4.8 s → 21 ms for two words in most of 1 M articles).
    const words = query.words ? sql`to_tsquery('tidings_search_stemmed', ${query.words})` : null;
    const prefixes = query.prefixes ? sql`to_tsquery('tidings_search', ${query.prefixes})` : null;
    const rows = await sql<{ id: number; rank: number }>`
      with recent as materialized (
        select a.id, a.published_at, a.title, a.search from article a
        where ${words ? sql`a.search @@ ${words}` : sql`true`} and ${prefixes ? sql`a.search_prefix @@ ${prefixes}` : sql`true`}
          and ${filter} order by a.id desc limit ${SEARCH_WINDOW})
      select r.id, ${rankOf(words, query.prefixParts)} as rank
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
  async lockArticlesToLink(trx, articleIds) {
    if (articleIds.length === 0) return;
    // The article_feed trigger's lock (migration 0014) of each, in id order (0018). Ordered in a
    // subquery: a volatile function beside an order by may be evaluated before the sort.
    const [article] = UNREAD_LOCKS;
    await sql`select count(unread_lock(${article}, s.id, false)) from (select distinct id from unnest(${[...articleIds]}::bigint[]) id order by id offset 0) s`.execute(trx);
  },
};

/**
 * Lower is better: how many prefixes the title lacks (titles first, as SQLite ranks), less
 * the cover density of the words in the stemmed vector (title weighing five times the text).
 * The titles are parsed for prefixes only in the window, a thousand rows at most.
 */
function rankOf(words: RawBuilder<unknown> | null, prefixParts: string[]): RawBuilder<number> {
  const terms = prefixParts.map((p) => sql`(case when to_tsvector('tidings_search', r.title) @@ to_tsquery('tidings_search', ${p}) then 0 else 1 end)`);
  if (words) terms.push(sql`-ts_rank_cd(${RANK_WEIGHTS}::float4[], r.search, ${words}, 1)`);
  return sql<number>`(${sql.join(terms, sql` + `)})`;
}

/**
 * What a reader types → to_tsquery strings: every word must match (& between them), a
 * "phrase" is its words next to each other (<->), a trailing * a prefix (:*). Words and
 * phrases are matched by their stems (tidings_search_stemmed), prefixes against the words as
 * written (tidings_search): a stem can be shorter than a prefix of its word. Each word is a
 * quoted lexeme, so nothing typed is read as tsquery syntax; the queries are sent as bound
 * parameters. Null when nothing can match.
 */
export function tsQueries(input: string): { words: string | null; prefixes: string | null; prefixParts: string[] } | null {
  const parts = searchParts(input);
  if (parts.length === 0) return null;
  const words = parts.filter((p) => !p.prefix).map((p) => {
    const lexemes = p.words.map(quoteLexeme);
    return lexemes.length > 1 ? `(${lexemes.join(' <-> ')})` : lexemes[0]!;
  });
  const prefixParts = parts.filter((p) => p.prefix).map((p) => `${quoteLexeme(p.words[0]!)}:*`);
  return { words: words.join(' & ') || null, prefixes: prefixParts.join(' & ') || null, prefixParts };
}

function quoteLexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

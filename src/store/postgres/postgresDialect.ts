import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../schema.js';
import { SEARCH_WINDOW, type SearchPage, type StoreDialect, type WindowBound } from '../dialect.js';
import { searchParts } from '../searchQuery.js';
import { UNREAD_LOCKS } from './migrations.js';

/** The advisory lock key of story placement (any constant no other part of Tidings uses). */
const STORY_LOCK = 0x5701e5;

/**
 * Title weighs five times the text, as SQLite's bm25(5, 1): weights of {D, C, B, A}.
 * Normalization 1 divides by 1 + log(length), so long texts do not win by length alone.
 */
const RANK_WEIGHTS = '{0.1, 0.2, 0.2, 1.0}';

/** PostgreSQL: the article's generated tsvectors (GIN indexes) and timestamptz times. */
export const postgresDialect: StoreDialect = {
  searchArticleIds(db, text, filter, page) {
    return searchRanges(db, text, filter, page, { window: SEARCH_WINDOW, firstSpan: FIRST_SPAN });
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
  locksArticlesToLink: true,
  async lockArticlesToLink(trx, articleIds) {
    if (articleIds.length === 0) return;
    // The article_feed trigger's lock (migration 0014) of each, in id order (0018). Ordered in a
    // subquery: a volatile function beside an order by may be evaluated before the sort.
    const [article] = UNREAD_LOCKS;
    await sql`select count(unread_lock(${article}, s.id, false)) from (select distinct id from unnest(${[...articleIds]}::bigint[]) id order by id offset 0) s`.execute(trx);
  },
};

/**
 * Ids the first range of a search covers: 16 windows; each next range reaches 8x as far
 * below the newest article. Bounded, the planner costs a bitmap of the GIN index (0017)
 * against a walk of the primary key by the rows in the range and picks each where it is
 * cheaper. Unbounded, it walked the primary key for police arre* (one row in 10 matches:
 * ~9,500 rows walked, both vectors fetched from TOAST for each) at 85-93 ms where the bitmap
 * took 14-19, and took the bitmap for pres* at 360-408 ms where the walk takes 26 (50 k
 * ECB+ articles, load ~17).
 */
const FIRST_SPAN = 16 * SEARCH_WINDOW;
const SPAN_GROWTH = 8;

/**
 * The reader's newest `bound.window` matches (see dialect.ts), ranked: a page of them. The
 * matches are read newest first in disjoint ranges of ids, each asked only for as many as
 * the window still lacks, until it is full or no article is left below; then the window is
 * ranked once. The same window as one unbounded read.
 */
export async function searchRanges(
  db: Kysely<Database>, text: string, filter: Expression<SqlBool>, page: SearchPage, bound: WindowBound,
): Promise<Array<{ id: number; rank: number }>> {
  const query = tsQueries(text);
  if (!query) return [];
  const words = query.words ? sql`to_tsquery('tidings_search_stemmed', ${query.words})` : null;
  const prefixes = query.prefixes ? sql`to_tsquery('tidings_search', ${query.prefixes})` : null;
  const newest = Number((await sql<{ id: string | null }>`select max(id) as id from article`.execute(db)).rows[0]?.id ?? 0);
  const window: number[] = [];
  for (let below = newest + 1, span = bound.firstSpan; below > 0 && window.length < bound.window; span *= SPAN_GROWTH) {
    const from = Math.max(0, newest + 1 - span);
    // The tsqueries are written inline (not a CTE) so the planner estimates how common the words are.
    const { rows } = await sql<{ id: string }>`select a.id from article a
      where ${words ? sql`a.search @@ ${words}` : sql`true`} and ${prefixes ? sql`a.search_prefix @@ ${prefixes}` : sql`true`}
        and a.id >= ${from} and a.id < ${below} and ${filter}
      order by a.id desc limit ${bound.window - window.length}`.execute(db);
    window.push(...rows.map((r) => Number(r.id)));
    below = from;
  }
  if (window.length === 0) return [];
  // Ranked by id, not searched again (4.8 s → 21 ms for two words in most of 1 M articles).
  const ranked = await sql<{ id: string; rank: number }>`
    select r.id, ${rankOf(words, query.prefixParts)} as rank from article r where r.id = any(${window}::bigint[])
    order by rank, r.published_at desc, r.id desc
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return ranked.rows.map((r) => ({ id: Number(r.id), rank: Number(r.rank) }));
}

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

import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { searchParts, type SearchPart } from '../searchQuery.js';
import { SEARCH_WINDOW, type SearchPage, type StoreDialect, type WindowBound } from '../dialect.js';
import type { Database } from '../schema.js';

/**
 * SQLite: FTS5 and text times. Search ranks the reader's newest SEARCH_WINDOW matches by how
 * many of the query's parts the title holds, then by time. Not bm25: its weight of each word counts
 * every article holding it, a walk over most of the index for common words (65 ms a search
 * at 1 M articles), where these are range reads of the index (see dialect.ts).
 */
export const sqliteDialect: StoreDialect = {
  searchArticleIds(db, text, filter, page) {
    return searchWindow(db, text, filter, page, { window: SEARCH_WINDOW, firstSpan: FIRST_SPAN });
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
  locksArticlesToLink: false,
  async lockArticlesToLink() {
    // One writer at a time: nothing to order.
  },
};

/**
 * Rowids the first round of a two-index search covers: 128 windows, so up to 128 k articles
 * it is one read as before, and a query whose parts meet in one article of 128 needs one
 * round. A round that does not fill the window is read again by the next, 8 times wider: at
 * 100 k (ECB+ texts, load ~20), first spans of 8 windows growing 4x took police arre*
 * 5.8-8.3 → 7.7-11.2 ms of CPU, and 32 growing 8x "prime minister" elec* 6.8-7.6 → 9.9-10.9.
 */
const FIRST_SPAN = 128 * SEARCH_WINDOW;
const GROWTH = 8;

/**
 * A search over one index reads it newest first and stops at the window. A search over
 * both reads the second index's matches as a set, so it reads them only in a range of
 * rowids below the newest article, and widens the range (8x a round) until the window
 * is full or the range holds every article: the window is the same as the unbounded one.
 */
export async function searchWindow(
  db: Kysely<Database>, text: string, filter: Expression<SqlBool>, page: SearchPage, bound: WindowBound,
): Promise<Array<{ id: number; rank: number }>> {
  const matches = ftsMatches(searchParts(text));
  if (matches.length === 0) return [];
  if (matches.length === 1) return (await rankedWindow(db, matches, filter, page, bound.window, 0)).map(withoutSize);
  const newest = (await sql<{ id: number | null }>`select max(id) as id from article`.execute(db)).rows[0]?.id ?? 0;
  for (let span = bound.firstSpan; ; span *= GROWTH) {
    const from = Math.max(0, newest - span);
    const rows = await rankedWindow(db, matches, filter, page, bound.window, from);
    // The range holds every article, or the window filled within it (an empty page says nothing: widen).
    if (from === 0 || (rows.length > 0 && rows[0]!.found >= bound.window)) return rows.map(withoutSize);
  }
}

function withoutSize({ id, rank }: { id: number; rank: number }): { id: number; rank: number } {
  return { id, rank };
}

/** The page of the newest `window` matches with rowids from `from` on, ranked; each row says how many the window found. */
async function rankedWindow(
  db: Kysely<Database>, matches: FtsMatch[], filter: Expression<SqlBool>, page: SearchPage, window: number, from: number,
): Promise<Array<{ id: number; rank: number; found: number }>> {
  const [first, second] = matches;
  const rows = await sql<{ id: number; rank: number; found: number }>`
    with recent as materialized (
      select a.id, a.published_at from ${sql.table(first!.table)} f join article a on a.id = f.rowid
      where ${sql.table(first!.table)} match ${first!.parts.join(' ')} and f.rowid >= ${from}
        and ${second ? alsoMatching(second, from) : sql`1`} and ${filter}
      order by f.rowid desc limit ${window}),
    oldest as (select min(id) as id from recent)
    select r.id, ${titleMisses(matches)} as rank, (select count(*) from recent) as found from recent r
    order by rank, r.published_at desc, r.id desc
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows.rows;
}

/**
 * The FTS5 queries of a search, each on its index: whole words and phrases on the stemmed
 * article_fts, prefixes on article_prefix_fts (the words as written: a stem can be shorter
 * than a prefix of its word, "timet" for timeta*). Empty when nothing can match.
 */
function ftsMatches(parts: SearchPart[]): FtsMatch[] {
  const words = parts.filter((p) => !p.prefix).map(ftsPart);
  const prefixes = parts.filter((p) => p.prefix).map(ftsPart);
  return [
    ...(words.length ? [{ table: 'article_fts' as const, parts: words }] : []),
    ...(prefixes.length ? [{ table: 'article_prefix_fts' as const, parts: prefixes }] : []),
  ];
}

interface FtsMatch {
  table: 'article_fts' | 'article_prefix_fts';
  parts: string[];
}

/**
 * The second index's matches from rowid `from` on, for a query that needs both: read once
 * and kept as a set of rowids. The + keeps SQLite from handing the set to FTS5 as rowid
 * constraints, one MATCH per rowid (police arre* at 100 k: 3.1 s of CPU, 6-40 ms without).
 */
function alsoMatching(m: FtsMatch, from: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`+f.rowid in (select rowid from ${sql.table(m.table)} where ${sql.table(m.table)} match ${m.parts.join(' ')} and rowid >= ${from})`;
}

/** How many of the parts the title lacks, each a title-only match over the window's range of its index. */
function titleMisses(matches: FtsMatch[]): RawBuilder<number> {
  const misses = matches.flatMap((m) => m.parts.map((p) => sql`(r.id not in (
    select rowid from ${sql.table(m.table)} where ${sql.table(m.table)} match ${`title : ${p}`} and rowid >= (select id from oldest)))`));
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

import { sql, type RawBuilder, type SqlBool } from 'kysely';
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
    const matches = ftsMatches(searchParts(text));
    if (matches.length === 0) return [];
    const [first, second] = matches;
    const rows = await sql<{ id: number; rank: number }>`
      with recent as materialized (
        select a.id, a.published_at from ${sql.table(first!.table)} f join article a on a.id = f.rowid
        where ${sql.table(first!.table)} match ${first!.parts.join(' ')} and ${second ? alsoMatching(second) : sql`1`} and ${filter}
        order by f.rowid desc limit ${SEARCH_WINDOW}),
      oldest as (select min(id) as id from recent)
      select r.id, ${titleMisses(matches)} as rank from recent r
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
 * The second index's matches, for a query that needs both: read once and kept as a set of
 * rowids. The + keeps SQLite from handing the set to FTS5 as rowid constraints, one MATCH
 * per rowid (police arre* at 100 k: 3.1 s of CPU, 6-40 ms without).
 */
function alsoMatching(m: FtsMatch): RawBuilder<SqlBool> {
  return sql<SqlBool>`+f.rowid in (select rowid from ${sql.table(m.table)} where ${sql.table(m.table)} match ${m.parts.join(' ')})`;
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

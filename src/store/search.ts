import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from './dialect.js';
import type { Database } from './schema.js';
import { toListItem } from './rows.js';
import { searchParts } from './searchQuery.js';
import type { SearchHit, SearchQuery } from './store.js';

/**
 * Full-text search written once: the dialect finds and ranks the matching ids with the
 * reader's filters in the same query; the hits are loaded and highlighted here alike.
 */
export async function searchArticles(db: Kysely<Database>, dialect: StoreDialect, q: SearchQuery): Promise<SearchHit[]> {
  const ranked = await dialect.searchArticleIds(db, q.text, searchFilters(q), { limit: q.limit, offset: q.offset ?? 0 });
  if (ranked.length === 0) return [];
  const rows = await sql<{
    id: number; title: string; canonical_url: string; published_at: string; publisher_updated_at: string | null; changed_at: string | null;
    source_name: string; section: string | null; text: string;
  }>`
    select a.id, a.title, a.canonical_url, a.published_at, a.publisher_updated_at, a.changed_at, s.name as source_name, a.text,
      (select coalesce(f.section_override, f.section) from article_feed af join feed f on f.id = af.feed_id
        where af.article_id = a.id order by af.first_seen_at, af.feed_id limit 1) as section
    from article a join source s on s.id = a.source_id
    where a.id in (${sql.join(ranked.map((r) => r.id))})`.execute(db);
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  const terms = searchTerms(q.text);
  return ranked.flatMap(({ id, rank }) => {
    const r = byId.get(id);
    if (!r) return [];
    const snippetMarked = markTerms(snippetAround(r.text, terms), terms);
    return [{
      ...toListItem(r),
      excerpt: snippetMarked.replace(/[\u0002\u0003]/g, ''),
      titleMarked: markTerms(r.title, terms),
      snippetMarked,
      rank,
    }];
  });
}

/** The reader's filters as conditions on the article `a`: the same on every database. */
function searchFilters(q: SearchQuery) {
  return sql`
    ${q.feedId !== undefined ? sql`and exists (select 1 from article_feed x where x.article_id = a.id and x.feed_id = ${q.feedId})` : sql``}
    ${q.userId !== undefined ? sql`and exists (select 1 from article_feed y join subscription u on u.feed_id = y.feed_id where y.article_id = a.id and u.user_id = ${q.userId} ${q.feedId !== undefined ? sql`and y.feed_id = ${q.feedId}` : sql``} ${q.folder ? sql`and u.folder = ${q.folder}` : sql``})` : sql``}
    ${q.userId !== undefined && q.show === 'unread' ? sql`and not exists (select 1 from article_state st where st.article_id = a.id and st.user_id = ${q.userId} and st.read_at is not null)` : sql``}
    ${q.userId !== undefined && q.show === 'starred' ? sql`and exists (select 1 from article_state st where st.article_id = a.id and st.user_id = ${q.userId} and st.starred_at is not null)` : sql``}
    ${q.sourceId !== undefined ? sql`and a.source_id = ${q.sourceId}` : sql``}
    ${q.from ? sql`and a.published_at >= ${q.from}` : sql``}
    ${q.to ? sql`and a.published_at < ${q.to}` : sql``}`;
}

/** The words of a query (lower case; a trailing * makes a prefix), for highlighting. */
function searchTerms(input: string): Array<{ word: string; prefix: boolean }> {
  return searchParts(input).flatMap((p) => p.words.map((w) => ({ word: w.toLowerCase(), prefix: p.prefix })));
}

function termPattern(terms: Array<{ word: string; prefix: boolean }>): RegExp | null {
  if (!terms.length) return null;
  const alts = terms.map((t) => t.word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + (t.prefix ? '[\\p{L}\\p{N}_]*' : ''));
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alts.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
}

/** Matches wrapped in \u0002…\u0003, as FTS5's highlight() would. */
function markTerms(text: string, terms: Array<{ word: string; prefix: boolean }>): string {
  const re = termPattern(terms);
  return re ? text.replace(re, (m) => `\u0002${m}\u0003`) : text;
}

/** About 30 words of text around the first match. */
function snippetAround(text: string, terms: Array<{ word: string; prefix: boolean }>): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const re = termPattern(terms);
  const at = re ? flat.search(re) : -1;
  const start = at > 80 ? flat.lastIndexOf(' ', at - 60) + 1 : 0;
  let end = Math.min(flat.length, start + 220);
  if (end < flat.length) end = Math.max(flat.lastIndexOf(' ', end), start + 1);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}

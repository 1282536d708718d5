import type { Kysely } from 'kysely';
import { articleFilter } from './articleFilter.js';
import { articleListQuery } from './articleList.js';
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
  const ranked = await dialect.searchArticleIds(db, q.text, articleFilter(q), { limit: q.limit, offset: q.offset ?? 0 });
  if (ranked.length === 0) return [];
  const rows = await articleListQuery(db).select('a.text').where('a.id', 'in', ranked.map((r) => r.id)).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
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

import type { Kysely } from 'kysely';
import { articleFilter } from './articleFilter.js';
import { articleListQuery } from './articleList.js';
import type { SearchTerm } from '../model/article.js';
import type { StoreDialect } from './dialect.js';
import type { Database } from './schema.js';
import { toListItem } from './rows.js';
import { searchParts } from './searchQuery.js';
import type { SearchHit, SearchQuery } from './store.js';

/**
 * Full-text search written once: the dialect finds and ranks the matching ids with the
 * reader's filters in the same query; the hits are loaded here alike, with the query's
 * words for render/ to mark.
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
    return [{
      ...toListItem(r),
      text: r.text,
      terms,
      rank,
    }];
  });
}

/** The words of a query (lower case; a trailing * makes a prefix), for highlighting. */
function searchTerms(input: string): SearchTerm[] {
  return searchParts(input).flatMap((p) => p.words.map((w) => ({ word: w.toLowerCase(), prefix: p.prefix })));
}

import type { SearchHit } from '../model/article.js';

/** A search result as `tidings search --json` and GET /api/v1/search both give it: one shape for scripts and apps. */
export function searchHitJson({ id, title, url, source, section, published, updated, excerpt }: SearchHit) {
  return { id, title, url, source, section, published, updated, snippet: excerpt };
}

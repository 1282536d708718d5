import type { SearchHit } from '../model/article.js';
import { hitExcerpt } from './searchHighlight.js';

/** A search result as `tidings search --json` and GET /api/v1/search both give it: one shape for scripts and apps. */
export function searchHitJson(hit: SearchHit) {
  const { id, title, url, source, section, published, updated } = hit;
  return { id, title, url, source, section, published, updated, snippet: hitExcerpt(hit) };
}

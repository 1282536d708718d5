import type { ArticleListItem } from '../../model/article.js';
import { longItemId } from './itemIds.js';
import { labelStreamId, READ, READING_LIST, STARRED } from './streamIds.js';
import type { Origin } from './subscriptionJson.js';

/** An article with its body and the feed it came through (listArticles with `content: true`). */
export type ContentItem = ArticleListItem & { html?: string; byline?: string | null; feedId?: number | null };

/** Epoch seconds of a stored ISO time. */
export const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The state and label tags of an item, as `categories` and the Atom `<category>` carry them. */
export function itemCategories(a: ContentItem, origin: Origin | undefined): string[] {
  const tags = [READING_LIST];
  if (a.read) tags.push(READ);
  if (a.starred) tags.push(STARRED);
  if (origin?.folder) tags.push(labelStreamId(origin.folder));
  return tags;
}

/**
 * One item of `stream/contents` and `stream/items/contents`. The times are JSON integers
 * (a string makes newsboat drop every item); the body goes in `summary` (what newsboat and
 * Liferea read) and in `content` (what others read): the full text, figures and captions in place.
 */
export function itemJson(a: ContentItem, origins: ReadonlyMap<number, Origin>) {
  const origin = a.feedId != null ? origins.get(a.feedId) : undefined;
  const body = { direction: 'ltr', content: a.html ?? '' };
  const published = epochSeconds(a.published);
  return {
    id: longItemId(a.id),
    crawlTimeMsec: String(published * 1000),
    timestampUsec: String(published * 1_000_000),
    published,
    updated: epochSeconds(a.updated),
    title: a.title,
    canonical: [{ href: a.url }],
    alternate: [{ href: a.url, type: 'text/html' }],
    author: a.byline ?? '',
    summary: body,
    content: body,
    categories: itemCategories(a, origin),
    origin: origin ? { streamId: origin.streamId, title: origin.title, htmlUrl: origin.htmlUrl } : { streamId: '', title: a.source, htmlUrl: a.url },
  };
}

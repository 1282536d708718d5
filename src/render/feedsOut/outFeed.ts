import type { ArticleListItem } from '../../model/article.js';
import { xmlChars } from '../../html/escape.js';
import { collapseWhitespace } from '../../text/whitespace.js';

/**
 * A view of a reader's articles as a feed to publish (RSS 2.0, Atom 1.0, JSON Feed 1.1):
 * the writers take this and return text, nothing else.
 */
export interface OutFeed {
  /** Globally unique and stable id of the view (the Atom feed id). */
  id: string;
  title: string;
  description: string;
  /** The web page showing the same view. */
  homeUrl: string;
  /** The URL this document is fetched from (rel=self). */
  selfUrl: string;
  items: OutItem[];
}

export interface OutItem {
  /** The same for this article in every format and every view (see articleTagId). */
  id: string;
  title: string;
  /** The publisher's page. */
  url: string;
  /** The stored sanitized body: full text with its figures and captions. */
  html: string;
  /** Plain text, the start of the article. */
  summary: string;
  author: string;
  source: string;
  section: string | null;
  published: string;
  updated: string;
  /** The feed the reader got it through. */
  origin: OutOrigin | null;
}

export interface OutOrigin {
  title: string;
  feedUrl: string;
  siteUrl: string | null;
}

export type OutFormat = 'rss' | 'atom' | 'json';

export const OUT_FORMATS: readonly OutFormat[] = ['rss', 'atom', 'json'];

/** A year the authority names every id under; fixed, so an article's id never changes. */
const TAG_YEAR = '2026';

/**
 * `tag:` URI (RFC 4151) of an article: one per article on this instance, whatever the view
 * or format, so clients that de-duplicate by id (newsboat) see one item.
 */
export function articleTagId(authority: string, articleId: number): string {
  return `tag:${authority},${TAG_YEAR}:article/${articleId}`;
}

export function viewTagId(authority: string, view: string): string {
  return `tag:${authority},${TAG_YEAR}:view/${view}`;
}

/** A list item with its body (`content: true`) as an item to publish. */
export function outItem(a: ArticleListItem, authority: string, origin: OutOrigin | null): OutItem {
  // Dropped before whitespace is collapsed, so a forbidden character leaves no stray space.
  const title = collapseWhitespace(xmlChars(a.title));
  return {
    id: articleTagId(authority, a.id),
    title: title || a.url,
    url: a.url,
    html: a.html ?? '',
    summary: a.excerpt,
    author: collapseWhitespace(xmlChars(a.byline ?? '')) || a.source,
    source: a.source,
    section: a.section,
    published: rfc3339(a.published),
    updated: rfc3339(a.updated),
    origin,
  };
}

/** The newest update among the items: the feed's own update time, stable while nothing changes. */
export function feedUpdated(feed: OutFeed): string {
  let latest = '1970-01-01T00:00:00Z';
  for (const item of feed.items) if (Date.parse(item.updated) > Date.parse(latest)) latest = item.updated;
  return latest;
}

function rfc3339(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().replace('.000Z', 'Z') : '1970-01-01T00:00:00Z';
}

/** Stored entities. Times are ISO 8601 UTC strings (`2025-03-27T21:15:07Z`). */
export interface Source {
  id: number;
  name: string;
  homepage: string | null;
}

export type FeedStatus = 'new' | 'ok' | 'not_modified' | 'error';

export interface Feed {
  id: number;
  sourceId: number;
  url: string;
  siteUrl: string | null;
  title: string | null;
  section: string | null;
  /** Set when a person named the source/section; derivation then never overrides it. */
  sourceOverride: string | null;
  sectionOverride: string | null;
  etag: string | null;
  lastModified: string | null;
  lastFetchedAt: string | null;
  lastStatus: FeedStatus;
  lastErrorCode: string | null;
  lastError: string | null;
  errorCount: number;
  /**
   * When the current run of failed refreshes began (the first failure after a success);
   * null while the feed works, and for runs that began before Tidings kept it.
   */
  failingSince: string | null;
  nextCheckAt: string | null;
  intervalSeconds: number;
  createdAt: string;
}

/** After this many consecutive failures a feed is shown as failing (it is still retried). */
export const FAILING_AFTER_ERRORS = 5;

export interface FeedWithSource extends Feed {
  sourceName: string;
  /** 'failing' after several failures in a row: shown to the reader, still retried daily. */
  health: 'new' | 'ok' | 'erroring' | 'failing';
}

export interface ArticleImage {
  url: string;
  caption: string | null;
  credit: string | null;
  position: number;
}

/**
 * What a reader calls a feed they follow, in every view and protocol: their own name for it;
 * else publisher and section; else the feed's own title (a publisher's second feed without a
 * section is told apart by it), else the publisher. An empty name counts as none.
 */
export function subscriptionTitle(f: { customTitle?: string | null; sourceName: string; section: string | null; title?: string | null }): string {
  if (f.customTitle) return f.customTitle;
  if (f.section) return `${f.sourceName} (${f.section})`;
  return f.title || f.sourceName;
}

export interface Article {
  id: number;
  sourceId: number;
  guid: string | null;
  url: string;
  canonicalUrl: string;
  title: string;
  byline: string | null;
  /** "Created at": publisher's first publication, else first seen. */
  publishedAt: string;
  /** The publisher's own modification time, when it states one. */
  publisherUpdatedAt: string | null;
  /** When Tidings last saw the text change (null until the first change after the first version). */
  changedAt: string | null;
  firstSeenAt: string;
  text: string;
  html: string;
  leadImageUrl: string | null;
  lang: string | null;
  wordCount: number;
  contentHash: string;
  /** Hash of the feed item this version came from (see feedItemHash). */
  feedHash: string | null;
  extractStatus: 'ok' | 'feed_only' | 'failed' | 'pending';
  extractError: string | null;
}

/** An article with the publisher and section it is shown under. */
export interface ArticleWithSource extends Article {
  sourceName: string;
  section: string | null;
}

export interface ArticleView extends ArticleWithSource {
  images: ArticleImage[];
}

export interface Revision {
  id: number;
  articleId: number;
  seenAt: string;
  reason: 'first' | 'feed_update' | 'page_change';
  title: string;
  text: string;
  contentHash: string;
}

/** "Updated at" as the reading format defines it. */
export function updatedAtOf(a: Pick<Article, 'publishedAt' | 'publisherUpdatedAt' | 'changedAt'>): string {
  const candidates = [a.publisherUpdatedAt, a.changedAt].filter((t): t is string => !!t);
  if (candidates.length === 0) return a.publishedAt;
  const latest = candidates.reduce((x, y) => (Date.parse(x) >= Date.parse(y) ? x : y));
  return Date.parse(latest) >= Date.parse(a.publishedAt) ? latest : a.publishedAt;
}

/** A WebSub (PubSubHubbub) subscription of one feed at its hub. */
export interface WebSubSubscription {
  feedId: number;
  hub: string;
  topic: string;
  secret: string;
  callbackToken: string;
  state: 'pending' | 'active' | 'denied' | 'failed';
  leaseSeconds: number | null;
  expiresAt: string | null;
  requestedAt: string;
  lastPushAt: string | null;
  lastError: string | null;
}

export interface User {
  id: number;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
  expiresAt: string;
  /** The message waiting for the next page (JSON, server/flash.ts), when there is one. */
  flash?: string;
}

/** One article in a list (river, API, search), as its reader sees it. */
export interface ArticleListItem {
  id: number;
  title: string;
  url: string;
  source: string;
  section: string | null;
  published: string;
  updated: string;
  excerpt: string;
  /** The article's lead image (its first image or og:image), for thumbnails in lists. */
  leadImage?: string | null;
  /** Set when the query named a user. */
  read?: boolean;
  starred?: boolean;
  /** Set when the query asked for content: the sanitized body, the byline, and the feed it came through. */
  html?: string;
  byline?: string | null;
  feedId?: number | null;
}

/** An article beside the open one in the list it was opened from, as the list pane shows it. */
export interface ArticleNeighbour {
  id: number;
  title: string;
  source: string;
  read: boolean;
}

/** A feed in the reader's sidebar: their name for it, its folder, its site and what is unread. */
export interface SidebarFeed {
  id: number;
  name: string;
  folder: string | null;
  siteUrl: string | null;
  unread: number;
}

/** A word of a search query, lower case; `prefix` when typed with a trailing *. */
export interface SearchTerm {
  word: string;
  prefix: boolean;
}

/** A search result as the store finds it; render/searchHighlight.ts picks its passage and marks the matches. */
export interface SearchHit extends Omit<ArticleListItem, 'excerpt'> {
  /** The article's text, as stored. */
  text: string;
  /** The query's words, to mark. */
  terms: SearchTerm[];
  rank: number;
}

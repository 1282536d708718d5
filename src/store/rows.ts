import type { Selectable } from 'kysely';
import { FAILING_AFTER_ERRORS, updatedAtOf, type Article, type ArticleImage, type ArticleListItem, type FeedStatus, type FeedWithSource, type Revision, type Session, type User, type WebSubSubscription } from '../model/article.js';
import type { ArticleTable, FeedTable, ImageTable, RevisionTable, UserTable, WebSubTable } from './schema.js';

/** Rows as the database returns them → the model's types: each mapping written once. */

export type UserRow = Pick<Selectable<UserTable>, 'id' | 'name' | 'is_admin' | 'created_at'>;

export function toUser(r: UserRow): User {
  return { id: r.id, name: r.name, isAdmin: r.is_admin === 1, createdAt: r.created_at };
}

export function toSession(r: UserRow & { csrf_token: string; expires_at: string; flash?: string | null }): Session {
  return { user: toUser(r), csrfToken: r.csrf_token, expiresAt: r.expires_at, ...(r.flash ? { flash: r.flash } : {}) };
}

export function toApiToken(r: { token_hash: string; name: string; created_at: string; last_used_at: string | null }) {
  // The start of the hash names a token publicly; the hash itself stays in the database.
  return { id: r.token_hash.slice(0, 12), name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at };
}

export type FeedRow = Selectable<FeedTable> & { source_name: string };

export function toFeed(r: FeedRow): FeedWithSource {
  return {
    id: r.id,
    sourceId: r.source_id,
    sourceName: r.source_name,
    url: r.url,
    siteUrl: r.site_url,
    title: r.title,
    section: r.section_override ?? r.section,
    sourceOverride: r.source_override,
    sectionOverride: r.section_override,
    etag: r.etag,
    lastModified: r.last_modified,
    lastFetchedAt: r.last_fetched_at,
    lastStatus: r.last_status as FeedStatus,
    lastErrorCode: r.last_error_code,
    lastError: r.last_error,
    errorCount: r.error_count,
    failingSince: r.failing_since,
    nextCheckAt: r.next_check_at,
    intervalSeconds: r.interval_seconds,
    createdAt: r.created_at,
    health: r.last_status === 'new' ? 'new' : r.last_status !== 'error' ? 'ok' : r.error_count >= FAILING_AFTER_ERRORS ? 'failing' : 'erroring',
  };
}

/** A subscribed feed: the feed, and the reader's own folder and name for it. */
export function toSubscribedFeed<R extends FeedRow & { folder: string | null; custom_title: string | null }>(r: R) {
  return { ...toFeed(r), folder: r.folder, customTitle: r.custom_title };
}

export function toWebSub(r: Selectable<WebSubTable>): WebSubSubscription {
  return {
    feedId: r.feed_id, hub: r.hub, topic: r.topic, secret: r.secret, callbackToken: r.callback_token, state: r.state as WebSubSubscription['state'],
    leaseSeconds: r.lease_seconds, expiresAt: r.expires_at, requestedAt: r.requested_at, lastPushAt: r.last_push_at, lastError: r.last_error,
  };
}

export function toArticle(r: Selectable<ArticleTable>): Article {
  return {
    id: r.id,
    sourceId: r.source_id,
    guid: r.guid,
    url: r.url,
    canonicalUrl: r.canonical_url,
    title: r.title,
    byline: r.byline,
    publishedAt: r.published_at,
    publisherUpdatedAt: r.publisher_updated_at,
    changedAt: r.changed_at,
    firstSeenAt: r.first_seen_at,
    text: r.text,
    html: r.html,
    leadImageUrl: r.lead_image_url,
    lang: r.lang,
    wordCount: r.word_count,
    contentHash: r.content_hash,
    feedHash: r.feed_hash,
    extractStatus: r.extract_status as Article['extractStatus'],
    extractError: r.extract_error,
  };
}

export function toRevision(r: Omit<Selectable<RevisionTable>, 'html'>): Revision {
  return { id: r.id, articleId: r.article_id, seenAt: r.seen_at, reason: r.reason as Revision['reason'], title: r.title, text: r.text, contentHash: r.content_hash };
}

export function toImage(r: Selectable<ImageTable>): ArticleImage {
  return { url: r.url, caption: r.caption, credit: r.credit, position: r.position };
}

/** What the river and search select of an article (see articleList.ts). */
export interface ListRow {
  id: number;
  title: string;
  canonical_url: string;
  published_at: string;
  publisher_updated_at: string | null;
  changed_at: string | null;
  source_name: string;
  section: string | null;
}

export function toListItem(r: ListRow): Omit<ArticleListItem, 'excerpt' | 'read' | 'starred'> {
  return {
    id: r.id,
    title: r.title,
    url: r.canonical_url,
    source: r.source_name,
    section: r.section ?? null,
    published: r.published_at,
    updated: updatedAtOf({ publishedAt: r.published_at, publisherUpdatedAt: r.publisher_updated_at, changedAt: r.changed_at }),
  };
}

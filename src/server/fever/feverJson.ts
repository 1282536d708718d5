import { folderId } from '../folderIds.js';
import { subscriptionTitle, type ArticleListItem, type FeedWithSource } from '../../model/article.js';

/** Fever's shapes: every id a JSON integer, every time unix seconds, flags 0 or 1. */

export type SubscribedFeed = FeedWithSource & { folder: string | null; customTitle: string | null };

/** A 1×1 transparent GIF: Tidings keeps no site icons, and clients expect an image for every feed. */
const BLANK_ICON = 'image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const seconds = (iso: string | null) => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);

export function folderNames(feeds: readonly SubscribedFeed[]): string[] {
  return [...new Set(feeds.map((f) => f.folder).filter((f): f is string => !!f))].sort();
}

/** A folder's group id (folderIds.ts: never 0, Fever's "everything"). */
export function groupsJson(userId: number, feeds: readonly SubscribedFeed[]) {
  return folderNames(feeds).map((title) => ({ id: folderId(userId, title), title }));
}

export function feedsGroupsJson(userId: number, feeds: readonly SubscribedFeed[]) {
  return folderNames(feeds).map((folder) => ({
    group_id: folderId(userId, folder),
    feed_ids: feeds.filter((f) => f.folder === folder).map((f) => f.id).join(','),
  }));
}

export function feedJson(f: SubscribedFeed) {
  return {
    id: f.id,
    favicon_id: f.id,
    title: subscriptionTitle(f),
    url: f.url,
    site_url: f.siteUrl ?? '',
    is_spark: 0,
    last_updated_on_time: seconds(f.lastFetchedAt),
  };
}

export function faviconJson(f: SubscribedFeed) {
  return { id: f.id, data: BLANK_ICON };
}

/** An item with its full body (figures and captions in place), as listArticles returns it with `content`. */
export function itemJson(a: ArticleListItem) {
  return {
    id: a.id,
    feed_id: a.feedId ?? 0,
    title: a.title,
    author: a.byline ?? '',
    html: a.html ?? '',
    url: a.url,
    is_saved: a.starred ? 1 : 0,
    is_read: a.read ? 1 : 0,
    created_on_time: seconds(a.published),
  };
}

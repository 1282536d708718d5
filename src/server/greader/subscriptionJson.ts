import { subscriptionTitle, type FeedWithSource } from '../../model/article.js';
import { feedStreamId, labelStreamId } from './streamIds.js';

/** A subscription as the store lists it for its reader. */
export type Subscribed = FeedWithSource & { folder: string | null; customTitle: string | null };

/** What an item's `origin` (and the Atom `<source>`) says of the feed it came through. */
export interface Origin {
  streamId: string;
  title: string;
  htmlUrl: string;
  folder: string | null;
}

export function originOf(f: Subscribed): Origin {
  return { streamId: feedStreamId(f.id), title: subscriptionTitle(f), htmlUrl: f.siteUrl ?? f.url, folder: f.folder };
}

/** `subscription/list` entry. Liferea skips one without `url` and files it under the first category. */
export function subscriptionJson(f: Subscribed) {
  return {
    id: feedStreamId(f.id),
    title: subscriptionTitle(f),
    url: f.url,
    htmlUrl: f.siteUrl ?? f.url,
    iconUrl: '',
    categories: f.folder ? [{ id: labelStreamId(f.folder), label: f.folder }] : [],
    firstitemmsec: String(Date.parse(f.createdAt)),
    sortid: f.id.toString(16).padStart(8, '0'),
  };
}

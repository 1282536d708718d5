import type { ArticleFilter } from '../../store/articleFilter.js';
import type { Store } from '../../store/store.js';

/**
 * Google Reader stream ids: `feed/<id>` (ours) or `feed/<feed URL>` (what some clients
 * build themselves), `user/-/label/<folder>`, and the state streams under
 * `user/-/state/com.google/`. Clients may put their user id where the `-` is.
 */
export const STATE = 'user/-/state/com.google/';
export const READING_LIST = `${STATE}reading-list`;
export const READ = `${STATE}read`;
export const STARRED = `${STATE}starred`;
export const KEPT_UNREAD = `${STATE}kept-unread`;
export const LABEL = 'user/-/label/';

export const feedStreamId = (feedId: number) => `feed/${feedId}`;
export const labelStreamId = (folder: string) => LABEL + folder;

/** Folders and stream ids are short; a longer one is not ours. */
const MAX_STREAM_ID = 2100;

/** The stream id as clients spell it, with `user/<anything>/` read as `user/-/`. */
export function normalizeStreamId(raw: string): string {
  let s = raw.trim().slice(0, MAX_STREAM_ID);
  // Path segments arrive percent-encoded once more by some clients (`feed%2F1`).
  if (/^(feed|user)%2F/i.test(s)) {
    try {
      s = decodeURIComponent(s);
    } catch {
      return '';
    }
  }
  return s.replace(/^user\/[^/]+\//, 'user/-/');
}

/** What a state tag asks of the reader's marks (read / starred), or null for one we do not keep. */
export function stateCondition(tag: string, present: boolean): Pick<ArticleFilter, 'read' | 'starred'> | null {
  switch (normalizeStreamId(tag)) {
    case READ:
      return { read: present };
    case KEPT_UNREAD:
      return { read: !present };
    case STARRED:
      return { starred: present };
    default:
      return null;
  }
}

export type StreamScope = Pick<ArticleFilter, 'feedId' | 'folder' | 'read' | 'starred'>;

/**
 * The articles a stream id names for this reader, or null when it names nothing the reader
 * has: another reader's feed answers exactly as a feed that does not exist.
 */
export async function resolveStream(store: Store, userId: number, raw: string): Promise<StreamScope | null> {
  const id = normalizeStreamId(raw);
  if (id === READING_LIST) return {};
  const state = stateCondition(id, true);
  if (state) return state;
  if (id.startsWith(LABEL)) return id.length > LABEL.length ? { folder: id.slice(LABEL.length) } : null;
  if (!id.startsWith('feed/')) return null;
  const feedId = await subscribedFeedId(store, userId, id.slice('feed/'.length));
  return feedId === null ? null : { feedId };
}

/** A feed of the reader's by our id or by its URL. */
export async function subscribedFeedId(store: Store, userId: number, ref: string): Promise<number | null> {
  if (/^\d{1,15}$/.test(ref)) return (await store.subscribedFeed(userId, Number(ref))) ? Number(ref) : null;
  const byUrl = await store.getFeedByUrl(ref).catch(() => null);
  if (!byUrl) return null;
  return (await store.subscribedFeed(userId, byUrl.id)) ? byUrl.id : null;
}

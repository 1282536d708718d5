import { createHash } from 'node:crypto';
import type { ArticleListItem } from '../../model/article.js';
import { TidingsError } from '../../model/errors.js';
import type { ArticleFilter } from '../../store/articleFilter.js';
import type { ArticleOrder } from '../../store/store.js';
import { formatIso } from '../../text/dates.js';
import type { MinifluxFeed } from './feeds.js';

/** Entries one answer holds at most: a client pages on with `offset` (or an id bound) and `total`. */
export const MAX_ENTRIES = 1000;
/** What a request without `limit` gets. */
export const DEFAULT_ENTRIES = 100;
/** Largest id or unix time a parameter may carry (ids stay below 2^31; times before year 10000). */
const MAX_ID = 2 ** 31 - 1;
const MAX_UNIX = 253402300799;

/** Query parameters as Fastify gives them: a repeated parameter arrives as an array. */
export type EntryParams = Record<string, string | string[] | undefined>;

/** What /v1/entries and its per-feed and per-category forms ask of the store. */
export interface EntrySelection {
  filter: Omit<ArticleFilter, 'userId'>;
  limit: number;
  offset: number;
  order: ArticleOrder;
  /** `feed_id` / `category_id` of /v1/entries, to be checked against the reader's own. */
  feedId?: number;
  categoryId?: number;
}

// Miniflux accepts these; Tidings orders by publication time or id, and the others fall back to publication time.
const ORDERS = new Set(['id', 'status', 'published_at', 'created_at', 'changed_at', 'category_title', 'category_id', 'title', 'author']);

const invalid = (message: string) => new TidingsError('invalid_input', message);

function one(params: EntryParams, name: string): string | undefined {
  const v = params[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function integer(params: EntryParams, name: string, max: number): number | undefined {
  const v = one(params, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) > max) throw invalid(`Invalid ${name}`);
  return Number(v);
}

/** Which of read and unread the `status` parameters (repeatable) want; undefined: both. */
function readWanted(params: EntryParams): boolean | undefined | 'none' {
  const raw = params.status;
  const statuses = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((s) => s !== '');
  for (const s of statuses) if (s !== 'read' && s !== 'unread' && s !== 'removed') throw invalid('Invalid entry status');
  if (statuses.length === 0) return undefined;
  const read = statuses.includes('read');
  const unread = statuses.includes('unread');
  // Tidings removes no entries: asking only for removed ones finds none.
  if (!read && !unread) return 'none';
  return read && unread ? undefined : read;
}

function starredWanted(params: EntryParams): boolean | undefined {
  const v = one(params, 'starred');
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalid('Invalid starred');
}

function orderOf(params: EntryParams): ArticleOrder {
  const order = one(params, 'order') || 'published_at';
  const direction = one(params, 'direction') || 'asc';
  if (!ORDERS.has(order)) throw invalid('Invalid order');
  if (direction !== 'asc' && direction !== 'desc') throw invalid('Invalid direction');
  if (order === 'id') return direction === 'asc' ? 'id-asc' : 'id-desc';
  return direction === 'asc' ? 'oldest' : 'newest';
}

/** Published strictly before / after unix times; times are stored to the second. */
function timeBounds(params: EntryParams): Pick<ArticleFilter, 'from' | 'to'> {
  const before = integer(params, 'before', MAX_UNIX) ?? integer(params, 'published_before', MAX_UNIX);
  const after = integer(params, 'after', MAX_UNIX) ?? integer(params, 'published_after', MAX_UNIX);
  return {
    ...(before !== undefined ? { to: formatIso(before * 1000) } : {}),
    ...(after !== undefined ? { from: formatIso((after + 1) * 1000) } : {}),
  };
}

/** Reads the Miniflux entry filters; anything malformed is a 400, as Miniflux answers. */
export function entrySelection(params: EntryParams): EntrySelection {
  const read = readWanted(params);
  const starred = starredWanted(params);
  const afterId = integer(params, 'after_entry_id', MAX_ID) ?? integer(params, 'after_id', MAX_ID);
  const beforeId = integer(params, 'before_entry_id', MAX_ID) ?? integer(params, 'before_id', MAX_ID);
  const feedId = integer(params, 'feed_id', MAX_ID);
  const categoryId = integer(params, 'category_id', MAX_ID);
  return {
    filter: {
      ...(read === 'none' ? { ids: [] } : read !== undefined ? { read } : {}),
      ...(starred !== undefined ? { starred } : {}),
      ...(afterId !== undefined ? { afterId } : {}),
      ...(beforeId !== undefined ? { beforeId } : {}),
      ...timeBounds(params),
    },
    limit: Math.min(MAX_ENTRIES, integer(params, 'limit', Number.MAX_SAFE_INTEGER) || DEFAULT_ENTRIES),
    offset: integer(params, 'offset', Number.MAX_SAFE_INTEGER) ?? 0,
    order: orderOf(params),
    ...(feedId !== undefined ? { feedId } : {}),
    ...(categoryId !== undefined ? { categoryId } : {}),
  };
}

/** Words of an HTML body, tags left out, in one pass. */
function wordsIn(html: string): number {
  let words = 0;
  let inTag = false;
  let inWord = false;
  for (let i = 0; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (inTag) {
      if (c === 62 /* > */) inTag = false;
      continue;
    }
    if (c === 60 /* < */) {
      inTag = true;
      inWord = false;
    } else if (c <= 32) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  return words;
}

/** Minutes at Miniflux's default reading speed. */
const WORDS_PER_MINUTE = 265;

/** An article as a Miniflux entry: `content` is the full body with its figures and captions. */
export function minifluxEntry(userId: number, a: ArticleListItem, feed: MinifluxFeed) {
  const html = a.html ?? '';
  return {
    id: a.id,
    user_id: userId,
    feed_id: feed.id,
    status: a.read ? 'read' : 'unread',
    hash: createHash('sha256').update(a.url).digest('hex'),
    title: a.title,
    url: a.url,
    comments_url: '',
    published_at: a.published,
    created_at: a.published,
    changed_at: a.updated,
    content: html,
    author: a.byline ?? '',
    share_code: '',
    starred: !!a.starred,
    reading_time: Math.ceil(wordsIn(html) / WORDS_PER_MINUTE),
    enclosures: [],
    tags: [],
    feed,
  };
}

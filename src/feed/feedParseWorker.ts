import type { ParsedFeed, ParsedItem } from '../model/feed.js';
import { asTidingsError, type ErrorCode } from '../model/errors.js';
import { parseFeed } from './parseFeed.js';

/** A feed document for a worker thread of the pool (extract/extractionPool.ts runs it). */
export interface FeedParseTask {
  body: Uint8Array | string;
  url: string | null;
  contentType: string | null;
  /** Items past this many are never read, so their HTML is not sanitized. */
  maxItems: number;
}

export type FeedParseOutcome = { ok: true; value: ParsedFeed } | { ok: false; code: ErrorCode; message: string };

export const FEED_PARSE_WORKER = new URL('./feedParseWorker.js', import.meta.url).href;

/**
 * Parses in the worker and hands back plain data: the items' HTML is sanitized here (a
 * structured clone keeps no getters), for the items a refresh reads.
 */
export default function parseFeedInThread(task: FeedParseTask): FeedParseOutcome {
  try {
    const feed = parseFeed(task.body, { url: task.url, contentType: task.contentType });
    const items = feed.items.map((item, i): ParsedItem => plainItem(item, i < task.maxItems));
    return { ok: true, value: { ...feed, items } };
  } catch (err) {
    const e = asTidingsError(err);
    return { ok: false, code: e.code, message: e.message };
  }
}

function plainItem(item: ParsedItem, withHtml = true): ParsedItem {
  const { id, title, link, published, updated, authors, categories, enclosures, media, comments } = item;
  return { id, title, link, published, updated, authors, categories, enclosures, media, comments, summary: withHtml ? item.summary : null, content: withHtml ? item.content : null };
}

import type { ParsedFeed } from '../model/feed.js';
import { parseFeed, type ParseFeedOptions } from '../feed/parseFeed.js';
import { FEED_PARSE_WORKER, type FeedParseTask } from '../feed/feedParseWorker.js';
import type { Pipeline } from './pipeline.js';

/**
 * Documents at least this long are parsed in the worker pool: a feed of a few megabytes
 * takes the parser hundreds of milliseconds, which on the main thread would be that long
 * without an answer to any reader. Smaller ones (nearly every feed) are parsed here, where
 * only the items a refresh reads get their HTML sanitized.
 */
export const OFF_THREAD_FEED_LENGTH = 256 * 1024;

/** A fetched or pushed feed document → ParsedFeed, large ones off the event loop under the pool's limits. */
export async function parseFeedDocument(p: Pipeline, body: Uint8Array | string, options: ParseFeedOptions): Promise<ParsedFeed> {
  if (body.length < OFF_THREAD_FEED_LENGTH) return parseFeed(body, options);
  const task: FeedParseTask = { body, url: options.url ?? null, contentType: options.contentType ?? null, maxItems: p.config.maxItemsPerFeed };
  return p.extractor.runTask<FeedParseTask, ParsedFeed>(FEED_PARSE_WORKER, task);
}

import { formatIso } from '../text/dates.js';
import type { FeedWithSource } from '../model/article.js';
import type { Pipeline } from './pipeline.js';
import { refreshFeed, type RefreshReport } from './refreshFeed.js';

/** Refreshes a set of feeds a few at a time; each one's failure stays its own. */
export async function refreshFeeds(
  p: Pipeline,
  feeds: FeedWithSource[],
  opts: { concurrency?: number; onDone?: (feed: FeedWithSource, report: RefreshReport) => void; signal?: AbortSignal } = {},
): Promise<RefreshReport[]> {
  const reports: RefreshReport[] = [];
  let next = 0;
  const workers = Math.max(1, Math.min(opts.concurrency ?? 6, feeds.length));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < feeds.length && !opts.signal?.aborted) {
        const feed = feeds[next++]!;
        const report = await refreshFeed(p, feed);
        reports.push(report);
        opts.onDone?.(feed, report);
      }
    }),
  );
  return reports;
}

export async function dueFeeds(p: Pipeline, limit = 10_000): Promise<FeedWithSource[]> {
  return p.store.dueFeeds(formatIso(p.now().getTime()), limit);
}

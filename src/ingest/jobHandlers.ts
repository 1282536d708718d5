import type { FeedWithSource } from '../model/article.js';
import { TidingsError } from '../model/errors.js';
import { logError } from '../log/loggedError.js';
import type { JobQueue } from '../jobs/jobQueue.js';
import type { Pipeline } from './pipeline.js';
import { failedRefresh, refreshFeed, type RefreshReport } from './refreshFeed.js';
import { recheckArticle } from './recheckArticles.js';
import { renewWebSub } from './webSub.js';
import { importOpmlJob } from './opmlImport.js';
import { completeArticlePage } from './articlePage.js';

export type RefreshOne = (p: Pipeline, feed: FeedWithSource) => Promise<RefreshReport>;

export interface WorkerOptions {
  /** Feed refreshes this process runs at once. */
  concurrency: number;
  onReport?: (feed: FeedWithSource, report: RefreshReport) => void;
  /** How one feed is refreshed; refreshFeed unless a test stands in. */
  refresh?: RefreshOne;
}

/** What this process's workers did since they started. */
export interface WorkerStatus {
  refreshed: number;
  failed: number;
  /** Refreshes running now. */
  active: number;
}

/**
 * Makes this process a worker: each job kind the scheduler sends runs the ingest step it
 * names. Every handler reads its row again by id (the payload carries no state that could
 * be stale after a retry) and is idempotent, so a job retried after a crash stores
 * nothing twice.
 */
export async function workJobs(queue: JobQueue, p: Pipeline, opts: WorkerOptions): Promise<WorkerStatus> {
  const status: WorkerStatus = { refreshed: 0, failed: 0, active: 0 };
  const refresh = opts.refresh ?? refreshFeed;
  await queue.work('refresh-feed', { concurrency: opts.concurrency }, async ({ feedId }) => {
    const feed = await p.store.getFeed(feedId);
    // Unsubscribed since the job was sent.
    if (!feed) return;
    status.active++;
    const report = await refreshContained(p, feed, refresh).finally(() => status.active--);
    status.refreshed++;
    if (report.status === 'error') status.failed++;
    try {
      opts.onReport?.(feed, report);
    } catch (err) {
      logError(err, 'reporting a refresh failed', { feed: feed.id });
    }
    await sendPageJobs(queue, feed.id, report.failedPageIds);
    // A publisher's failure is the feed's, with its own back-off; ours (a bug, a lost
    // database connection) is the job's, retried with the job's back-off.
    if (report.status === 'error' && report.errorCode === 'internal') {
      throw new TidingsError('internal', `refreshing feed ${feedId} failed on our side (logged above); the job is retried`);
    }
  });
  await queue.work('fetch-page', { concurrency: p.config.pageConcurrency }, async ({ articleId }) => {
    if (articleId !== undefined) await completeArticlePage(p, articleId);
  });
  await queue.work('recheck-article', { concurrency: p.config.pageConcurrency }, async ({ articleId }) => {
    await recheckArticle(p, articleId);
  });
  await queue.work('renew-websub', { concurrency: 2 }, ({ feedId }) => renewWebSub(p, feedId));
  await queue.work('import-opml', { concurrency: 1 }, ({ userId, opml }, ctx) => importOpmlJob(p, userId, opml, ctx.signal));
  return status;
}

/**
 * The pages a refresh could not read, each tried again by a job on any worker with the
 * job's back-off. The articles are stored already: a send that fails leaves them with
 * their feed's text, which is no reason to refresh the feed again.
 */
async function sendPageJobs(queue: JobQueue, feedId: number, articleIds: readonly number[] = []): Promise<void> {
  try {
    for (const articleId of articleIds) await queue.send('fetch-page', { feedId, articleId });
  } catch (err) {
    logError(err, 'queueing article pages to read again failed', { feed: feedId });
  }
}

/** One feed's refresh that always settles with a report, whatever the refresh throws. */
async function refreshContained(p: Pipeline, feed: FeedWithSource, refresh: RefreshOne): Promise<RefreshReport> {
  try {
    return await refresh(p, feed);
  } catch (err) {
    logError(err, 'refresh failed unexpectedly', { feed: feed.id, url: feed.url });
    // Recorded with its back-off, so the feed is not due again at once.
    return failedRefresh(p, feed, err);
  }
}

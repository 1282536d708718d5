import type { FeedWithSource } from '../model/article.js';
import { logError } from '../log/loggedError.js';
import { setJobStatsProvider, type JobStats } from '../log/metrics.js';
import { formatIso } from '../text/dates.js';
import type { Pipeline } from './pipeline.js';
import { failedRefresh, refreshFeed, type RefreshReport } from './refreshFeed.js';
import { dueFeeds } from './refreshRunner.js';
import { renewWebSubs } from './webSub.js';
import { recheckArticles } from './recheckArticles.js';

export type RefreshOne = (p: Pipeline, feed: FeedWithSource) => Promise<RefreshReport>;

export interface SchedulerStatus {
  running: boolean;
  inFlight: number;
  lastTickAt: string | null;
  refreshed: number;
  failed: number;
}

/**
 * Keeps feeds fresh inside `tidings serve`: every tick it takes the feeds that are due and
 * refreshes them with bounded concurrency. Each feed's own next-check time (interval,
 * <ttl>, back-off after errors) lives in the store, so the scheduler holds no state that a
 * crash could lose. stop() lets refreshes in flight finish their writes. No single feed
 * can stop it: whatever one refresh throws is logged, counted as that feed's failure, and
 * the loop goes on.
 */
export class FeedScheduler {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<number, Promise<RefreshReport>>();
  private stopping = false;
  private ticking = false;
  private lastRenewal = 0;
  private rechecking: Promise<unknown> | null = null;
  private withdrawJobStats: (() => void) | null = null;
  readonly status: SchedulerStatus = { running: false, inFlight: 0, lastTickAt: null, refreshed: 0, failed: 0 };

  constructor(
    private readonly p: Pipeline,
    private readonly opts: {
      tickMs?: number;
      concurrency?: number;
      onReport?: (feed: FeedWithSource, r: RefreshReport) => void;
      /** How one feed is refreshed; refreshFeed unless a test stands in. */
      refresh?: RefreshOne;
    } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.status.running = true;
    this.withdrawJobStats = setJobStatsProvider(() => this.jobStats());
    const tickMs = this.opts.tickMs ?? 15_000;
    const loop = () => {
      void this.tick().finally(() => {
        if (!this.stopping) this.timer = setTimeout(loop, tickMs);
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      this.status.lastTickAt = this.p.now().toISOString();
      const now = this.p.now().getTime();
      if (now - this.lastRenewal >= 3600_000) {
        this.lastRenewal = now;
        await renewWebSubs(this.p).catch((err) => logError(err, 'renewing WebSub subscriptions failed'));
      }
      if (!this.rechecking) {
        // Publishers' edits: a few pages per tick, never more than one batch at a time.
        this.rechecking = recheckArticles(this.p, 10)
          .catch((err) => logError(err, 'rechecking article pages failed'))
          .finally(() => {
            this.rechecking = null;
          });
      }
      const capacity = (this.opts.concurrency ?? 6) - this.inFlight.size;
      if (capacity <= 0) return;
      const due = (await dueFeeds(this.p, capacity + this.inFlight.size)).filter((f) => !this.inFlight.has(f.id)).slice(0, capacity);
      for (const feed of due) {
        const job = this.refreshContained(feed).finally(() => {
          this.inFlight.delete(feed.id);
          this.status.inFlight = this.inFlight.size;
          // A freed slot goes to the next due feed now, not at the next tick.
          if (!this.stopping) setImmediate(() => void this.tick());
        });
        this.inFlight.set(feed.id, job);
        this.status.inFlight = this.inFlight.size;
      }
    } catch (err) {
      // Retried next tick.
      logError(err, 'looking up due feeds failed');
    } finally {
      this.ticking = false;
    }
  }

  /** One feed's refresh that always settles with a report, whatever the refresh throws. */
  private async refreshContained(feed: FeedWithSource): Promise<RefreshReport> {
    let report: RefreshReport;
    try {
      report = await (this.opts.refresh ?? refreshFeed)(this.p, feed);
    } catch (err) {
      logError(err, 'refresh failed unexpectedly', { feed: feed.id, url: feed.url });
      // Recorded with its back-off, so the feed is not due again at once.
      report = await failedRefresh(this.p, feed, err);
    }
    this.status.refreshed++;
    if (report.status === 'error') this.status.failed++;
    try {
      this.opts.onReport?.(feed, report);
    } catch (err) {
      logError(err, 'reporting a refresh failed', { feed: feed.id });
    }
    return report;
  }

  /** For /metrics: due feeds not yet started (queued), refreshes running, and refreshes failed since start. */
  async jobStats(): Promise<JobStats[]> {
    const { count } = await this.p.store.overdueFeeds(formatIso(this.p.now().getTime()));
    const active = this.inFlight.size;
    return [{ kind: 'refresh-feed', queued: Math.max(0, count - active), active, failed: this.status.failed }];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.status.running = false;
    this.withdrawJobStats?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight.values(), this.rechecking]);
  }
}


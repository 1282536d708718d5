import type { FeedWithSource } from '../model/article.js';
import type { Pipeline } from './pipeline.js';
import { refreshFeed, type RefreshReport } from './refreshFeed.js';
import { dueFeeds } from './refreshRunner.js';
import { renewWebSubs } from './webSub.js';
import { recheckArticles } from './recheckArticles.js';

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
 * crash could lose. stop() lets refreshes in flight finish their writes.
 */
export class FeedScheduler {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<number, Promise<RefreshReport>>();
  private stopping = false;
  private ticking = false;
  private lastRenewal = 0;
  private rechecking: Promise<unknown> | null = null;
  readonly status: SchedulerStatus = { running: false, inFlight: 0, lastTickAt: null, refreshed: 0, failed: 0 };

  constructor(
    private readonly p: Pipeline,
    private readonly opts: { tickMs?: number; concurrency?: number; onReport?: (feed: FeedWithSource, r: RefreshReport) => void } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.status.running = true;
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
        await renewWebSubs(this.p).catch(() => 0);
      }
      if (!this.rechecking) {
        // Publishers' edits: a few pages per tick, never more than one batch at a time.
        this.rechecking = recheckArticles(this.p, 10)
          .catch(() => undefined)
          .finally(() => {
            this.rechecking = null;
          });
      }
      const capacity = (this.opts.concurrency ?? 6) - this.inFlight.size;
      if (capacity <= 0) return;
      const due = (await dueFeeds(this.p, capacity + this.inFlight.size)).filter((f) => !this.inFlight.has(f.id)).slice(0, capacity);
      for (const feed of due) {
        const job = refreshFeed(this.p, feed)
          .then((r) => {
            this.status.refreshed++;
            if (r.status === 'error') this.status.failed++;
            this.opts.onReport?.(feed, r);
            return r;
          })
          .finally(() => {
            this.inFlight.delete(feed.id);
            this.status.inFlight = this.inFlight.size;
            // A freed slot goes to the next due feed now, not at the next tick.
            if (!this.stopping) setImmediate(() => void this.tick());
          });
        this.inFlight.set(feed.id, job);
        this.status.inFlight = this.inFlight.size;
      }
    } catch {
      /* a failed look-up of due feeds is retried next tick */
    } finally {
      this.ticking = false;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.status.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight.values(), this.rechecking]);
  }
}

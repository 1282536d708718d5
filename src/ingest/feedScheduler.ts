import { logError } from '../log/loggedError.js';
import { formatIso } from '../text/dates.js';
import type { JobKind, JobPayloads, JobQueue, JobStats } from '../jobs/jobQueue.js';
import { LocalLease, type SchedulerLease } from '../jobs/schedulerLease.js';
import type { Pipeline } from './pipeline.js';
import { webSubsDue } from './webSub.js';

export interface SchedulerStatus {
  /** Started and not stopped (it decides only while it holds the lease). */
  running: boolean;
  leaseHeld: boolean;
  lastTickAt: string | null;
  /** Jobs this process sent. */
  sent: number;
}

export interface SchedulerOptions {
  /** Where the work goes; whichever processes run workers take it from there. */
  queue: JobQueue;
  /** Who may decide; LocalLease (this process alone) unless many processes compete. */
  lease?: SchedulerLease;
  tickMs?: number;
  /**
   * Most refresh jobs waiting or running at once. Feeds stay due in the store until there
   * is room, so a crash loses at most this many sends and nothing floods the queue.
   */
  backlog?: number;
  /**
   * How far a sent feed's next check moves: longer than its job can take with every retry,
   * so the feed is not sent again while its job is still alive (see claimSecondsFor).
   */
  claimSeconds: number;
  /** Article pages sent for re-checking at once; the next batch waits for this one. */
  recheckBatch?: number;
  /** Where claims are noted so a restart can release them (the in-process queue only). */
  claims?: ClaimLedger;
  /** How often a slice of the kept unread counts is recounted (default hourly). */
  recountEveryMs?: number;
  /** Subscriptions recounted each time (default 1,000): all of them over the hours, bounded each time. */
  recountSlice?: number;
}

/**
 * With the in-process queue, a feed's claim outlives its job when the process dies: the
 * feed would wait out the claim (~51 min) after a restart. Nothing but this process can
 * hold claims on SQLite, so it notes when each batch of claims ends (in the store's
 * settings) and the next start makes the feeds still claimed until one of those times
 * due again. A feed refreshed since has its own next check and is left alone.
 */
export class ClaimLedger {
  private static readonly KEY = 'scheduler_claims_until';
  /** Claim batches noted at most; older ones just run out as before. */
  private static readonly MOST = 500;

  constructor(private readonly store: Pipeline['store']) {}

  async record(until: string, now: string): Promise<void> {
    const live = (await this.read()).filter((u) => u > now && u !== until);
    await this.store.setSetting(ClaimLedger.KEY, JSON.stringify([...live, until].slice(-ClaimLedger.MOST)));
  }

  /** Releases what the previous process claimed; returns the feeds made due. */
  async releaseAll(now: string): Promise<number[]> {
    const released = await this.store.releaseClaims(await this.read(), now);
    await this.store.setSetting(ClaimLedger.KEY, '[]');
    return released;
  }

  private async read(): Promise<string[]> {
    const raw = await this.store.getSetting(ClaimLedger.KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(list) ? list.filter((u): u is string => typeof u === 'string') : [];
  }
}

/**
 * The first recount slice waits a quarter of the interval after the scheduler starts, not
 * its first tick: at 100 k articles a slice counts every article of each subscription's feed,
 * 15-17 ms of CPU a subscription on SQLite and 0.7-1.1 s on PostgreSQL (load ~18), which
 * held up the first refreshes of a start. The stored cursor carries the round over restarts.
 */
const RECOUNT_FIRST_DELAY = 0.25;

/**
 * Decides what is due and sends it to the job queue, in one process at a time across all
 * machines (the lease): refresh-feed for due feeds, recheck-article for pages due to be
 * read again, renew-websub for leases ending soon; and, hourly, a recount of a slice of the
 * kept unread counts (bounded store work, not a job). It runs nothing else itself. Each feed's
 * next check lives in the store, so the scheduler holds no state a crash could lose, and
 * claiming a feed as it is sent keeps the next tick (here or in a process that took the
 * lease over) from sending it twice.
 */
export class FeedScheduler {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private lastRenewal = 0;
  /** Null until the first tick, which sets it so the first slice waits (see RECOUNT_FIRST_DELAY). */
  private lastRecount: number | null = null;
  /** Feeds claimed whose send failed (a cut connection): sent first at the next tick. */
  private readonly lease: SchedulerLease;
  readonly status: SchedulerStatus = { running: false, leaseHeld: false, lastTickAt: null, sent: 0 };

  constructor(
    private readonly p: Pipeline,
    private readonly opts: SchedulerOptions,
  ) {
    this.lease = opts.lease ?? new LocalLease();
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.status.running = true;
    await this.lease.start((held) => {
      this.status.leaseHeld = held;
      if (held) this.schedule(0);
      else this.clearTimer();
    });
  }

  /** Runs a tick now, or right after the one in progress (a worker slot just freed up). */
  nudge(): void {
    if (this.current) this.again = true;
    else this.schedule(0);
  }

  /** One look at what is due; resolves when that look (or the one in progress) is done. */
  tick(): Promise<void> {
    if (this.current) return this.current;
    this.current = this.decide().finally(() => {
      this.current = null;
      const full = this.again;
      this.again = false;
      this.schedule(full ? 0 : this.opts.tickMs ?? 15_000);
    });
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.status.running = false;
    this.clearTimer();
    await this.current;
    await this.lease.stop();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    if (this.stopping || !this.lease.held) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async decide(): Promise<void> {
    if (this.stopping || !this.lease.held) return;
    try {
      const now = this.p.now();
      this.status.lastTickAt = now.toISOString();
      if (now.getTime() - this.lastRenewal >= 3600_000) {
        this.lastRenewal = now.getTime();
        for (const sub of await webSubsDue(this.p)) await this.send('renew-websub', { feedId: sub.feedId });
      }
      const stats = await this.opts.queue.stats();
      await this.sendRechecks(stats, now);
      // A full backlog means more may be due: look again soon rather than a tick later.
      if (await this.sendRefreshes(stats, now)) this.again = true;
      // Triggers keep the counts; this repairs whatever drifted past them, a slice at a time.
      const every = this.opts.recountEveryMs ?? 3600_000;
      this.lastRecount ??= now.getTime() - every + every * RECOUNT_FIRST_DELAY;
      if (now.getTime() - this.lastRecount >= every) {
        this.lastRecount = now.getTime();
        await this.p.store.recountUnread(this.opts.recountSlice ?? 1000);
      }
    } catch (err) {
      // Retried next tick.
      logError(err, 'scheduling due work failed');
    }
  }

  /** True when it sent as many as there was room for. */
  private async sendRefreshes(stats: JobStats, now: Date): Promise<boolean> {
    const room = (this.opts.backlog ?? 12) - pending(stats, 'refresh-feed');
    if (room <= 0) return false;
    const at = formatIso(now.getTime());
    const until = formatIso(now.getTime() + this.opts.claimSeconds * 1000);
    // Send first, then claim: a scheduler killed in between leaves the feeds due for the
    // next holder (a repeated send is dropped by the feed's singleton key), never parked
    // until a claim runs out. A failed send leaves the rest due for the next tick.
    const due = await this.p.store.dueFeedIds(at, room);
    const sentIds: number[] = [];
    try {
      for (const feedId of due) {
        await this.send('refresh-feed', { feedId });
        sentIds.push(feedId);
      }
    } finally {
      const claimed = await this.p.store.claimFeeds(sentIds, at, until);
      if (claimed.length > 0) await this.opts.claims?.record(until, at);
    }
    const sent = sentIds.length;
    return sent >= room;
  }

  /** Publishers' edits: one batch of pages at a time, the next when it is done. */
  private async sendRechecks(stats: JobStats, now: Date): Promise<void> {
    if (pending(stats, 'recheck-article') > 0) return;
    const due = await this.p.store.articlesDueForRecheck(formatIso(now.getTime()), this.opts.recheckBatch ?? 10);
    for (const article of due) await this.send('recheck-article', { articleId: article.id });
  }

  private async send<K extends JobKind>(kind: K, data: JobPayloads[K]): Promise<void> {
    await this.opts.queue.send(kind, data);
    this.status.sent++;
  }
}

function pending(stats: JobStats, kind: JobKind): number {
  const k = stats.kinds.find((s) => s.kind === kind);
  return k ? k.queued + k.retrying + k.active : 0;
}

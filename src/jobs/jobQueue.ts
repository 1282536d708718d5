/**
 * Background work as jobs: one interface, two engines. The in-process engine
 * (inProcessQueue.ts) serves one machine on SQLite; the pg-boss engine (pgBossQueue.ts)
 * lets any number of processes on any machines share the work through PostgreSQL.
 * Callers only see this file, so serve, worker and the CLI never care which is behind it.
 */

/** What each kind of job carries. Payloads are plain JSON: they cross process boundaries. */
export interface JobPayloads {
  'refresh-feed': { feedId: number };
  'fetch-page': { feedId: number; articleId?: number; url?: string };
  'recheck-article': { articleId: number };
  'renew-websub': { feedId: number };
  'import-opml': { userId: number; opml: string };
}

export type JobKind = keyof JobPayloads;

export const jobKinds: readonly JobKind[] = ['refresh-feed', 'fetch-page', 'recheck-article', 'renew-websub', 'import-opml'];

/** How the engines treat one kind: retries, back-off, how long an attempt may run. */
export interface JobPolicy {
  /** Attempts after the first one. */
  retryLimit: number;
  /** Base delay; attempt n waits about delay × 2^(n-1), jittered up to double. */
  retryDelaySeconds: number;
  /**
   * An attempt still running after this long counts as dead: it is failed (and retried)
   * and its signal aborts. It must exceed the longest honest run, or two runs overlap.
   */
  expireInSeconds: number;
}

/**
 * Jobs of one key never run two at once and queue at most once behind the running one, so
 * a feed is never refreshed by two workers together and a burst of sends collapses.
 * Kinds without a key (an OPML import) run side by side.
 */
const singletonKeys: { [K in JobKind]?: (data: JobPayloads[K]) => string } = {
  'refresh-feed': (d) => `feed:${d.feedId}`,
  'renew-websub': (d) => `feed:${d.feedId}`,
  'recheck-article': (d) => `article:${d.articleId}`,
  'fetch-page': (d) => (d.articleId === undefined ? `url:${d.url ?? ''}` : `article:${d.articleId}`),
};

export function singletonKey<K extends JobKind>(kind: K, data: JobPayloads[K]): string | undefined {
  const keyOf = singletonKeys[kind] as ((data: JobPayloads[K]) => string) | undefined;
  return keyOf?.(data);
}

/** The feed a job is about, when its kind names one (what the Feeds page shows it under). */
export function feedOfJob(data: unknown): number | null {
  const feedId = (data as { feedId?: unknown } | null)?.feedId;
  return typeof feedId === 'number' && Number.isInteger(feedId) ? feedId : null;
}

export function isSingletonKind(kind: JobKind): boolean {
  return singletonKeys[kind] !== undefined;
}

export const defaultJobPolicies: Record<JobKind, JobPolicy> = {
  // A refresh is bounded by the fetch time limit (60 s) plus its article pages.
  'refresh-feed': { retryLimit: 3, retryDelaySeconds: 30, expireInSeconds: 600 },
  'fetch-page': { retryLimit: 3, retryDelaySeconds: 30, expireInSeconds: 300 },
  'recheck-article': { retryLimit: 2, retryDelaySeconds: 60, expireInSeconds: 300 },
  'renew-websub': { retryLimit: 5, retryDelaySeconds: 60, expireInSeconds: 300 },
  'import-opml': { retryLimit: 1, retryDelaySeconds: 60, expireInSeconds: 3600 },
};

/**
 * The longest a job can stay alive: every attempt running to its expiry and waiting for
 * the sweep that notices it (`sweepSeconds`), with the longest back-off between attempts.
 */
export function jobLifetimeSeconds(policy: JobPolicy, sweepSeconds: number): number {
  let total = 0;
  for (let attempt = 1; attempt <= policy.retryLimit + 1; attempt++) {
    total += policy.expireInSeconds + sweepSeconds;
    if (attempt <= policy.retryLimit) total += 2 * policy.retryDelaySeconds * 2 ** (attempt - 1);
  }
  return total;
}

export interface JobContext {
  id: string;
  kind: JobKind;
  /** 1 for the first run, 2 for the first retry … */
  attempt: number;
  /** Aborts when the attempt expires or the queue stops without waiting any longer. */
  signal: AbortSignal;
}

/** Throw (preferably a TidingsError) to fail the attempt; it is retried while retries last. */
export type JobHandler<K extends JobKind> = (data: JobPayloads[K], ctx: JobContext) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this kind this process runs at once. */
  concurrency: number;
}

export interface JobFailure {
  id: string;
  kind: JobKind;
  singletonKey: string | null;
  /** The feed the job was about, if any. */
  feedId: number | null;
  attempt: number;
  code: string;
  message: string;
  at: string;
  /** No retry is left: the job stays failed. */
  final: boolean;
}

export interface KindStats {
  kind: JobKind;
  /** Waiting for their first run. */
  queued: number;
  /** Failed at least once, waiting for their next attempt. */
  retrying: number;
  active: number;
  completed: number;
  /** Out of retries. */
  failed: number;
}

export interface JobStats {
  kinds: KindStats[];
  lastFailures: JobFailure[];
}

export interface StopOptions {
  /** How long jobs in flight may take to finish before they are handed back for a retry. */
  timeoutMs?: number;
}

export interface JobQueue {
  start(): Promise<void>;
  /** Queues a job; null when its singleton key already has one waiting (nothing to add). */
  send<K extends JobKind>(kind: K, data: JobPayloads[K]): Promise<string | null>;
  /** Runs jobs of one kind in this process, at most `concurrency` at once. */
  work<K extends JobKind>(kind: K, options: WorkOptions, handler: JobHandler<K>): Promise<void>;
  stats(): Promise<JobStats>;
  /** The most recent failed attempts, newest first. */
  listFailures(limit?: number): Promise<JobFailure[]>;
  /**
   * For each of these feeds, the newest failure of a job about it that still stands: the
   * job waits for a retry, or ran out of retries and no later job of the same kind and key
   * has succeeded since. Newest first, one per feed.
   */
  feedFailures(feedIds: readonly number[]): Promise<JobFailure[]>;
  /** Takes no new jobs, lets those in flight finish, then hands back what still runs. */
  stop(options?: StopOptions): Promise<void>;
}

export function emptyKindStats(kind: JobKind): KindStats {
  return { kind, queued: 0, retrying: 0, active: 0, completed: 0, failed: 0 };
}

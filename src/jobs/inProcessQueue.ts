import { randomUUID } from 'node:crypto';
import { TidingsError } from '../model/errors.js';
import { failureRecord, retryDelayMs, settleWithin, startAttempt, type Attempt, type AttemptInfo } from './jobAttempt.js';
import {
  defaultJobPolicies,
  emptyKindStats,
  feedOfJob,
  singletonKey,
  type JobFailure,
  type JobHandler,
  type JobKind,
  type JobPayloads,
  type JobPolicy,
  type JobQueue,
  type JobStats,
  type StopOptions,
  type WorkOptions,
} from './jobQueue.js';

export interface InProcessQueueOptions {
  policies?: Partial<Record<JobKind, JobPolicy>>;
  /** Called once per failed attempt (metrics, a Feeds page). */
  onFailure?: (failure: JobFailure) => void;
  /** Failure records kept for listFailures(). */
  keepFailures?: number;
}

interface Job extends AttemptInfo {
  data: unknown;
  state: 'created' | 'retry' | 'active';
  runAt: number;
}

interface Worker {
  handler: JobHandler<JobKind>;
  concurrency: number;
  running: number;
}

/**
 * Jobs in memory for one process on one machine (SQLite). What is due lives in the store,
 * so jobs lost with the process are sent again by the next scheduler tick. Same rules as
 * the pg-boss engine: one running and one waiting job per singleton key, retries with
 * jittered exponential back-off, expiry; a job whose key is busy is skipped, not waited on.
 */
export class InProcessQueue implements JobQueue {
  private readonly waiting: Job[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly running = new Map<string, { job: Job; attempt: Attempt }>();
  private readonly workers = new Map<JobKind, Worker>();
  private readonly finished = new Map<JobKind, { completed: number; failed: number }>();
  private readonly failures: JobFailure[] = [];
  private readonly policies: Record<JobKind, JobPolicy>;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private stopping = false;

  constructor(private readonly options: InProcessQueueOptions = {}) {
    this.policies = { ...defaultJobPolicies, ...options.policies };
  }

  async start(): Promise<void> {
    this.stopping = false;
  }

  async send<K extends JobKind>(kind: K, data: JobPayloads[K]): Promise<string | null> {
    if (this.stopping) throw new TidingsError('internal', `job queue is stopping: ${kind} not queued`);
    const key = singletonKey(kind, data) ?? null;
    if (key !== null && this.waiting.some((j) => j.kind === kind && j.singletonKey === key && j.state === 'created')) return null;
    const job: Job = { id: randomUUID(), kind, data, singletonKey: key, feedId: feedOfJob(data), attempt: 1, state: 'created', runAt: Date.now() };
    this.waiting.push(job);
    this.pump(kind);
    return job.id;
  }

  async work<K extends JobKind>(kind: K, options: WorkOptions, handler: JobHandler<K>): Promise<void> {
    if (this.workers.has(kind)) throw new TidingsError('conflict', `${kind} already has a handler`);
    const concurrency = Math.max(1, options.concurrency);
    this.workers.set(kind, { handler: handler as JobHandler<JobKind>, concurrency, running: 0 });
    this.pump(kind);
  }

  async stats(): Promise<JobStats> {
    const byKind = new Map<JobKind, ReturnType<typeof emptyKindStats>>();
    const of = (kind: JobKind) => byKind.get(kind) ?? byKind.set(kind, emptyKindStats(kind)).get(kind)!;
    for (const job of this.waiting) of(job.kind)[job.state === 'retry' ? 'retrying' : 'queued']++;
    for (const { job } of this.running.values()) of(job.kind).active++;
    for (const [kind, done] of this.finished) Object.assign(of(kind), done);
    return { kinds: [...byKind.values()], lastFailures: await this.listFailures(10) };
  }

  async listFailures(limit = 20): Promise<JobFailure[]> {
    return this.failures.slice(-limit).reverse();
  }

  async feedFailures(feedIds: readonly number[]): Promise<JobFailure[]> {
    const wanted = new Set(feedIds);
    const newest = new Map<number, JobFailure>();
    for (const failure of await this.listFailures(this.failures.length)) {
      if (failure.feedId !== null && wanted.has(failure.feedId) && !newest.has(failure.feedId)) newest.set(failure.feedId, failure);
    }
    return [...newest.values()];
  }

  async stop(options: StopOptions = {}): Promise<void> {
    this.stopping = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    const inFlight = () => Promise.all([...this.running.values()].map((r) => r.attempt.settled));
    const timedOut = await settleWithin(inFlight(), options.timeoutMs ?? 30_000);
    if (!timedOut) return;
    // Nothing else in this process can take them over: abort them, and the scheduler sends
    // them again after the restart because the store still says they are due.
    for (const { attempt } of this.running.values()) attempt.abort(new TidingsError('internal', 'job queue stopped'));
    await settleWithin(inFlight(), 1000);
  }

  private pump(kind: JobKind): void {
    const worker = this.workers.get(kind);
    if (!worker || this.stopping) return;
    while (worker.running < worker.concurrency) {
      const next = this.nextRunnable(kind);
      if (!next) break;
      this.run(worker, next);
    }
    this.scheduleWake();
  }

  private nextRunnable(kind: JobKind): Job | undefined {
    const now = Date.now();
    const index = this.waiting.findIndex(
      (j) => j.kind === kind && j.runAt <= now && (j.singletonKey === null || !this.busyKeys.has(busyKey(j))),
    );
    return index < 0 ? undefined : this.waiting.splice(index, 1)[0];
  }

  private run(worker: Worker, job: Job): void {
    const policy = this.policies[job.kind];
    job.state = 'active';
    worker.running++;
    if (job.singletonKey !== null) this.busyKeys.add(busyKey(job));
    const attempt = startAttempt(worker.handler, job.data as never, job, policy.expireInSeconds * 1000);
    this.running.set(job.id, { job, attempt });
    attempt.outcome.then(
      () => {
        this.forgetFailure(job.id);
        this.forgetSuperseded(job);
        this.count(job.kind, 'completed');
      },
      (err: unknown) => this.fail(job, policy, err),
    );
    // The key stays busy until the handler really returns, even after it expired.
    void attempt.settled.then(() => {
      this.running.delete(job.id);
      if (job.singletonKey !== null) this.busyKeys.delete(busyKey(job));
      worker.running--;
      this.pump(job.kind);
    });
  }

  private fail(job: Job, policy: JobPolicy, err: unknown): void {
    const final = job.attempt > policy.retryLimit;
    const failure = failureRecord(job, err, final);
    this.forgetFailure(job.id);
    this.failures.push(failure);
    if (this.failures.length > (this.options.keepFailures ?? 100)) this.failures.shift();
    this.options.onFailure?.(failure);
    if (final) return this.count(job.kind, 'failed');
    const runAt = Date.now() + retryDelayMs(policy.retryDelaySeconds, job.attempt);
    this.waiting.push({ ...job, attempt: job.attempt + 1, state: 'retry', runAt });
    this.scheduleWake();
  }

  /** Like pg-boss, one record per job (its latest failure), gone once the job succeeds. */
  private forgetFailure(id: string): void {
    const index = this.failures.findIndex((f) => f.id === id);
    if (index >= 0) this.failures.splice(index, 1);
  }

  /** A success of the same kind and key (the feed refreshed after all) settles earlier failures. */
  private forgetSuperseded(job: Job): void {
    if (job.singletonKey === null) return;
    for (let i = this.failures.length - 1; i >= 0; i--) {
      const f = this.failures[i]!;
      if (f.kind === job.kind && f.singletonKey === job.singletonKey) this.failures.splice(i, 1);
    }
  }

  private count(kind: JobKind, outcome: 'completed' | 'failed'): void {
    const done = this.finished.get(kind) ?? { completed: 0, failed: 0 };
    done[outcome]++;
    this.finished.set(kind, done);
  }

  /** Wakes the pump when the earliest delayed retry becomes due. */
  private scheduleWake(): void {
    const now = Date.now();
    const at = Math.min(...this.waiting.filter((j) => j.runAt > now).map((j) => j.runAt));
    if (this.stopping || at >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.wakeAt = Infinity;
      for (const kind of this.workers.keys()) this.pump(kind);
    }, at - now);
  }
}

function busyKey(job: Job): string {
  return `${job.kind} ${job.singletonKey}`;
}

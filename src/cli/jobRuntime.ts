import type { JobSettings, TidingsConfig } from '../config.js';
import { defaultJobPolicies, jobKinds, jobLifetimeSeconds, type JobKind, type JobPolicy, type JobQueue } from '../jobs/jobQueue.js';
import { InProcessQueue } from '../jobs/inProcessQueue.js';
import { PgBossQueue } from '../jobs/pgBossQueue.js';
import { AdvisoryLease, LocalLease } from '../jobs/schedulerLease.js';
import { exposeJobStats } from '../jobs/jobMetrics.js';
import { ClaimLedger, FeedScheduler } from '../ingest/feedScheduler.js';
import { formatIso } from '../text/dates.js';
import { logger } from '../log/logger.js';
import { workJobs, type WorkerOptions, type WorkerStatus } from '../ingest/jobHandlers.js';
import type { Pipeline } from '../ingest/pipeline.js';
import { TidingsError } from '../model/errors.js';

/** What one process runs of the background work: the deciding, the doing, or both. */
export interface JobRuntimeOptions extends Partial<WorkerOptions> {
  scheduler: boolean;
  workers: boolean;
  /** Stands in for each kind's policy (tests); else the defaults with config.jobs overrides. */
  policies?: Record<JobKind, JobPolicy>;
  tickMs?: number;
}

export interface JobRuntime {
  queue: JobQueue;
  scheduler: FeedScheduler | null;
  workers: WorkerStatus | null;
  /** Stops deciding, then lets jobs in flight finish (or hands them back after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Each kind's policy with the operator's overrides (TIDINGS_JOB_*). */
export function jobPolicies(settings: JobSettings): Record<JobKind, JobPolicy> {
  const override: Partial<JobPolicy> = {
    ...(settings.expireSeconds !== undefined ? { expireInSeconds: settings.expireSeconds } : {}),
    ...(settings.retryDelaySeconds !== undefined ? { retryDelaySeconds: settings.retryDelaySeconds } : {}),
    ...(settings.retryLimit !== undefined ? { retryLimit: settings.retryLimit } : {}),
  };
  return Object.fromEntries(jobKinds.map((kind) => [kind, { ...defaultJobPolicies[kind], ...override }])) as Record<JobKind, JobPolicy>;
}

/** Many processes need a database they all reach; one SQLite file is one machine's. */
export function requirePostgres(config: TidingsConfig, what: string): void {
  if (config.databaseUrl) return;
  throw new TidingsError(
    'postgres_required',
    `${what} needs PostgreSQL (DATABASE_URL or --database-url): on SQLite, \`tidings serve\` runs the scheduler and the workers itself`,
  );
}

/**
 * pg-boss notices a job whose worker died at its maintenance sweep: often enough that a
 * retry follows soon after the expiry, never more than once a minute.
 */
function sweepSeconds(policies: Record<JobKind, JobPolicy>): number {
  const shortest = Math.min(...Object.values(policies).map((p) => p.expireInSeconds));
  return Math.max(1, Math.min(60, Math.floor(shortest / 2)));
}

/** The in-process queue on SQLite; pg-boss on the same PostgreSQL database otherwise. */
export function openJobQueue(config: TidingsConfig, policies = jobPolicies(config.jobs)): JobQueue {
  if (!config.databaseUrl) return new InProcessQueue({ policies });
  return new PgBossQueue({
    connectionString: config.databaseUrl,
    policies,
    pollingIntervalSeconds: config.jobs.pollSeconds,
    maxConnections: config.jobs.poolSize,
    maintenanceIntervalSeconds: sweepSeconds(policies),
  });
}

/** Starts the queue and what this process runs of the work; stop() undoes it in order. */
export async function startJobRuntime(p: Pipeline, config: TidingsConfig, opts: JobRuntimeOptions): Promise<JobRuntime> {
  const policies = opts.policies ?? jobPolicies(config.jobs);
  const queue = openJobQueue(config, policies);
  await queue.start();
  const withdrawStats = exposeJobStats(queue);
  const sweep = config.databaseUrl ? sweepSeconds(policies) : 0;
  const claims = config.databaseUrl || !opts.scheduler ? null : new ClaimLedger(p.store);
  const released = await claims?.releaseAll(formatIso(p.now().getTime()));
  if (released?.length) logger().info({ feeds: released.length }, 'feeds claimed by the previous process made due again');
  const scheduler = opts.scheduler
    ? new FeedScheduler(p, {
        queue,
        lease: config.databaseUrl ? new AdvisoryLease({ connectionString: config.databaseUrl, retryMs: config.jobs.leaseRetrySeconds * 1000 }) : new LocalLease(),
        tickMs: opts.tickMs ?? config.jobs.tickSeconds * 1000,
        // In one process the queue lives in memory: keep just enough waiting to never idle a worker.
        backlog: config.databaseUrl ? 2000 : 2 * (opts.concurrency ?? config.jobs.concurrency),
        claimSeconds: jobLifetimeSeconds(policies['refresh-feed'], sweep),
        ...(claims ? { claims } : {}),
      })
    : null;
  const workers = opts.workers
    ? await workJobs(queue, p, {
        concurrency: opts.concurrency ?? config.jobs.concurrency,
        ...(opts.refresh ? { refresh: opts.refresh } : {}),
        onReport: (feed, report) => {
          opts.onReport?.(feed, report);
          // A freed slot goes to the next due feed now, not at the next tick.
          scheduler?.nudge();
        },
      })
    : null;
  await scheduler?.start();
  return {
    queue,
    scheduler,
    workers,
    async stop(timeoutMs = 30_000) {
      await scheduler?.stop();
      await queue.stop({ timeoutMs });
      withdrawStats();
    },
  };
}

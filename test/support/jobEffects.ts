import type pg from 'pg';
import type { TidingsConfig } from '../../src/config.js';
import type { JobKind, JobPolicy, JobQueue } from '../../src/jobs/jobQueue.js';
import { jobKinds } from '../../src/jobs/jobQueue.js';
import { InProcessQueue } from '../../src/jobs/inProcessQueue.js';
import { PgBossQueue } from '../../src/jobs/pgBossQueue.js';

/** Small timings so retries, expiry and polling fit in a test run. */
export const testJobPolicies = Object.fromEntries(
  jobKinds.map((kind) => [kind, { retryLimit: 2, retryDelaySeconds: 1, expireInSeconds: 3 }]),
) as Record<JobKind, JobPolicy>;

export async function createEffectTables(db: pg.Pool): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS job_effect (key text PRIMARY KEY)`);
  await db.query(`CREATE TABLE IF NOT EXISTS job_run (id serial PRIMARY KEY, key text NOT NULL, worker text NOT NULL)`);
}

/**
 * What an idempotent handler does: its effect has a unique key, so a retry after a crash
 * stores nothing twice; every run is also logged to count them.
 */
export async function recordJobEffect(db: pg.Pool, key: string, worker: string): Promise<void> {
  await db.query(`INSERT INTO job_run (key, worker) VALUES ($1, $2)`, [key, worker]);
  await db.query(`INSERT INTO job_effect (key) VALUES ($1) ON CONFLICT DO NOTHING`, [key]);
}

/** The configuration with the in-process queue and lease, whichever store the test runs on. */
export function inProcess(config: TidingsConfig): TidingsConfig {
  return { ...config, databaseUrl: undefined };
}

/** The engine the store under test goes with (in-process on SQLite, pg-boss on PostgreSQL), polling fast. */
export function storeJobQueue(config: TidingsConfig, policies: Record<JobKind, JobPolicy> = testJobPolicies): JobQueue {
  if (!config.databaseUrl) return new InProcessQueue({ policies });
  return new PgBossQueue({ connectionString: config.databaseUrl, policies, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1, maxConnections: 4 });
}

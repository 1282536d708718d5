import pg from 'pg';
import { PgBossQueue } from '../../src/jobs/pgBossQueue.js';
import { recordJobEffect, testJobPolicies } from './jobEffects.js';

/**
 * A worker process for the crash test: it takes refresh-feed jobs, writes their effect,
 * says so on stdout, then hangs as if stuck mid-refresh, waiting for `kill -9`.
 * Usage: node jobWorker.js DATABASE_URL SCHEMA
 */
const [url, schema] = process.argv.slice(2) as [string, string];
const db = new pg.Pool({ connectionString: url, max: 2 });
const queue = new PgBossQueue({ connectionString: url, schema, policies: testJobPolicies, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 });
await queue.start();
await queue.work('refresh-feed', { concurrency: 1 }, async (data) => {
  await recordJobEffect(db, `feed:${data.feedId}`, 'child');
  process.stdout.write(`started ${data.feedId}\n`);
  await new Promise(() => undefined);
});
process.stdout.write('ready\n');

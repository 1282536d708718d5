import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, tempDir } from './support/cli.js';

/** The worker processes themselves are tested on PostgreSQL in processes/workers.test.ts. */
test('on SQLite, worker processes are refused with postgres_required; jobs says where they run', async () => {
  const db = path.join(tempDir(), 't.db');
  const worker = await runCli(['worker', '--db', db], { env: { DATABASE_URL: '' } });
  assert.equal(worker.code, 1, worker.stderr);
  assert.match(worker.stderr, /^error\[postgres_required\]: tidings worker needs PostgreSQL/);
  const serve = await runCli(['serve', '--no-workers', '--port', '0', '--db', db], { env: { DATABASE_URL: '' } });
  assert.equal(serve.code, 1, serve.stderr);
  assert.match(serve.stderr, /error\[postgres_required\]: tidings serve --no-workers needs PostgreSQL/);
  const jobs = await runCli(['jobs', '--json', '--db', db], { env: { DATABASE_URL: '' } });
  assert.equal(jobs.code, 0, jobs.stderr);
  assert.deepEqual(JSON.parse(jobs.stdout), { store: 'sqlite', kinds: [], lastFailures: [] });
  assert.equal((await runCli(['worker', '--concurrency', '0', '--db', db], { env: { DATABASE_URL: '' } })).code, 2);
});

// npm run test:postgres: the suites that open a store, run again on PostgreSQL
// (TIDINGS_TEST_STORE=postgres; a database per test file, dropped after), then the
// multi-process tests of test/processes (workers, scheduler takeover, connections cut). When the server
// is not reachable it says so and passes, so machines without PostgreSQL stay green.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const url = process.env.TIDINGS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.end();
} catch (err) {
  console.log(`PostgreSQL not reachable at ${url} (${err.message || err.code}): test:postgres skipped`);
  process.exit(0);
}

const dir = path.join('dist', 'test');
const usesStore = (file) => /support\/(?:pipeline|stores)\.js/.test(fs.readFileSync(path.join(dir, file), 'utf8'));
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js') && usesStore(f)).sort().map((f) => path.join(dir, f));
console.log(`PostgreSQL at ${url}: ${files.length} test files on the postgres store`);
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TIDINGS_TEST_STORE: 'postgres' },
});
if (run.status !== 0) process.exit(run.status ?? 1);
// Worker processes, schedulers and a publisher farm on one database: alone, after the
// suites, so their load cannot disturb other tests.
const processes = path.join(dir, 'processes');
const processFiles = fs.readdirSync(processes).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(processes, f));
console.log(`PostgreSQL: ${processFiles.length} multi-process test file(s)`);
const multi = spawnSync(process.execPath, ['--test', ...processFiles], { stdio: 'inherit' });
process.exit(multi.status ?? 1);

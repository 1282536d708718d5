import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { retryingConflicts } from '../src/retry/conflictRetry.js';
import { warningsDuring } from './support/warnings.js';
import { connectedClients, freshDatabase, storeTarget, waitsForLock, type TestDatabase } from './support/stores.js';
import { until } from './support/until.js';

/** The retry of writes PostgreSQL aborted for a conflict (deadlock 40P01, serialization 40001), shared by the store and the job queue. */
const failing = (codes: Array<string | undefined>) => {
  let runs = 0;
  const run = async () => {
    const code = codes[runs++];
    if (runs <= codes.length) throw Object.assign(new Error(`run ${runs}`), { code });
    return runs;
  };
  return { run, runs: () => runs };
};

/** The write_conflict_retried lines logged while `fn` runs. */
async function logged(fn: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
  return (await warningsDuring(fn)).filter((l) => l.code === 'write_conflict_retried');
}

test('a write aborted by a deadlock or a serialization failure is run again, logged once', async () => {
  const w = failing(['40P01', '40001']);
  let result = 0;
  const lines = await logged(async () => void (result = await retryingConflicts('test', w.run)));
  assert.equal(result, 3);
  assert.deepEqual(
    lines.map((l) => [l.write, l.sqlstate]),
    [['test', '40P01']],
  );
});

test('any other error is thrown at once', async () => {
  const w = failing(['23505']);
  const lines = await logged(() => assert.rejects(retryingConflicts('test', w.run), /run 1/));
  assert.equal(w.runs(), 1);
  assert.deepEqual(lines, []);
});

test('a write that keeps losing ends in its error after four runs', async () => {
  const w = failing(Array(10).fill('40P01'));
  await assert.rejects(retryingConflicts('test', w.run), /run 4/);
  assert.equal(w.runs(), 4);
});

const skip = storeTarget !== 'postgres' && 'needs PostgreSQL (TIDINGS_TEST_STORE=postgres runs this)';
let database: TestDatabase;
let clients: pg.Client[] = [];

before(async () => {
  if (skip) return;
  database = await freshDatabase('postgres');
  await database.query('create table tally (id integer primary key, n integer not null)');
  await database.query('insert into tally values (1, 0), (2, 0)');
  clients = await connectedClients(database.location.databaseUrl, 2);
});
after(async () => {
  if (skip) return;
  for (const c of clients) await c.end();
  await database.drop();
});

test('a real deadlock between two connections: the losing transaction is run again once, whole', { skip }, async () => {
  const [other, writer] = clients as [pg.Client, pg.Client];
  const add = (c: pg.Client, id: number, n: number) => c.query(`update tally set n = n + ${n} where id = ${id}`);
  // The other side looks for a deadlock only after 30 s, so PostgreSQL ends the writer's transaction.
  await other.query('begin');
  await other.query(`set local deadlock_timeout = '30s'`);
  await add(other, 1, 10);
  let runs = 0;
  let otherDone: Promise<unknown> | undefined;
  const lines = await logged(async () => {
    await retryingConflicts('tally', async () => {
      runs++;
      await writer.query('begin');
      try {
        await writer.query(`set local deadlock_timeout = '1s'`);
        await add(writer, 2, 1);
        const crossing = add(writer, 1, 1);
        crossing.catch(() => undefined);
        if (runs === 1) {
          await until('the writer to wait for row 1', () => waitsForLock(database, writer));
          otherDone = add(other, 2, 10).then(() => other.query('commit'));
        }
        await crossing;
        await writer.query('commit');
      } catch (err) {
        await writer.query('rollback');
        throw err;
      }
    });
  });
  await otherDone;
  assert.equal(runs, 2);
  assert.deepEqual(
    lines.map((l) => [l.write, l.sqlstate]),
    [['tally', '40P01']],
  );
  // Both transactions' additions, the writer's once: its aborted run left nothing.
  assert.deepEqual(await database.query('select id, n from tally order by id'), [
    { id: 1, n: 11 },
    { id: 2, n: 11 },
  ]);
});

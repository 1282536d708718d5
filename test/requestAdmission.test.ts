import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestAdmission } from '../src/server/requestAdmission.js';
import { buildApp } from '../src/server/app.js';
import { testPipeline } from './support/pipeline.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('at most perTurn requests start in one event-loop turn; the rest follow turn by turn, in order', async () => {
  const admit = requestAdmission(3);
  const order: number[] = [];
  const immediate: number[] = [];
  const waits: Array<Promise<void>> = [];
  for (let i = 0; i < 8; i++) {
    const wait = admit();
    if (wait) waits.push(wait.then(() => void order.push(i)));
    else immediate.push(i);
  }
  assert.deepEqual(immediate, [0, 1, 2], 'the first three start at once');
  await nextTurn();
  await Promise.resolve();
  assert.deepEqual(order, [3, 4, 5], 'the next turn lets three more start');
  await Promise.all(waits);
  assert.deepEqual(order, [3, 4, 5, 6, 7], 'first come, first served');
});

test('an idle server lets a request start at once, and a new turn starts a new allowance', async () => {
  const admit = requestAdmission(2);
  assert.equal(admit(), undefined);
  assert.equal(admit(), undefined);
  assert.ok(admit() instanceof Promise, 'the third in this turn waits');
  await nextTurn();
  await nextTurn();
  assert.equal(admit(), undefined, 'a later turn starts afresh');
});

test('the server starts at most four requests per event-loop turn (the river at 64 connections)', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = buildApp({ store: tp.store, config: tp.p.config });
  t.after(() => app.close());
  let turn = 0;
  let counting = true;
  const countTurns = (): void => void setImmediate(() => {
    turn++;
    if (counting) countTurns();
  });
  const startedIn = new Map<number, number>();
  // Added after buildApp's own hooks, so it sees a request once it was admitted.
  app.addHook('onRequest', (_req, _reply, done) => {
    startedIn.set(turn, (startedIn.get(turn) ?? 0) + 1);
    done();
  });
  await app.ready();
  countTurns();
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'GET', url: '/healthz' })));
  counting = false;
  assert.deepEqual(new Set(answers.map((a) => a.statusCode)), new Set([200]));
  assert.equal([...startedIn.values()].reduce((a, b) => a + b, 0), 20);
  assert.ok(Math.max(...startedIn.values()) <= 4, `per turn: ${[...startedIn.values()].join(', ')}`);
});

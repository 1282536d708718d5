import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ExtractionPool } from '../src/extract/extractionPool.js';
import { articleFacts, factsInPool, type Facts } from '../src/ingest/storyPlacer.js';
import { MAX_FACTS_TEXT } from '../src/ingest/factsWorker.js';
import { createLogger, logger, setLogger } from '../src/log/logger.js';
import type { StoryInput } from '../src/store/store.js';
import { stallOf } from './support/eventLoopStall.js';

const pool = new ExtractionPool({ threads: 1 });
after(() => pool.close());

const REPORT =
  'Rescue teams from Spain reached Marrakech on Sunday, officials said. At least 2,900 people were killed and about 5,500 injured, ' +
  'according to the Interior Ministry. King Mohammed VI declared three days of mourning, and Prime Minister Aziz Akhannouch said ' +
  'the government would spend $11.7 billion on rebuilding over five years. ';

function article(id: number, text: string): StoryInput {
  return { id, title: 'Morocco earthquake', text, publishedAt: '2026-03-01T08:00:00Z', source: 'Reuters', contentHash: 'h', factsHash: null, placed: false };
}

// A fresh thread loads the tagger first: seconds, many more on a loaded machine, where the
// thread's lowered priority makes it wait. The tests time the work, not the loading.
before(() => factsInPool(pool, { timeoutMs: 600_000 })(article(0, REPORT)));

/** Every JSON line the process-wide logger writes during the test. */
function captureLog(t: { after: (fn: () => void) => void }): { code?: string; msg: string }[] {
  const lines: { code?: string; msg: string }[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(JSON.parse(String(chunk)) as { code?: string; msg: string });
      done();
    },
  });
  const previous = logger();
  setLogger(createLogger('info', sink));
  t.after(() => setLogger(previous));
  return lines;
}

test('facts found in a worker thread are the facts found inline', async () => {
  const a = article(1, REPORT);
  const inWorker = await factsInPool(pool)(a);
  assert.deepEqual(inWorker, await articleFacts(a));
  assert.ok(inWorker.figures.length >= 3, 'the figures of the text are found');
  assert.ok(inWorker.entities.some((e) => (e as { text: string }).text.includes('Marrakech')));
  const pastCap = await factsInPool(pool)(article(6, `${' '.repeat(MAX_FACTS_TEXT)}${REPORT}`));
  assert.deepEqual(pastCap, { entities: [], figures: [] }, 'text past the size cap is not read');
});

test('the event loop keeps ticking while the facts of a long article are found, and would not inline', async () => {
  const long = article(2, REPORT.repeat(120));
  const facts = factsInPool(pool);
  const offThread = await stallOf(() => facts(long));
  assert.ok(offThread.took > 200, `the article should be heavy (${Math.round(offThread.took)} ms)`);
  assert.ok(offThread.longestGap < offThread.took / 3, `longest stall ${Math.round(offThread.longestGap)} ms of ${Math.round(offThread.took)} ms`);
  // The same measure catches the stall the inline path makes: the loop stands still throughout.
  await articleFacts(article(3, REPORT));
  const inline = await stallOf(() => articleFacts(long));
  assert.ok(inline.longestGap > inline.took / 2, `inline, the loop stalls for ${Math.round(inline.longestGap)} ms of ${Math.round(inline.took)} ms`);
});

const DEFERRED: Facts = { entities: [], figures: [], deferred: true };

test('a worker that cannot run the facts defers them (none now, not found inline), logged once with facts_deferred until facts are found again', async (t) => {
  const lines = captureLog(t);
  const opts: { worker?: string } = { worker: new URL('./no-such-worker.js', import.meta.url).href };
  const facts = factsInPool(pool, opts);
  assert.deepEqual(await facts(article(4, REPORT)), DEFERRED);
  assert.deepEqual(await facts(article(7, REPORT)), DEFERRED);
  const deferrals = () => lines.filter((l) => l.code === 'facts_deferred');
  assert.equal(deferrals().length, 1, JSON.stringify(lines));
  assert.match(deferrals()[0]!.msg, /article 4 .*deferred/);
  delete opts.worker;
  assert.ok((await facts(article(8, REPORT))).figures.length >= 3, 'the worker works again');
  opts.worker = new URL('./no-such-worker.js', import.meta.url).href;
  assert.deepEqual(await facts(article(9, REPORT)), DEFERRED);
  assert.equal(deferrals().length, 2, 'a new run of failures is logged again');
  assert.equal(lines.filter((l) => l.code === 'facts_failed').length, 0);
});

test('saturated facts threads (a task already waiting) defer the next article instead of queueing or inlining it', async (t) => {
  const lines = captureLog(t);
  const busy = new ExtractionPool({ threads: 1 });
  t.after(() => busy.close());
  const facts = factsInPool(busy, { timeoutMs: 600_000 });
  const running = facts(article(10, REPORT.repeat(20)));
  const waiting = facts(article(11, REPORT));
  assert.deepEqual(await facts(article(12, REPORT)), DEFERRED);
  assert.ok((await running).figures.length > 0);
  assert.deepEqual(await waiting, await articleFacts(article(11, REPORT)), 'the waiting one still gets its facts');
  assert.equal(lines.filter((l) => l.code === 'facts_deferred').length, 1, JSON.stringify(lines));
});

test('with `wait`, requests past a saturated thread wait for it instead of being deferred', async (t) => {
  const lines = captureLog(t);
  const busy = new ExtractionPool({ threads: 1 });
  t.after(() => busy.close());
  const facts = factsInPool(busy, { timeoutMs: 600_000, wait: true });
  const found = await Promise.all([10, 11, 12, 13].map((id) => facts(article(id, REPORT))));
  const inline = await articleFacts(article(10, REPORT));
  for (const f of found) assert.deepEqual(f, inline);
  assert.equal(lines.filter((l) => l.code === 'facts_deferred').length, 0, JSON.stringify(lines));
});

test('a text over the time limit gets no facts instead of a stalled step, logged once with facts_failed', async (t) => {
  const lines = captureLog(t);
  assert.deepEqual(await factsInPool(pool, { timeoutMs: 1 })(article(5, REPORT.repeat(50))), { entities: [], figures: [] });
  const failures = lines.filter((l) => l.code === 'facts_failed');
  assert.equal(failures.length, 1, JSON.stringify(lines));
  assert.match(failures[0]!.msg, /over a limit.*longer than 1 ms/);
});

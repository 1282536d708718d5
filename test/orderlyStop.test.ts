import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, logger, setLogger } from '../src/log/logger.js';
import { runStopSteps } from '../src/cli/orderlyStop.js';

function captureCodes(t: { after: (fn: () => void) => void }): string[] {
  const codes: string[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      codes.push(String((JSON.parse(String(chunk)) as { code?: string }).code));
      done();
    },
  });
  const previous = logger();
  setLogger(createLogger('info', sink));
  t.after(() => setLogger(previous));
  return codes;
}

test('a part that hangs or fails on stop is given up and logged once; the parts after it still close', async (t) => {
  const codes = captureCodes(t);
  const closed: string[] = [];
  const clean = await runStopSteps([
    { name: 'hanging', run: () => new Promise(() => {}), limitMs: 50 },
    { name: 'failing', run: () => Promise.reject(new Error('boom')) },
    { name: 'throwing', run: () => { throw new Error('sync boom'); } },
    { name: 'store', run: async () => void closed.push('store') },
  ]);
  assert.equal(clean, false);
  assert.deepEqual(closed, ['store']);
  assert.deepEqual(codes, ['stop_incomplete', 'stop_incomplete', 'stop_incomplete']);
});

test('every part closing in time is a clean stop, with nothing logged', async (t) => {
  const codes = captureCodes(t);
  const closed: string[] = [];
  const clean = await runStopSteps([
    { name: 'a', run: async () => void closed.push('a') },
    { name: 'b', run: () => void closed.push('b') },
  ]);
  assert.equal(clean, true);
  assert.deepEqual(closed, ['a', 'b']);
  assert.deepEqual(codes, []);
});

const moduleUrl = new URL('../src/cli/orderlyStop.js', import.meta.url).href;

function runChild(holdOpen: boolean): Promise<{ code: number | null; stderr: string }> {
  const script = `const { endIfHeldOpen } = await import(${JSON.stringify(moduleUrl)});
    ${holdOpen ? "setInterval(() => {}, 1000);" : ''}
    endIfHeldOpen(200, (m) => process.stderr.write(m));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'], cwd: fileURLToPath(new URL('.', import.meta.url)) });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('a process held open by a handle after stopping is ended, with status 1; one that is not ends by itself', async () => {
  const held = await runChild(true);
  assert.equal(held.code, 1);
  assert.match(held.stderr, /an open handle holds the process/);
  const free = await runChild(false);
  assert.equal(free.code, 0);
  assert.equal(free.stderr, '');
});

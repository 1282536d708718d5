import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Fetcher, bodyText } from '../src/fetch/fetcher.js';
import { TidingsError } from '../src/model/errors.js';
import { PublisherServer } from './support/publisherServer.js';

let publisher: PublisherServer;
before(async () => {
  publisher = await new PublisherServer().start();
});
after(() => publisher.stop());

test('the time limit starts when a request leaves the per-host queue; queue waits are reported apart', async (t) => {
  // One request at a time to the host, 1.5 s per request: two slow requests ahead make the
  // third and fourth wait 1.8 s in the queue, longer than their whole time limit.
  const f = new Fetcher({ allowPrivateNetworks: true, perHostConcurrency: 1, perHostSpacingMs: 0, totalTimeoutMs: 1500 });
  t.after(() => f.close());
  publisher.set('/slow', (_req, res) => void setTimeout(() => res.end('slow'), 900));
  publisher.set('/fast', { body: 'fast' });
  publisher.set('/loop', (_req, res) => {
    res.writeHead(302, { location: '/loop' });
    res.end();
  });
  const first = f.fetch(publisher.url('/slow'));
  const second = f.fetch(publisher.url('/slow'));
  const queued = f.fetch(publisher.url('/fast'));
  const loop = f.fetch(publisher.url('/loop')).then(
    () => 'ok',
    (err: unknown) => (err instanceof TidingsError ? err.code : String(err)),
  );
  assert.equal(bodyText(await first), 'slow');
  assert.equal(bodyText(await second), 'slow');
  const fast = await queued;
  assert.equal(bodyText(fast), 'fast', 'a request that waited longer than its limit in the queue still runs');
  assert.ok(fast.queueWaitMs >= 1500, `the wait behind the two slow requests is reported (${fast.queueWaitMs} ms)`);
  assert.equal(await loop, 'too_many_redirects', 'a redirect loop behind a busy queue is a redirect loop, not a timeout');
});

test('a request that is itself too slow still times out, and says how long it queued', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true, perHostConcurrency: 1, perHostSpacingMs: 0, totalTimeoutMs: 300 });
  t.after(() => f.close());
  publisher.set('/never', () => undefined);
  const ahead = f.fetch(publisher.url('/never')).catch(() => undefined);
  const stuck = f.fetch(publisher.url('/never'));
  await ahead;
  await assert.rejects(stuck, (err: unknown) => {
    assert.ok(err instanceof TidingsError);
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /not counting \d+ ms waiting for a free slot/);
    return true;
  });
});

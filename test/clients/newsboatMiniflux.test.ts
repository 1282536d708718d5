import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newsboatMissing } from '../support/newsboat.js';
import { newsboatSync } from '../support/newsboatSync.js';

const missing = newsboatMissing();

test('newsboat (miniflux mode, Miniflux API v1): reload, count unread, open an article and mark a feed read in the UI, a fresh cache sees the server\'s state', { skip: missing ? `skipped: ${missing}` : false, timeout: 150_000 }, () =>
  newsboatSync('miniflux', (requests) => {
    assert.ok(requests.every((r) => r.sentUrl.startsWith('//v1/') && r.status < 300), 'every request went to //v1/… (the configured URL ends in a slash) and succeeded');
    assert.ok(requests.some((r) => /^\/v1\/feeds\/\d+\/entries\?/.test(r.url)), 'items came through the feed entries');
    const writes = requests.filter((r) => r.method === 'PUT');
    assert.ok(writes.length >= 2, 'the opened article and the feed marked read were sent');
    for (const w of writes) {
      assert.equal(w.url, '/v1/entries');
      assert.equal(w.status, 204);
      assert.equal((JSON.parse(w.body as string) as { status: string }).status, 'read');
    }
  }));

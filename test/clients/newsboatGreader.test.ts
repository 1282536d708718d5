import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newsboatMissing } from '../support/newsboat.js';
import { newsboatSync } from '../support/newsboatSync.js';

const missing = newsboatMissing();

test('newsboat (feedhq mode, Google Reader API): reload, count unread, open an article and mark a feed read in the UI, a fresh cache sees the server\'s state', { skip: missing ? `skipped: ${missing}` : false, timeout: 150_000 }, () =>
  newsboatSync('feedhq', (requests) => {
    assert.ok(requests.some((r) => r.url.startsWith('/reader/atom/')), 'items came through the Atom stream');
  }));

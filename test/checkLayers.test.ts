import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/checkLayers.test.js → the checkout's scripts/check-layers.mjs
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'check-layers.mjs');

function check(files: Record<string, string>): { code: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-layers-'));
  try {
    for (const [name, body] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), body);
    }
    const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('check-layers passes imports down the flow and flags one that goes up', () => {
  const down = check({
    'store/articles.ts': "import type { Article } from '../model/article.js';\n",
    'server/app.ts': "import { openStore } from '../store/openStore.js';\nconst m = await import('../ingest/pipeline.js');\n",
  });
  assert.equal(down.code, 0, down.out);
  const up = check({
    'store/articles.ts': "import { refreshFeed } from '../ingest/refreshFeed.js';\n",
    'feed/rss.ts': "export type { X } from '../extract/x.js';\nconst lazy = () => import('../server/app.js');\n",
  });
  assert.equal(up.code, 1);
  assert.match(up.out, /store\/articles\.ts:1: store must not import ingest/);
  assert.match(up.out, /feed\/rss\.ts:1: feed must not import extract/);
  assert.match(up.out, /feed\/rss\.ts:2: feed must not import server/);
});

test('the project itself follows the layering', () => {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

#!/usr/bin/env node
// Scores `tidings parse` and `tidings extract` with the shared conformance scorers.
// Skips (and says so) when ../shared is not beside the checkout.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.TIDINGS_SHARED ?? path.resolve(root, '..', 'shared');
const tools = path.join(shared, 'tools', 'conformance');
const corpus = path.join(shared, 'corpus');
if (!fs.existsSync(path.join(tools, 'feeds.mjs')) || !fs.existsSync(corpus)) {
  console.log(`conformance: skipped (${shared} not found)`);
  process.exit(0);
}
const cmd = `node ${JSON.stringify(path.join(root, 'bin', 'tidings.js'))}`;
const extra = process.argv.slice(2);
let failed = false;
for (const scorer of ['feeds.mjs', 'extract.mjs']) {
  console.log(`\n== ${scorer} ==`);
  const r = spawnSync(process.execPath, [path.join(tools, scorer), '--cmd', cmd, '--corpus', corpus, '--batch', ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;

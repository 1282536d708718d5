#!/usr/bin/env node
// Scores `tidings parse` and `tidings extract` with the shared conformance scorers.
// Skips (and says so) when ../shared is not beside the checkout.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
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
// --fit is ours (store the block judge's weights fitted on all pages); the rest goes to the scorers.
const fitWeights = process.argv.includes('--fit');
const extra = process.argv.slice(2).filter((a) => a !== '--fit');
let plainExtraction = null;
let failed = false;
for (const scorer of ['feeds.mjs', 'extract.mjs']) {
  console.log(`\n== ${scorer} ==`);
  const child = spawn(process.execPath, [path.join(tools, scorer), '--cmd', cmd, '--corpus', corpus, '--batch', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  // The scorer's closing "N passed, M failed" counts corpus files, not tests; reworded so
  // that nobody (or no CI log reader) mistakes a score for a failing test suite.
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const m = /^(\d+) passed, (\d+) failed$/.exec(line);
    if (line.startsWith('extract: ')) plainExtraction = line.slice('extract: '.length);
    console.log(m ? `feed conformance score: ${m[1]} files pass, ${m[2]} files do not (a score, not a gate)` : line);
  }
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) failed = true;
}
console.log('\n== extraction, k-fold cross-validated ==');
if (plainExtraction) console.log(`plain (all shared pages, weights fitted on them): ${plainExtraction}`);
const folds = spawn(process.execPath, [path.join(root, 'dist', 'bench', 'extractionCrossValidation.js'), ...(fitWeights ? ['--fit'] : [])], { stdio: 'inherit' });
if ((await new Promise((resolve) => folds.on('close', resolve))) !== 0) failed = true;
console.log('\n== sanitize audit ==');
const audit = spawn(process.execPath, [path.join(root, 'scripts', 'sanitize-audit.mjs')], { stdio: 'inherit' });
if ((await new Promise((resolve) => audit.on('close', resolve))) !== 0) failed = true;
process.exitCode = failed ? 1 : 0;

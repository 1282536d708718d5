#!/usr/bin/env node
/**
 * Checks that imports only go down the data flow (fetch → parse → process → store → serve):
 * each top-level folder of src/ may import only the folders listed for it below. Static,
 * dynamic and type-only imports all count: a type import still couples two stages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// A folder to check instead of src/ (the checker's own test passes one).
const src = path.resolve(process.argv[2] ?? path.join(root, 'src'));

const BASE = ['model', 'log', 'text', 'html'];
/** What each layer may import besides itself. */
const ALLOWED = {
  model: [],
  log: ['model'],
  text: ['model'],
  html: ['model', 'text'],
  // Running again a database write that lost a conflict: the store's and the job queue's.
  retry: ['model', 'log'],
  fetch: [...BASE],
  feed: [...BASE],
  extract: [...BASE, 'render'],
  render: [...BASE],
  accounts: [...BASE],
  store: [...BASE, 'retry'],
  stories: [...BASE],
  config: [...BASE, 'fetch', 'extract'],
  jobs: [...BASE, 'store', 'retry'],
  ingest: [...BASE, 'config', 'fetch', 'feed', 'extract', 'render', 'store', 'jobs', 'stories'],
  server: [...BASE, 'config', 'fetch', 'feed', 'extract', 'render', 'store', 'jobs', 'stories', 'ingest', 'accounts'],
  cli: ['*'],
};

function layerOf(file) {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length === 1 ? rel[0].replace(/\.(?:js|tsx?)$/, '') : rel[0];
}

function* tsFiles(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (/\.tsx?$/.test(p)) yield p;
  }
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;
const problems = [];
for (const file of tsFiles(src)) {
  const from = layerOf(file);
  const allowed = ALLOWED[from];
  const body = fs.readFileSync(file, 'utf8');
  for (const m of body.matchAll(IMPORT)) {
    const target = path.resolve(path.dirname(file), m[1]);
    if (!target.startsWith(src + path.sep)) continue;
    const to = layerOf(target);
    if (to === from) continue;
    if (!allowed) problems.push(`${path.relative(src, file)}: layer "${from}" is not in the layer map`);
    else if (!allowed.includes('*') && !allowed.includes(to)) {
      const line = body.slice(0, m.index).split('\n').length;
      problems.push(`${path.relative(src, file)}:${line}: ${from} must not import ${to} (${m[1]})`);
    }
  }
}
if (problems.length) {
  process.stderr.write(`layering: ${problems.length} import(s) go against the flow\n${problems.join('\n')}\n`);
  process.exitCode = 1;
} else process.stdout.write('layering: every import goes down the flow\n');

#!/usr/bin/env node
// Checks the claim in docs/sanitizer.md: wherever Tidings' sanitized HTML differs from
// what feedparser expects in corpus/feedparser/.../sanitize, Tidings is stricter — its
// output has no element, attribute or text that feedparser's expected output lacks.
// Exit status 1 (and the files) when any output is looser. Skipped without ../shared.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.TIDINGS_SHARED ?? path.resolve(root, '..', 'shared');
const dir = path.join(shared, 'corpus', 'feedparser', 'tests', 'wellformed', 'sanitize');
const lib = path.join(shared, 'tools', 'conformance', 'lib');
if (!fs.existsSync(dir) || !fs.existsSync(lib)) {
  console.log('sanitize audit: skipped (../shared not found)');
  process.exit(0);
}
const { parse } = await import(pathToFileURL(path.join(lib, 'pyexpr.mjs')).href);
const { tokenize, decodeEntities } = await import(pathToFileURL(path.join(lib, 'html.mjs')).href);

// field reference in an Expect clause → how to read it from `tidings parse` JSON
function fieldOf(node) {
  const keys = [];
  let n = node;
  while (n && (n.k === 'sub' || n.k === 'attr')) {
    keys.unshift(n.k === 'attr' ? n.name : n.key.v);
    n = n.obj;
  }
  if (!n || n.k !== 'name') return null;
  const top = n.v;
  const name = keys.find((k) => typeof k === 'string' && !['value'].includes(k));
  if (top === 'feed') return (j) => ({ title: j.title, subtitle: j.description, description: j.description, tagline: j.description, rights: j.rights, copyright: j.rights, info: j.description })[name];
  if (top === 'entries') {
    const fields = { summary: ['summary', 'content'], description: ['summary', 'content'], content: ['content', 'summary'], title: ['title'] };
    const f = fields[name];
    return f ? (j) => { const it = j.items?.[0] ?? {}; return f.map((k) => it[k]).find((v) => v != null); } : null;
  }
  return null;
}

function shape(html) {
  const tags = new Set();
  const attrs = new Set();
  let text = '';
  for (const t of tokenize(html ?? '')) {
    if (t.type === 'start') {
      tags.add(t.name);
      for (const [k] of t.attrs) attrs.add(`${t.name}@${k}`);
    } else if (t.type === 'text' && !t.rawtext) text += decodeEntities(t.raw);
  }
  return { tags, attrs, text: text.replace(/\s+/g, ' ').trim() };
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();
const checks = [];
for (const f of files) {
  const head = fs.readFileSync(path.join(dir, f), 'utf8').slice(0, 6000);
  const m = /Expect:\s*(.*)/.exec(head);
  if (!m) continue;
  let ast;
  try {
    ast = parse(m[1]);
  } catch {
    continue;
  }
  const cmps = [];
  const visit = (n) => {
    if (n.k === 'and') { visit(n.a); visit(n.b); }
    else if (n.k === 'cmp' && n.rest.length === 1 && n.rest[0].op === '==' && n.rest[0].e.k === 'lit' && typeof n.rest[0].e.v === 'string') {
      const get = fieldOf(n.first);
      if (get) cmps.push({ get, expected: n.rest[0].e.v });
    }
  };
  visit(ast);
  for (const c of cmps) checks.push({ file: f, ...c });
}
const uniqueFiles = [...new Set(checks.map((c) => c.file))];
const input = uniqueFiles.map((f) => JSON.stringify({ file: path.join(dir, f), url: `http://127.0.0.1:8097/tests/wellformed/sanitize/${f}` })).join('\n');
const run = spawnSync(process.execPath, [path.join(root, 'bin', 'tidings.js'), 'parse', '--batch'], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
const results = new Map(uniqueFiles.map((f, i) => [f, JSON.parse(run.stdout.split('\n')[i] ?? '{}')]));
let same = 0, stricter = 0;
const looser = [];
for (const c of checks) {
  const actual = results.get(c.file)?.error ? '' : c.get(results.get(c.file)) ?? '';
  const a = shape(actual);
  const e = shape(c.expected);
  const extraTags = [...a.tags].filter((t) => !e.tags.has(t));
  const extraAttrs = [...a.attrs].filter((t) => !e.attrs.has(t));
  const extraText = a.text && !e.text.includes(a.text);
  if (extraTags.length || extraAttrs.length || extraText) looser.push({ file: c.file, extraTags, extraAttrs, text: extraText ? a.text.slice(0, 80) : '' });
  else if (a.text === e.text && a.tags.size === e.tags.size && a.attrs.size === e.attrs.size) same++;
  else stricter++;
}
for (const l of looser) console.log(`LOOSER ${l.file}: ${[...l.extraTags.map((t) => `<${t}>`), ...l.extraAttrs, l.text && `text "${l.text}"`].filter(Boolean).join(', ')}`);
console.log(`sanitize audit: ${checks.length} expectations in ${uniqueFiles.length} files: ${same} as feedparser, ${stricter} stricter, ${looser.length} looser`);
process.exitCode = looser.length ? 1 : 0;

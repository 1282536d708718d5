import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// dist/test/checkRegex.test.js → the checkout's scripts/check-regex.mjs (loaded once: it
// brings the TypeScript compiler)
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'check-regex.mjs');
const checker: { findingsIn(file: string): string[] } = await import(pathToFileURL(script).href);

function findings(source: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-regex-'));
  try {
    fs.writeFileSync(path.join(dir, 'sample.ts'), source);
    return checker.findingsIn(path.join(dir, 'sample.ts'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('check-regex flags a nested quantifier, a backreference and new RegExp with a literal', () => {
  const nested = findings('export const r = /(a+)+$/;\n');
  assert.equal(nested.length, 1);
  assert.match(nested[0]!, /sample\.ts:1: \/\(a\+\)\+\$\/: nested/);
  assert.match(findings('export const r = /<(b|i)[\\s\\S]*?<\\/\\1>/g;\n')[0]!, /backreference/);
  assert.equal(findings("export const r = new RegExp('(x+x+)+y');\n").length, 1);
});

test('check-regex passes safe patterns and justified ones', () => {
  assert.deepEqual(findings('export const r = /^[a-z]+@[a-z]+$/;\n'), []);
  assert.deepEqual(findings('export const r = /(a+)+$/; // regex-safe: tested on 3 characters\n'), []);
  assert.deepEqual(findings('// regex-safe: tested on 3 characters\nexport const r = /(a+)+$/;\n'), []);
});

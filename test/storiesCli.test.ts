import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from './support/cli.js';

const dir = tempDir();
const WIRE =
  'North Korea has sent at least 3,000 more soldiers to Russia this year, South Korea’s military said on Tuesday, adding that the troops were ' +
  'being trained for front-line duty near the border after the two governments signed a mutual defence treaty last month.';

test('stories cluster: one line per input in order, copies and stories, bad lines answered in step', async () => {
  const lines = [
    { id: 'ap', title: 'North Korea sends 3,000 more soldiers to Russia', text: WIRE, published: '2026-03-01T08:00:00Z', source: 'AP' },
    { id: 'quake', title: 'Earthquake destroys villages in Morocco', text: 'An earthquake of magnitude 6.8 struck the Atlas mountains of Morocco, destroying villages near Marrakech.', published: '2026-03-01T08:01:00Z' },
    { id: 'abc', title: 'North Korea sends 3,000 more soldiers to Russia', text: WIRE, published: '2026-03-01T08:02:00Z', source: 'ABC' },
  ].map((l) => JSON.stringify(l));
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, [...lines, 'not json', JSON.stringify({ id: 'x' }), lines[0]].join('\n'));
  const r = await runCli(['stories', 'cluster', file]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.slice(0, 3), [
    { id: 'ap', story: 'ap' },
    { id: 'quake', story: 'quake' },
    { id: 'abc', story: 'ap', copyOf: 'ap' },
  ]);
  assert.equal(out[3].error.code, 'invalid_input');
  assert.equal(out[4].id, 'x');
  assert.equal(out[4].error.code, 'invalid_input');
  assert.equal(out[5].error.message, 'duplicate id');
  const again = await runCli(['stories', 'cluster', '-'], { input: fs.readFileSync(file, 'utf8') });
  assert.equal(again.stdout, r.stdout, 'the same input gives the same stories');
  const usage = await runCli(['stories', 'frobnicate']);
  assert.equal(usage.code, 2);
});

test('figures --json prints the documented keys; --batch answers {"id","figures"} in order', async () => {
  const file = path.join(dir, 'a.html');
  fs.writeFileSync(file, '<html><body><p>About 400 people were killed, according to the police.</p><p>Prices rose 3%.</p></body></html>');
  const r = await runCli(['figures', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const figs = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(figs[0]), ['value', 'unit', 'qualifier', 'text', 'attribution', 'sentence']);
  assert.deepEqual(figs[0], { value: 400, unit: 'people', qualifier: 'about', text: 'About 400 people', attribution: 'the police', sentence: 'About 400 people were killed, according to the police.' });
  assert.equal(figs[1].unit, 'percent');
  const b = await runCli(['figures', '--batch'], { input: `${JSON.stringify({ id: 'a', text: 'Some 12 soldiers died.' })}\n{"id":"b"}\n${JSON.stringify({ id: 'c', text: 'No numbers here.' })}\n` });
  const lines = b.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines[0].figures.map((f: { value: number }) => f.value), [12]);
  assert.equal(lines[1].id, 'b');
  assert.equal(lines[1].error.code, 'invalid_input');
  assert.deepEqual(lines[2], { id: 'c', figures: [] });
});

test('entities --json gives UTF-16 offsets into the text; --batch answers {"id","entities"}', async () => {
  const text = '😀 Angela Merkel visited Paris.';
  const file = path.join(dir, 'e.txt');
  fs.writeFileSync(file, text);
  const r = await runCli(['entities', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  assert.deepEqual(list, [
    { text: 'Angela Merkel', type: 'person', start: 3, end: 16 },
    { text: 'Paris', type: 'place', start: 25, end: 30 },
  ]);
  const b = await runCli(['entities', '--batch'], { input: `${JSON.stringify({ id: 7, text })}\n` });
  assert.deepEqual(JSON.parse(b.stdout), { id: 7, entities: list });
  const missing = await runCli(['entities', path.join(dir, 'nope.txt'), '--json']);
  assert.equal(missing.code, 1);
  assert.equal(JSON.parse(missing.stdout).error.code, 'not_found');
});

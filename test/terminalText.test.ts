import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer } from './support/publisherServer.js';
import { runCli } from './support/cli.js';
import { freshDatabase } from './support/stores.js';
import { terminalLine, terminalText } from '../src/render/terminalText.js';

/** What a publisher writes must never drive the reader's terminal. */
const HOSTILE = 'Calm \u001b]0;evil\u0007seas \u001b[2Jahead\u009b31m \u202egnp.exe\u2066 \u001bP+q\u001b\\ok\u0008\u007f';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let server: PublisherServer;
const env = { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' };
let db: string[];

before(async () => {
  server = await new PublisherServer().start();
  db = (await freshDatabase()).args;
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: `Wire ${HOSTILE}`,
    items: [{ id: 'x1', url: server.url('/gone'), title: `Story ${HOSTILE}`, content_text: `Line one ${HOSTILE}\nLine two`, date_published: '2026-03-01T08:00:00Z' }],
  };
  server.set('/feed.json', { type: 'application/feed+json', body: JSON.stringify(feed) });
});
after(async () => {
  await server.stop();
});

test('escape sequences, C1 controls and bidi overrides are stripped from every text output; --json keeps them', async () => {
  const add = await runCli(['add', server.url('/feed.json'), ...db], { env });
  assert.equal(add.code, 0, add.stderr);
  assert.equal((await runCli(['refresh', ...db], { env })).code, 0);
  const outputs = [
    add,
    await runCli(['list', ...db]),
    await runCli(['show', '1', ...db, '--hyperlinks']),
    await runCli(['show', '1', '--revisions', ...db]),
    await runCli(['feeds', ...db]),
    await runCli(['search', 'calm', ...db]),
  ];
  for (const r of outputs) {
    assert.equal(r.code, 0, r.stderr);
    const shown = r.stdout.replace(/\u001b\]8;;[^\u001b]*\u001b\\/g, ''); // our own OSC 8 link
    assert.doesNotMatch(shown, UNSAFE, JSON.stringify(shown));
    assert.doesNotMatch(r.stderr, UNSAFE, JSON.stringify(r.stderr));
  }
  assert.match(outputs[1]!.stdout, /Story Calm seas ahead/);
  const json = JSON.parse((await runCli(['list', '--json', ...db])).stdout) as Array<{ title: string }>;
  assert.match(json[0]!.title, /\u001b\]0;evil\u0007/, '--json is unchanged');
  assert.match(json[0]!.title, /\u001b\[2J/);
});

test('terminalText keeps line breaks and tabs; terminalLine flattens them; both are linear', () => {
  assert.equal(terminalText('a\tb\nc\r\u001b[1;31mred\u001b[0m'), 'a\tb\ncred');
  assert.equal(terminalLine('a\tb\nc'), 'a b c');
  assert.equal(terminalLine('x\u001b]8;;http://e/\u001b\\link\u001b]8;;\u001b\\y'), 'xlinky');
  assert.equal(terminalLine('plain text stays the same'), 'plain text stays the same');
  const n = 200_000;
  for (const unit of ['\u001b[', '\u001b]', '\u001b', '\u001b[1;']) {
    const out = terminalLine(unit.repeat(n / unit.length) + 'end');
    assert.doesNotMatch(out, UNSAFE);
  }
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { runCli } from './support/cli.js';
import { freshDatabase } from './support/stores.js';
import { bodyHtml, figures, paragraphs, title } from './fixtures/gazetteArticle.js';

const articlePath = '/2025/03/27/world/norhaven-floating-library/';
let server: PublisherServer;
let db: string[];
const env = { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' };

before(async () => {
  server = await new PublisherServer().start();
  server.set('/', { body: '<!doctype html><html><head><meta property="og:site_name" content="Norhaven Gazette"><title>Norhaven Gazette</title></head><body>Home</body></html>' });
  server.set('/world/feed.xml', {
    type: 'application/rss+xml',
    body: rssFeed({
      title: 'World News | Norhaven Gazette',
      link: server.url('/'),
      items: [{ title, link: server.url(articlePath), guid: 'gazette-1001', pubDate: 'Thu, 27 Mar 2025 21:15:07 +0000', description: 'A converted cargo barge will moor at a different quay every month.' }],
    }),
  });
  server.set(articlePath, {
    body: articlePage({ title, siteName: 'Norhaven Gazette', published: '2025-03-27T21:15:07Z', modified: '2025-03-30T22:38:58Z', bodyHtml }),
  });
  server.set('/img/barge-quay.jpg', { type: 'image/jpeg', body: 'x' });
  db = (await freshDatabase()).args;
});

after(async () => {
  await server.stop();
});

test('acceptance run: add, refresh, list --json, show --format text prints the reading format line by line', async () => {
  const add = await runCli(['add', server.url('/world/feed.xml'), ...db], { env });
  assert.equal(add.code, 0, add.stderr);
  const feedId = add.stdout.trim();
  assert.match(feedId, /^\d+$/);

  const refresh = await runCli(['refresh', ...db], { env });
  assert.equal(refresh.code, 0, refresh.stderr);
  assert.match(refresh.stderr, /1 new/);

  const list = await runCli(['list', '--json', ...db]);
  assert.equal(list.code, 0, list.stderr);
  const items = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
  assert.equal(items.length, 1);
  assert.deepEqual(Object.keys(items[0]!).sort(), ['id', 'published', 'section', 'source', 'title', 'updated', 'url']);
  assert.equal(items[0]!.source, 'Norhaven Gazette');
  assert.equal(items[0]!.section, 'World News');
  assert.equal(items[0]!.published, '2025-03-27T21:15:07Z');
  assert.equal(items[0]!.updated, '2025-03-30T22:38:58Z');

  const show = await runCli(['show', String(items[0]!.id), '--format', 'text', '--now', '2025-04-02T23:00:00Z', ...db]);
  assert.equal(show.code, 0, show.stderr);
  const line = (f: { caption: string; credit: string }) => `${f.caption} ${f.credit}`;
  const expected = [
    title,
    '',
    'By Norhaven Gazette (World News) | Created at 2025-03-27 21:15:07 | Updated at 2025-03-30 22:38:58 3 days ago',
    '',
    paragraphs[0],
    '',
    paragraphs[1],
    '',
    line(figures.first),
    line(figures.second),
    '',
    paragraphs[2],
    '',
    paragraphs[3],
    '',
    paragraphs[4],
    '',
    line(figures.third),
    '',
    paragraphs[5],
    '',
    paragraphs[6],
    '',
    line(figures.fourth),
    '',
    paragraphs[7],
    '',
    'With Gazette wires',
    '',
    `Read Entire Article: ${server.url(articlePath)}`,
  ];
  const actual = show.stdout.replace(/\n$/, '').split('\n');
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    assert.equal(actual[i], expected[i], `line ${i + 1}`);
  }
});

test('show --tz renders times in the given zone and json carries the images with captions', async () => {
  const list = JSON.parse((await runCli(['list', '--json', ...db])).stdout) as Array<{ id: number }>;
  const id = String(list[0]!.id);
  const text = await runCli(['show', id, '--tz', 'Asia/Tokyo', '--now', '2025-04-02T23:00:00Z', ...db]);
  assert.match(text.stdout.split('\n')[2]!, /Created at 2025-03-28 06:15:07 \| Updated at 2025-03-31 07:38:58 3 days ago$/);
  const json = JSON.parse((await runCli(['show', id, '--format', 'json', ...db])).stdout) as { images: Array<{ url: string; caption: string; credit: string }> };
  assert.deepEqual(
    json.images.map((i) => [new URL(i.url).pathname, i.caption, i.credit]),
    Object.values(figures).map((f) => [f.src, f.caption, f.credit]),
  );
});

test('show of an unknown id fails with a stable code and exit status 1', async () => {
  const r = await runCli(['show', '999999', ...db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error\[not_found\]: /);
});

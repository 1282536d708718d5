import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { runCli, tempDir } from './support/cli.js';
import { freshDatabase } from './support/stores.js';
import { bodyHtml, title } from './fixtures/gazetteArticle.js';

const FEED_KEYS = ['format', 'bozo', 'title', 'link', 'selfUrl', 'description', 'language', 'updated', 'published', 'authors', 'image', 'categories', 'generator', 'rights', 'ttl', 'items'];
const ITEM_KEYS = ['id', 'title', 'link', 'summary', 'content', 'published', 'updated', 'authors', 'categories', 'enclosures', 'media', 'comments'];
const EXTRACT_KEYS = ['url', 'title', 'byline', 'siteName', 'published', 'updated', 'lang', 'excerpt', 'html', 'text', 'leadImage', 'images'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const dir = tempDir();
const atomFile = path.join(dir, 'feed.atom');
fs.writeFileSync(
  atomFile,
  `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en" xml:base="https://news.example/world/">
  <title type="html">World &amp;amp; Region | Example News</title>
  <link rel="alternate" href="/world/"/>
  <link rel="self" href="feed.atom"/>
  <updated>2025-03-30T22:38:58+02:00</updated>
  <entry>
    <id>tag:news.example,2025:1</id>
    <title type="html">Talks resume &lt;b&gt;today&lt;/b&gt;</title>
    <link href="2025/03/talks"/>
    <published>Thu, 27 Mar 2025 21:15:07 -0400</published>
    <updated>2025-03-30T22:38:58Z</updated>
    <author><name>Ann Reporter</name><email>ann@news.example</email></author>
    <category term="Diplomacy"/>
    <summary type="html">&lt;p onclick="x()"&gt;Summary with &lt;a href="/rel"&gt;a link&lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Full <em>content</em>.</p></div></content>
    <link rel="enclosure" type="audio/mpeg" length="1234" href="https://cdn.news.example/a.mp3"/>
    <media:content url="https://img.news.example/1.jpg" medium="image"><media:description>Delegates arrive.</media:description><media:credit>AP</media:credit></media:content>
  </entry>
</feed>`,
);

let server: PublisherServer;
before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

test('parse --json prints the documented shape with UTC dates, resolved links and sanitized HTML', async () => {
  const r = await runCli(['parse', atomFile, '--url', 'https://news.example/feeds/world.atom', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const feed = JSON.parse(r.stdout);
  for (const k of FEED_KEYS) assert.ok(k in feed, `feed.${k}`);
  assert.equal(feed.format, 'atom10');
  assert.equal(feed.bozo, false);
  assert.equal(feed.title, 'World & Region | Example News');
  assert.equal(feed.link, 'https://news.example/world/');
  assert.equal(feed.selfUrl, 'https://news.example/world/feed.atom');
  assert.equal(feed.updated, '2025-03-30T20:38:58Z');
  assert.equal(feed.language, 'en');
  const [item] = feed.items;
  for (const k of ITEM_KEYS) assert.ok(k in item, `item.${k}`);
  assert.equal(item.id, 'tag:news.example,2025:1');
  assert.equal(item.title, 'Talks resume today');
  assert.equal(item.link, 'https://news.example/world/2025/03/talks');
  assert.equal(item.published, '2025-03-28T01:15:07Z');
  assert.match(item.updated, ISO);
  assert.deepEqual(item.authors, [{ name: 'Ann Reporter', email: 'ann@news.example', url: null }]);
  assert.deepEqual(item.categories, ['Diplomacy']);
  assert.equal(item.summary.includes('onclick'), false);
  assert.equal(item.summary.includes('<script'), false);
  assert.match(item.summary, /href="https:\/\/news\.example\/rel"/);
  assert.equal(item.content, '<p>Full <em>content</em>.</p>');
  assert.deepEqual(item.enclosures, [{ url: 'https://cdn.news.example/a.mp3', type: 'audio/mpeg', length: 1234 }]);
  assert.deepEqual(item.media, [{ url: 'https://img.news.example/1.jpg', type: null, medium: 'image', caption: 'Delegates arrive.', credit: 'AP' }]);
});

test('parse reads stdin, reports bozo feeds, and answers non-feeds with a JSON error and exit 1', async () => {
  const broken = '<rss version="2.0"><channel><title>Broken &nbsp; feed</title><item><title>Still read</title><link>http://x.example/1</link></item>';
  const r = await runCli(['parse', '-', '--json'], { input: broken });
  assert.equal(r.code, 0, r.stderr);
  const feed = JSON.parse(r.stdout);
  assert.equal(feed.bozo, true);
  assert.equal(typeof feed.bozoReason, 'string');
  assert.equal(feed.items[0].title, 'Still read');
  const html = await runCli(['parse', '-', '--json'], { input: '<!doctype html><html><body>hi</body></html>' });
  assert.equal(html.code, 1);
  assert.equal(JSON.parse(html.stdout).error.code, 'not_a_feed');
});

test('parse --batch answers one line per request, in order, errors included', async () => {
  const json = path.join(dir, 'feed.json');
  fs.writeFileSync(json, JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: 1, url: 'https://j.example/1', content_text: 'Hello', date_published: '2025-03-27T21:15:07+01:00' }] }));
  const input = [
    JSON.stringify({ file: atomFile, url: 'https://news.example/feeds/world.atom' }),
    JSON.stringify({ file: path.join(dir, 'missing.xml') }),
    'not json',
    JSON.stringify({ file: json, url: 'https://j.example/feed.json' }),
  ].join('\n');
  const r = await runCli(['parse', '--batch'], { input });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 4);
  assert.equal(lines[0].format, 'atom10');
  assert.equal(lines[1].error.code, 'not_found');
  assert.ok(lines[2].error);
  assert.equal(lines[3].format, 'json11');
  assert.equal(lines[3].items[0].id, '1');
  assert.equal(lines[3].items[0].published, '2025-03-27T20:15:07Z');
});

test('extract --json prints the documented shape with captions kept in the text', async () => {
  const page = path.join(dir, 'page.html');
  fs.writeFileSync(page, articlePage({ title, siteName: 'Norhaven Gazette', published: '2025-03-27T21:15:07Z', modified: '2025-03-30T22:38:58Z', bodyHtml }));
  const r = await runCli(['extract', page, '--url', 'https://gazette.example/2025/03/27/library/', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(r.stdout);
  for (const k of EXTRACT_KEYS) assert.ok(k in a, `extract.${k}`);
  assert.equal(a.title, title);
  assert.equal(a.siteName, 'Norhaven Gazette');
  assert.equal(a.published, '2025-03-27T21:15:07Z');
  assert.equal(a.updated, '2025-03-30T22:38:58Z');
  assert.equal(a.lang, 'en');
  assert.match(a.text, /The library barge moored at the fish market quay on its first day\. Kari Lund\/Norhaven Gazette\nThe reading room/);
  assert.doesNotMatch(a.text, /newsletter|Share on|Read next|All rights reserved/i);
  assert.equal(a.images.length, 4);
  assert.equal(a.images[1].url, 'https://gazette.example/img/reading-room.jpg', 'lazy image resolved from data-src');
  assert.equal(a.images[1].credit, 'AP');
  assert.doesNotMatch(a.html, /<script|onclick|class="(?!caption|credit)/);
});

test('errors print error[code] and exit 1; wrong usage exits 2', async () => {
  const db = (await freshDatabase()).args;
  server.set('/feed.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'T', link: server.url('/'), items: [] }) });
  const blocked = await runCli(['add', server.url('/feed.xml'), ...db], { env: { TIDINGS_ALLOW_PRIVATE_NETWORKS: '' } });
  assert.equal(blocked.code, 1);
  assert.match(blocked.stderr, /^error\[blocked_address\]: /);
  const usage = await runCli(['show']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^error\[usage\]/);
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  for (const c of ['serve', 'add', 'import', 'export', 'refresh', 'feeds', 'list', 'show', 'parse', 'extract']) assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
});

test('OPML round trip: import, export, import elsewhere gives the same subscriptions', async () => {
  const env = { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' };
  server.set('/', { body: '<html><head><meta property="og:site_name" content="Example &amp; Co"></head></html>' });
  for (const name of ['world', 'business']) {
    server.set(`/${name}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: `${name[0]!.toUpperCase()}${name.slice(1)} | Example & Co`, link: server.url('/'), items: [] }) });
  }
  const opml = path.join(dir, 'in.opml');
  fs.writeFileSync(
    opml,
    `<?xml version="1.0"?><opml version="1.0"><head><title>mine</title></head><body>
<outline text="News"><outline type="rss" text="World" xmlUrl="${server.url('/world.xml')}"/><outline type="rss" text="Business" xmlUrl="${server.url('/business.xml')}"/></outline>
<outline type="rss" text="Dead" xmlUrl="${server.url('/gone.xml')}"/>
</body></opml>`,
  );
  const db1 = (await freshDatabase()).args;
  const imp = await runCli(['import', opml, ...db1], { env });
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /skipped http:\S+\/gone\.xml: error\[http_error\]/);
  assert.match(imp.stderr, /imported 2 new feed\(s\), 0 already known, 1 skipped/);
  const feeds = JSON.parse((await runCli(['feeds', '--json', ...db1])).stdout) as Array<{ url: string; source: string; section: string }>;
  assert.equal(feeds.length, 2, 'an unreachable feed is reported, not stored');
  const world = feeds.find((f) => f.url.endsWith('/world.xml'))!;
  assert.equal(world.source, 'Example & Co');
  assert.equal(world.section, 'World');
  const exp = await runCli(['export', ...db1]);
  assert.equal(exp.code, 0);
  assert.match(exp.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<opml version="2.0">/);
  const exported = path.join(dir, 'out.opml');
  fs.writeFileSync(exported, exp.stdout);
  const db2 = (await freshDatabase()).args;
  assert.equal((await runCli(['import', exported, ...db2], { env })).code, 0);
  const again = JSON.parse((await runCli(['feeds', '--json', ...db2])).stdout) as Array<{ url: string }>;
  assert.deepEqual(again.map((f) => f.url).sort(), feeds.map((f) => f.url).sort());
});

test('add finds the feed a site page names in <link rel="alternate">', async () => {
  server.set('/site/', {
    body: `<html><head><meta property="og:site_name" content="Site Daily"><link rel="alternate" type="application/rss+xml" title="World" href="/site/world.rss"><link rel="alternate" type="application/atom+xml" href="/site/all.atom"></head><body></body></html>`,
  });
  server.set('/site/world.rss', { type: 'application/rss+xml', body: rssFeed({ title: 'World', link: server.url('/site/'), items: [] }) });
  server.set('/site/all.atom', { type: 'application/atom+xml', body: '<feed xmlns="http://www.w3.org/2005/Atom"><title>Everything</title></feed>' });
  const env = { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true' };
  const db = (await freshDatabase()).args;
  const ask = await runCli(['add', server.url('/site/'), ...db], { env });
  assert.equal(ask.code, 1);
  assert.match(ask.stderr, /^error\[multiple_feeds\]/);
  assert.deepEqual(ask.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), ['1', '2']);
  assert.match(ask.stdout, /World .*\/site\/world\.rss +\(rss20, 0 items\)/);
  assert.match(ask.stdout, /Everything .*\/site\/all\.atom +\(atom10, 0 items\)/);
  assert.equal(JSON.parse((await runCli(['feeds', '--json', ...db])).stdout).length, 0, 'nothing subscribed while asking');
  const r = await runCli(['add', server.url('/site/'), '--pick', '1', '--json', ...db], { env });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.url, server.url('/site/world.rss'));
  assert.equal(out.source, 'Site Daily');
  assert.equal(out.section, 'World');
  assert.deepEqual(out.alternatives.map((a: { url: string }) => a.url), [server.url('/site/all.atom')]);
  // a page that names no feed: the common paths are tried
  server.set('/blog/', { body: '<html><head><title>Blog</title></head><body>No feed links here.</body></html>' });
  server.set('/blog/feed', { status: 404, body: 'no' });
  server.set('/feed', { status: 404, body: 'no' });
  server.set('/feed.xml', { status: 404, body: 'no' });
  server.set('/rss.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Blog posts', link: server.url('/blog/'), items: [] }) });
  const common = await runCli(['add', server.url('/blog/'), '--json', ...db], { env });
  assert.equal(common.code, 0, common.stderr);
  assert.equal(JSON.parse(common.stdout).url, server.url('/rss.xml'));
  // feed links in the body count too
  server.set('/mag/', { body: `<html><body><p>Subscribe: <a href="/mag/feed.xml">RSS</a></p></body></html>` });
  server.set('/mag/feed.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Magazine', link: server.url('/mag/'), items: [] }) });
  const body = await runCli(['add', server.url('/mag/'), '--json', ...db], { env });
  assert.equal(JSON.parse(body.stdout).url, server.url('/mag/feed.xml'));
});

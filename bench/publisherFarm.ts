/**
 * The publishers of the `scale` bench, run as a process of their own (node
 * dist/bench/publisherFarm.js '<json sets>') so serving never competes with the measured
 * event loop. Each set is `feeds` generated RSS 2.0 feeds of 20 items spread round-robin
 * over ceil(feeds / feedsPerHost) servers on 127.0.0.1, one port each: the fetcher's
 * per-host politeness keys on host:port, so a port is a publisher, as a host name would be.
 * Feeds answer with ETag and Last-Modified (304 when unchanged) and gzip, as publishers do;
 * article pages are ~50 KB with figures. Prints one JSON line {sets: {name: [feed urls]}},
 * then reads commands on stdin: `change NAME FRACTION` publishes two new items in that
 * share of the set's feeds (always the same feeds) and answers {changed: n}.
 */
import http from 'node:http';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { newsWords } from './webLatency.js';

export interface FarmSet { name: string; feeds: number; feedsPerHost: number }

const ITEMS = 20;
const NEW_PER_CHANGE = 2;
const EPOCH = Date.parse('2025-06-01T00:00:00Z');

interface Feed { origin: string; path: string; version: number; body: Buffer; etag: string; lastModified: string }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Item n of a feed: the same text every time it is asked for. */
function item(feed: Feed, set: number, j: number, n: number): string {
  const { word, sentence } = newsWords(set * 1_000_003 + j * 1009 + n);
  const link = `${feed.origin}/s${set}/a/${j}/${n}`;
  const title = `${word()} ${word()} ${word()} ${word()} ${word()} ${word()}`;
  const summary = `<p>${sentence()}. ${sentence()}. ${sentence()}.</p><p>${sentence()}. ${sentence()}. ${sentence()}.</p>`;
  return `<item>
<title>${title}</title>
<link>${link}</link>
<guid isPermaLink="true">${link}</guid>
<pubDate>${new Date(EPOCH + n * 3_600_000).toUTCString()}</pubDate>
<dc:creator>${word()} ${word()}</dc:creator>
<category>${word()}</category>
<description>${esc(summary)}</description>
</item>`;
}

function render(feed: Feed, set: number, j: number): void {
  const newest = ITEMS - 1 + feed.version * NEW_PER_CHANGE;
  const items = Array.from({ length: ITEMS }, (_, k) => item(feed, set, j, newest - k));
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>Bench Publisher ${j} (section ${j % 12})</title>
<link>${feed.origin}/</link>
<description>Generated news for the scale bench</description>
<language>en</language>
${items.join('\n')}
</channel>
</rss>`;
  feed.body = zlib.gzipSync(xml);
  feed.etag = `"f${set}-${j}-v${feed.version}"`;
  feed.lastModified = new Date(EPOCH + newest * 3_600_000).toUTCString();
}

/** About 50 KB, shaped like a big publisher's: navigation, the article with three figures, related links, footer. */
function page(set: number, j: number, n: number): Buffer {
  const { word, sentence } = newsWords(set * 7919 + j * 31 + n);
  const para = () => `<p>${sentence()}. ${sentence()}. ${sentence()}. ${sentence()}.</p>`;
  const figure = (i: number) =>
    `<figure><img src="/img/${j}/${n}/${i}.jpg" width="1200" height="800" alt="${word()} ${word()}"><figcaption>${sentence()}. <span class="credit">${word()} ${word()}/Bench Gazette</span></figcaption></figure>`;
  const body = Array.from({ length: 24 }, (_, i) => (i % 8 === 2 ? figure(i) : '') + para()).join('\n');
  const nav = Array.from({ length: 60 }, (_, i) => `<li><a href="/section/${i}">${word()} ${word()}</a></li>`).join('');
  const related = Array.from({ length: 120 }, (_, i) => `<li class="teaser"><a href="/s${set}/a/${j}/${i}"><img src="/thumb/${i}.jpg" alt=""><span>${word()} ${word()} ${word()} ${word()}</span></a></li>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${word()} ${word()} | Bench Gazette</title>
<meta property="og:site_name" content="Bench Gazette"><meta property="article:published_time" content="${new Date(EPOCH + n * 3_600_000).toISOString()}">
<style>${'.c{margin:0;padding:0}'.repeat(200)}</style></head>
<body><header><nav><ul>${nav}</ul></nav><div class="share">Share Tweet Email</div></header>
<main><article><h1>${word()} ${word()} ${word()}</h1><p class="byline">By ${word()} ${word()}</p>
${body}
</article><aside><h2>Related</h2><ul>${related}</ul></aside></main>
<footer>${'<p>Bench Gazette, all rights reserved. Terms, privacy, cookies, contact, advertise.</p>'.repeat(20)}</footer></body></html>`;
  return zlib.gzipSync(html);
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, feeds: Map<string, Feed>, sets: string[]): void {
  const path = req.url ?? '/';
  const feed = feeds.get(path);
  if (feed) {
    if (req.headers['if-none-match'] === feed.etag || (!req.headers['if-none-match'] && req.headers['if-modified-since'] === feed.lastModified)) {
      res.writeHead(304, { etag: feed.etag, 'last-modified': feed.lastModified }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', 'content-encoding': 'gzip', etag: feed.etag, 'last-modified': feed.lastModified });
    res.end(feed.body);
    return;
  }
  const m = /^\/s(\d+)\/a\/(\d+)\/(\d+)$/.exec(path);
  if (m && Number(m[1]) < sets.length) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
    res.end(page(Number(m[1]), Number(m[2]), Number(m[3])));
    return;
  }
  res.writeHead(404).end();
}

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main(): Promise<void> {
  const sets = JSON.parse(process.argv[2] ?? '[]') as FarmSet[];
  const feeds = new Map<string, Feed>();
  const bySet = new Map<string, Array<{ feed: Feed; j: number }>>();
  const names = sets.map((s) => s.name);
  const handler: http.RequestListener = (req, res) => answer(req, res, feeds, names);
  const urls: Record<string, string[]> = {};
  for (const [setIndex, s] of sets.entries()) {
    const origins: string[] = [];
    for (let h = 0; h < Math.ceil(s.feeds / s.feedsPerHost); h++) origins.push(await listen(handler));
    const list: Array<{ feed: Feed; j: number }> = [];
    for (let j = 0; j < s.feeds; j++) {
      const feed: Feed = { origin: origins[j % origins.length]!, path: `/s${setIndex}/feed/${j}.xml`, version: 0, body: Buffer.alloc(0), etag: '', lastModified: '' };
      render(feed, setIndex, j);
      feeds.set(feed.path, feed);
      list.push({ feed, j });
    }
    bySet.set(s.name, list);
    urls[s.name] = list.map(({ feed }) => feed.origin + feed.path);
  }
  process.stdout.write(`${JSON.stringify({ sets: urls })}\n`);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const [command, name, fraction] = line.trim().split(/\s+/);
    if (command !== 'change') continue;
    const list = bySet.get(name ?? '') ?? [];
    const every = Math.max(1, Math.round(1 / Number(fraction)));
    let changed = 0;
    for (const { feed, j } of list) {
      if (j % every !== 0) continue;
      feed.version++;
      render(feed, names.indexOf(name!), j);
      changed++;
    }
    process.stdout.write(`${JSON.stringify({ changed })}\n`);
  }
}

await main();

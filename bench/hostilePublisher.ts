/**
 * The publishers of the hostile bench, run as a process of their own (node
 * dist/bench/hostilePublisher.js) so that serving a 10 MB page never delays the probes.
 * Each feed gets its own server (its own host:port), as 20 publishers would: per-host
 * politeness then spaces only a feed's own pages. Prints one JSON line,
 * {"hostile": [{name, url}], "clean": [...]}, and serves until it is killed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PublisherServer, type Handler, type StaticResponse } from '../test/support/publisherServer.js';
import { atom, attributePage, flood, gzipBomb, jsonFeed, nestedDivs, nestedTables, normalPage, rss, unclosedMarkupFeed } from './hostileInputs.js';

const RSS = 'application/rss+xml; charset=utf-8';

interface Case { name: string; feed: (s: PublisherServer) => StaticResponse | Handler }

let pageSeed = 0;
function pages(s: PublisherServer, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    s.set(`/a/${i}`, { body: normalPage(++pageSeed) });
    return s.url(`/a/${i}`);
  });
}

/** A feed of two ordinary articles and one hostile page. */
function hostilePage(response: StaticResponse | Handler) {
  return (s: PublisherServer) => {
    s.set('/hostile', response);
    return { body: rss('Hostile page', [s.url('/hostile'), ...pages(s, 2)]), type: RSS };
  };
}

/** Sends the start of a body, then a byte every half second, forever. */
function trickle(type: string, start: string) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': type });
    res.write(start);
    const timer = setInterval(() => res.write(' '), 500);
    res.on('close', () => clearInterval(timer));
  };
}

const rssFlood = (field: 'itemTitle' | 'description', kind: Parameters<typeof flood>[0]) => (s: PublisherServer) => ({ body: rss('Flood', pages(s, 3), { [field]: flood(kind) }), type: RSS });
const bomb = gzipBomb(100 * 1024 * 1024);

// Text floods and hostile pages in turn: the scheduler takes feeds in this order, six at a
// time, and the first six should meet both kinds.
const HOSTILE: Case[] = [
  { name: 'item titles: <script flood', feed: rssFlood('itemTitle', 'script') },
  { name: 'page: 10k nested divs', feed: hostilePage({ body: nestedDivs(10_000) }) },
  { name: 'item titles: <a flood', feed: rssFlood('itemTitle', 'anchor') },
  { name: 'page: 100k nested divs', feed: hostilePage({ body: nestedDivs(100_000) }) },
  { name: 'item titles: <!-- flood', feed: rssFlood('itemTitle', 'comment') },
  { name: 'page: 4k nested tables', feed: hostilePage({ body: nestedTables(4_000) }) },
  { name: 'summaries: <script flood', feed: rssFlood('description', 'script') },
  { name: 'page: 10 MB of attributes', feed: hostilePage({ body: attributePage(10e6) }) },
  { name: 'summaries: <a flood', feed: rssFlood('description', 'anchor') },
  { name: 'page: trickling', feed: hostilePage(trickle('text/html', '<!doctype html><html><body><p>')) },
  { name: 'summaries: <!-- flood', feed: rssFlood('description', 'comment') },
  { name: 'page: gzip bomb (100 MB)', feed: hostilePage({ body: bomb, headers: { 'content-encoding': 'gzip' } }) },
  { name: 'feed title: <script flood', feed: (s) => ({ body: rss(flood('script'), pages(s, 3)), type: RSS }) },
  { name: 'feed: trickling', feed: () => trickle(RSS, '<?xml version="1.0"?><rss version="2.0"><channel><title>') },
  { name: 'atom html titles: <a flood', feed: (s) => ({ body: atom(pages(s, 3), { title: flood('anchor') }), type: 'application/atom+xml' }) },
  { name: 'feed: gzip bomb (100 MB)', feed: () => ({ body: bomb, type: RSS, headers: { 'content-encoding': 'gzip' } }) },
  { name: 'atom html summaries: <!-- flood', feed: (s) => ({ body: atom(pages(s, 3), { summary: flood('comment') }), type: 'application/atom+xml' }) },
  { name: 'json feed title+content_html: <script', feed: (s) => ({ body: jsonFeed(pages(s, 3), flood('script')), type: 'application/feed+json' }) },
  { name: 'titles <script + summaries <!-- <a', feed: (s) => ({ body: rss('Flood', pages(s, 3), { itemTitle: flood('script'), description: flood('comment', 50_000) + flood('anchor', 50_000) }), type: RSS }) },
  { name: '1.4 MB feed of unclosed markup', feed: (s) => ({ body: unclosedMarkupFeed(pages(s, 28), 1.4e6), type: RSS }) },
];

const CLEAN: Case[] = Array.from({ length: 20 }, (_, i) => ({ name: `clean feed ${i + 1}`, feed: (s) => ({ body: rss(`Clean ${i + 1}`, pages(s, 10)), type: RSS }) }));

async function serve(cases: Case[]): Promise<Array<{ name: string; url: string }>> {
  const out = [];
  for (const c of cases) {
    const s = await new PublisherServer().start();
    s.set('/feed', c.feed(s));
    out.push({ name: c.name, url: s.url('/feed') });
  }
  return out;
}

const hostile = await serve(HOSTILE);
const clean = await serve(CLEAN);
process.stdout.write(`${JSON.stringify({ hostile, clean })}\n`);

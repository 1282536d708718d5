/**
 * What a hostile publisher sends (issue 8): markup floods in feed text fields, a large
 * feed of unclosed markup, pathologically nested or bloated article pages, a trickling
 * page and a gzip bomb. Also the clean counterpart: ordinary feeds of ordinary articles.
 * Everything is generated from fixed seeds, so every run sees the same bytes.
 */
import zlib from 'node:zlib';
import { articlePage, rssFeed } from '../test/support/publisherServer.js';
import { newsWords } from './webLatency.js';

export const FLOOD_CHARS = 100_000;
const FLOODS = { script: '<script', anchor: '<a ', comment: '<!--' } as const;
type FloodKind = keyof typeof FLOODS;

export function flood(kind: FloodKind, chars = FLOOD_CHARS): string {
  const unit = FLOODS[kind];
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
}

/** One ordinary article page: what every feed links to unless a case says otherwise. */
export function normalPage(seed: number): string {
  const { sentence } = newsWords(seed);
  const paragraphs = Array.from({ length: 8 }, () => `<p>${sentence()}. ${sentence()}. ${sentence()}.</p>`).join('\n');
  return articlePage({ title: `Report ${seed}`, siteName: 'Bench Gazette', published: '2025-03-01T10:00:00Z', bodyHtml: paragraphs });
}

export const nestedDivs = (depth: number): string => page(`${'<div>'.repeat(depth)}<p>deep text</p>${'</div>'.repeat(depth)}`);

export const nestedTables = (depth: number): string => page(`${'<table><tr><td>'.repeat(depth)}deep cell${'</td></tr></table>'.repeat(depth)}`);

/** About `bytes` of elements carrying a hundred attributes each. */
export function attributePage(bytes: number): string {
  const attrs = Array.from({ length: 100 }, (_, i) => `data-a${i}="v${i}"`).join(' ');
  const element = `<span ${attrs}>x</span>\n`;
  return page(element.repeat(Math.ceil(bytes / element.length)));
}

/** A gzip body that inflates to `inflatedBytes` of HTML-ish spaces. */
export function gzipBomb(inflatedBytes: number): Buffer {
  return zlib.gzipSync(Buffer.concat([Buffer.from('<html><body><p>'), Buffer.alloc(inflatedBytes, ' ')]), { level: 9 });
}

const page = (body: string) => `<!doctype html><html><head><title>Hostile</title></head><body>${body}</body></html>`;

/** An RSS feed whose items point at `links`, with optional floods in chosen fields. */
export function rss(title: string, links: string[], fields: { itemTitle?: string; description?: string } = {}): string {
  const items = links.map((link, i) => ({
    title: fields.itemTitle ?? `Item ${i}`,
    link,
    pubDate: new Date(Date.UTC(2025, 2, 1, 10, i)).toUTCString(),
    description: fields.description ?? `Summary ${i}`,
  }));
  return rssFeed({ title, link: new URL('/', links[0] ?? 'http://127.0.0.1/').href, items });
}

/** A 1.4 MB-class feed: every description a long run of unclosed markup, the kinds in turn. */
export function unclosedMarkupFeed(links: string[], bytes: number): string {
  const kinds = Object.keys(FLOODS) as FloodKind[];
  const per = Math.floor(bytes / links.length);
  return rssFeed({
    title: 'Unclosed',
    link: new URL('/', links[0]!).href,
    items: links.map((link, i) => ({ title: `Item ${i}`, link, description: flood(kinds[i % kinds.length]!, per) })),
  });
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Atom with HTML-typed title and summary, where a flood can sit in either. */
export function atom(links: string[], fields: { title?: string; summary?: string }): string {
  const entries = links.map(
    (link, i) => `<entry><id>${xmlEscape(link)}</id><link href="${xmlEscape(link)}"/><updated>2025-03-01T10:0${i % 10}:00Z</updated>
<title type="html">${xmlEscape(fields.title ?? `Entry ${i}`)}</title><summary type="html">${xmlEscape(fields.summary ?? `Summary ${i}`)}</summary></entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom bench</title><id>urn:bench:atom</id><updated>2025-03-01T10:00:00Z</updated>
${entries.join('\n')}</feed>`;
}

/** JSON Feed 1.1 with a flood in the item titles and in content_html. */
export function jsonFeed(links: string[], text: string): string {
  const items = links.map((url, i) => ({ id: url, url, title: text, content_html: text, date_published: `2025-03-01T10:0${i % 10}:00Z` }));
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'JSON bench', items });
}

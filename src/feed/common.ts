import type { Enclosure, Person } from '../model/feed.js';
import { sanitizeHtml } from '../html/sanitizeHtml.js';
import { readHtml, type HtmlSource, type LazyHtml, type RawHtml } from './feedItem.js';
import { parseDate } from '../text/dates.js';
import { childOfFirst, hasElementChildren, innerXml, lastChild, resolveUrl, textOf, type SourceSpan, type XNode } from './xmlTree.js';
import { cappedText, cleanText, looksLikeHtml, nonEmpty, plainText, textToHtml, unwrapCdata, type FieldKind } from './text.js';

/**
 * How an element's content is meant to be read. Atom says so in `type`; RSS elements are
 * HTML by convention; inline markup that arrives as elements is XHTML either way.
 */
export type ContentKind = 'text' | 'html' | 'xhtml';

export function contentKind(node: XNode, fallback: ContentKind): ContentKind {
  const t = (node.attrs.type ?? '').toLowerCase().trim();
  const mode = (node.attrs.mode ?? '').toLowerCase().trim();
  if (mode === 'escaped') return 'html';
  if (t === 'xhtml' || t === 'application/xhtml+xml' || mode === 'xml') return 'xhtml';
  if (t === 'html' || t === 'text/html') return 'html';
  if (t === 'text' || t === 'text/plain' || t === 'plain') return 'text';
  if (hasElementChildren(node)) return 'xhtml';
  return fallback;
}

/** Atom content that is neither text nor markup travels base64-encoded (RFC 4287 §4.1.3.3). */
function isBase64(node: XNode): boolean {
  if ((node.attrs.mode ?? '').toLowerCase() === 'base64') return true;
  const t = (node.attrs.type ?? '').toLowerCase().trim();
  return t.includes('/') && !t.startsWith('text/') && !t.endsWith('+xml') && !t.endsWith('/xml') && node.name.startsWith('atom:');
}

type SourceKind = ContentKind | 'base64';

/**
 * An element's HTML, read from the document only when an item's field is first read. One
 * small object holding positions, not the element tree: items are kept for as long as
 * the feed is, and a closure with its context cost twice the memory (and GC time).
 */
class DocumentHtml implements HtmlSource, SourceSpan {
  constructor(
    private readonly kind: SourceKind,
    readonly src: string,
    readonly start: number,
    readonly end: number,
    readonly ents: Map<string, string> | null,
    readonly utf8: boolean,
    private readonly base: string | null,
  ) {}

  read(): RawHtml | null {
    const base = this.base;
    if (this.kind === 'xhtml') return { html: innerXml(this), base };
    const text = textOf(this);
    if (this.kind === 'base64') return { html: Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'), base };
    if (this.kind === 'text') return { html: textToHtml(text), base };
    // A CDATA section the feed escaped once more: HTML parsers would drop it whole. Its
    // text is kept as the HTML it holds, so the sanitizer judges it like the rest.
    const html = text.includes('<![CDATA[') ? unwrapCdata(text, (inner) => inner) : text;
    return html.trim() ? { html, base } : null;
  }
}

/** The HTML an element carries, read and sanitized only when an item's field is first read. */
export function htmlOf(node: XNode | undefined, fallback: ContentKind, docUrl: string | null): LazyHtml {
  if (!node || node.end <= node.start) return null;
  const base = node.base ?? docUrl;
  if (isBase64(node)) return new DocumentHtml('base64', node.src, node.start, node.end, node.ents, node.utf8, base);
  const kind = contentKind(node, fallback);
  if (kind === 'xhtml') {
    // Atom 1.0 wraps XHTML content in one div that is not part of the content; text beside
    // the div is content, and then the div is too (feedparser strips it only when alone).
    const only = node.children.length === 1 ? node.children[0] : undefined;
    const target = (node.attrs.type ?? '').toLowerCase() === 'xhtml' && only?.local === 'div' && standsAlone(node, only) ? only : node;
    return new DocumentHtml(kind, target.src, target.start, target.end, null, false, base);
  }
  return new DocumentHtml(kind, node.src, node.start, node.end, node.ents, node.utf8, base);
}

/** Whether nothing but white space stands beside `node`'s only child element. */
function standsAlone(node: XNode, only: XNode): boolean {
  const src = node.src;
  const open = src.lastIndexOf('<', only.start - 1);
  const selfClosing = only.end === only.start && src.charCodeAt(only.start - 2) === 47;
  const after = selfClosing ? only.start : src.indexOf('>', only.end) + 1;
  return !src.slice(node.start, open).trim() && (after <= 0 || !src.slice(after, node.end).trim());
}

/** Sanitized HTML of an element, for channel-level fields that are read at once. */
export function sanitizedHtmlOf(node: XNode | undefined, fallback: ContentKind, docUrl: string | null): string | null {
  const raw = node ? readHtml(htmlOf(node, fallback, docUrl)) : null;
  return raw ? nonEmpty(sanitizeHtml(raw.html, raw.base)) : null;
}

/**
 * Plain text of an element that may hold markup. `guess`: plain text unless it looks like
 * HTML, as feedparser reads RSS text fields (titles, copyright) whatever their type says.
 */
export function plainOf(node: XNode | undefined, fallback: ContentKind | 'guess' = 'html', field: FieldKind = 'text'): string | null {
  if (!node) return null;
  const kind = contentKind(node, fallback === 'guess' ? 'text' : fallback);
  if (kind === 'text') {
    const raw = textOf(node);
    return fallback === 'guess' && looksLikeHtml(raw) ? plainText(raw, field) : cleanText(raw, field);
  }
  if (kind === 'xhtml') return plainText(innerXml(node), field);
  return plainText(textOf(node), field);
}

/** The first of several date elements that holds a date (or a date given as an attribute). */
export function dateOf(nodes: Array<XNode | undefined>, attrValue?: string): string | null {
  for (const n of nodes) {
    if (!n) continue;
    const d = parseDate(textOf(n));
    if (d) return d;
  }
  return attrValue ? parseDate(attrValue) : null;
}

export { lastChild } from './xmlTree.js';

/**
 * The title element as feedparser picks it: the first title-like element (`names`: title,
 * dc:title, atom:title) with text, in document order; a later one at the same level does not
 * replace it. media:title, which names the media object, stands in only when no such element
 * has text (feedparser stores it without blocking the real title).
 */
export function titleOf(node: XNode, names: readonly string[]): XNode | undefined {
  for (const c of node.children) if (names.includes(c.name) && textOf(c).trim()) return c;
  return lastChild(node, 'media:title') ?? childOfFirst(node, names);
}

// Elements that summarise an item, and elements that carry its full content, in any format:
// feedparser reads RSS, Atom and iTunes names wherever they stand.
const SUMMARY_NAMES = new Set(['description', 'dc:description', 'summary', 'atom:summary', 'itunes:summary']);
const CONTENT_NAMES = new Set(['content:encoded', 'xhtml:body', 'body', 'fullitem', 'atom:content']);

/**
 * An item's summary and content elements (reference-entry-summary). The first content element
 * (content:encoded, atom:content, xhtml:body, …), wherever it stands, is the content, and the
 * last summary-like element (description, summary, itunes:summary, …) the summary: each end
 * tag overwrites the field. Without a content element, a second summary-like element is the
 * content, as feedparser makes it: description + itunes:summary give summary and content. (Beside
 * a real content element feedparser lists such a summary as the first content when it comes
 * first; the full text wins here, or the reader would lose it.)
 */
export function summaryAndContent(item: XNode): { summary: XNode | undefined; content: XNode | undefined } {
  let content: XNode | undefined;
  let first: XNode | undefined;
  let second: XNode | undefined;
  let last: XNode | undefined;
  for (const c of item.children) {
    if (CONTENT_NAMES.has(c.name)) content ??= c;
    if (!SUMMARY_NAMES.has(c.name)) continue;
    if (!first) first = c;
    else second ??= c;
    last = c;
  }
  if (content) return { summary: last, content };
  // feedparser reads media:description as a description wherever it stands. Only where the
  // item has no summary or content of its own (YouTube's entries) does it stand in here: beside
  // a description it would make a photo caption the item's content.
  if (!first) return { summary: mediaDescriptionOf(item), content: undefined };
  // A third summary-like element overwrites the summary, not the content the second became.
  return { summary: last === second ? first : last, content: second };
}

/** The first media:description of an item, of its media:group or of its media:content, in document order. */
function mediaDescriptionOf(node: XNode): XNode | undefined {
  for (const c of node.children) {
    if (c.name === 'media:description') return c;
    const inner = c.name === 'media:group' || c.name === 'media:content' ? mediaDescriptionOf(c) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/**
 * The address attribute of a link-like element (enclosure, link, media object): feedparser
 * reads url, else uri, else href on any of them, so `<enclosure href>` and `<link url>` count.
 */
export function hrefAttr(node: XNode): string | null {
  return nonEmpty(node.attrs.url) ?? nonEmpty(node.attrs.uri) ?? nonEmpty(node.attrs.href);
}

export function urlOf(node: XNode | undefined, docUrl: string | null): string | null {
  if (!node) return null;
  const t = textOf(node).trim();
  if (!t) return null;
  return resolveUrl(t, node.base ?? docUrl);
}

/** Media types feedparser takes as a web page (its html_types, with the short names it maps to them). */
const HTML_TYPES = new Set(['text/html', 'html', 'application/xhtml+xml', 'xhtml']);

/**
 * Whether a link's type attribute names a web page: none given does, and the media type is
 * compared without its case or parameters (`TEXT/HTML; charset=utf-8` is HTML).
 */
export function isHtmlType(type: string | null | undefined): boolean {
  const mediaType = (type ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return !mediaType || HTML_TYPES.has(mediaType);
}

/** Elements that hold a comma-separated list of keywords, each a category. */
const KEYWORD_LISTS = ['itunes:keywords', 'media:keywords'];

/**
 * Categories of a channel or item, in document order: the elements named in `names`
 * (term, text or label attribute, else their text), nested itunes:category levels, the
 * Media RSS categories of a media:group (they describe the item), and comma-separated
 * itunes:keywords and media:keywords; duplicates dropped.
 */
export function categoriesOf(node: XNode, names: readonly string[]): string[] {
  const out: string[] = [];
  const add = (t: string | null) => {
    if (t && !out.includes(t)) out.push(t);
  };
  const keywords: XNode[] = [];
  const visit = (n: XNode) => {
    for (const c of n.children) {
      if (!names.includes(c.name)) continue;
      if (KEYWORD_LISTS.includes(c.name)) keywords.push(c);
      else if (c.name === 'media:group') visit(c);
      else {
        add(nonEmpty(c.attrs.term) ?? nonEmpty(c.attrs.text) ?? nonEmpty(c.attrs.label) ?? nonEmpty(plainText(textOf(c), 'category')));
        if (c.name === 'itunes:category') visit(c);
      }
    }
  };
  visit(node);
  for (const k of keywords) for (const word of textOf(k).split(',')) add(cappedText(word, 'category') || null);
  return out;
}

/**
 * An RSS item's enclosures in document order: <enclosure url> and, since feedparser reads the
 * Atom namespace anywhere, <atom:link rel="enclosure" href>.
 */
export function enclosuresOf(item: XNode, docUrl: string | null): Enclosure[] {
  const out: Enclosure[] = [];
  for (const e of item.children) {
    const isEnclosure = e.name === 'enclosure' || (e.name === 'atom:link' && (e.attrs.rel ?? '').trim().toLowerCase() === 'enclosure');
    const href = isEnclosure ? hrefAttr(e) : null;
    const url = href ? resolveUrl(href, e.base ?? docUrl) : null;
    if (!url) continue;
    const len = Number.parseInt(e.attrs.length ?? '', 10);
    out.push({ url, type: nonEmpty(e.attrs.type), length: Number.isFinite(len) ? len : null });
  }
  return out;
}

export function dedupePeople(people: Person[]): Person[] {
  const seen = new Set<string>();
  return people.filter((p) => {
    const k = `${p.name}|${p.email}|${p.url}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

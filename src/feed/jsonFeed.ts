import type { FeedFormat, ParsedFeed, ParsedItem, Person } from '../model/feed.js';
import { TidingsError } from '../model/errors.js';
import { sanitizeHtml } from '../extract/sanitizeHtml.js';
import { parseDate } from './dates.js';
import { resolveUrl } from './xmlTree.js';
import { cleanText, nonEmpty, plainText, textToHtml } from './text.js';

/** JSON Feed 1.0 and 1.1 adapted to ParsedFeed. */
export function parseJsonFeed(text: string, docUrl: string | null): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new TidingsError('not_a_feed', `invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc) || (typeof doc.version !== 'string' && !Array.isArray(doc.items))) {
    throw new TidingsError('not_a_feed', 'JSON document is not a JSON Feed');
  }
  const version = typeof doc.version === 'string' ? doc.version : '';
  const format: FeedFormat = /\/1\.1\/?$/.test(version) ? 'json11' : 'json10';
  let bozoReason: string | null = null;
  if (!/^https:\/\/jsonfeed\.org\/version\/1(\.1)?\/?$/.test(version)) bozoReason = `unknown JSON Feed version ${JSON.stringify(version)}`;
  const home = urlField(doc.home_page_url, docUrl);
  const base = home ?? docUrl;
  const items = Array.isArray(doc.items) ? doc.items.filter(isObject).map((i) => parseItem(i, base)) : [];
  if (!Array.isArray(doc.items)) bozoReason ??= 'items is missing';
  const icon = urlField(doc.icon, base) ?? urlField(doc.favicon, base);
  return {
    format,
    bozo: bozoReason !== null,
    ...(bozoReason ? { bozoReason } : {}),
    title: str(doc.title),
    link: home,
    selfUrl: urlField(doc.feed_url, docUrl),
    hubs: Array.isArray(doc.hubs) ? doc.hubs.filter(isObject).map((h) => urlField(h.url, docUrl)).filter((u): u is string => !!u) : [],
    description: str(doc.description),
    language: str(doc.language),
    updated: null,
    published: null,
    authors: people(doc, base),
    image: icon ? { url: icon, title: null, link: null } : null,
    categories: [],
    generator: null,
    rights: null,
    ttl: null,
    items,
  };
}

function parseItem(i: Record<string, unknown>, base: string | null): ParsedItem {
  const link = urlField(i.url, base) ?? urlField(i.external_url, base);
  const html = typeof i.content_html === 'string' ? nonEmpty(sanitizeHtml(i.content_html, link ?? base)) : null;
  const textHtml = typeof i.content_text === 'string' ? nonEmpty(sanitizeHtml(textToHtml(i.content_text), null)) : null;
  const summary = typeof i.summary === 'string' ? nonEmpty(sanitizeHtml(textToHtml(i.summary), null)) : null;
  const attachments = Array.isArray(i.attachments) ? i.attachments.filter(isObject) : [];
  const image = urlField(i.image, base) ?? urlField(i.banner_image, base);
  const id = i.id === undefined || i.id === null ? null : String(i.id);
  return {
    id: nonEmpty(id),
    title: str(i.title),
    link,
    summary,
    content: html ?? textHtml,
    published: typeof i.date_published === 'string' ? parseDate(i.date_published) : null,
    updated: typeof i.date_modified === 'string' ? parseDate(i.date_modified) : null,
    authors: people(i, base),
    categories: Array.isArray(i.tags) ? i.tags.filter((t): t is string => typeof t === 'string').map((t) => t.trim()).filter(Boolean) : [],
    enclosures: attachments
      .map((a) => ({ url: urlField(a.url, base), type: str(a.mime_type), length: typeof a.size_in_bytes === 'number' ? a.size_in_bytes : null }))
      .filter((a): a is { url: string; type: string | null; length: number | null } => !!a.url),
    media: image ? [{ url: image, type: null, medium: 'image', caption: null, credit: null }] : [],
    comments: null,
  };
}

function people(o: Record<string, unknown>, base: string | null): Person[] {
  const list: unknown[] = Array.isArray(o.authors) ? o.authors : o.author ? [o.author] : [];
  return list.filter(isObject).map((a) => ({ name: str(a.name), email: null, url: urlField(a.url, base) })).filter((p) => p.name || p.url);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? nonEmpty(cleanText(plainText(v))) : null;
}

function urlField(v: unknown, base: string | null): string | null {
  return typeof v === 'string' && v.trim() ? resolveUrl(v, base) : null;
}

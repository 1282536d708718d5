import type { FeedFormat, ParsedFeed, ParsedItem, Person } from '../model/feed.js';
import { TidingsError } from '../model/errors.js';
import { FeedItem } from './feedItem.js';
import { parseDate } from '../text/dates.js';
import { resolveUrl } from './xmlTree.js';
import { cappedText, nonEmpty, textToHtml, type FieldKind } from './text.js';

/** JSON Feed 1.0 and 1.1 adapted to ParsedFeed. */
export function parseJsonFeed(text: string, docUrl: string | null): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(preserveScalarIds(text.replace(/^\uFEFF/, '')));
  } catch (err) {
    throw new TidingsError('not_a_feed', `invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new TidingsError('not_a_feed', 'JSON document is not a JSON Feed object');
  const version = typeof doc.version === 'string' ? doc.version.trim() : '';
  const format: FeedFormat = /\/1\.1\/?$/.test(version) ? 'json11' : /\/1\/?$/.test(version) ? 'json10' : 'json11';
  let bozoReason: string | null = null;
  if (!/^https?:\/\/jsonfeed\.org\/version\/1(\.1)?\/?$/.test(version)) bozoReason = `unknown JSON Feed version ${JSON.stringify(version)}`;
  const home = urlField(doc.home_page_url, docUrl);
  const base = home ?? docUrl;
  // An item whose id is an object or a list is not an item anyone could refer to again.
  const items = Array.isArray(doc.items) ? doc.items.filter(isObject).filter((i) => !(typeof i.id === 'object' && i.id !== null)).map((i) => parseItem(i, base)) : [];
  const icon = urlField(doc.icon, base) ?? urlField(doc.favicon, base);
  return {
    format,
    bozo: bozoReason !== null,
    ...(bozoReason ? { bozoReason } : {}),
    title: str(doc.title, 'title'),
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
    syndication: null,
    items,
  };
}

function parseItem(i: Record<string, unknown>, base: string | null): ParsedItem {
  const link = urlField(i.url, base) ?? urlField(i.external_url, base);
  const html = typeof i.content_html === 'string' && i.content_html.trim() ? { html: i.content_html, base: link ?? base } : null;
  const textHtml = typeof i.content_text === 'string' && i.content_text.trim() ? { html: textToHtml(i.content_text), base: null } : null;
  const summary = typeof i.summary === 'string' && i.summary.trim() ? { html: textToHtml(i.summary), base: null } : null;
  const attachments = Array.isArray(i.attachments) ? i.attachments.filter(isObject) : [];
  const image = urlField(i.image, base) ?? urlField(i.banner_image, base);
  const id = i.id === undefined ? null : typeof i.id === 'string' ? i.id : i.id === null ? 'null' : String(i.id);
  return new FeedItem({
    id: nonEmpty(id),
    title: str(i.title, 'title'),
    link: link ?? (typeof i.url === 'string' ? '' : null),
    summary,
    content: html ?? textHtml,
    published: typeof i.date_published === 'string' ? parseDate(i.date_published) : null,
    updated: typeof i.date_modified === 'string' ? parseDate(i.date_modified) : null,
    authors: people(i, base),
    categories: Array.isArray(i.tags) ? i.tags.filter((t): t is string => typeof t === 'string').map((t) => cappedText(t, 'category')).filter(Boolean) : [],
    enclosures: attachments
      .map((a) => ({ url: urlField(a.url, base), type: str(a.mime_type), length: typeof a.size_in_bytes === 'number' ? a.size_in_bytes : null }))
      .filter((a): a is { url: string; type: string | null; length: number | null } => !!a.url),
    media: image ? [{ url: image, type: null, medium: 'image', caption: null, credit: null }] : [],
    comments: null,
  });
}

function people(o: Record<string, unknown>, base: string | null): Person[] {
  const list: unknown[] = Array.isArray(o.authors) ? o.authors : o.author ? [o.author] : [];
  return list
    .filter(isObject)
    .map((a) => {
      const url = urlField(a.url, base);
      const email = url?.startsWith('mailto:') ? decodeURIComponent(url.slice(7).split('?')[0]!) || null : null;
      return { name: nonEmpty(str(a.name, 'name')), email, url };
    })
    .filter((p) => p.name || p.url);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON Feed text fields are plain text: trimmed and capped, never read as markup. */
function str(v: unknown, kind: FieldKind = 'text'): string | null {
  return typeof v === 'string' ? cappedText(v, kind) : null;
}

/**
 * Item ids are strings, but publishers send numbers, booleans, null and even NaN. JSON.parse
 * would lose how a number was written (200.0 vs 200) and refuses NaN, so scalar ids are
 * turned into their written form before parsing.
 */
function preserveScalarIds(text: string): string {
  // regex-safe: the alternatives inside the string pattern cannot overlap ([^"\\] or an escape)
  return text.replace(/("id"\s*:\s*)(-?(?:NaN|Infinity)|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false)|"(?:[^"\\]|\\.)*"|\b(-?(?:NaN|Infinity))\b/g, (m, key?: string, value?: string, bare?: string) => {
    if (bare) return 'null';
    if (key === undefined || value === undefined) return m;
    return `${key}${JSON.stringify(pythonScalar(value))}`;
  });
}

function pythonScalar(token: string): string {
  if (/^-?(?:NaN|Infinity)$/.test(token) || token === 'true' || token === 'false') return token;
  if (/[.eE]/.test(token)) {
    const n = Number(token);
    if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
    return String(n).replace(/e([+-])(\d)$/, 'e$1$2');
  }
  return token;
}

function urlField(v: unknown, base: string | null): string | null {
  return typeof v === 'string' && v.trim() ? resolveUrl(v, base) : null;
}

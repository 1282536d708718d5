import type { Enclosure, Person } from '../model/feed.js';
import { sanitizeHtml } from '../extract/sanitizeHtml.js';
import { parseDate } from './dates.js';
import { children, hasElementChildren, innerXml, resolveUrl, textOf, type XNode } from './xmlTree.js';
import { cleanText, nonEmpty, plainText, textToHtml } from './text.js';

/**
 * How an element's content is meant to be read. Atom says so in `type`; RSS elements are
 * HTML by convention; inline markup that arrives as elements is XHTML either way.
 */
export type ContentKind = 'text' | 'html' | 'xhtml';

export function contentKind(node: XNode, fallback: ContentKind): ContentKind {
  const t = (node.attrs.type ?? node.attrs.mode ?? '').toLowerCase().trim();
  if (t === 'xhtml' || t === 'application/xhtml+xml' || t === 'xml') return 'xhtml';
  if (t === 'html' || t === 'text/html' || t === 'escaped') return 'html';
  if (t === 'text' || t === 'text/plain') return 'text';
  if (hasElementChildren(node)) return 'xhtml';
  return fallback;
}

/** Sanitized HTML of an element. */
export function htmlOf(node: XNode | undefined, fallback: ContentKind, docUrl: string | null): string | null {
  if (!node) return null;
  const kind = contentKind(node, fallback);
  const base = node.base ?? docUrl;
  let raw: string;
  if (kind === 'xhtml') {
    const div = node.children.find((c): c is XNode => typeof c !== 'string' && c.local === 'div');
    const onlyDiv = div && node.children.every((c) => c === div || (typeof c === 'string' && !c.trim()));
    raw = innerXml(onlyDiv ? div : node);
  } else if (kind === 'text') {
    raw = textToHtml(textOf(node));
  } else raw = textOf(node);
  const html = sanitizeHtml(raw, base);
  return nonEmpty(html);
}

/** Plain text of an element that may hold markup. */
export function plainOf(node: XNode | undefined, fallback: ContentKind = 'html'): string | null {
  if (!node) return null;
  const kind = contentKind(node, fallback);
  if (kind === 'text') return cleanText(textOf(node));
  if (kind === 'xhtml') return plainText(innerXml(node));
  return plainText(textOf(node));
}

export function dateOf(nodes: Array<XNode | undefined>): string | null {
  for (const n of nodes) {
    if (!n) continue;
    const d = parseDate(textOf(n));
    if (d) return d;
  }
  return null;
}

export function urlOf(node: XNode | undefined, docUrl: string | null): string | null {
  if (!node) return null;
  const t = textOf(node).trim();
  if (!t) return null;
  return resolveUrl(t, node.base ?? docUrl);
}

export function categoriesOf(nodes: XNode[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    const term = nonEmpty(n.attrs.term) ?? nonEmpty(n.attrs.label) ?? nonEmpty(plainText(textOf(n)));
    if (term && !out.includes(term)) out.push(term);
  }
  return out;
}

export function enclosuresOf(item: XNode, docUrl: string | null): Enclosure[] {
  const out: Enclosure[] = [];
  for (const e of children(item, 'enclosure')) {
    const url = resolveUrl(e.attrs.url, e.base ?? docUrl);
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

import { parseXml, type XNode } from './xmlTree.js';
import { escapeAttr } from '../html/escape.js';
import { TidingsError } from '../model/errors.js';

/** OPML 1.0/2.0 subscription lists, in and out. Folders (nested outlines) become categories. */
export interface OpmlOutline {
  url: string;
  title: string | null;
  siteUrl: string | null;
  category: string | null;
}

/** An outline that names no feed address and holds no outlines (so it is no folder either). */
export interface UnusableOutline {
  title: string | null;
  why: string;
}

/**
 * The feeds of an OPML document. A document that is not well-formed OPML throws
 * `invalid_opml` (never a partial import); outlines with no feed address are handed to
 * `onUnusable`, so the import can say what it skipped.
 */
export function parseOpml(text: string, onUnusable?: (o: UnusableOutline) => void): OpmlOutline[] {
  const doc = parseXml(text, null);
  if (!doc.root || doc.root.local.toLowerCase() !== 'opml') throw new TidingsError('invalid_opml', 'not an OPML document (its root element must be <opml>)');
  if (doc.bozo) throw new TidingsError('invalid_opml', `the OPML document is not well-formed: ${doc.bozoReason ?? 'broken XML'}`);
  const body = doc.root.children.find((c) => c.local === 'body');
  if (!body) throw new TidingsError('invalid_opml', 'the OPML document has no <body>');
  const out: OpmlOutline[] = [];
  const walk = (node: XNode, category: string | null) => {
    for (const c of node.children) {
      if (c.local !== 'outline') continue;
      const url = c.attrs.xmlUrl ?? c.attrs.xmlurl ?? c.attrs.url;
      const title = (c.attrs.title ?? c.attrs.text ?? '').trim() || null;
      // Every address is kept, whatever its scheme: the importer checks each and reports what it skips.
      if (url?.trim()) out.push({ url: url.trim(), title, siteUrl: c.attrs.htmlUrl?.trim() || null, category });
      else if (!c.children.some((k) => k.local === 'outline')) onUnusable?.({ title, why: 'the outline names no feed address (xmlUrl)' });
      walk(c, url ? category : title ?? category);
    }
  };
  walk(body, null);
  return out;
}

export function renderOpml(feeds: Array<{ url: string; title: string | null; siteUrl: string | null; category?: string | null }>, title = 'Tidings subscriptions', now = new Date()): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeAttr(title)}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
  ];
  const byCategory = new Map<string, typeof feeds>();
  for (const f of feeds) {
    const k = f.category ?? '';
    byCategory.set(k, [...(byCategory.get(k) ?? []), f]);
  }
  const outline = (f: (typeof feeds)[number], indent: string) => {
    const t = escapeAttr(f.title ?? f.url);
    return `${indent}<outline type="rss" text="${t}" title="${t}" xmlUrl="${escapeAttr(f.url)}"${f.siteUrl ? ` htmlUrl="${escapeAttr(f.siteUrl)}"` : ''}/>`;
  };
  for (const [category, list] of byCategory) {
    if (!category) for (const f of list) lines.push(outline(f, '    '));
    else {
      lines.push(`    <outline text="${escapeAttr(category)}" title="${escapeAttr(category)}">`);
      for (const f of list) lines.push(outline(f, '      '));
      lines.push('    </outline>');
    }
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

import type { MediaObject, Person } from '../model/feed.js';
import { child, resolveUrl, textOf, type XNode } from './xmlTree.js';
import { cleanText, nonEmpty, plainText } from './text.js';

/**
 * Namespaced extensions that RSS and Atom items share: Dublin Core, Media RSS (with
 * captions and credits, which Tidings shows under images), iTunes authors.
 */
export function mediaObjects(item: XNode): MediaObject[] {
  const out: MediaObject[] = [];
  const seen = new Set<string>();
  const itemLevel = { caption: mediaText(item, 'media:description') ?? mediaText(item, 'media:title'), credit: mediaText(item, 'media:credit') };
  const visit = (node: XNode, inherited: { caption: string | null; credit: string | null }) => {
    for (const c of node.children) {
      if (c.name === 'media:group') {
        visit(c, {
          caption: mediaText(c, 'media:description') ?? mediaText(c, 'media:title') ?? inherited.caption,
          credit: mediaText(c, 'media:credit') ?? inherited.credit,
        });
      } else if (c.name === 'media:content' || c.name === 'media:thumbnail') {
        const url = resolveUrl(c.attrs.url, c.base);
        if (!url || seen.has(url)) continue;
        seen.add(url);
        const type = nonEmpty(c.attrs.type);
        const medium = nonEmpty(c.attrs.medium) ?? (c.name === 'media:thumbnail' || type?.startsWith('image/') ? 'image' : null);
        out.push({
          url,
          type,
          medium,
          caption: mediaText(c, 'media:description') ?? mediaText(c, 'media:title') ?? inherited.caption,
          credit: mediaText(c, 'media:credit') ?? inherited.credit,
        });
      }
    }
  };
  visit(item, itemLevel);
  return out;
}

function mediaText(node: XNode, name: string): string | null {
  const n = child(node, name);
  if (!n) return null;
  return nonEmpty(n.attrs.type === 'html' || name === 'media:description' ? plainText(textOf(n)) : cleanText(textOf(n)));
}

/** "John Doe (john@example.com)", "john@example.com (John Doe)", "John Doe <john@example.com>". */
export function parsePerson(raw: string | null | undefined): Person | null {
  const s = cleanText(raw, 'name');
  if (!s) return null;
  let m = /^([^\s@()<>]+@[^\s@()<>]+)\s*\((.+)\)$/.exec(s);
  if (m) return { name: m[2]!.trim(), email: m[1]!, url: null };
  m = /^(.+?)\s*[(<]([^\s@()<>]+@[^\s@()<>]+)[)>]$/.exec(s);
  if (m) return { name: m[1]!.trim(), email: m[2]!, url: null };
  if (isBareEmail(s)) return { name: null, email: s, url: null };
  return { name: s, email: null, url: null };
}

/**
 * "local@domain.tld": one "@", no white space, a dot inside the domain. Written out because
 * the pattern /^[^\s@]+@[^\s@]+\.[^\s@]+$/ backtracks over every dot (quadratic time).
 */
function isBareEmail(s: string): boolean {
  const at = s.indexOf('@');
  if (at <= 0 || s.indexOf('@', at + 1) >= 0 || /\s/.test(s)) return false;
  const dot = s.indexOf('.', at + 2);
  return dot > 0 && dot < s.length - 1;
}

/** Text of a person element: "Name <email>" must not lose its address to tag stripping. */
export function personText(node: XNode): string | null {
  const raw = textOf(node);
  return raw.includes('<') && /<[^\s<>@]+@[^\s<>]+>/.test(raw) ? cleanText(raw, 'name') : plainText(raw, 'name');
}

const CREATOR_NAMES = ['dc:creator', 'dc:author', 'itunes:author'];

export function dcCreators(item: XNode): Person[] {
  const out: Person[] = [];
  for (const c of item.children) {
    if (!CREATOR_NAMES.includes(c.name)) continue;
    const p = parsePerson(personText(c));
    if (p) out.push(p);
  }
  return out;
}

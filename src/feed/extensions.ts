import type { MediaObject, Person } from '../model/feed.js';
import { child, children, resolveUrl, textOf, type XNode } from './xmlTree.js';
import { urlOf } from './common.js';
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
        // A thumbnail may give its URL as text instead of the url attribute (feedparser reads both).
        const url = resolveUrl(c.attrs.url ?? (c.name === 'media:thumbnail' ? nonEmpty(textOf(c)) : null), c.base);
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
  // An episode's own artwork (itunes:image inside the item; feedparser keeps it on the entry,
  // never as the feed's image) is an image of the item, after its Media RSS objects.
  const art = lastItunesImage(item);
  const artUrl = art ? resolveUrl(itunesImageAddress(art), art.base) : null;
  if (artUrl && !seen.has(artUrl)) out.push({ url: artUrl, type: null, medium: 'image', caption: null, credit: null });
  return out;
}

/**
 * The last itunes:image (or itunes:link rel="image") of a channel or item with an address:
 * each replaces the one before.
 */
export function lastItunesImage(node: XNode): XNode | undefined {
  const list = node.children;
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i]!;
    const isImage = c.name === 'itunes:image' || (c.name === 'itunes:link' && (c.attrs.rel ?? '').toLowerCase() === 'image');
    if (isImage && itunesImageAddress(c)) return c;
  }
  return undefined;
}

/** Only the href or url attribute gives the address (the text is none), as feedparser reads it. */
export function itunesImageAddress(n: XNode): string | null {
  return nonEmpty(n.attrs.href) ?? nonEmpty(n.attrs.url);
}

function mediaText(node: XNode, name: string): string | null {
  const n = child(node, name);
  if (!n) return null;
  return nonEmpty(n.attrs.type === 'html' || name === 'media:description' ? plainText(textOf(n)) : cleanText(textOf(n)));
}

/**
 * A person written as one string. As feedparser documents for author strings, the e-mail
 * address is found wherever it stands ("John Doe (john@example.com)", "john@example.com
 * (John Doe)", "John Doe <john@example.com>", "john@example.com John Doe", a "mailto:"
 * before it) and the name is what is left once the address and its brackets are gone.
 */
export function parsePerson(raw: string | null | undefined): Person | null {
  const s = cleanText(raw, 'name');
  if (!s) return null;
  const span = emailSpan(s);
  if (!span) return { name: s, email: null, url: null };
  const email = s.slice(span[0], span[1]);
  let before = s.slice(0, span[0]);
  if (before.toLowerCase().endsWith('mailto:')) before = before.slice(0, -'mailto:'.length);
  let name = (before + s.slice(span[1])).replace('()', '').replace('<>', '').trim();
  if (name.startsWith('(') || name.startsWith('<')) name = name.slice(1);
  if (name.endsWith(')') || name.endsWith('>')) name = name.slice(0, -1);
  // What is left may be only punctuation ("ann@x.example."): no name.
  return { name: /[\p{L}\p{N}]/u.test(name) ? name.trim() : null, email, url: null };
}

/** ASCII letter, digit, "." or "-": what a domain name is made of. */
function isDomainCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

/** A domain character, "_" or "+": what the local part of an address is made of here. */
function isLocalCode(c: number): boolean {
  return isDomainCode(c) || c === 95 || c === 43;
}

/**
 * Where the first e-mail address in s starts and ends: "local@domain.tld" with a dot inside
 * the domain. A forward scan: the pattern /[^\s@]+@[^\s@]+\.[^\s@]+/ would backtrack over
 * every dot (quadratic time).
 */
function emailSpan(s: string): [number, number] | null {
  for (let at = s.indexOf('@'); at > 0; at = s.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && isLocalCode(s.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < s.length && isDomainCode(s.charCodeAt(end))) end++;
    while (end > at + 1 && (s[end - 1] === '.' || s[end - 1] === '-')) end--; // a sentence's full stop
    const dot = s.indexOf('.', at + 2);
    if (start < at && dot > 0 && dot < end - 1) return [start, end];
  }
  return null;
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

/**
 * Atom's person constructs (atom:author: name, email, uri; Atom 0.3's url and homepage),
 * in Atom feeds and, since feedparser reads the Atom namespace anywhere, inside RSS.
 */
export function atomPeople(node: XNode, docUrl: string | null): Person[] {
  const people: Person[] = [];
  for (const p of children(node, 'atom:author')) {
    const name = nonEmpty(cleanText(textOf(child(p, 'atom:name')), 'name'));
    const email = nonEmpty(cleanText(textOf(child(p, 'atom:email')), 'name'));
    const url = urlOf(child(p, 'atom:uri') ?? child(p, 'atom:url') ?? child(p, 'atom:homepage'), p.base ?? docUrl);
    if (name || email || url) people.push({ name, email, url });
    else {
      const raw = parsePerson(textOf(p));
      if (raw) people.push(raw);
    }
  }
  return people;
}

import type { Enclosure, FeedFormat, ParsedFeed, ParsedItem, Person } from '../model/feed.js';
import { FeedItem } from './feedItem.js';
import { atomPeople, dcCreators, mediaObjects } from './extensions.js';
import { hrefAttr, isHtmlType, categoriesOf, dateOf, dedupePeople, htmlOf, lastChild, plainOf, summaryAndContent, titleOf, urlOf, type ContentKind } from './common.js';
import { child, children, childOfFirst, resolveUrl, textOf, type XNode } from './xmlTree.js';
import { cleanText, languageTag, nonEmpty } from './text.js';

/** Atom 1.0 and 0.3 adapted to ParsedFeed. Element names are `atom:*` whatever the prefix. */
export function parseAtomFeed(root: XNode, format: FeedFormat, docUrl: string | null): Omit<ParsedFeed, 'bozo' | 'bozoReason' | 'items'> {
  const a = (n: string) => `atom:${n}`;
  const links = linksOf(root, docUrl);
  const alternate = alternateOf(links);
  const icon = urlOf(child(root, a('logo')), docUrl) ?? urlOf(child(root, a('icon')), docUrl);
  const generatorNode = child(root, a('generator'));
  return {
    format,
    title: plainOf(titleOf(root, ATOM_TITLE), 'text', 'title'),
    link: alternate?.href ?? null,
    selfUrl: links.find((l) => l.rel === 'self')?.href ?? null,
    hubs: links.filter((l) => l.rel === 'hub').map((l) => l.href),
    description: plainOf(childOfFirst(root, [a('subtitle'), a('tagline')]), 'text'),
    language: languageTag(root.lang) ?? languageTag(textOf(child(root, 'dc:language'))),
    updated: dateOf([lastChild(root, a('updated')), lastChild(root, a('modified')), lastChild(root, 'dc:date')]),
    published: dateOf([lastChild(root, a('published')), lastChild(root, a('issued'))]),
    authors: peopleOf(root, docUrl),
    image: icon ? { url: icon, title: null, link: null } : null,
    categories: categoriesOf(root, ['atom:category', 'dc:subject']),
    generator: generatorNode ? nonEmpty(cleanText(textOf(generatorNode))) ?? nonEmpty(generatorNode.attrs.uri ?? generatorNode.attrs.url ?? null) : null,
    rights: plainOf(childOfFirst(root, [a('rights'), a('copyright'), 'dc:rights']), 'text'),
    ttl: null,
    syndication: null,
  };
}

interface AtomLink { rel: string; href: string; type: string | null; length: number | null }

/**
 * The page a feed or entry stands for: its alternate HTML link, the last one when there
 * are several (feedparser sets the link at each one, RFC 4287 lets them differ only by
 * type and hreflang); else an alternate link of another type.
 */
function alternateOf(links: AtomLink[]): AtomLink | undefined {
  return links.findLast((l) => l.rel === 'alternate' && isHtmlType(l.type)) ?? links.find((l) => l.rel === 'alternate');
}

function linksOf(node: XNode, docUrl: string | null): AtomLink[] {
  const out: AtomLink[] = [];
  for (const l of children(node, 'atom:link')) {
    // A link without href is no link (never the document itself, as '' would resolve to).
    const raw = hrefAttr(l) ?? nonEmpty(textOf(l));
    const href = raw ? resolveUrl(raw, l.base ?? docUrl) : null;
    if (!href) continue;
    const len = Number.parseInt(l.attrs.length ?? '', 10);
    out.push({ rel: (l.attrs.rel ?? 'alternate').trim().toLowerCase(), href, type: nonEmpty(l.attrs.type ?? null), length: Number.isFinite(len) ? len : null });
  }
  return out;
}

function peopleOf(node: XNode, docUrl: string | null): Person[] {
  return dedupePeople([...atomPeople(node, docUrl), ...dcCreators(node)]);
}

export function parseEntry(entry: XNode, docUrl: string | null, format: FeedFormat): ParsedItem {
  const a = (n: string) => `atom:${n}`;
  const links = linksOf(entry, docUrl);
  const alternate = alternateOf(links);
  const enclosures: Enclosure[] = links.filter((l) => l.rel === 'enclosure').map((l) => ({ url: l.href, type: l.type, length: l.length }));
  const textDefault = format === 'atom03' ? 'text' : 'text';
  const published = dateOf([lastChild(entry, a('published')), lastChild(entry, a('issued')), lastChild(entry, a('created')), lastChild(entry, 'dc:date')]);
  const updated = dateOf([lastChild(entry, a('updated')), lastChild(entry, a('modified')), lastChild(entry, 'dc:date')]);
  const { summary, content } = summaryAndContent(entry);
  return new FeedItem({
    id: nonEmpty(textOf(lastChild(entry, a('id')))),
    title: plainOf(titleOf(entry, ATOM_TITLE), textDefault, 'title'),
    link: alternate?.href ?? links.find((l) => l.rel !== 'self' && l.rel !== 'enclosure' && l.rel !== 'replies')?.href ?? null,
    summary: htmlOf(summary, kindDefault(summary, textDefault), docUrl),
    content: htmlOf(content, kindDefault(content, textDefault), docUrl),
    published,
    updated,
    authors: peopleOf(entry, docUrl),
    categories: categoriesOf(entry, ['atom:category', 'dc:subject', 'media:category', 'media:group', 'media:keywords']),
    enclosures,
    media: mediaObjects(entry),
    comments: links.find((l) => l.rel === 'replies' && isHtmlType(l.type))?.href ?? null,
  });
}

/** Atom text constructs and media:description are text unless typed; other namespaces' elements (content:encoded) are HTML. */
function kindDefault(node: XNode | undefined, atomDefault: ContentKind): ContentKind {
  return node && !node.name.startsWith('atom:') && node.name !== 'media:description' ? 'html' : atomDefault;
}

const ATOM_TITLE = ['atom:title', 'dc:title'];

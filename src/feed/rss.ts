import type { FeedFormat, ParsedFeed, ParsedItem, Person } from '../model/feed.js';
import { dcCreators, mediaObjects, parsePerson } from './extensions.js';
import { categoriesOf, dateOf, dedupePeople, enclosuresOf, htmlOf, plainOf, urlOf } from './common.js';
import { child, children, firstChild, resolveUrl, textOf, type XNode } from './xmlTree.js';
import { cleanText, nonEmpty, plainText } from './text.js';

/** RSS 0.9x, 2.0 and RSS 1.0 / 0.90 (RDF) adapted to ParsedFeed. */
export function parseRss(root: XNode, format: FeedFormat, docUrl: string | null): Omit<ParsedFeed, 'bozo' | 'bozoReason'> {
  const channel = root.local === 'channel' ? root : child(root, 'channel') ?? root;
  // In RDF flavours items and image are siblings of the channel; in 2.0 they are inside it.
  const itemNodes = children(channel, 'item');
  if (channel !== root) itemNodes.push(...children(root, 'item'));
  const imageNode = child(channel, 'image') ?? child(root, 'image');
  const link = urlOf(child(channel, 'link'), docUrl) ?? atomLink(channel, 'alternate', docUrl);
  const itemBase = link ?? docUrl;

  const authors: Person[] = dedupePeople(
    [
      ...children(channel, 'managingEditor').map((n) => parsePerson(plainText(textOf(n)))),
      ...dcCreators(channel),
      ...children(channel, 'atom:author').map((n) => parsePerson(plainText(textOf(child(n, 'atom:name')) || textOf(n)))),
    ].filter((p): p is Person => p !== null),
  );
  const ttl = Number.parseInt(textOf(child(channel, 'ttl')).trim(), 10);

  return {
    format,
    title: plainOf(firstChild(channel, ['title', 'dc:title'])),
    link,
    selfUrl: atomLink(channel, 'self', docUrl),
    hubs: atomLinks(channel, 'hub', docUrl),
    description: plainOf(firstChild(channel, ['description', 'dc:description', 'itunes:summary', 'itunes:subtitle'])),
    language: nonEmpty(cleanText(textOf(firstChild(channel, ['language', 'dc:language'])))),
    updated: dateOf([child(channel, 'lastBuildDate'), child(channel, 'dc:date'), child(channel, 'dcterms:modified'), child(channel, 'atom:updated'), child(channel, 'pubDate')]),
    published: dateOf([child(channel, 'pubDate'), child(channel, 'dc:date'), child(channel, 'dcterms:issued')]),
    authors,
    image: imageNode
      ? (() => {
          const url = urlOf(child(imageNode, 'url'), docUrl) ?? resolveUrl(imageNode.attrs['rdf:resource'], docUrl);
          return url ? { url, title: plainOf(child(imageNode, 'title')), link: urlOf(child(imageNode, 'link'), docUrl) } : null;
        })()
      : itunesImage(channel, docUrl),
    categories: categoriesOf([...children(channel, 'category'), ...children(channel, 'dc:subject'), ...children(channel, 'itunes:category')]),
    generator: nonEmpty(plainOf(child(channel, 'generator'))) ?? nonEmpty(child(channel, 'admin:generatorAgent')?.attrs['rdf:resource'] ?? null),
    rights: plainOf(firstChild(channel, ['copyright', 'dc:rights', 'dcterms:rights'])),
    ttl: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    items: itemNodes.map((n) => parseRssItem(n, itemBase)),
  };
}

function itunesImage(channel: XNode, docUrl: string | null): ParsedFeed['image'] {
  const n = child(channel, 'itunes:image');
  const url = n ? resolveUrl(n.attrs.href ?? textOf(n), docUrl) : null;
  return url ? { url, title: null, link: null } : null;
}

function atomLinks(node: XNode, rel: string, docUrl: string | null): string[] {
  return children(node, 'atom:link')
    .filter((l) => (l.attrs.rel ?? 'alternate').toLowerCase() === rel)
    .map((l) => resolveUrl(l.attrs.href, l.base ?? docUrl))
    .filter((u): u is string => !!u);
}

function atomLink(node: XNode, rel: string, docUrl: string | null): string | null {
  return atomLinks(node, rel, docUrl)[0] ?? null;
}

function parseRssItem(item: XNode, docUrl: string | null): ParsedItem {
  const guidNode = child(item, 'guid');
  const guid = nonEmpty(textOf(guidNode)) ?? nonEmpty(item.attrs['rdf:about'] ?? null);
  const permalink = guidNode && (guidNode.attrs.isPermaLink ?? 'true').toLowerCase() !== 'false' && guid && /^https?:\/\//i.test(guid) ? guid : null;
  const link = urlOf(child(item, 'link'), docUrl) ?? atomLink(item, 'alternate', docUrl) ?? (permalink ? resolveUrl(permalink, docUrl) : null);
  const description = firstChild(item, ['description', 'dc:description', 'itunes:summary']);
  const content = child(item, 'content:encoded') ?? child(item, 'xhtml:body') ?? child(item, 'atom:content');
  const authors = dedupePeople(
    [...children(item, 'author').map((n) => parsePerson(plainText(textOf(n)))), ...dcCreators(item)].filter((p): p is Person => p !== null),
  );
  return {
    id: guid,
    title: plainOf(firstChild(item, ['title', 'dc:title'])),
    link,
    summary: htmlOf(description, 'html', docUrl),
    content: htmlOf(content, 'html', docUrl),
    published: dateOf([child(item, 'pubDate'), child(item, 'dc:date'), child(item, 'dcterms:issued'), child(item, 'dcterms:created'), child(item, 'atom:published')]),
    updated: dateOf([child(item, 'atom:updated'), child(item, 'dcterms:modified'), child(item, 'dc:date'), child(item, 'pubDate')]),
    authors,
    categories: categoriesOf([...children(item, 'category'), ...children(item, 'dc:subject')]),
    enclosures: enclosuresOf(item, docUrl),
    media: mediaObjects(item),
    comments: urlOf(child(item, 'comments'), docUrl),
  };
}

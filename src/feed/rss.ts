import type { FeedFormat, ParsedFeed, ParsedItem, Person } from '../model/feed.js';
import { FeedItem } from './feedItem.js';
import { atomPeople, dcCreators, itunesImageAddress, lastItunesImage, mediaObjects, parsePerson, personText } from './extensions.js';
import { hrefAttr, isHtmlType, categoriesOf, dateOf, dedupePeople, enclosuresOf, htmlOf, lastChild, plainOf, summaryAndContent, titleOf, urlOf } from './common.js';
import { child, children, childOfFirst, resolveUrl, textOf, type XNode } from './xmlTree.js';
import { languageTag, nonEmpty } from './text.js';

type ChannelPart = Omit<ParsedFeed, 'bozo' | 'bozoReason' | 'items'>;

/**
 * RSS 0.9x, 2.0, RSS 1.0 / 0.90 (RDF) channel metadata adapted to ParsedFeed. Items are
 * adapted one by one as the parser streams them (parseRssItem).
 */
export function parseRssChannel(root: XNode, format: FeedFormat, docUrl: string | null): ChannelPart {
  const channel = root.name === 'channel' ? root : child(root, 'channel') ?? root;
  if (channel === root && isCdf(channel)) return parseCdfChannel(channel, format, docUrl);
  // RSS 1.0 names its image in the channel (rdf:resource) and describes it beside the channel.
  const imageNode = [child(channel, 'image'), child(root, 'image')].find((n) => n && n.children.length) ?? child(channel, 'image');
  const link = pageLinkOf(channel, docUrl);
  // webMaster names the publisher (feedparser's feed.publisher), not an author.
  const authors: Person[] = dedupePeople(
    [
      ...children(channel, 'managingeditor').map((n) => parsePerson(personText(n))),
      ...children(channel, 'author').map((n) => parsePerson(personText(n))),
      ...dcCreators(channel),
      ...atomPeople(channel, docUrl),
    ].filter((p): p is Person => p !== null),
  );
  const ttl = Number.parseInt(textOf(lastChild(channel, 'ttl')).trim(), 10);
  return {
    format,
    title: plainOf(titleOf(channel, TITLE_NAMES), 'guess', 'title'),
    link,
    selfUrl: atomLink(channel, 'self', docUrl),
    hubs: atomLinks(channel, 'hub', docUrl),
    description: plainOf(childOfFirst(channel, ['description', 'dc:description', 'atom:subtitle', 'itunes:subtitle', 'itunes:summary'])),
    // The language element, else the xml:lang of the document element (as feedparser reads it).
    language: languageTag(textOf(childOfFirst(channel, ['language', 'dc:language']))) ?? languageTag(root.lang),
    updated: dateOf([lastChild(channel, 'lastbuilddate'), lastChild(channel, 'dc:date'), lastChild(channel, 'dcterms:modified'), lastChild(channel, 'atom:updated'), lastChild(channel, 'pubdate')]),
    published: dateOf([lastChild(channel, 'pubdate'), lastChild(channel, 'dc:date'), lastChild(channel, 'dcterms:issued')]),
    authors,
    image: channelImage(imageNode, channel, docUrl),
    categories: categoriesOf(channel, CATEGORY_NAMES),
    generator: nonEmpty(plainOf(child(channel, 'generator'))) ?? nonEmpty(child(channel, 'admin:generatoragent')?.attrs['rdf:resource'] ?? null),
    rights: plainOf(childOfFirst(channel, ['copyright', 'dc:rights', 'dcterms:rights', 'atom:rights']), 'guess'),
    ttl: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    syndication: syndicationOf(channel),
  };
}

function imageOf(imageNode: XNode | undefined, docUrl: string | null): ParsedFeed['image'] {
  if (!imageNode) return null;
  const url = urlOf(child(imageNode, 'url'), docUrl) ?? resolveUrl(imageNode.attrs['rdf:resource'], imageNode.base ?? docUrl);
  return url ? { url, title: plainOf(child(imageNode, 'title'), 'guess', 'title'), link: urlOf(child(imageNode, 'link'), docUrl) } : null;
}

/**
 * The RSS image or the iTunes image, whichever stands later in the document: feedparser's
 * iTunes image replaces the image read before it (its title and link too), and a later
 * RSS image's url replaces the iTunes address.
 */
function channelImage(imageNode: XNode | undefined, channel: XNode, docUrl: string | null): ParsedFeed['image'] {
  const rss = imageOf(imageNode, docUrl);
  const n = lastItunesImage(channel);
  const url = n ? resolveUrl(itunesImageAddress(n), n.base ?? docUrl) : null;
  if (!url) return rss;
  return rss && imageNode!.start > n!.start ? rss : { url, title: null, link: null };
}

const TITLE_NAMES = ['title', 'dc:title', 'atom:title'];

const CATEGORY_NAMES = ['category', 'dc:subject', 'atom:category', 'itunes:category', 'media:category', 'media:group', 'itunes:keywords', 'media:keywords'];

/** RSS <sy:updatePeriod>/<sy:updateFrequency> as seconds between updates. */
function syndicationOf(channel: XNode): number | null {
  const period = textOf(child(channel, 'sy:updateperiod')).trim().toLowerCase();
  if (!period) return null;
  const seconds = { hourly: 3600, daily: 86400, weekly: 604800, monthly: 2592000, yearly: 31536000 }[period];
  if (!seconds) return null;
  const freq = Number.parseInt(textOf(child(channel, 'sy:updatefrequency')).trim() || '1', 10);
  return Math.round(seconds / (Number.isFinite(freq) && freq > 0 ? freq : 1));
}

function atomLinks(node: XNode, rel: string, docUrl: string | null): string[] {
  return children(node, 'atom:link')
    .filter((l) => (l.attrs.rel ?? 'alternate').toLowerCase() === rel)
    .map((l) => resolveUrl(hrefAttr(l), l.base ?? docUrl))
    .filter((u): u is string => !!u);
}

function atomLink(node: XNode, rel: string, docUrl: string | null): string | null {
  return atomLinks(node, rel, docUrl)[0] ?? null;
}

/**
 * The page a channel or item stands for: the last in document order of its <link>s and
 * Atom alternate links to HTML, as feedparser lets each overwrite the one before; else an
 * Atom alternate link of another type.
 */
function pageLinkOf(node: XNode, docUrl: string | null): string | null {
  const list = node.children;
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i]!;
    const url = c.name === 'link' ? urlOf(c, docUrl) : c.name === 'atom:link' && isPageLink(c) ? resolveUrl(hrefAttr(c), c.base ?? docUrl) : null;
    if (url) return url;
  }
  return atomLink(node, 'alternate', docUrl);
}

function isPageLink(link: XNode): boolean {
  const rel = (link.attrs.rel ?? 'alternate').trim().toLowerCase();
  return rel === 'alternate' && isHtmlType(link.attrs.type);
}

export function parseRssItem(item: XNode, docUrl: string | null, cdf = false): ParsedItem {
  if (cdf) return parseCdfItem(item, docUrl);
  const guidNode = lastChild(item, 'guid');
  const guid = nonEmpty(textOf(guidNode)) ?? nonEmpty(textOf(child(item, 'atom:id'))) ?? nonEmpty(item.attrs['rdf:about'] ?? null);
  // Only exactly "true" (or no attribute) makes a permalink: feedparser compares the value
  // as written, so "True" or " true" is false.
  const permalink = guidNode && (guidNode.attrs.isPermaLink ?? guidNode.attrs.ispermalink ?? 'true') === 'true' && guid && /^https?:\/\//i.test(guid) ? guid : null;
  const link = pageLinkOf(item, docUrl) ?? (permalink ? resolveUrl(permalink, docUrl) : null);
  const { summary, content } = summaryAndContent(item);
  const authors = dedupePeople(
    [...children(item, 'author').map((n) => parsePerson(personText(n))), ...dcCreators(item), ...atomPeople(item, docUrl)].filter((p): p is Person => p !== null),
  );
  return new FeedItem({
    id: guid,
    title: plainOf(titleOf(item, TITLE_NAMES), 'guess', 'title'),
    link,
    summary: htmlOf(summary, 'html', docUrl),
    content: htmlOf(content, 'html', docUrl),
    published: dateOf([lastChild(item, 'pubdate'), lastChild(item, 'dc:date'), lastChild(item, 'dcterms:issued'), lastChild(item, 'dcterms:created'), lastChild(item, 'atom:published')]),
    updated: dateOf([lastChild(item, 'atom:updated'), lastChild(item, 'dcterms:modified'), lastChild(item, 'dc:date'), lastChild(item, 'pubdate')]),
    authors,
    categories: categoriesOf(item, CATEGORY_NAMES),
    enclosures: enclosuresOf(item, docUrl),
    media: mediaObjects(item),
    comments: urlOf(lastChild(item, 'comments'), docUrl),
  });
}

/** A CDF document: its root is CHANNEL, written in upper case as CDF writes every name. */
export function isCdf(root: XNode): boolean {
  return root.local === 'CHANNEL';
}

// Microsoft's Channel Definition Format (1997), still read by feedparser: upper-case
// elements, the link and date in attributes.
function parseCdfChannel(channel: XNode, format: FeedFormat, docUrl: string | null): ChannelPart {
  const lastmod = channel.attrs.LASTMOD ?? channel.attrs.lastmod;
  return {
    format,
    title: plainOf(child(channel, 'title'), 'guess', 'title'),
    link: resolveUrl(channel.attrs.HREF ?? channel.attrs.href, channel.base ?? docUrl),
    selfUrl: null,
    hubs: [],
    description: plainOf(child(channel, 'abstract')),
    language: null,
    updated: dateOf([], lastmod),
    published: null,
    authors: [],
    image: null,
    categories: [],
    generator: null,
    rights: null,
    ttl: null,
    syndication: null,
  };
}

function parseCdfItem(item: XNode, docUrl: string | null): ParsedItem {
  const abstract = child(item, 'abstract');
  return new FeedItem({
    id: null,
    title: plainOf(child(item, 'title'), 'guess', 'title'),
    link: resolveUrl(item.attrs.HREF ?? item.attrs.href, item.base ?? docUrl),
    summary: htmlOf(abstract, 'html', docUrl),
    content: null,
    published: null,
    updated: dateOf([], item.attrs.LASTMOD ?? item.attrs.lastmod),
    authors: [],
    categories: [],
    enclosures: [],
    media: [],
    comments: null,
  });
}

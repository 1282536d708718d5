import { feedUpdated, type OutFeed, type OutItem } from './outFeed.js';
import { element, xmlAttr, xmlText } from './xmlOut.js';

/** Atom 1.0: the body as `content type="html"`, `published` and `updated`, and the feed it came through as `source`. */
export function renderAtom(feed: OutFeed): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    element('id', feed.id),
    element('title', feed.title),
    element('subtitle', feed.description),
    element('updated', feedUpdated(feed)),
    `<link rel="self" type="application/atom+xml" href="${xmlAttr(feed.selfUrl)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlAttr(feed.homeUrl)}"/>`,
    '<author><name>Tidings</name></author>',
    element('generator', 'Tidings'),
    ...feed.items.map(atomEntry),
    '</feed>',
    '',
  ].join('\n');
}

function atomEntry(item: OutItem): string {
  return [
    '<entry>',
    element('id', item.id),
    `<title type="text">${xmlText(item.title)}</title>`,
    `<link rel="alternate" type="text/html" href="${xmlAttr(item.url)}"/>`,
    element('published', item.published),
    element('updated', item.updated),
    `<author>${element('name', item.author)}</author>`,
    item.section ? `<category term="${xmlAttr(item.section)}"/>` : '',
    `<summary type="text">${xmlText(item.summary)}</summary>`,
    `<content type="html">${xmlText(item.html)}</content>`,
    item.origin ? atomSource(item) : '',
    '</entry>',
  ]
    .filter(Boolean)
    .join('\n');
}

function atomSource(item: OutItem): string {
  const o = item.origin!;
  const site = o.siteUrl ? `<link rel="alternate" type="text/html" href="${xmlAttr(o.siteUrl)}"/>` : '';
  return `<source>${element('id', o.feedUrl)}${element('title', o.title)}<link rel="self" href="${xmlAttr(o.feedUrl)}"/>${site}</source>`;
}

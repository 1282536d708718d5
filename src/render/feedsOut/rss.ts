import { feedUpdated, type OutFeed, type OutItem } from './outFeed.js';
import { element, xmlAttr, xmlText } from './xmlOut.js';

/** RSS 2.0 with the full body in `content:encoded`, the author in `dc:creator`, and `atom:link rel=self`. */
export function renderRss(feed: OutFeed): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    element('title', feed.title),
    element('link', feed.homeUrl),
    element('description', feed.description),
    `<atom:link href="${xmlAttr(feed.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    element('lastBuildDate', rfc822(feedUpdated(feed))),
    element('generator', 'Tidings'),
    ...feed.items.map(rssItem),
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}

function rssItem(item: OutItem): string {
  return [
    '<item>',
    element('title', item.title),
    element('link', item.url),
    `<guid isPermaLink="false">${xmlAttr(item.id)}</guid>`,
    element('pubDate', rfc822(item.published)),
    element('atom:updated', item.updated),
    element('dc:creator', item.author),
    item.section ? element('category', item.section) : '',
    item.origin ? `<source url="${xmlAttr(item.origin.feedUrl)}">${xmlText(item.origin.title)}</source>` : '',
    element('description', item.summary),
    element('content:encoded', item.html),
    '</item>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** RFC 822 date as RSS wants it (`Fri, 27 Mar 2026 08:00:00 GMT`). */
function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}

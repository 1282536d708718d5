import { xmlChars } from '../../html/escape.js';
import type { OutFeed, OutItem } from './outFeed.js';

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1): `content_html`, `date_published`/`date_modified`, `authors`. */
export function renderJsonFeed(feed: OutFeed): string {
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.selfUrl,
    description: feed.description,
    authors: [{ name: 'Tidings' }],
    items: feed.items.map(jsonItem),
  };
  // The same characters as the XML formats, so an article reads alike in all three.
  return JSON.stringify(doc, (_key, value: unknown) => (typeof value === 'string' ? xmlChars(value) : value));
}

function jsonItem(item: OutItem) {
  return {
    id: item.id,
    url: item.url,
    title: item.title,
    content_html: item.html,
    summary: item.summary,
    date_published: item.published,
    date_modified: item.updated,
    authors: [{ name: item.author }],
    ...(item.section ? { tags: [item.section] } : {}),
    // Extensions start with an underscore (JSON Feed 1.1, "Extensions").
    _tidings: {
      source: item.source,
      section: item.section,
      ...(item.origin ? { feed: { title: item.origin.title, feed_url: item.origin.feedUrl, home_page_url: item.origin.siteUrl } } : {}),
    },
  };
}

import { escapeAttr, escapeText } from '../../html/escape.js';
import { formatIso } from '../../text/dates.js';
import { longItemId } from './itemIds.js';
import { itemCategories, type ContentItem } from './itemJson.js';
import type { Origin } from './subscriptionJson.js';

const GOOGLE_SCHEME = 'http://www.google.com/reader/';

/**
 * `GET /reader/atom/<stream>`: the Atom form of a stream, as Google Reader served it
 * (newsboat's feedhq mode reads items this way). The entry `<id>` is the long item id the
 * client later sends to edit-tag; state tags are `<category>` elements in Google's scheme.
 */
export function atomStream(opts: { streamId: string; title: string; items: ContentItem[]; origins: ReadonlyMap<number, Origin>; continuation: string | null; now: Date }): string {
  const head = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gr="http://www.google.com/schemas/reader/atom/">',
    `<id>tag:google.com,2005:reader/${escapeText(opts.streamId)}</id>`,
    `<title>${escapeText(opts.title)}</title>`,
    `<updated>${formatIso(opts.now.getTime())}</updated>`,
    ...(opts.continuation ? [`<gr:continuation>${escapeText(opts.continuation)}</gr:continuation>`] : []),
  ];
  return [...head, ...opts.items.map((a) => atomEntry(a, opts.origins)), '</feed>', ''].join('\n');
}

function atomEntry(a: ContentItem, origins: ReadonlyMap<number, Origin>): string {
  const origin = a.feedId != null ? origins.get(a.feedId) : undefined;
  const categories = itemCategories(a, origin).map((term) => `<category scheme="${GOOGLE_SCHEME}" term="${escapeAttr(term)}" label="${escapeAttr(term.slice(term.lastIndexOf('/') + 1))}"/>`);
  return [
    `<entry gr:crawl-timestamp-msec="${Date.parse(a.published)}">`,
    `<id>${longItemId(a.id)}</id>`,
    ...categories,
    `<title type="text">${escapeText(a.title)}</title>`,
    `<published>${a.published}</published>`,
    `<updated>${a.updated}</updated>`,
    `<link rel="alternate" href="${escapeAttr(a.url)}" type="text/html"/>`,
    `<summary type="html">${escapeText(a.html ?? '')}</summary>`,
    a.byline ? `<author><name>${escapeText(a.byline)}</name></author>` : '',
    origin
      ? `<source gr:stream-id="${escapeAttr(origin.streamId)}"><id>tag:google.com,2005:reader/${escapeText(origin.streamId)}</id><title>${escapeText(origin.title)}</title><link rel="alternate" href="${escapeAttr(origin.htmlUrl)}" type="text/html"/></source>`
      : '',
    '</entry>',
  ].join('\n');
}

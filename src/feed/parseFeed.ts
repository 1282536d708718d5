import type { FeedFormat, ParsedFeed } from '../model/feed.js';
import { TidingsError } from '../model/errors.js';
import { decodeBody } from '../fetch/charset.js';
import { parseXml } from './xmlTree.js';
import { parseRss } from './rss.js';
import { parseAtom } from './atom.js';
import { parseJsonFeed } from './jsonFeed.js';

export interface ParseFeedOptions {
  /** Where the document came from: the base for relative links. */
  url?: string | null;
  /** HTTP Content-Type, for its charset. */
  contentType?: string | null;
}

/** Any feed document (bytes as fetched, or already-decoded text) → ParsedFeed. */
export function parseFeed(input: Uint8Array | string, options: ParseFeedOptions = {}): ParsedFeed {
  const text = typeof input === 'string' ? input : decodeBody(input, options.contentType).text;
  const docUrl = options.url ?? null;
  const start = text.replace(/^[\s\uFEFF]+/, '');
  if (start.startsWith('{') || start.startsWith('[')) return parseJsonFeed(start, docUrl);
  const doc = parseXml(start, docUrl);
  const root = doc.root;
  if (!root) throw new TidingsError('not_a_feed', 'document has no root element');
  let format: FeedFormat;
  let adapted: Omit<ParsedFeed, 'bozo' | 'bozoReason'>;
  switch (root.name) {
    case 'rss': {
      const version = (root.attrs.version ?? '').trim();
      format = /^0\.9\d?/.test(version) ? 'rss09x' : 'rss20';
      adapted = parseRss(root, format, docUrl);
      break;
    }
    case 'rdf:RDF':
    case 'RDF': {
      format = /netscape\.com\/rdf\/simple\/0\.9/i.test(start.slice(0, 4096)) ? 'rss09x' : 'rss10';
      adapted = parseRss(root, format, docUrl);
      break;
    }
    case 'channel':
      format = 'rss20';
      adapted = parseRss(root, format, docUrl);
      doc.bozo = true;
      doc.bozoReason ??= 'channel without an rss root element';
      break;
    case 'atom:feed':
      format = doc.rootNamespace === 'http://purl.org/atom/ns#' || root.attrs.version === '0.3' ? 'atom03' : 'atom10';
      adapted = parseAtom(root, format, docUrl);
      break;
    default:
      throw new TidingsError('not_a_feed', `not a feed: the document's root element is <${root.local}>`);
  }
  return {
    ...adapted,
    bozo: doc.bozo,
    ...(doc.bozo && doc.bozoReason ? { bozoReason: doc.bozoReason } : {}),
  };
}

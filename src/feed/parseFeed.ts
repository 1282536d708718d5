import type { FeedFormat, ParsedFeed, ParsedItem } from '../model/feed.js';
import { TidingsError } from '../model/errors.js';
import { declaresUtf8, decodeFeedBody } from './xmlCharset.js';
import { parseXml, type XNode } from './xmlTree.js';
import { mayHoldDoubleUtf8 } from '../text/charset.js';
import { isCdf, parseRssChannel, parseRssItem } from './rss.js';
import { parseAtomFeed, parseEntry } from './atom.js';
import { parseJsonFeed } from './jsonFeed.js';

export interface ParseFeedOptions {
  /** Where the document came from: the base for relative links. */
  url?: string | null;
  /** HTTP Content-Type, for its charset. */
  contentType?: string | null;
}

const ATOM_03 = 'http://purl.org/atom/ns#';

/**
 * Any feed document (bytes as fetched, or already-decoded text) → ParsedFeed. Items are
 * adapted as the tokenizer reaches the end of each one and their element trees dropped, so
 * memory beyond the output is bounded by the largest item.
 */
export function parseFeed(input: Uint8Array | string, options: ParseFeedOptions = {}): ParsedFeed {
  let text: string;
  let charsetProblem: string | null = null;
  // Whether element text may be double-encoded UTF-8 and is worth checking (see textOf).
  let repairUtf8: boolean;
  if (typeof input === 'string') {
    text = input;
    repairUtf8 = declaresUtf8(text) && mayHoldDoubleUtf8(text);
  } else {
    const decoded = decodeFeedBody(input, options.contentType);
    text = decoded.text;
    repairUtf8 = decoded.utf8 && mayHoldDoubleUtf8(text, input);
    charsetProblem = decoded.problem;
  }
  const docUrl = options.url ?? null;
  let start = 0;
  while (start < text.length && /[\s\uFEFF]/.test(text[start]!)) start++;
  const first = text[start];
  if (first === '{' || first === '[') return parseJsonFeed(text.slice(start), docUrl);

  const body = start ? text.slice(start) : text;
  let format: FeedFormat | null | undefined;
  const items: ParsedItem[] = [];
  const doc = parseXml(body, docUrl, {
    isItem: (node) => node.name === 'item' || node.name === 'atom:entry',
    onItem(node, root, rootNamespace) {
      if (format === undefined) format = formatOf(root, rootNamespace, body);
      if (format) items.push(format.startsWith('atom') ? parseEntry(node, docUrl, format) : parseRssItem(node, docUrl, isCdf(root)));
    },
  }, repairUtf8);
  const root = doc.root;
  if (!root) throw new TidingsError('not_a_feed', 'document has no root element');
  if (format === undefined) format = formatOf(root, doc.rootNamespace, body);
  if (!format) throw new TidingsError('not_a_feed', `not a feed: the document's root element is <${root.local}>`);
  const channel = format.startsWith('atom') ? parseAtomFeed(root, format, docUrl) : parseRssChannel(root, format, docUrl);
  let bozoReason = doc.bozoReason ?? charsetProblem ?? invalidCharacter(body);
  if (root.name === 'channel' && !isCdf(root) && !bozoReason) bozoReason = 'channel without an rss root element';
  return { ...channel, bozo: bozoReason !== null, ...(bozoReason ? { bozoReason } : {}), items };
}

// Characters XML 1.0 forbids anywhere (§2.2): C0 controls other than tab, LF and CR.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** A feed holding a character XML forbids is not well-formed: still read, but bozo. */
function invalidCharacter(text: string): string | null {
  const m = NOT_XML_CHAR.exec(text);
  return m ? `character U+${m[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} is not allowed in XML` : null;
}

function formatOf(root: XNode, rootNamespace: string | null, text: string): FeedFormat | null {
  switch (root.name) {
    case 'rss':
      return /^\s*0\.9/.test(root.attrs.version ?? '') ? 'rss09x' : 'rss20';
    case 'rdf:rdf':
    case 'rdf':
      return /netscape\.com\/rdf\/simple\/0\.9/i.test(text.slice(0, 4096)) ? 'rss09x' : 'rss10';
    case 'channel':
      return 'rss20';
    case 'atom:feed':
      return rootNamespace === ATOM_03 || (root.attrs.version ?? '').trim() === '0.3' ? 'atom03' : 'atom10';
    default:
      return null;
  }
}

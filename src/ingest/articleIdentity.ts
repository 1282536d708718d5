import { createHash } from 'node:crypto';
import { collapseWhitespace } from '../text/whitespace.js';

/**
 * How Tidings recognises an article it already has: by URL key (model/identity.ts) and by
 * content hashed after whitespace is normalised, so re-wrapped text is not a new version.
 */
export { canonicalizeUrl, urlKey } from '../model/identity.js';

export function normaliseForHash(s: string): string {
  return collapseWhitespace(s.normalize('NFC'));
}

export function contentHash(title: string, text: string): string {
  return createHash('sha256').update(normaliseForHash(title)).update('\u0000').update(normaliseForHash(text)).digest('hex').slice(0, 32);
}

export function wordCount(text: string): number {
  // regex-safe: a word and an optional apostrophe part: no overlapping repeats (\p{} is beyond safe-regex2)
  const m = text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu);
  return m ? m.length : 0;
}

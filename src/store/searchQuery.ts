/**
 * The query syntax readers type, read once for every database: words (all must match),
 * "quoted phrases", and prefix* (a trailing star). Only letters, digits and _ make a word,
 * so nothing typed can reach a database's own query syntax.
 */
export interface SearchPart {
  words: string[];
  /** A quoted phrase: its words in this order, next to each other. */
  phrase: boolean;
  /** A single word typed with a trailing *. */
  prefix: boolean;
}

const WORD = /[\p{L}\p{N}_]+/gu;

export function searchParts(input: string): SearchPart[] {
  const parts: SearchPart[] = [];
  for (const m of input.matchAll(/"([^"]*)"|(\S+)/g)) {
    if (m[1] !== undefined) {
      const words = m[1].match(WORD);
      if (words?.length) parts.push({ words, phrase: true, prefix: false });
      continue;
    }
    const raw = m[2]!;
    const prefix = raw.endsWith('*');
    for (const w of raw.match(WORD) ?? []) parts.push({ words: [w], phrase: false, prefix });
  }
  return parts;
}

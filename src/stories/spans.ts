/** A token of a sentence with its UTF-16 offsets in the whole text. */
export interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
}

// Numbers as detokenised text writes them ("1, 500", "6. 0") are read whole too.
// regex-safe: alternatives of single classes and bounded groups, linear
const TOKEN = /[$€£¥]|\d{1,3}(?:, \d{3}(?!\d))+|\d{1,2}\. \d(?![\d,])|\d[\d,.]*\d|\d|\p{L}[\p{L}'’.]*|%|\S/gu;

/** Words, numbers, currency signs and punctuation; a trailing full stop is not part of a word or number. */
export function tokensOf(text: string, offset = 0): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    let t = m[0];
    if (t.length > 1 && t.endsWith('.') && !/^(?:\p{L}\.)+$/u.test(t)) t = t.slice(0, -1);
    if (t.length > 1 && /[,']$/.test(t)) t = t.slice(0, -1);
    const start = offset + m.index;
    out.push({ text: t, lower: t.toLowerCase(), start, end: start + t.length });
  }
  return out;
}

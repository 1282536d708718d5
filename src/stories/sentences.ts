/** A sentence of a text with its UTF-16 offsets. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

const ABBREVIATIONS = new Set(
  'mr mrs ms dr st sr jr gen col lt sgt capt gov sen rep rev prof inc corp ltd co no vs jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e'.split(' '),
);

// regex-safe: a character class run then a bounded class, linear
const END = /[.!?]+["'”’)\]]*(?=\s)|\n/g;

/** Sentences split at . ! ? before a space (not after a known abbreviation or an initial) and at line breaks. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  for (const m of text.matchAll(END)) {
    const end = m.index + m[0].length;
    if (m[0] !== '\n' && isAbbreviation(text, m.index)) continue;
    push(out, text, start, end);
    start = end;
  }
  push(out, text, start, text.length);
  return out;
}

function isAbbreviation(text: string, dot: number): boolean {
  if (text[dot] !== '.') return false;
  // "6. 0": a decimal as detokenised text writes it, not a sentence end.
  if (/\d/.test(text[dot - 1] ?? '') && !/\d/.test(text[dot - 3] ?? '') && text[dot + 1] === ' ' && /\d/.test(text[dot + 2] ?? '') && !/[\d,]/.test(text[dot + 3] ?? '')) return true;
  let i = dot;
  while (i > 0 && /[\p{L}.]/u.test(text[i - 1]!)) i--;
  const word = text.slice(i, dot).toLowerCase();
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /^(?:\p{L}\.)+\p{L}$/u.test(word);
}

function push(out: Sentence[], text: string, start: number, end: number): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) out.push({ text: text.slice(start, end), start, end });
}

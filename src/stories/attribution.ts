import type { Token } from './spans.js';

const VERBS = new Set(
  'said says say quoted testified wrote reported reports report estimated estimates estimate told tells announced announces confirmed confirms stated states claimed claims added adds counted'.split(' '),
);
const AUXILIARY = new Set(['has', 'have', 'had', 'also', 'later', 'earlier', 'previously', 'was', 'were', 'is', 'been', 'initially', 'officially']);
const BOUNDARY = new Set([',', ';', ':', '"', '“', '”', '(', ')', '—', '–', 'that', 'and', 'but', 'which', 'who', 'as', 'while', 'when', 'after', 'because', '``', "''"]);
const AFTER_BOUNDARY = new Set([...BOUNDARY, 'on', 'in', 'at', 'late', 'early', 'this', 'last', 'yesterday', 'today', 'tuesday', 'monday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'to', 'by', 'after', 'it', 'in', 'the', 'reporters']);
const PRONOUNS = new Set(['he', 'she', 'they', 'it', 'we', 'i', 'you', 'this', 'which', 'who']);
const MAX_WORDS = 7;

/** A source a statement is attributed to, with the token index it was found at. */
export interface Attribution {
  source: string;
  at: number;
}

/**
 * Sources named in one sentence: "according to X", "X said/reported/estimated…",
 * and the inverted "…, said X". Pronouns are returned as they are; the caller decides.
 */
export function attributionsOf(tokens: Token[], text: string): Attribution[] {
  const out: Attribution[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!.lower;
    if (w === 'according' && tokens[i + 1]?.lower === 'to') {
      const src = forward(tokens, i + 2, text);
      if (src) out.push({ source: src, at: i });
    } else if (VERBS.has(w) && !isPassive(tokens, i)) {
      const src = backward(tokens, i - 1, text) ?? forward(tokens, i + 1, text, true);
      if (src) out.push({ source: src, at: i });
    }
  }
  return out;
}

/** "an estimated 1,500", "damage estimated at": a participle, not someone estimating. */
function isPassive(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1]?.lower ?? '';
  const next = tokens[i + 1]?.lower ?? '';
  return ['an', 'the', 'a', 'was', 'were', 'is', 'are', 'be', 'been', 'being'].includes(prev) || next === 'at' || (tokens[i]!.lower === 'estimated' && /^\d/.test(next));
}

export function isPronoun(source: string): boolean {
  return PRONOUNS.has(source.toLowerCase());
}

function backward(tokens: Token[], from: number, text: string): string | null {
  let end = from;
  // "Ms X, the governor of Y, told …": the name before the apposition is the source.
  if (tokens[end]?.text === ',') return appositive(tokens, end, text);
  while (end >= 0 && AUXILIARY.has(tokens[end]!.lower)) end--;
  let start = end;
  while (start >= 0 && end - start < MAX_WORDS && !BOUNDARY.has(tokens[start]!.lower) && isWordy(tokens[start]!)) start--;
  if (start === end) return null;
  return span(tokens, start + 1, end, text);
}

function appositive(tokens: Token[], comma: number, text: string): string | null {
  let k = comma - 1;
  while (k >= 0 && tokens[k]!.text !== ',' && comma - k <= 12) k--;
  if (k < 0 || tokens[k]!.text !== ',') return null;
  const inner = tokens.slice(k + 1, comma);
  const isName = inner.length > 0 && inner.length <= 4 && inner.every((t) => /^\p{Lu}/u.test(t.text));
  return isName ? span(tokens, k + 1, comma - 1, text) : backward(tokens, k - 1, text);
}

function forward(tokens: Token[], from: number, text: string, inverted = false): string | null {
  if (inverted && tokens[from - 2] && !BOUNDARY.has(tokens[from - 2]!.lower) && from - 2 >= 0) return null;
  let end = from;
  while (end < tokens.length && end - from < MAX_WORDS + 1 && !(end > from && AFTER_BOUNDARY.has(tokens[end]!.lower)) && !BOUNDARY.has(tokens[end]!.lower) && isWordy(tokens[end]!)) end++;
  if (end === from || (inverted && PRONOUNS.has(tokens[from]!.lower)) || tokens[from]!.lower === 'there') return null;
  return span(tokens, from, end - 1, text);
}

function isWordy(t: Token): boolean {
  return /^[\p{L}\p{N}$]/u.test(t.text) || t.text === "'s" || t.text === '’s' || t.text === '.' || t.text === '-';
}

function span(tokens: Token[], first: number, last: number, text: string): string | null {
  while (last >= first && /^[.-]$/.test(tokens[last]!.text)) last--;
  if (last < first) return null;
  const s = text.slice(tokens[first]!.start, tokens[last]!.end).trim();
  return s || null;
}

import { attributionsOf, isPronoun, type Attribution } from './attribution.js';
import { sentencesOf, type Sentence } from './sentences.js';
import { tokensOf, type Token } from './spans.js';

/** A quantity reported in a text, with what it counts and who it is attributed to. */
export interface Figure {
  /** The number, or [low, high] for a range; scale words applied ("2.5 million" → 2500000). */
  value: number | [number, number];
  /** An ISO currency code, "percent", or the word for what is counted ("soldiers"); null if none. */
  unit: string | null;
  /** "at least", "more than", "about", "nearly", "up to", "less than", "at most", "several", or null. */
  qualifier: string | null;
  /** The words of the figure as written. */
  text: string;
  /** The source in its sentence or the one before, or null. */
  attribution: string | null;
  sentence: string;
  start: number;
  end: number;
}

const QUALIFIERS: [string[], string][] = [
  [['at', 'least'], 'at least'],
  [['no', 'fewer', 'than'], 'at least'],
  [['more', 'than'], 'more than'],
  [['over'], 'more than'],
  [['upwards', 'of'], 'more than'],
  [['up', 'to'], 'up to'],
  [['as', 'many', 'as'], 'up to'],
  [['at', 'most'], 'at most'],
  [['less', 'than'], 'less than'],
  [['fewer', 'than'], 'less than'],
  [['under'], 'less than'],
  [['about'], 'about'],
  [['around'], 'about'],
  [['approximately'], 'about'],
  [['roughly'], 'about'],
  [['some'], 'about'],
  [['an', 'estimated'], 'about'],
  [['estimated'], 'about'],
  [['nearly'], 'nearly'],
  [['almost'], 'nearly'],
  [['close', 'to'], 'nearly'],
];

const WORD_NUMBERS: Record<string, number> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100, thousand: 1000, dozen: 12,
};
/** Vague round plurals: reported as the round value with the qualifier "several". */
const VAGUE: Record<string, number> = { dozens: 12, scores: 20, hundreds: 100, thousands: 1000, millions: 1e6, billions: 1e9 };
const SCALES: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12, m: 1e6, mn: 1e6, bn: 1e9, k: 1e3 };
const SIGNS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };
const CURRENCY_WORDS: Record<string, string> = {
  dollar: 'USD', dollars: 'USD', euro: 'EUR', euros: 'EUR', pound: 'GBP', pounds: 'GBP', yen: 'JPY', yuan: 'CNY', rupees: 'INR', rupee: 'INR', won: 'KRW',
};
const MONTHS = new Set('january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '));
const SKIP_BEFORE_UNIT = new Set(['more', 'additional', 'extra', 'other', 'new', 'of', 'further', 'fewer', 'less']);
const NOT_UNITS = new Set(['and', 'or', 'to', 'in', 'on', 'at', 'by', 'for', 'from', 'with', 'the', 'a', 'an', 'was', 'were', 'is', 'are', 'of', 'as', 'that', 'who', 'which', 'said', 'says', 'have', 'has', 'had', 'will', 'would']);

/** Every figure of a plain text, in order. */
export function extractFigures(text: string): Figure[] {
  const sentences = sentencesOf(text);
  const out: Figure[] = [];
  let previous: Attribution[] = [];
  for (const s of sentences) {
    const tokens = tokensOf(s.text, s.start);
    const here = attributionsOf(tokens, text);
    for (let i = 0; i < tokens.length; ) {
      const f = figureAt(tokens, i, text);
      if (!f) {
        i++;
        continue;
      }
      out.push({ ...f.figure, attribution: pickAttribution(here, previous, f.at), sentence: s.text });
      i = f.next;
    }
    previous = here;
  }
  return out;
}

type Partial = Omit<Figure, 'attribution' | 'sentence'>;

/**
 * The named source nearest the figure in its sentence; when the sentence only names a
 * pronoun ("he said"), the last named source of the sentence before. A sentence with no
 * source at all is not attributed: background facts follow quotes in most reports.
 */
function pickAttribution(here: Attribution[], before: Attribution[], at: number): string | null {
  const named = here.filter((a) => !isPronoun(a.source));
  const nearest = (list: Attribution[]) => [...list].sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at))[0]?.source ?? null;
  if (named.length) return nearest(named);
  if (!here.length) return null;
  const prevNamed = before.filter((a) => !isPronoun(a.source));
  return prevNamed.length ? prevNamed[prevNamed.length - 1]!.source : nearest(here);
}

interface NumberAt {
  value: number;
  vague: boolean;
  next: number;
}

/** A number starting at token i: digits or number words, then an optional scale word. */
function numberAt(tokens: Token[], i: number, text: string): NumberAt | null {
  const t = tokens[i];
  if (!t) return null;
  let value: number;
  let vague = false;
  if (/^\d/.test(t.text)) {
    if (glued(tokens, i, text)) return null;
    value = Number(t.text.replace(/[, ]/g, ''));
    if (!Number.isFinite(value)) return null;
  } else if (t.lower in WORD_NUMBERS && t.lower !== 'hundred' && t.lower !== 'thousand') value = WORD_NUMBERS[t.lower]!;
  else if (t.lower in VAGUE) {
    value = VAGUE[t.lower]!;
    vague = true;
  } else return null;
  let next = i + 1;
  while (tokens[next] && tokens[next]!.lower in SCALES && !vague) {
    const scale = tokens[next]!;
    if (scale.text.length <= 2 && scale.start !== tokens[next - 1]!.end) break;
    value *= SCALES[scale.lower]!;
    next++;
  }
  return { value, vague, next };
}

/** Digits joined to letters ("8th", "F-16", "mp3", "10:30") are names, ordinals or times, not figures. */
function glued(tokens: Token[], i: number, text: string): boolean {
  const t = tokens[i]!;
  const before = text[t.start - 1] ?? ' ';
  if (/\p{L}/u.test(before) || (before === '-' && /\p{L}/u.test(text[t.start - 2] ?? ''))) return true;
  const after = text.slice(t.end, t.end + 3).replace(/^ /, '');
  const prevChar = text.slice(Math.max(0, t.start - 2), t.start).trim().slice(-1);
  if (/^[:/]\s?\d/.test(after) || after.startsWith('/') || prevChar === ':' || prevChar === '/') return true;
  // "Flight 370", "Public School 298": a number right after a capitalised word mid-sentence names something.
  const prev = tokens[i - 1];
  if (prev && i > 1 && /^\p{Lu}/u.test(prev.text) && !(prev.lower in SIGNS) && tokens[i - 2]!.text !== '.' && !/^[\d,]/.test(tokens[i - 2]!.text)) return true;
  const rest = tokens[i + 1];
  return !!rest && rest.start === t.end && /^\p{L}/u.test(rest.text) && !(rest.lower in SCALES);
}

function figureAt(tokens: Token[], i: number, text: string): { figure: Partial; at: number; next: number } | null {
  let first = i;
  let currency: string | null = null;
  if (tokens[i]?.text in SIGNS) {
    currency = SIGNS[tokens[i]!.text]!;
    i++;
  } else if (tokens[i]?.lower === 'us' && tokens[i + 1]?.text === '$') {
    currency = 'USD';
    i += 2;
  }
  const n = numberAt(tokens, i, text);
  if (!n || isDate(tokens, i, n, currency)) return null;
  let value: number | [number, number] = n.value;
  let next = n.next;
  const range = rangeAfter(tokens, next, text, tokens[first - 1]?.lower === 'between');
  if (range) {
    value = [n.value, range.value];
    next = range.next;
  }
  const q = qualifierBefore(tokens, first);
  if (q) first = q.first;
  else if (range && tokens[first - 1]?.lower === 'between') first--;
  const unit = unitAt(tokens, next, currency);
  const lastToken = unit.consumed > 0 ? next + unit.consumed - 1 : next - 1;
  const start = tokens[first]!.start;
  const end = tokens[lastToken]!.end;
  const qualifier = q?.qualifier ?? (n.vague ? 'several' : null);
  return { figure: { value, unit: unit.unit, qualifier, text: text.slice(start, end), start, end }, at: i, next: Math.max(next + unit.consumed, i + 1) };
}

/** Years, days of months and times are dates, not figures. */
function isDate(tokens: Token[], i: number, n: NumberAt, currency: string | null): boolean {
  if (currency || n.vague) return false;
  const t = tokens[i]!;
  const prev = tokens[i - 1]?.lower ?? '';
  const next = tokens[n.next]?.lower ?? '';
  if (MONTHS.has(prev) || MONTHS.has(next) || (next === 'of' && MONTHS.has(tokens[n.next + 1]?.lower ?? ''))) return true;
  if (/^\d{4}$/.test(t.text) && n.value >= 1800 && n.value <= 2100 && next !== '%' && next !== 'percent') return true;
  if (['a.m', 'p.m', 'a.', 'p.', 'am', 'pm', 'gmt', 'utc', 'est', 'pst', "o'clock"].includes(next)) return true;
  return false;
}

function rangeAfter(tokens: Token[], i: number, text: string, between: boolean): { value: number; next: number } | null {
  const joiner = tokens[i]?.lower;
  const ok = joiner === '-' || joiner === '–' || joiner === 'to' || (between && joiner === 'and');
  if (!ok) return null;
  const skip = tokens[i + 1] && tokens[i + 1]!.text in SIGNS ? 1 : 0;
  const n = numberAt(tokens, i + 1 + skip, text);
  if (!n || n.vague) return null;
  return { value: n.value, next: n.next };
}

function qualifierBefore(tokens: Token[], first: number): { qualifier: string; first: number } | null {
  for (const [words, qualifier] of QUALIFIERS) {
    const from = first - words.length;
    if (from < 0) continue;
    if (words.every((w, k) => tokens[from + k]!.lower === w)) return { qualifier, first: from };
  }
  return null;
}

/** What the number measures: %, a currency, or the counted noun after it ("3,000 more soldiers" → soldiers). */
function unitAt(tokens: Token[], i: number, currency: string | null): { unit: string | null; consumed: number } {
  const t = tokens[i];
  if (t?.text === '%') return { unit: 'percent', consumed: 1 };
  if (t?.lower === 'percent' || t?.lower === 'pct') return { unit: 'percent', consumed: 1 };
  if (t?.lower === 'per' && tokens[i + 1]?.lower === 'cent') return { unit: 'percent', consumed: 2 };
  if (currency) return { unit: currency, consumed: 0 };
  if (t && t.lower in CURRENCY_WORDS) return { unit: CURRENCY_WORDS[t.lower]!, consumed: 1 };
  if (t?.text === '-' && t.start === tokens[i - 1]?.end) return hyphenUnit(tokens, i);
  let k = i;
  while (tokens[k] && SKIP_BEFORE_UNIT.has(tokens[k]!.lower) && k - i < 3) k++;
  const w = tokens[k];
  if (!w || !/^\p{L}/u.test(w.text) || NOT_UNITS.has(w.lower) || w.lower in CURRENCY_WORDS) return { unit: null, consumed: 0 };
  if (tokens[k + 1]?.lower in CURRENCY_WORDS && ['us', 'hong', 'new', 'australian', 'canadian'].includes(w.lower)) {
    return { unit: CURRENCY_WORDS[tokens[k + 1]!.lower]!, consumed: k + 2 - i };
  }
  return { unit: w.lower, consumed: k + 1 - i };
}

/** "90-day", "33-year-old": the hyphenated words after the number are the unit. */
function hyphenUnit(tokens: Token[], i: number): { unit: string | null; consumed: number } {
  const parts: string[] = [];
  let k = i;
  while (tokens[k]?.text === '-' && tokens[k + 1] && /^\p{L}/u.test(tokens[k + 1]!.text) && tokens[k + 1]!.start === tokens[k]!.end) {
    parts.push(tokens[k + 1]!.lower);
    k += 2;
  }
  return parts.length ? { unit: parts.join('-'), consumed: k - i } : { unit: null, consumed: 0 };
}

export type { Sentence };

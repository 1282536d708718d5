/**
 * The Porter stemmer as SQLite's FTS5 `porter` tokenizer applies it (Porter's revised rules:
 * "bli" → "ble", "logi" → "log"), so search highlighting marks the words the index matched:
 * "libraries" and "library" both stem to "librari". PostgreSQL's English snowball stemmer
 * (Porter 2) agrees on nearly all common words. Lower-case input; words shorter than 3 or
 * longer than 64 bytes stay as they are, as in FTS5.
 */
export function porterStem(word: string): string {
  if (word.length < 3 || word.length > 64) return word;
  let w = step1a(word);
  w = step1b(w);
  if (w.endsWith('y') && hasVowel(w, w.length - 1)) w = `${w.slice(0, -1)}i`;
  w = replaceSuffix(w, STEP2, 0);
  w = replaceSuffix(w, STEP3, 0);
  w = step4(w);
  w = step5(w);
  return w;
}

function isVowelAt(w: string, i: number, prevConsonant: boolean): boolean {
  const c = w[i];
  return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || (prevConsonant && c === 'y');
}

/** Consonant flags of w[0..n): y is a vowel after a consonant. */
function consonants(w: string, n: number): boolean[] {
  const out: boolean[] = [];
  let prev = false;
  for (let i = 0; i < n; i++) {
    prev = !isVowelAt(w, i, prev);
    out.push(prev);
  }
  return out;
}

/** Porter's m of w[0..n): the number of vowel-consonant sequences. */
function measure(w: string, n: number): number {
  const cons = consonants(w, n);
  let m = 0;
  for (let i = 1; i < n; i++) if (cons[i] && !cons[i - 1]) m++;
  return m;
}

function hasVowel(w: string, n: number): boolean {
  return consonants(w, n).some((c) => !c);
}

/** *o: w[0..n) ends consonant-vowel-consonant, the last not w, x or y. */
function endsCvc(w: string, n: number): boolean {
  if (n < 3 || 'wxy'.includes(w[n - 1]!)) return false;
  const cons = consonants(w, n);
  return cons[n - 3]! && !cons[n - 2] && cons[n - 1]!;
}

function step1a(w: string): string {
  if (!w.endsWith('s')) return w;
  if ((w.length > 4 && w.endsWith('sses')) || (w.length > 3 && w.endsWith('ies'))) return w.slice(0, -2);
  return w.endsWith('ss') ? w : w.slice(0, -1);
}

function step1b(w: string): string {
  if (w.length > 3 && w.endsWith('eed')) return measure(w, w.length - 3) > 0 ? w.slice(0, -1) : w;
  const cut = w.endsWith('ed') ? 2 : w.endsWith('ing') ? 3 : 0;
  if (!cut || !hasVowel(w, w.length - cut)) return w;
  const s = w.slice(0, -cut);
  if (s.endsWith('at') || s.endsWith('bl') || s.endsWith('iz')) return `${s}e`;
  const last = s[s.length - 1]!;
  if (last === s[s.length - 2] && !isVowelAt(s, s.length - 1, false) && !'lsz'.includes(last)) return s.slice(0, -1);
  return measure(s, s.length) === 1 && endsCvc(s, s.length) ? `${s}e` : s;
}

type Rules = ReadonlyArray<readonly [suffix: string, replacement: string]>;

const STEP2: Rules = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['logi', 'log'],
  ['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'],
  ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'],
  ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'],
];

const STEP3: Rules = [['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', '']];

const STEP4 = [
  'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize',
];

/**
 * The first rule whose suffix the word ends with decides (longer suffixes first where one
 * ends another), applied when the stem before it has m > minMeasure; the word must be
 * longer than the suffix.
 */
function replaceSuffix(w: string, rules: Rules, minMeasure: number): string {
  for (const [suffix, replacement] of rules) {
    if (w.length <= suffix.length || !w.endsWith(suffix)) continue;
    const n = w.length - suffix.length;
    return measure(w, n) > minMeasure ? w.slice(0, n) + replacement : w;
  }
  return w;
}

function step4(w: string): string {
  for (const suffix of STEP4) {
    if (w.length <= suffix.length || !w.endsWith(suffix)) continue;
    const n = w.length - suffix.length;
    if (suffix === 'ion' && !'st'.includes(w[n - 1]!)) return w;
    return measure(w, n) > 1 ? w.slice(0, n) : w;
  }
  return w;
}

function step5(w: string): string {
  if (w.endsWith('e')) {
    const m = measure(w, w.length - 1);
    if (m > 1 || (m === 1 && !endsCvc(w, w.length - 1))) w = w.slice(0, -1);
  }
  return w.endsWith('ll') && measure(w, w.length - 1) > 1 ? w.slice(0, -1) : w;
}

/**
 * Words for matching articles: lower-cased, stop words dropped, a light suffix strip so
 * "soldiers"/"soldier" and "killed"/"kills" meet. Each word keeps whether the writer
 * capitalised it mid-sentence (a proper noun) or wrote a number: both say more about
 * which event a text is about than common words do.
 */
export interface Word {
  term: string;
  kind: 'word' | 'name' | 'number';
}

const STOP = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by can could ' +
    'did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into ' +
    'is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she ' +
    'should so some such than that the their theirs them themselves then there these they this those through to too under until up very ' +
    'was we were what when where which while who whom why will with would you your yours yourself yourselves said says say told new one ' +
    'two three first last year years time times people like get got make made may might must us mr mrs ms report reports news week day ' +
    'monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow s t don didn isn wasn via per according'
  ).split(' '),
);

// regex-safe: one character class, linear
const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’.,-]*/gu;

/**
 * Whether a line is written in Title Case (most longer words capitalised), where
 * capitals say nothing about names.
 */
export function isTitleCase(line: string): boolean {
  const words = line.match(/\p{L}{4,}/gu) ?? [];
  if (words.length < 3) return false;
  const upper = words.filter((w) => /^\p{Lu}/u.test(w)).length;
  return upper / words.length >= 0.6;
}

/** The words of a text in order, stop words left out. */
export function wordsOf(text: string, capitalsMeanNames = true): Word[] {
  const out: Word[] = [];
  let sentenceStart = true;
  for (const m of text.matchAll(TOKEN)) {
    const raw = trimToken(m[0]);
    const prev = m.index > 0 ? text[m.index - 1] : '\n';
    const startsSentence = sentenceStart || prev === '\n';
    sentenceStart = /[.!?]$/.test(m[0]) && !/^\p{Lu}\.?$/u.test(raw);
    if (!raw) continue;
    const lower = raw.toLowerCase();
    if (STOP.has(lower) || (lower.length < 2 && !/\d/.test(lower))) continue;
    if (/^[\d.,]+$/.test(raw)) out.push({ term: raw.replace(/,/g, ''), kind: 'number' });
    else out.push({ term: stem(lower), kind: capitalsMeanNames && /^\p{Lu}/u.test(raw) && !startsSentence ? 'name' : 'word' });
  }
  return out;
}

function trimToken(t: string): string {
  let end = t.length;
  while (end > 0 && ".,'’-".includes(t[end - 1]!)) end--;
  const s = t.slice(0, end);
  return s.endsWith("'s") || s.endsWith('’s') ? s.slice(0, -2) : s;
}

/** A light English suffix strip (not Porter): enough to join inflections of one word. */
export function stem(w: string): string {
  if (w.length <= 4) return w;
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ing') && w.length > 6) return w.slice(0, -3);
  if (w.endsWith('ed') && w.length > 5) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

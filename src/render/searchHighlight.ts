import type { SearchHit, SearchTerm } from '../model/article.js';
import { collapseWhitespace } from '../text/whitespace.js';
import { porterStem } from '../text/porterStem.js';

/** A search hit as people read it: the title and a passage with each match between \u0002 and \u0003 (escape, then mark up). */
export interface MarkedHit {
  titleMarked: string;
  snippetMarked: string;
  /** The passage without the marks. */
  excerpt: string;
}

export function markHit(hit: SearchHit): MarkedHit {
  const m = matcherOf(hit.terms);
  const snippet = snippetAround(hit.text, m);
  return { titleMarked: markTerms(hit.title, m), snippetMarked: markTerms(snippet, m), excerpt: unmarked(snippet) };
}

/** The passage of a hit, plain: what scripts and apps get. */
export function hitExcerpt(hit: SearchHit): string {
  return unmarked(snippetAround(hit.text, matcherOf(hit.terms)));
}

/** The marks are control characters: any in the text itself would read as a match. */
function unmarked(text: string): string {
  return text.replace(/[\u0002\u0003]/g, '');
}

/**
 * A word as the index read it: letters, digits and combining marks (FTS5's unicode61 token
 * characters; `_` and punctuation split words), compared by its Porter stem without case or
 * accents, so "Libraries" is marked for "library" as the index matched it.
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * What a query's terms match: stems of whole words, and the starts of words as written
 * (prefix*, matched by the index of unstemmed words: timeta* marks "timetable", stem "timet").
 */
interface Matcher {
  stems: ReadonlySet<string>;
  prefixes: readonly string[];
  /** The starts of every form the terms match, any case: where a match may be. */
  headPattern: RegExp;
  /** Their first characters' codes (digits and lower-case letters are the same | 32). */
  firsts: ReadonlySet<number>;
}

/** A search's hits share one terms array: its matcher is built once, for the first hit. */
const matchers = new WeakMap<SearchTerm[], Matcher>();

function matcherOf(terms: SearchTerm[]): Matcher {
  let m = matchers.get(terms);
  if (!m) {
    m = newMatcher(terms);
    matchers.set(terms, m);
  }
  return m;
}

function newMatcher(terms: SearchTerm[]): Matcher {
  const stems = new Set<string>();
  const prefixes: string[] = [];
  for (const t of terms) {
    for (const w of t.word.match(WORD) ?? []) {
      if (t.prefix) prefixes.push(folded(w));
      else stems.add(stemOf(w));
    }
  }
  const heads = [...[...stems].map(headOf), ...prefixes];
  // Reused: exec() starts at lastIndex, which firstMatch sets first.
  const headPattern = new RegExp(heads.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') || '(?!)', 'gi');
  return { stems, prefixes, headPattern, firsts: new Set(heads.map((h) => h.charCodeAt(0) | 32)) };
}

/**
 * Porter rewrites only the end of a stem ("happy" → "happi", "hoping" → "hope"): every word
 * of a stem starts with all of it but the last letter or two (one at most in 83,637 corpus words).
 */
function headOf(stem: string): string {
  return stem.slice(0, Math.max(1, stem.length - HEAD_SLACK));
}
const HEAD_SLACK = 2;

/** Stems of words seen lately, raw word → stem: the same words recur across hits and queries. */
const stems = new Map<string, string>();
const STEMS_KEPT = 20_000;

function stemOf(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = porterStem(folded(word));
    if (stems.size >= STEMS_KEPT) stems.clear();
    stems.set(word, s);
  }
  return s;
}

/** Lower case without accents, as FTS5's remove_diacritics and PostgreSQL's unaccent see it. */
function folded(word: string): string {
  const lower = word.toLowerCase();
  return /^[\u0000-\u007f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

function matches(word: string, m: Matcher): boolean {
  if (m.stems.has(stemOf(word))) return true;
  if (m.prefixes.length === 0) return false;
  const w = folded(word);
  return m.prefixes.some((p) => w.startsWith(p));
}

/** Matches wrapped in \u0002…\u0003, as FTS5's highlight() would. */
function markTerms(text: string, m: Matcher): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length;) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
    if (!mayMatch(text.charCodeAt(start), m) || !matches(text.slice(start, i), m)) continue;
    out += `${text.slice(copied, start)}\u0002${text.slice(start, i)}\u0003`;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Letters and digits by their code in ASCII; other characters as WORD has them (a surrogate half counts as a letter). */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  return (c >= 0xd800 && c <= 0xdfff) || WORD_CHAR.test(String.fromCharCode(c));
}

/** Most words cannot match: their first letter starts no term (other than ASCII, the stem decides). */
function mayMatch(first: number, m: Matcher): boolean {
  return first >= 128 || m.firsts.has(first | 32);
}

/**
 * Where the first matching word starts, or -1. Articles run to tens of kilobytes: only the
 * places where a term's head occurs are looked at (one case-blind pattern of literal heads,
 * ~1 µs over 5 KB), not every word.
 */
function firstMatch(text: string, m: Matcher): number {
  const re = m.headPattern;
  re.lastIndex = 0;
  for (let hit = re.exec(text); hit; hit = re.exec(text)) {
    const start = wordStart(text, hit.index);
    if (matches(wordAt(text, start), m)) return start;
    re.lastIndex = hit.index + 1;
  }
  return -1;
}

function wordStart(text: string, at: number): number {
  while (at > 0 && isWordChar(text.charCodeAt(at - 1))) at--;
  return at;
}

function wordAt(text: string, start: number): string {
  let end = start;
  while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
  return text.slice(start, end);
}

const SNIPPET_CHARS = 220;

/** About 30 words of text around the first match; only that stretch of the text is collapsed. */
function snippetAround(text: string, m: Matcher): string {
  const at = firstMatch(text, m);
  const from = at > 0 ? Math.max(0, at - 2 * SNIPPET_CHARS) : 0;
  const to = Math.min(text.length, Math.max(at, 0) + 3 * SNIPPET_CHARS);
  const before = collapseWhitespace(text.slice(from, Math.max(at, from)));
  const flat = collapseWhitespace(text.slice(from, to));
  const match = at > 0 ? before.length + 1 : 0;
  const start = match > 80 ? flat.lastIndexOf(' ', match - 60) + 1 : 0;
  let end = Math.min(flat.length, start + SNIPPET_CHARS);
  if (end < flat.length) end = Math.max(flat.lastIndexOf(' ', end), start + 1);
  const more = end < flat.length || to < text.length;
  return `${start > 0 || from > 0 ? '…' : ''}${flat.slice(start, end)}${more ? '…' : ''}`;
}

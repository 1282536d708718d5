import type { SearchHit, SearchTerm } from '../model/article.js';
import { collapseWhitespace } from '../text/whitespace.js';

/** A search hit as people read it: the title and a passage with each match between \u0002 and \u0003 (escape, then mark up). */
export interface MarkedHit {
  titleMarked: string;
  snippetMarked: string;
  /** The passage without the marks. */
  excerpt: string;
}

export function markHit(hit: SearchHit): MarkedHit {
  const snippet = snippetAround(hit.text, hit.terms);
  return { titleMarked: markTerms(hit.title, hit.terms), snippetMarked: markTerms(snippet, hit.terms), excerpt: unmarked(snippet) };
}

/** The passage of a hit, plain: what scripts and apps get. */
export function hitExcerpt(hit: SearchHit): string {
  return unmarked(snippetAround(hit.text, hit.terms));
}

/** The marks are control characters: any in the text itself would read as a match. */
function unmarked(text: string): string {
  return text.replace(/[\u0002\u0003]/g, '');
}

/**
 * Patterns of the latest queries: a page of 50 hits asked for the same pattern 150 times,
 * and compiling one (Unicode classes, a lookbehind) cost more than using it. Reusing a
 * global RegExp is safe here: replace() and search() start from 0 whatever lastIndex says.
 */
const patterns = new Map<string, RegExp | null>();
const PATTERNS_KEPT = 64;

function termPattern(terms: SearchTerm[]): RegExp | null {
  const key = JSON.stringify(terms);
  let re = patterns.get(key);
  if (re === undefined) {
    re = compilePattern(terms);
    if (patterns.size >= PATTERNS_KEPT) patterns.delete(patterns.keys().next().value!);
    patterns.set(key, re);
  }
  return re;
}

function compilePattern(terms: SearchTerm[]): RegExp | null {
  if (!terms.length) return null;
  const alts = terms.map((t) => t.word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + (t.prefix ? '[\\p{L}\\p{N}_]*' : ''));
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alts.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
}

/** Matches wrapped in \u0002…\u0003, as FTS5's highlight() would. */
function markTerms(text: string, terms: SearchTerm[]): string {
  const re = termPattern(terms);
  return re ? text.replace(re, (m) => `\u0002${m}\u0003`) : text;
}

/** About 30 words of text around the first match. */
function snippetAround(text: string, terms: SearchTerm[]): string {
  const flat = collapseWhitespace(text);
  const re = termPattern(terms);
  const at = re ? flat.search(re) : -1;
  const start = at > 80 ? flat.lastIndexOf(' ', at - 60) + 1 : 0;
  let end = Math.min(flat.length, start + 220);
  if (end < flat.length) end = Math.max(flat.lastIndexOf(' ', end), start + 1);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}

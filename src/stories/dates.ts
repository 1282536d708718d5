import type { Vector } from './vectors.js';

/**
 * When a text says its event happened, as terms: each year it names ("y2009") and each
 * month it names with a year ("m2009-03"). Two events of one kind (two earthquakes, two
 * patches for one browser) share their words and often their names; the dates they give
 * tell them apart, and a full text without a publication time still carries them.
 */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Words between a month and its year at most ("March 4, 2009": the 4 between). */
const MONTH_REACH = 2;

// regex-safe: a fixed-length run of digits with optional punctuation either side
const YEAR = /^[("'`]*((?:19|20)\d\d)[)"'`.,;:!?]*$/u;
// regex-safe: one bounded letter run and an optional dot
const MONTH = /^(\p{Lu}\p{L}{2,8})\.?,?$/u;

/** Years from 1900 to 2099 and month–year pairs named in `text`, each weighted by its count (not normalised). */
export function datesOf(text: string): Vector {
  const out: Vector = new Map();
  let month: { number: number; at: number } | null = null;
  const words = text.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const named = monthOf(word);
    if (named) month = { number: named, at: i };
    const year = YEAR.exec(word)?.[1];
    if (!year) continue;
    add(out, `y${year}`);
    if (month && i - month.at <= MONTH_REACH + 1) add(out, `m${year}-${String(month.number).padStart(2, '0')}`);
    month = null;
  }
  return out;
}

function add(v: Vector, term: string): void {
  v.set(term, (v.get(term) ?? 0) + 1);
}

/** 1–12 for a capitalised month name or its start of three letters or more ("Sept." too), else 0. */
function monthOf(word: string): number {
  const m = MONTH.exec(word)?.[1]?.toLowerCase();
  return m ? MONTHS.findIndex((full) => full.startsWith(m)) + 1 : 0;
}

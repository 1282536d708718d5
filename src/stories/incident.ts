import { datesOf } from './dates.js';
import type { Vector } from './vectors.js';

/**
 * What tells one incident from another of its kind, as terms: the dates a text names (see
 * `datesOf`), the weekdays it says things happened on (resolved to a day when the article
 * has a publication time) and the ages of the people in it ("33-year-old", "Reid, 33,").
 * Two arrests or two shootings of one kind share their words and often their places; the
 * days they happened on and their people's ages rarely agree. Counts with their units
 * ("5 people") were tried and left out: the tuning half did not choose them (tolls also
 * rise as news comes in).
 *
 * Dates read relative to the publication time (a weekday: "on Friday") and years or months
 * near it are marked as context (`CONTEXT_MARK`): every event of that day is reported with
 * them, so their agreement is no evidence two texts tell one incident; their disagreement is.
 */
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;

/** Starts an incident term every event published near one time shares (see `isContextTerm`). */
export const CONTEXT_MARK = '~';
/** Months either side of the publication month whose dates every recent event may name. */
const CONTEXT_MONTHS = 1;

// regex-safe: bounded digit runs around a literal "-year-old"
const AGE_HYPHEN = /\b(\d{1,3})[- ]year[- ]old\b/gu;
// regex-safe: one capitalised word, then a bounded number between commas
const AGE_COMMA = /\b\p{Lu}\p{Ll}+, (\d{1,3}),/gu;
// regex-safe: one capitalised weekday name, fixed alternatives
const WEEKDAY = /\b(Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)\b/gu;

/** Longest text read: a very long page names its incident early, and hostile input is capped. */
const MAX_CHARS = 20_000;

/**
 * Incident terms of `text`, each weighted by its count (not normalised); `published` in ms
 * resolves weekdays and marks the dates near it as context.
 */
export function incidentOf(text: string, published: number | null): Vector {
  const capped = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const out: Vector = new Map();
  for (const [term, n] of datesOf(capped)) out.set(dateTerm(term, published), n);
  for (const m of capped.matchAll(WEEKDAY)) add(out, dayTerm(m[1]!.toLowerCase(), published));
  for (const m of capped.matchAll(AGE_HYPHEN)) add(out, `age=${m[1]}`);
  for (const m of capped.matchAll(AGE_COMMA)) add(out, `age=${m[1]}`);
  return out;
}

/** Whether an incident term is shared by every event published near one time (see `CONTEXT_MARK`). */
export function isContextTerm(term: string): boolean {
  return term.startsWith(CONTEXT_MARK);
}

/** "y=2009" or "m=2009-03" from a `datesOf` term, marked as context when near `published`. */
function dateTerm(term: string, published: number | null): string {
  const year = Number(term.slice(1, 5));
  const named = term[0] === 'y' ? `y=${term.slice(1)}` : `m=${term.slice(1)}`;
  if (published === null) return named;
  const at = new Date(published);
  const near = term[0] === 'y' ? year === at.getUTCFullYear() : Math.abs(monthsFrom(at, year, Number(term.slice(6, 8)))) <= CONTEXT_MONTHS;
  return near ? CONTEXT_MARK + named : named;
}

function monthsFrom(at: Date, year: number, month: number): number {
  return (year - at.getUTCFullYear()) * 12 + (month - 1 - at.getUTCMonth());
}

/**
 * "wd=tuesday" without a publication time; with one, the last such weekday on or before it,
 * in UTC, as context ("~d=2009-03-03").
 */
function dayTerm(weekday: string, published: number | null): string {
  if (published === null) return `wd=${weekday}`;
  const day = new Date(published).getUTCDay();
  const back = (day - WEEKDAYS.indexOf(weekday) + 7) % 7;
  return `${CONTEXT_MARK}d=${new Date(published - back * DAY_MS).toISOString().slice(0, 10)}`;
}

function add(v: Vector, term: string): void {
  v.set(term, (v.get(term) ?? 0) + 1);
}

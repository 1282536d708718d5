import { isStopWord, isTitleCase } from './words.js';

/**
 * Who an article is about, as the surnames it refers to them by. News style names a
 * person in full on first reference and by surname alone after that ("Mark Felt … Felt
 * said"), so a capitalised word that ends a full name and also stands alone is someone
 * the text keeps coming back to; the one it names most is the incident's main person.
 * Two incidents of one kind (two arrests, two deaths of Watergate figures) share their
 * words, places and institutions; their main people differ.
 */
export interface Mention {
  /** The surname, lower-cased. */
  name: string;
  /** Times named: as the end of a full name plus alone. */
  count: number;
}

// regex-safe: one letter, then one bounded character class
const WORD = /\p{L}[\p{L}'’-]*/gu;
// regex-safe: anchored, two single characters then one class
const CAPITALISED = /^\p{Lu}\p{Ll}/u;
const POSSESSIVE = /['’]s$/u;

/** Calendar words are capitalised and repeated but name no one. */
const CALENDAR = new Set(
  ('monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september ' +
    'october november december').split(' '),
);

/** Titles before a surname ("Mr. LaRue"): part of the name, never the surname. */
const TITLES = new Set(['mr', 'mrs', 'ms', 'dr']);

/**
 * The `limit` surnames named most often in `text`, each named both at the end of a full
 * name and alone, at least twice in all (most first, ties in alphabetical order).
 * Lines in Title Case are skipped: there capitals say nothing about names.
 */
export function mainPeopleOf(text: string, limit: number): Mention[] {
  const full = new Map<string, number>();
  const alone = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!isTitleCase(line)) countRuns(line, full, alone);
  }
  const out: Mention[] = [];
  for (const [name, n] of full) {
    const bare = alone.get(name);
    if (bare) out.push({ name, count: n + bare });
  }
  out.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  return out.slice(0, limit).filter((m) => m.count >= 2);
}

/**
 * Counts runs of capitalised words (joined by one space): a run of two or more words
 * counts its last word in `full`, a run of one counts it in `alone`.
 */
function countRuns(line: string, full: Map<string, number>, alone: Map<string, number>): void {
  let run = 0;
  let last = '';
  let end = -1;
  const close = () => {
    if (run && !CALENDAR.has(last) && !TITLES.has(last) && !isStopWord(last)) bump(run > 1 ? full : alone, last);
    run = 0;
  };
  for (const m of line.matchAll(WORD)) {
    const word = m[0];
    if (!CAPITALISED.test(word)) {
      close();
      continue;
    }
    const gap = line.slice(end, m.index);
    if (run && gap !== ' ' && !(gap === '. ' && TITLES.has(last))) close();
    const possessive = POSSESSIVE.test(word);
    last = (possessive ? word.slice(0, -2) : word).toLowerCase();
    run++;
    end = m.index + word.length;
    // A possessive ends the name it belongs to ("Reid's rep").
    if (possessive) close();
  }
  close();
}

function bump(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

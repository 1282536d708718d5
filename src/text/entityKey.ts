/** Longest key kept: a name longer than this is not a name a reader filters by. */
export const MAX_ENTITY_KEY = 120;

// regex-safe: one class, no nesting
const MARKS = /\p{M}+/gu;
// regex-safe: one negated class, no nesting
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
// regex-safe: anchored literal alternation
const POSSESSIVE = /(?:'s|’s)$/u;

/**
 * The key an entity is indexed and filtered by: the same for "Kim Jong-un", "kim  jong un"
 * and "KIM JONG UN's", and for "Zürich" and "Zurich" (case, accents, punctuation and
 * whitespace do not make another entity). Empty when nothing of a name is left.
 */
export function entityKey(name: string): string {
  const folded = name.slice(0, MAX_ENTITY_KEY * 2).trim().replace(POSSESSIVE, '').normalize('NFKD').replace(MARKS, '').toLowerCase();
  return folded.replace(NOT_WORD, ' ').trim().slice(0, MAX_ENTITY_KEY).trim();
}

import nlp from 'compromise';

export type EntityType = 'person' | 'place' | 'organization';

/** A mention of a person, place or organisation; offsets in UTF-16 code units of the text. */
export interface Entity {
  text: string;
  type: EntityType;
  start: number;
  end: number;
}

interface Match {
  text: string;
  offset?: { start: number; length: number };
}

const MAX_TEXT = 200_000;
const TRIM_START = /^[\s"'“‘([]+/;
// regex-safe: one class anchored at the end
const TRIM_END = /[\s"'”’()[\].,;:!?-]+$/;
const POSSESSIVE = /['’]s$/;

/**
 * People, places and organisations of a plain text. compromise types the mentions;
 * then every later occurrence of a name found once (and of a person's surname alone:
 * "Kim" after "Kim Jong Un") is typed the same: a gazetteer built from the text itself.
 */
export function extractEntities(text: string): Entity[] {
  const input = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const doc = nlp(input);
  const found: Entity[] = [];
  const add = (list: Match[], type: EntityType) => {
    for (const m of list) if (m.offset) pushTrimmed(found, input, m.offset.start, m.offset.start + m.offset.length, type);
  };
  add(doc.people().json({ offset: true }) as Match[], 'person');
  add(doc.organizations().json({ offset: true }) as Match[], 'organization');
  add(doc.places().json({ offset: true }) as Match[], 'place');
  const typed = dedupe(found);
  const guessed: Entity[] = [];
  for (const m of doc.match('#ProperNoun+').json({ offset: true }) as Match[]) {
    if (m.offset) pushTrimmed(guessed, input, m.offset.start, m.offset.start + m.offset.length, 'person');
  }
  const fresh = guessed
    .filter((g) => !typed.some((k) => g.start < k.end && k.start < g.end) && !commonWord(input, g))
    .map((g) => ({ ...g, type: guessedType(input, g) }));
  return withRepeats(input, dedupe([...typed, ...fresh]));
}

const LEXICON = (nlp.model() as { one: { lexicon: Record<string, unknown> } }).one.lexicon;
// regex-safe: one class anchored at the end
const SENTENCE_END = /(?:^|[.!?:\n]\s*)$/;

/**
 * A one-word name that is only capitalised because it starts a sentence, or that the
 * dictionary knows as a common word, is most likely not a name at all.
 */
function commonWord(text: string, e: Entity): boolean {
  if (e.text.includes(' ')) return false;
  return SENTENCE_END.test(text.slice(Math.max(0, e.start - 3), e.start)) || e.text.toLowerCase() in LEXICON;
}

// regex-safe: anchored, bounded alternation of literal words
const PLACE_BEFORE = /\b(?:in|at|from|near|to|into|across|around|visit|visiting)\s+$/i;

/**
 * A type for a name compromise found but did not type: an acronym or a name after "the"
 * ("the Pentagon") is an organisation, a name after "in", "at", "from"… a place, any other
 * a person (the commonest kind).
 */
function guessedType(text: string, e: Entity): EntityType {
  const before = text.slice(Math.max(0, e.start - 12), e.start);
  if (/^\p{Lu}{2,6}s?$/u.test(e.text) || /\bthe\s+$/i.test(before)) return 'organization';
  if (PLACE_BEFORE.test(before)) return 'place';
  return 'person';
}

function pushTrimmed(out: Entity[], text: string, start: number, end: number, type: EntityType): void {
  let s = text.slice(start, end);
  const lead = s.length - s.replace(TRIM_START, '').length;
  s = s.slice(lead).replace(TRIM_END, '');
  s = s.replace(POSSESSIVE, '');
  if (!/^\p{Lu}/u.test(s) || s.length < 2) return;
  out.push({ text: s, type, start: start + lead, end: start + lead + s.length });
}

/** One entity per span: on overlap the longer mention wins, then the earlier type found. */
function dedupe(list: Entity[]): Entity[] {
  const sorted = [...list].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Entity[] = [];
  for (const e of sorted) if (!kept.some((k) => e.start < k.end && k.start < e.end)) kept.push(e);
  return kept.sort((a, b) => a.start - b.start);
}

/** Later mentions of names already typed in the text, and persons' surnames alone. */
function withRepeats(text: string, found: Entity[]): Entity[] {
  const names = new Map<string, EntityType>();
  for (const e of found) {
    if (!names.has(e.text)) names.set(e.text, e.type);
    const parts = e.text.split(' ');
    if (e.type === 'person' && parts.length > 1 && !names.has(parts[parts.length - 1]!)) names.set(parts[parts.length - 1]!, 'person');
  }
  const extra: Entity[] = [];
  for (const [name, type] of names) {
    if (name.length < 3) continue;
    let from = 0;
    for (let i = text.indexOf(name, from); i >= 0; i = text.indexOf(name, from)) {
      from = i + name.length;
      if (/[\p{L}\p{N}]/u.test(text[i - 1] ?? ' ') || /[\p{L}\p{N}]/u.test(text[from] ?? ' ')) continue;
      extra.push({ text: name, type, start: i, end: from });
    }
  }
  return dedupe([...found, ...extra]);
}

// Kept apart so a story page can name entities without loading the tagger.
export { canonicalNames } from './canonicalNames.js';

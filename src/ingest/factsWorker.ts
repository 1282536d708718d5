import { asTidingsError } from '../model/errors.js';
import type { WorkerOutcome } from '../extract/extractionPool.js';
import { extractEntities } from '../stories/entities.js';
import { extractFigures } from '../stories/figures.js';

/**
 * Entities and figures of one article's text. `deferred`: none found now (the facts
 * threads were busy or failing), to be asked again later rather than stored as none.
 */
export type Facts = { entities: unknown[]; figures: unknown[]; deferred?: true };

/**
 * Characters of an article's text that facts are found in: the tagger's cost grows with
 * the text, and a news article is far shorter; a longer text is read up to here.
 */
export const MAX_FACTS_TEXT = 100_000;

export const FACTS_WORKER = new URL('./factsWorker.js', import.meta.url).href;

/** The facts of a text, up to MAX_FACTS_TEXT characters: what a worker thread runs, and the inline fallback. */
export function factsOfText(text: string): Facts {
  const input = text.length > MAX_FACTS_TEXT ? text.slice(0, MAX_FACTS_TEXT) : text;
  return { entities: extractEntities(input), figures: extractFigures(input) };
}

/** Runs in a thread of the extraction pool (extractionPool.ts): errors come back as data, with their code. */
export default function factsInThread(text: string): WorkerOutcome<Facts> {
  try {
    return { ok: true, value: factsOfText(text) };
  } catch (err) {
    const e = asTidingsError(err);
    return { ok: false, code: e.code, message: e.message };
  }
}

import { extractEntities } from '../../src/stories/entities.js';
import type { NerSentence } from './datasets.js';

/** Typed micro-F1 with exact spans. */
export function entityScore(sentences: NerSentence[]): { p: number; r: number; f1: number; gold: number } {
  let tp = 0;
  let predicted = 0;
  let gold = 0;
  for (const s of sentences) {
    const want = new Set(s.entities.map((e) => `${e.type}:${e.start}:${e.end}`));
    const got = extractEntities(s.text).map((e) => `${e.type}:${e.start}:${e.end}`);
    gold += want.size;
    predicted += got.length;
    for (const g of got) if (want.has(g)) tp++;
  }
  const p = predicted ? tp / predicted : 0;
  const r = gold ? tp / gold : 0;
  return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0, gold };
}

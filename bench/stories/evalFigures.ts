import fs from 'node:fs';
import { extractFigures } from '../../src/stories/figures.js';

/** One hand-labelled document: its text and the figures a reader finds in it. */
export interface LabelledDoc {
  doc: string;
  text: string;
  figures: { text: string; value: number | [number, number]; attribution: string | null }[];
}

const sameValue = (a: number | [number, number], b: number | [number, number]) => JSON.stringify(a) === JSON.stringify(b);
const norm = (s: string | null) => (s ?? '').toLowerCase().replace(/^(?:the|a|an) /, '').trim();

/**
 * Value F1: a found figure matches a labelled one with the same value in the same document
 * (each used once). Attribution accuracy: over matched figures, the source agrees (equal
 * after lower-casing and dropping a leading article, or one contains the other; both null counts).
 */
export function figureScore(file: string): { p: number; r: number; f1: number; attribution: number; labelled: number } | null {
  if (!fs.existsSync(file)) return null;
  const docs = JSON.parse(fs.readFileSync(file, 'utf8')) as LabelledDoc[];
  let tp = 0;
  let found = 0;
  let labelled = 0;
  let attrOk = 0;
  for (const d of docs) {
    const got = extractFigures(d.text);
    const open = [...d.figures];
    labelled += open.length;
    found += got.length;
    for (const g of got) {
      const k = open.findIndex((f) => sameValue(f.value, g.value));
      if (k < 0) continue;
      const [want] = open.splice(k, 1);
      tp++;
      const a = norm(want!.attribution);
      const b = norm(g.attribution);
      if (a === b || (a && b && (a.includes(b) || b.includes(a)))) attrOk++;
    }
  }
  const p = found ? tp / found : 0;
  const r = labelled ? tp / labelled : 0;
  return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0, attribution: tp ? attrOk / tp : 0, labelled };
}

/**
 * The article-extraction-benchmark metric, so that `npm run bench` can put each
 * extractor's quality beside its speed: tokens are runs of letters, digits and "_",
 * compared as 4-gram shingles with counts; per page the true/false positives and false
 * negatives are normalised to sum 1; precision and recall are means over pages; F1 is
 * their harmonic mean.
 */
function shingles(text: string): Map<string, number> {
  const tokens = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  const out = new Map<string, number>();
  const n = 4;
  if (tokens.length < n) {
    if (tokens.length) out.set(tokens.join(' '), 1);
    return out;
  }
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export function pageCounts(predicted: string, truth: string): { tp: number; fp: number; fn: number } {
  const p = shingles(predicted);
  const t = shingles(truth);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [k, c] of p) {
    const m = Math.min(c, t.get(k) ?? 0);
    tp += m;
    fp += c - m;
  }
  for (const [k, c] of t) fn += Math.max(0, c - (p.get(k) ?? 0));
  const total = tp + fp + fn;
  return total ? { tp: tp / total, fp: fp / total, fn: fn / total } : { tp: 0, fp: 0, fn: 0 };
}

export function f1Score(pages: Array<{ tp: number; fp: number; fn: number }>): { precision: number; recall: number; f1: number } {
  const pr = pages.filter((p) => p.tp + p.fp > 0).map((p) => p.tp / (p.tp + p.fp));
  const rc = pages.filter((p) => p.tp + p.fn > 0).map((p) => p.tp / (p.tp + p.fn));
  const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : 0);
  const precision = mean(pr);
  const recall = mean(rc);
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

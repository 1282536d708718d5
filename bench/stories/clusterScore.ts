/** Pairwise and B-cubed precision/recall/F1 of a clustering against gold labels. */
export interface ClusterScore {
  pairP: number;
  pairR: number;
  pairF1: number;
  b3P: number;
  b3R: number;
  b3F1: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;
const f1 = (p: number, r: number) => (p + r ? (2 * p * r) / (p + r) : 0);

export function clusterScore(predicted: string[], gold: string[]): ClusterScore {
  const cell = new Map<string, number>();
  const predSize = new Map<string, number>();
  const goldSize = new Map<string, number>();
  for (let i = 0; i < predicted.length; i++) {
    const key = `${predicted[i]}\u0000${gold[i]}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
    predSize.set(predicted[i]!, (predSize.get(predicted[i]!) ?? 0) + 1);
    goldSize.set(gold[i]!, (goldSize.get(gold[i]!) ?? 0) + 1);
  }
  let tp = 0;
  for (const n of cell.values()) tp += pairs(n);
  let pp = 0;
  for (const n of predSize.values()) pp += pairs(n);
  let gp = 0;
  for (const n of goldSize.values()) gp += pairs(n);
  let b3P = 0;
  let b3R = 0;
  for (let i = 0; i < predicted.length; i++) {
    const both = cell.get(`${predicted[i]}\u0000${gold[i]}`)!;
    b3P += both / predSize.get(predicted[i]!)!;
    b3R += both / goldSize.get(gold[i]!)!;
  }
  const n = predicted.length || 1;
  const pairP = pp ? tp / pp : 1;
  const pairR = gp ? tp / gp : 1;
  return { pairP, pairR, pairF1: f1(pairP, pairR), b3P: b3P / n, b3R: b3R / n, b3F1: f1(b3P / n, b3R / n) };
}

/**
 * k-fold cross-validated extraction F1 on the shared corpus pages (`npm run conformance`).
 * The plain score fits and scores on the same pages, so it flatters whatever has tunable
 * weights. Here the block judge's weights (src/extract/contentBlocks.ts) are chosen on k-1
 * folds by grid search and scored on the held fold; the held folds' pages together give
 * the cross-validated F1, the estimate for pages nobody has seen. Folds are fixed by a
 * seeded hash of each page's name. `--fit` stores the weights chosen on all pages.
 *
 * Each page is extracted once; the judge's decisions are replayed on the captured article,
 * and the text scored is the article's `text` with the blocks the judge keeps.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { extractArticle } from '../src/extract/extractArticle.js';
import { defaultBlockWeights, keepBlocks, type BlockFeatures, type BlockWeights } from '../src/extract/contentBlocks.js';
import { f1Score, pageCounts } from './extractionScore.js';

type Counts = { tp: number; fp: number; fn: number };
interface Page {
  id: string;
  corpus: string;
  truth: string;
  blocks: BlockFeatures[];
  textKeeping: (keep: boolean[]) => string;
  fold: number;
  memo: Map<string, Counts>;
  byWeights: Map<BlockWeights | null, Counts>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = process.env.TIDINGS_SHARED ?? path.resolve(root, '..', 'shared');
const K = 5;
const SEED = 'tidings-extraction-folds-1';

export const GRID: BlockWeights[] = [];
for (const tailBoxShare of [0, 0.1, 0.2, 0.3])
  for (const tailBoxProse of [2, 1000])
    for (const edgeTrim of ['none', 'tail', 'both'] as const)
      for (const linkMax of [1.01, 0.8, 0.66, 0.5, 0.33])
        for (const shortChars of [0, 25, 50, 80])
          for (const longChars of [100, 150, 250])
            for (const edgesBad of [false, true])
              for (const maxDrop of [0.2, 0.4])
                GRID.push({ linkMax, shortChars, longChars, edgesBad, maxDrop, edgeTrim, tailBoxShare, tailBoxProse });

/** FNV-1a: a page's fold depends only on its name and the seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function assignFolds(pages: Page[]): void {
  const order = [...pages].sort((a, b) => hash(SEED + a.id) - hash(SEED + b.id) || a.id.localeCompare(b.id));
  order.forEach((p, i) => (p.fold = i % K));
}

function captureBlocks(html: string, url: string): Pick<Page, 'blocks' | 'textKeeping'> {
  const seen: Pick<Page, 'blocks' | 'textKeeping'> = { blocks: [], textKeeping: () => '' };
  try {
    extractArticle(html, url, { blockWeights: null, inspectBlocks: (blocks, textKeeping) => Object.assign(seen, { blocks, textKeeping }) });
  } catch {
    // A page that fails to extract scores as empty text, as in the conformance scorer.
  }
  return seen;
}

async function loadPages(): Promise<Page[]> {
  const { htmlToText } = (await import(pathToFileURL(path.join(shared, 'tools', 'conformance', 'lib', 'html.mjs')).href)) as { htmlToText: (h: string) => string };
  const pages: Page[] = [];
  const add = (corpus: string, id: string, html: string, url: string, truth: string) =>
    pages.push({ id: `${corpus}/${id}`, corpus, truth, ...captureBlocks(html, url), fold: 0, memo: new Map(), byWeights: new Map() });
  const rdir = path.join(shared, 'corpus', 'readability', 'test-pages');
  for (const name of fs.readdirSync(rdir).sort()) {
    const source = path.join(rdir, name, 'source.html');
    if (!fs.existsSync(source)) continue;
    add('readability', name, fs.readFileSync(source, 'utf8'), 'http://fakehost/test/page.html', htmlToText(fs.readFileSync(path.join(rdir, name, 'expected.html'), 'utf8')));
  }
  const adir = path.join(shared, 'corpus', 'article-extraction-benchmark');
  const truth = JSON.parse(fs.readFileSync(path.join(adir, 'ground-truth.json'), 'utf8')) as Record<string, { url?: string; articleBody?: string }>;
  for (const key of Object.keys(truth).sort()) {
    const gz = path.join(adir, 'html', `${key}.html.gz`);
    if (!fs.existsSync(gz)) continue;
    add('article-extraction-benchmark', key, zlib.gunzipSync(fs.readFileSync(gz)).toString('utf8'), truth[key]!.url ?? `http://tidings-conformance.test/${key}`, truth[key]!.articleBody ?? '');
  }
  return pages;
}

function countsFor(page: Page, w: BlockWeights | null): Counts {
  let c = page.byWeights.get(w);
  if (!c) {
    c = countsForMask(page, w);
    page.byWeights.set(w, c);
  }
  return c;
}

function countsForMask(page: Page, w: BlockWeights | null): Counts {
  const keep = w ? keepBlocks(page.blocks, w) : page.blocks.map(() => true);
  const key = keep.map((k) => (k ? '1' : '0')).join('');
  let c = page.memo.get(key);
  if (!c) {
    c = pageCounts(page.textKeeping(keep), page.truth);
    page.memo.set(key, c);
  }
  return c;
}

const f1Of = (pages: Page[], w: BlockWeights | null) => f1Score(pages.map((p) => countsFor(p, w))).f1;

/** The grid point with the best F1 on these pages (the first of equals, in grid order). */
function fit(pages: Page[]): BlockWeights {
  let best = GRID[0]!;
  let bestF1 = -1;
  for (const w of GRID) {
    const f = f1Of(pages, w);
    if (f > bestF1) [best, bestF1] = [w, f];
  }
  return best;
}

const f3 = (x: number) => x.toFixed(3);
const describe = (w: BlockWeights) => `linkMax ${w.linkMax} shortChars ${w.shortChars} longChars ${w.longChars} edgesBad ${w.edgesBad} maxDrop ${w.maxDrop} edgeTrim ${w.edgeTrim} tailBoxShare ${w.tailBoxShare} tailBoxProse ${w.tailBoxProse}`;

function byCorpus(label: string, held: Map<Page, BlockWeights | null>): string {
  const corpora = [...new Set([...held.keys()].map((p) => p.corpus))];
  const part = (pages: Page[]) => f3(f1Score(pages.map((p) => countsFor(p, held.get(p)!))).f1);
  return `${label.padEnd(34)} ${part([...held.keys()])}   (${corpora.map((c) => `${c} ${part([...held.keys()].filter((p) => p.corpus === c))}`).join(', ')})`;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(shared, 'corpus', 'article-extraction-benchmark'))) {
    console.log(`cross-validation: skipped (${shared}/corpus not found)`);
    return;
  }
  const pages = await loadPages();
  assignFolds(pages);
  const all = (w: BlockWeights | null) => new Map(pages.map((p) => [p, w] as const));
  console.log(`${pages.length} pages, ${K} folds (seeded by page name), ${GRID.length} weight settings; token F1 of the extracted text:`);
  console.log(byCorpus('Readability alone (no block judge)', all(null)));
  console.log(byCorpus('shipped weights, in-sample', all(defaultBlockWeights())));
  const held = new Map<Page, BlockWeights>();
  for (let k = 0; k < K; k++) {
    const w = fit(pages.filter((p) => p.fold !== k));
    const fold = pages.filter((p) => p.fold === k);
    for (const p of fold) held.set(p, w);
    console.log(`  fold ${k + 1}: ${String(fold.length).padStart(3)} pages, held-out F1 ${f3(f1Of(fold, w))} (no judge ${f3(f1Of(fold, null))}); fitted ${describe(w)}`);
  }
  console.log(byCorpus(`${K}-fold cross-validated`, held));
  const fitted = fit(pages);
  console.log(`fitted on all pages: ${describe(fitted)} (in-sample ${f3(f1Of(pages, fitted))})`);
  if (process.argv.includes('--fit')) {
    const file = path.join(root, 'src', 'extract', 'blockWeights.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { weights: BlockWeights };
    data.weights = fitted;
    fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
    console.log(`written to ${path.relative(root, file)}`);
  }
}

await main();

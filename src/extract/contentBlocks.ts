/* eslint-disable @typescript-eslint/no-explicit-any */
import { createRequire } from 'node:module';
import { collapseWhitespace } from '../text/whitespace.js';
import { closestNamed, elementsNamed, upperCased } from './elementWalk.js';

/**
 * A second judge of what is article text, with other blind spots than Readability's: it
 * looks at the blocks of the container Readability chose (paragraphs, list items,
 * headings) one by one, as jusText and boilerpipe do. A block whose text is mostly links is
 * boilerplate; a long one is content; short and middling blocks take the class of the
 * blocks around them, so a "Tags" line or a "Follow us" line among link lists goes while a
 * subheading between paragraphs stays. Its few weights are fitted by cross-validation
 * (bench/extractionCrossValidation.ts) and stored as data (blockWeights.json).
 */
export interface BlockWeights {
  /** Link characters / text characters above which a block is boilerplate. */
  linkMax: number;
  /** Blocks shorter than this (characters) are "short": they follow their neighbours. */
  shortChars: number;
  /** Blocks at least this long (characters, below linkMax) are content. */
  longChars: number;
  /** Whether the start and end of the article count as boilerplate neighbours. */
  edgesBad: boolean;
  /** Never remove more than this share of the text: beyond it the judge is likely wrong. */
  maxDrop: number;
  /** Where blocks that are not full sentences go when no content block comes before/after them. */
  edgeTrim: 'none' | 'tail' | 'both';
  /**
   * A box after the story's column that opens with a heading ("About the author", "More
   * news", "You may also like") goes, heading to the end, when it holds at most this
   * share of the text; 0 keeps it. A longer one is more likely the story going on.
   */
  tailBoxShare: number;
  /** ...and when it holds at most this many prose blocks (a bio has one or two, a section many). */
  tailBoxProse: number;
}

/** What the judge sees of a block: enough to decide without the DOM (the fitting replays it). */
export interface BlockFeatures {
  text: string;
  chars: number;
  linkDensity: number;
  /** Ends as a sentence does (".", "!", "?", "…", possibly inside quotes or brackets). */
  sentence: boolean;
  /** Captions, code and tables are content whatever they look like. */
  fixed: boolean;
  /** A heading (h1-h6): the title of a box when it opens a run of other blocks. */
  heading: boolean;
  /**
   * The block sits directly in the story's column: the element holding the most
   * characters of prose (sentences of some length, mostly not links). Boxes after a story
   * (a bio, a promo, other stories) are usually nested in a container of their own.
   */
  column: boolean;
  /**
   * Off the story's column, the block says word for word what an earlier block said with
   * no prose between them: a gallery's caption written out again for its full-screen
   * view, the same credit under every slide. The story's own paragraphs never count, nor
   * a line that comes back after some prose (an interview's question, a refrain), nor a
   * list item (products listed one after another share their features).
   */
  repeated: boolean;
}

type BlockClass = 'good' | 'bad' | 'short' | 'neutral';

const BLOCK_TAGS = new Set(['P', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'DT', 'DD', 'DIV', 'SECTION', 'ASIDE', 'FOOTER', 'HEADER', 'ADDRESS', 'UL', 'OL', 'DL']);
const ATOMIC_TAGS = new Set(['FIGURE', 'TABLE', 'PRE']);
const SENTENCE_END = /[.!?…。]["'”’)\]]?$/;
/** Prose: a sentence at least this long (characters) whose link density is below PROSE_LINKS. */
const PROSE_CHARS = 80;
const PROSE_LINKS = 0.3;
/** Shorter blocks may well repeat ("Buy now", a name, a refrain): only longer ones count as repeats. */
const REPEAT_CHARS = 20;

const require = createRequire(import.meta.url);
let defaults: BlockWeights | null = null;

/** The weights fitted on all shared corpus pages (data beside the sources; copied by the build). */
export function defaultBlockWeights(): BlockWeights {
  defaults ??= require('./blockWeights.json').weights as BlockWeights;
  return defaults;
}

function textOf(el: any): string {
  return collapseWhitespace(String(el.textContent ?? ''));
}

const LINK = upperCased(['a']);

function linkDensityOf(el: any, chars: number): number {
  let links = 0;
  for (const a of elementsNamed(el, LINK)) links += textOf(a).length;
  return chars ? Math.min(1, links / chars) : 0;
}

/** The innermost blocks of an article element in document order, figures/tables/code whole. */
export function leafBlocks(root: any): any[] {
  const out: any[] = [];
  // True when the element holds a block below it; a block holding none is a leaf.
  const visit = (el: any): boolean => {
    let holdsBlock = false;
    for (const child of Array.from(el.children ?? []) as any[]) {
      if (ATOMIC_TAGS.has(child.tagName)) {
        out.push(child);
        holdsBlock = true;
        continue;
      }
      const inner = visit(child);
      if (BLOCK_TAGS.has(child.tagName) && !inner) out.push(child);
      holdsBlock ||= inner || BLOCK_TAGS.has(child.tagName);
    }
    return holdsBlock;
  };
  visit(root);
  return out;
}

/** Figures, captions, code and tables: a block that is or sits inside one is fixed. */
const FIXED_TAGS = new Set(['FIGURE', 'FIGCAPTION', 'PRE', 'TABLE']);

type OwnFeatures = Omit<BlockFeatures, 'column' | 'repeated'>;

function ownFeatures(el: any): OwnFeatures {
  const text = textOf(el);
  const fixed = ATOMIC_TAGS.has(el.tagName) || closestNamed(el, FIXED_TAGS) !== null;
  const sentence = SENTENCE_END.test(text.slice(-3));
  const heading = /^H[1-6]$/.test(el.tagName);
  return { text, chars: text.length, linkDensity: linkDensityOf(el, text.length), sentence, fixed, heading };
}

/** What a story's column is made of: a sentence of some length, mostly not links. */
function isProse(b: OwnFeatures): boolean {
  return b.sentence && b.chars >= PROSE_CHARS && b.linkDensity < PROSE_LINKS && !b.fixed;
}

/** A block of prose as the block judge counts it (a sentence of some length, mostly not links). */
export function isProseBlock(el: any): boolean {
  return isProse(ownFeatures(el));
}

/** The element holding the most characters of prose blocks directly (null: no prose). */
function storyColumn(els: any[], own: OwnFeatures[]): any {
  const chars = new Map<any, number>();
  own.forEach((b, i) => {
    if (isProse(b)) chars.set(els[i].parentNode, (chars.get(els[i].parentNode) ?? 0) + b.chars);
  });
  let column: any = null;
  for (const [parent, n] of chars) if (column === null || n > chars.get(column)!) column = parent;
  return column;
}

/** The features of the blocks (leafBlocks) of one article, in their order. */
export function blockFeatures(els: any[]): BlockFeatures[] {
  const own = els.map(ownFeatures);
  const column = storyColumn(els, own);
  // Each line's text → how many prose blocks came before it, when it was last seen.
  const seen = new Map<string, number>();
  let prose = 0;
  return own.map((b, i) => {
    const inColumn = column !== null && els[i].parentNode === column;
    const key = b.chars >= REPEAT_CHARS ? b.text.toLowerCase() : null;
    const repeated = key !== null && seen.get(key) === prose && !inColumn && !b.fixed && els[i].tagName !== 'LI';
    if (key !== null) seen.set(key, prose);
    if (isProse(b)) prose++;
    return { ...b, column: inColumn, repeated };
  });
}

function initialClass(b: BlockFeatures, w: BlockWeights): BlockClass {
  if (b.fixed) return 'good';
  if (b.chars === 0) return 'short';
  if (b.linkDensity > w.linkMax) return 'bad';
  if (b.chars < w.shortChars) return 'short';
  return b.chars >= w.longChars ? 'good' : 'neutral';
}

/** The class of the nearest decided block before (step -1) or after (step 1) index i. */
function neighbour(classes: BlockClass[], i: number, step: number, w: BlockWeights, skip: Set<BlockClass>): BlockClass {
  for (let j = i + step; j >= 0 && j < classes.length; j += step) if (!skip.has(classes[j]!)) return classes[j]!;
  return w.edgesBad ? 'bad' : 'good';
}

/** Which blocks to keep: the judge's decision for each, in order. */
export function keepBlocks(blocks: BlockFeatures[], w: BlockWeights): boolean[] {
  const classes = blocks.map((b) => initialClass(b, w));
  // Middling blocks first decide between the good and bad blocks around them…
  const decided = new Set<BlockClass>(['short', 'neutral']);
  const resolved = classes.map((c, i) => (c === 'neutral' && neighbour(classes, i, -1, w, decided) === 'bad' && neighbour(classes, i, 1, w, decided) === 'bad' ? 'bad' : c === 'neutral' ? 'good' : c));
  // …then short ones follow whatever surrounds them.
  const shortOnly = new Set<BlockClass>(['short']);
  const keep = resolved.map((c, i) => c === 'good' || (c === 'short' && !(neighbour(resolved, i, -1, w, shortOnly) === 'bad' && neighbour(resolved, i, 1, w, shortOnly) === 'bad')));
  blocks.forEach((b, i) => {
    if (b.repeated) keep[i] = false;
  });
  trimEdges(blocks, classes, keep, w.edgeTrim);
  trimTailBox(blocks, keep, w);
  const total = blocks.reduce((n, b) => n + b.chars, 0);
  const dropped = blocks.reduce((n, b, i) => n + (keep[i] ? 0 : b.chars), 0);
  return dropped > total * w.maxDrop ? blocks.map(() => true) : keep;
}

/**
 * Before the first content block and after the last one, what is not a sentence is the
 * furniture around a story ("Recent articles", "Share this", a reading-time line).
 */
function trimEdges(blocks: BlockFeatures[], classes: BlockClass[], keep: boolean[], mode: BlockWeights['edgeTrim']): void {
  if (mode === 'none') return;
  // Figures count as content but not as a story's bounds: a gallery may close a page.
  const story = classes.map((c, i) => c === 'good' && !blocks[i]!.fixed);
  const first = story.indexOf(true);
  const last = story.lastIndexOf(true);
  if (first < 0) return;
  const trim = (i: number) => {
    if (!blocks[i]!.fixed && !blocks[i]!.sentence) keep[i] = false;
  };
  for (let i = last + 1; i < blocks.length; i++) trim(i);
  if (mode === 'both') for (let i = 0; i < first; i++) trim(i);
}

/** See BlockWeights.tailBoxShare and tailBoxProse. Figures stay, as everywhere. */
function trimTailBox(blocks: BlockFeatures[], keep: boolean[], w: BlockWeights): void {
  if (!(w.tailBoxShare > 0)) return;
  const last = blocks.findLastIndex((b) => b.column);
  const from = last < 0 ? -1 : blocks.findIndex((b, i) => i > last && b.heading);
  if (from < 0) return;
  const chars = (bs: BlockFeatures[]) => bs.reduce((n, b) => n + (b.fixed ? 0 : b.chars), 0);
  const box = blocks.slice(from);
  if (chars(box) > chars(blocks) * w.tailBoxShare || box.filter(isProse).length > w.tailBoxProse) return;
  for (let i = from; i < blocks.length; i++) if (!blocks[i]!.fixed) keep[i] = false;
}

/** Removes the blocks the judge calls boilerplate from an article element. */
export function pruneBlocks(article: any, w: BlockWeights): void {
  const els = leafBlocks(article);
  const keep = keepBlocks(blockFeatures(els), w);
  els.forEach((el, i) => {
    if (!keep[i]) el.remove();
  });
}

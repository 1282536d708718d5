import { NOISE } from './pageCleanup.js';

/**
 * Readability's first pass removes "unlikely candidates" (class or id like `sidebar`,
 * `comment`, `footer`; roles like `navigation`) as it walks the page, before it scores
 * anything. They are often half the page. This decides, while the markup streams past,
 * which of them can be left out of the DOM altogether: each is written back as an empty
 * element with the same tag, class, id and role, which Readability then removes exactly as
 * it would have removed the full one. An element is emptied only when nothing that runs
 * before that removal could see the difference:
 *  - Readability's title, metadata and JSON-LD readers, and ours (h1/h2, meta, link, time,
 *    script anywhere inside);
 *  - its byline and title-heading checks, which run on a node before the unlikely test and
 *    read its text (byline-like elements, h1/h2, and everything inside them stay whole);
 *  - its tests of an ancestor's shape: a lone-image wrapper (an image and no text), block
 *    children (`_hasChildBlockElement` looks below a non-block child), a DIV holding a single
 *    P (replaced by that P, which then skips the unlikely test: a P under a DIV stays whole);
 *  - our clean-up before Readability: figures and captions (normaliseFigures reads inside
 *    them), noscripts, and paragraphs under a box removeNoise may keep for its paragraphs;
 *  - tables and code, where Readability does not apply the class test near the cell.
 * All of this holds only if Readability keeps its first pass; when that pass finds too
 * little text it starts again on the whole page, and so must the caller.
 */

/**
 * Readability 0.6's REGEXPS.unlikelyCandidates, okMaybeItsACandidate and byline, and
 * UNLIKELY_ROLES. okMaybeItsACandidate adds "mathjax", as later Readability does: MathJax
 * marks its formulas with a context-menu class ("CtxtMenu") that "menu" would remove.
 * extractArticle gives Readability this same pattern, so that both decide alike.
 */
const UNLIKELY =
  /-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote/i;
export const MAYBE_CANDIDATE = /and|article|body|column|content|main|mathjax|shadow/i;
const BYLINE = /byline|author|dateline|writtenby|p-author/i;
const UNLIKELY_ROLES = new Set(['menu', 'menubar', 'complementary', 'navigation', 'alert', 'alertdialog', 'dialog']);
const CAPTION = /caption/i;

/** Never emptied: Readability exempts body and links, or reads them before the test. */
const NEVER = new Set(['html', 'head', 'body', 'a', 'h1', 'h2', 'del', 'ins', 'noscript', 'script', 'figure']);
const FRAME = new Set(['html', 'body']);
/** Inside these nothing is emptied (see the top of this file). */
const SHELTERS = new Set(['figure', 'figcaption', 'noscript', 'table', 'code', 'h1', 'h2']);
/** What some reader looks for anywhere in the page: an element holding one stays whole. */
const READ_ANYWHERE = new Set(['h1', 'h2', 'meta', 'link', 'time', 'script', 'title']);
/** Readability's DIV_TO_P_ELEMS: what `_hasChildBlockElement` looks for. */
const BLOCKS = new Set(['blockquote', 'dl', 'div', 'img', 'ol', 'p', 'pre', 'table', 'ul']);
const WORD = /[\p{L}\p{N}]/u;

interface Candidate {
  /** Index in the output where its start tag was written. */
  start: number;
  /** An ancestor matches removeNoise's pattern: its paragraphs count there. */
  underNoise: boolean;
  readAnywhere: boolean;
  image: boolean;
  word: boolean;
  block: boolean;
  paragraph: boolean;
}

interface Open {
  name: string;
  shelters: boolean;
  noise: boolean;
  candidate: Candidate | null;
}

type Attributes = Record<string, string>;

function matchString(attribs: Attributes): string | null {
  const s = `${attribs.class ?? ''} ${attribs.id ?? ''}`;
  // Readability tests decoded values; undecoded ones that could differ are left to it.
  return s.includes('&') ? null : s;
}

function bylineLike(attribs: Attributes, match: string): boolean {
  return attribs.rel === 'author' || (attribs.itemprop ?? '').includes('author') || BYLINE.test(match);
}

/** Readability's unlikely-candidate tests, without its exemptions. */
function matchesUnlikely(attribs: Attributes, match: string): boolean {
  const role = attribs.role;
  return (UNLIKELY.test(match) && !MAYBE_CANDIDATE.test(match)) || (role !== undefined && UNLIKELY_ROLES.has(role));
}

function isUnlikely(name: string, attribs: Attributes, parent: string | undefined, voidTag: boolean): boolean {
  if (voidTag || NEVER.has(name) || (name === 'p' && parent === 'div')) return false;
  const match = matchString(attribs);
  if (match === null || bylineLike(attribs, match) || CAPTION.test(match)) return false;
  return matchesUnlikely(attribs, match);
}

function shelters(name: string, attribs: Attributes): boolean {
  if (SHELTERS.has(name)) return true;
  const match = matchString(attribs);
  if (match === null || bylineLike(attribs, match) || CAPTION.test(match)) return true;
  // A page whose html or body Readability removes is taken whole from the body: no pass.
  return FRAME.has(name) && matchesUnlikely(attribs, match);
}

/** What removeNoise tests (undecoded values that could differ count as a match). */
function isNoise(attribs: Attributes): boolean {
  const s = `${attribs.class ?? ''} ${attribs.id ?? ''} ${attribs.itemprop ?? ''}`;
  return s.includes('&') || NOISE.test(s);
}

function emptiable(name: string, c: Candidate): boolean {
  if (c.readAnywhere || (c.image && !c.word)) return false;
  return !(c.block && !BLOCKS.has(name)) && !(c.underNoise && c.paragraph);
}

/** Follows the open elements of one page; see the top of this file. */
export class UnlikelyCandidates {
  private readonly open: Open[] = [];
  /** The open candidates, innermost last. */
  private readonly candidates: Candidate[] = [];
  private shelterDepth = 0;
  private noiseDepth = 0;

  private innermost(): Candidate | undefined {
    return this.candidates[this.candidates.length - 1];
  }

  /** An element whose start tag was just written at `start` of the output. */
  opened(name: string, attribs: Attributes, start: number, voidTag: boolean): void {
    const inner = this.innermost();
    if (inner) {
      inner.readAnywhere ||= READ_ANYWHERE.has(name);
      inner.image ||= name === 'img';
      inner.block ||= BLOCKS.has(name);
      inner.paragraph ||= name === 'p';
    }
    const parent = this.open[this.open.length - 1]?.name;
    const candidate =
      this.shelterDepth === 0 && isUnlikely(name, attribs, parent, voidTag)
        ? { start, underNoise: this.noiseDepth > 0, readAnywhere: false, image: false, word: false, block: false, paragraph: false }
        : null;
    const entry = { name, shelters: shelters(name, attribs), noise: isNoise(attribs), candidate };
    if (entry.shelters) this.shelterDepth++;
    if (entry.noise) this.noiseDepth++;
    if (candidate) this.candidates.push(candidate);
    this.open.push(entry);
  }

  text(text: string): void {
    const inner = this.innermost();
    if (inner && !inner.word) inner.word = WORD.test(text);
  }

  /** The element closed; where its content starts in the output if it is to be emptied, else -1. */
  closed(): number {
    const entry = this.open.pop();
    if (!entry) return -1;
    if (entry.shelters) this.shelterDepth--;
    if (entry.noise) this.noiseDepth--;
    const c = entry.candidate;
    if (!c) return -1;
    this.candidates.pop();
    const outer = this.innermost();
    if (outer) {
      outer.readAnywhere ||= c.readAnywhere;
      outer.image ||= c.image;
      outer.word ||= c.word;
      outer.block ||= c.block;
      outer.paragraph ||= c.paragraph;
    }
    return emptiable(entry.name, c) ? c.start : -1;
  }
}

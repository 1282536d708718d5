import { TidingsError } from '../model/errors.js';
import { isAlpha, isSpace } from '../html/sanitizeHtml.js';

/**
 * How complex a page is, measured before any DOM is built: one linear pass over the markup
 * that follows the tree-building rules of the parser linkedom uses (htmlparser2 in HTML
 * mode), so the depth counted here is the depth of the DOM extraction would walk.
 * Readability recurses over that DOM and its work grows with depth squared, and every
 * element and attribute costs memory in the DOM, so pages over the limits are refused
 * with `too_complex` instead of overflowing the stack or filling the heap.
 *
 * Where the scanner and the parser could disagree, the scanner counts more, never less.
 */
export interface PageLimits {
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
}

/** Browsers stop nesting at 512 too; real article pages stay far below every limit. */
export const DEFAULT_PAGE_LIMITS: PageLimits = { maxDepth: 512, maxElements: 100_000, maxAttributes: 200_000 };

export interface PageComplexity {
  depth: number;
  elements: number;
  attributes: number;
}

const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const DD_DT = new Set(['dd', 'dt']);
const RT_RP = new Set(['rt', 'rp']);
const TABLE_SECTION = new Set(['thead', 'tbody']);
/** An opening tag closes these open elements first (htmlparser2's table, smallest common set). */
const OPEN_IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DD_DT],
  ['dt', DD_DT],
  ['rt', RT_RP],
  ['rp', RT_RP],
  ['tbody', TABLE_SECTION],
  ['tfoot', TABLE_SECTION],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM] as const),
  ...('p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form ' +
    'header hr main nav ol pre section table ul').split(' ').map((t) => [t, P] as const),
]);
const VOID = new Set(
  'area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'.split(' '),
);
/** Elements whose content the tokenizer reads as text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

/** The stack of open elements, with a count per name so a stray end tag costs O(1). */
class OpenElements {
  private readonly names: string[] = [];
  private readonly counts = new Map<string, number>();
  /**
   * Foreign (SVG, MathML) or not, innermost last; self-closing tags close only in foreign
   * content. Kept as the parser keeps it, which pushes on open and pops on any end tag.
   */
  private readonly foreign: boolean[] = [false];

  get depth(): number {
    return this.names.length;
  }

  /** Opens an element and says how deep it stands. */
  open(name: string, selfClosing: boolean): number {
    const implied = OPEN_IMPLIES_CLOSE.get(name);
    while (implied && this.names.length > 0 && implied.has(this.names[this.names.length - 1]!)) this.pop();
    const depth = this.names.length + 1;
    if (VOID.has(name)) return depth;
    this.names.push(name);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    if (FOREIGN.has(name)) this.foreign.push(true);
    else if (INTEGRATION.has(name)) this.foreign.push(false);
    if (selfClosing && this.foreign[this.foreign.length - 1]) this.pop();
    return depth;
  }

  /** True when the end tag makes an empty element of its own (`</br>`, a stray `</p>`). */
  close(name: string): boolean {
    if (FOREIGN.has(name) || INTEGRATION.has(name)) this.foreign.pop();
    if (name === 'br') return true;
    if (VOID.has(name)) return false;
    if (!this.counts.get(name)) return name === 'p';
    while (this.pop() !== name);
    return false;
  }

  private pop(): string {
    const name = this.names.pop()!;
    this.counts.set(name, this.counts.get(name)! - 1);
    return name;
  }
}

/**
 * Measures the page, stopping as soon as a limit is passed (the counts then say how far
 * it got). Linear in the length of the markup whatever the markup is.
 */
export function measurePage(html: string, limits: PageLimits = DEFAULT_PAGE_LIMITS): PageComplexity {
  const stack = new OpenElements();
  const seen: PageComplexity = { depth: 0, elements: 0, attributes: 0 };
  const over = () => seen.depth > limits.maxDepth || seen.elements > limits.maxElements || seen.attributes > limits.maxAttributes;
  const n = html.length;
  let pos = 0;
  while (pos < n && !over()) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) break;
    const c = html.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      pos = skipDeclaration(html, lt);
      continue;
    }
    if (c === 63 /* ? */) {
      pos = endOf(html, '>', lt + 2);
      continue;
    }
    if (c === 47 /* / */) {
      // An end tag's name runs to a space or `>`: `</div/>` does not close a div.
      const nameEnd = tagNameEnd(html, lt + 2, false);
      if (isAlpha(html.charCodeAt(lt + 2)) && stack.close(html.slice(lt + 2, nameEnd).toLowerCase())) {
        seen.elements++;
        seen.depth = Math.max(seen.depth, stack.depth + 1);
      }
      pos = endOf(html, '>', nameEnd);
      continue;
    }
    if (!isAlpha(c)) {
      pos = lt + 1;
      continue;
    }
    const nameEnd = tagNameEnd(html, lt + 1, true);
    const name = html.slice(lt + 1, nameEnd).toLowerCase();
    const tag = scanAttributes(html, nameEnd);
    seen.elements++;
    seen.attributes += tag.attributes;
    seen.depth = Math.max(seen.depth, stack.open(name, tag.selfClosing));
    pos = tag.end;
    if (RAW_TEXT.has(name) && !tag.selfClosing) pos = rawTextEnd(html, name, pos);
  }
  return seen;
}

/** Refuses a page over any limit with `too_complex`, before a DOM is built for it. */
export function assertPageWithinLimits(html: string, limits: PageLimits = DEFAULT_PAGE_LIMITS): void {
  const seen = measurePage(html, limits);
  const what =
    seen.depth > limits.maxDepth
      ? `nested more than ${limits.maxDepth} elements deep`
      : seen.elements > limits.maxElements
        ? `more than ${limits.maxElements} elements`
        : seen.attributes > limits.maxAttributes
          ? `more than ${limits.maxAttributes} attributes`
          : null;
  if (what) throw new TidingsError('too_complex', `the page has ${what}`);
}

function endOf(html: string, needle: string, from: number): number {
  const at = html.indexOf(needle, from);
  return at < 0 ? html.length : at + needle.length;
}

function tagNameEnd(html: string, from: number, slashEnds: boolean): number {
  let i = from;
  while (i < html.length) {
    const c = html.charCodeAt(i);
    if (isSpace(c) || c === 62 || (slashEnds && c === 47)) break;
    i++;
  }
  return i;
}

/** Comments, CDATA and declarations: never elements. */
function skipDeclaration(html: string, lt: number): number {
  // The opening dashes count towards the end: `<!-->` and `<!--->` are whole comments.
  if (html.startsWith('<!--', lt)) return endOf(html, '-->', lt + 2);
  if (html.startsWith('<![CDATA[', lt)) return endOf(html, ']]>', lt + 9);
  return endOf(html, '>', lt + 2);
}

/** The rest of a start tag: how many attributes, whether it ends in `/>`, where it ends. */
function scanAttributes(html: string, from: number): { attributes: number; selfClosing: boolean; end: number } {
  const n = html.length;
  let attributes = 0;
  let i = from;
  while (i < n) {
    const c = html.charCodeAt(i);
    if (c === 62) return { attributes, selfClosing: false, end: i + 1 };
    if (c === 47) {
      let j = i + 1;
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      if (html.charCodeAt(j) === 62) return { attributes, selfClosing: true, end: j + 1 };
      i = j;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    attributes++;
    i = attributeEnd(html, i);
  }
  return { attributes, selfClosing: false, end: n };
}

/** Past one attribute: its name, then `=` and a quoted or bare value when it has one. */
function attributeEnd(html: string, from: number): number {
  const n = html.length;
  let i = from + 1;
  while (i < n) {
    const c = html.charCodeAt(i);
    if (c === 61 || c === 62 || c === 47 || isSpace(c)) break;
    i++;
  }
  while (i < n && isSpace(html.charCodeAt(i))) i++;
  if (html.charCodeAt(i) !== 61) return i;
  i++;
  while (i < n && isSpace(html.charCodeAt(i))) i++;
  const q = html.charCodeAt(i);
  if (q === 34 || q === 39) return endOf(html, q === 34 ? '"' : "'", i + 1);
  while (i < n && !isSpace(html.charCodeAt(i)) && html.charCodeAt(i) !== 62) i++;
  return i;
}

/**
 * Raw text runs to the first `</name`, the earliest place the tokenizer could end it: any
 * markup after that point is counted, even where the tokenizer would still read text.
 */
function rawTextEnd(html: string, name: string, from: number): number {
  let at = from;
  for (;;) {
    at = html.indexOf('</', at);
    if (at < 0) return html.length;
    if (html.slice(at + 2, at + 2 + name.length).toLowerCase() === name) return at;
    at += 2;
  }
}

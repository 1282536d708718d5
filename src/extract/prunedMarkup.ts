import { createRequire } from 'node:module';
import type { Parser as ParserClass } from 'htmlparser2';
import { UnlikelyCandidates } from './unlikelyCandidates.js';

/**
 * The page without what no stage of extraction reads, in one streaming pass before the
 * DOM is built. Every node costs linkedom an object with its own event-listener map (and
 * the collector its upkeep), and Readability serialises and walks the whole body more
 * than once, so nodes that are certain to go anyway are cheapest never built:
 *  - scripts (JSON-LD stays: it holds the page's metadata), styles, templates, inline SVG
 *    (icons, nearly always), comments, and whitespace between two block tags (it renders
 *    as nothing, and is the most common node);
 *  - noscript without an image (Readability keeps only the images of noscripts);
 *  - elements Readability deems invisible, by its own test (`_isProbablyVisible`), and
 *    modal dialogs: it removes them on every pass, before it scores anything;
 *  - attributes of text elements that nothing reads (event handlers, data-, ARIA other
 *    than `aria-hidden`/`aria-modal`, styles, presentation). Media elements keep all of theirs:
 *    Readability finds lazy-loaded image URLs in any attribute.
 * What stays is written back as markup with every element closed explicitly. The pass
 * runs the tokenizer and tree rules linkedom builds with (its own htmlparser2), so the
 * markup parses into the tree linkedom would have built, minus what was pruned.
 */

type ParserModule = { Parser: typeof ParserClass };
const linkedomRequire = createRequire(createRequire(import.meta.url).resolve('linkedom'));
const { Parser } = linkedomRequire('htmlparser2') as ParserModule;

/** htmlparser2's void elements: it closes them itself, they take no end tag. */
const VOID = new Set(
  'area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'.split(' '),
);
const DROPPED_ELEMENTS = new Set(['style', 'template', 'svg']);
/** Elements whose every attribute may carry an image or video address. */
const MEDIA = new Set(['img', 'picture', 'source', 'figure', 'video', 'audio', 'iframe', 'object', 'embed', 'track', 'param']);
/**
 * Elements that begin and end a block of text: whitespace between two of their tags is
 * a text node a browser never renders, and the most common node on most pages.
 */
const BLOCK = new Set(
  ('address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 ' +
    'h4 h5 h6 head header hgroup hr html li link main menu meta nav noscript ol p picture section source table tbody td ' +
    'tfoot th thead title tr ul script').split(' '),
);
/** Where whitespace is text. */
const PREFORMATTED = new Set(['pre', 'textarea', 'listing', 'xmp', 'plaintext']);
/** Never pruned: Readability tests these itself and gives up on an invisible body. */
const FRAME = new Set(['html', 'head', 'body']);
/**
 * Attributes of text elements that extraction, Readability or the sanitizer read. Not
 * `style`: Readability reads it only to find invisible elements, and those are gone.
 */
const READ_ATTRIBUTES = new Set(
  ('class id hidden href src srcset sizes alt title name content property itemprop rel lang dir type role ' +
    'aria-hidden aria-modal colspan rowspan headers scope abbr span datetime cite width height summary datatable poster ' +
    'start reversed value hreflang media kind srclang label controls preload allowfullscreen charset').split(' '),
);

/** Readability's `_isProbablyVisible`, on the attributes as linkedom would hold them. */
function isHidden(attribs: Record<string, string>): boolean {
  if (attribs.hidden !== undefined) return true;
  if (attribs['aria-hidden'] === 'true' && !(attribs.class ?? '').includes('fallback-image')) return true;
  const style = attribs.style;
  if (style === undefined) return false;
  const props = styleProperties(style);
  return props.get('display') === 'none' || props.get('visibility') === 'hidden';
}

/** A style attribute read as linkedom's CSSStyleDeclaration reads it: the last value wins. */
function styleProperties(style: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const rule of style.split(/\s*;\s*/)) {
    const colon = rule.indexOf(':');
    if (colon < 0) continue;
    const key = rule.slice(0, colon).trim();
    const value = rule.slice(colon + 1).trim();
    if (key && value) props.set(key, value);
  }
  return props;
}

function isPruned(name: string, attribs: Record<string, string>): boolean {
  if (DROPPED_ELEMENTS.has(name)) return true;
  if (name === 'script') return attribs.type?.trim().toLowerCase() !== 'application/ld+json';
  if (FRAME.has(name)) return false;
  return isHidden(attribs) || (attribs['aria-modal'] === 'true' && attribs.role === 'dialog');
}

function startTag(name: string, attribs: Record<string, string>, everyAttribute: boolean): string {
  let tag = `<${name}`;
  const keepAll = everyAttribute || MEDIA.has(name) || FRAME.has(name);
  for (const key in attribs) {
    if (!keepAll && !READ_ATTRIBUTES.has(key)) continue;
    // Values arrive undecoded: only a quote that ended a single-quoted value needs escaping.
    const value = attribs[key]!;
    tag += ` ${key}="${value.includes('"') ? value.replaceAll('"', '&quot;') : value}"`;
  }
  return `${tag}>`;
}

export interface PruningOptions {
  /**
   * Keep attributes of text elements too: a page that CSS selectors of a site rule or a
   * reader's feed rule will look at may be matched by any attribute.
   */
  everyAttribute?: boolean;
  /**
   * Empty the unlikely candidates Readability's first pass would remove (unlikelyCandidates.ts).
   * Only for a Readability that keeps its first pass: a retry needs the whole page.
   */
  emptyUnlikely?: boolean;
}

/** The page's markup with what no stage reads taken out (see the top of this file). */
export function prunedMarkup(html: string, options: PruningOptions = {}): string {
  const everyAttribute = options.everyAttribute ?? false;
  const unlikely = options.emptyUnlikely ? new UnlikelyCandidates() : null;
  const out: string[] = [];
  let prunedDepth = 0;
  let preDepth = 0;
  /** Whitespace after a block tag, written only if the next tag is not one. */
  let pendingSpace: string | null = null;
  let afterBlockTag = false;
  /** Where each open noscript's markup starts in `out`, and whether it holds an image yet. */
  const noscripts: Array<{ start: number; image: boolean }> = [];
  const emitTag = (name: string, tag: string) => {
    const block = BLOCK.has(name);
    if (pendingSpace !== null && !block) out.push(pendingSpace);
    pendingSpace = null;
    out.push(tag);
    afterBlockTag = block;
  };
  const parser = new Parser(
    {
      onprocessinginstruction(name, data) {
        if (prunedDepth === 0 && name.toLowerCase() === '!doctype') out.push(`<${data}>`);
      },
      onopentag(name, attribs) {
        if (prunedDepth > 0 || isPruned(name, attribs)) {
          prunedDepth++;
          return;
        }
        if (name === 'noscript') noscripts.push({ start: out.length, image: false });
        else if (name === 'img') for (const n of noscripts) n.image = true;
        if (PREFORMATTED.has(name)) preDepth++;
        emitTag(name, startTag(name, attribs, everyAttribute));
        unlikely?.opened(name, attribs, out.length - 1, VOID.has(name));
      },
      ontext(text) {
        if (prunedDepth > 0) return;
        if (afterBlockTag && preDepth === 0 && isBlank(text)) {
          pendingSpace = (pendingSpace ?? '') + text;
          return;
        }
        if (pendingSpace !== null) out.push(pendingSpace);
        pendingSpace = null;
        out.push(text);
        unlikely?.text(text);
        afterBlockTag = false;
      },
      onclosetag(name) {
        if (prunedDepth > 0) {
          prunedDepth--;
          return;
        }
        const emptyFrom = unlikely ? unlikely.closed() : -1;
        if (VOID.has(name)) return;
        if (PREFORMATTED.has(name)) preDepth--;
        if (emptyFrom >= 0) {
          // The start tag alone is what Readability tests before it removes the element.
          out.length = emptyFrom + 1;
          pendingSpace = null;
        }
        if (name === 'noscript') {
          const n = noscripts.pop();
          if (n && !n.image) {
            out.length = n.start;
            return;
          }
        }
        emitTag(name, `</${name}>`);
      },
    },
    { lowerCaseAttributeNames: false, decodeEntities: false },
  );
  parser.end(html);
  return out.join('');
}

/** Only spaces, tabs and line breaks (an undecoded `&nbsp;` is text). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13 && c !== 12) return false;
  }
  return true;
}

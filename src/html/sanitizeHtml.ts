import { Tokenizer, type QuoteType, type TokenizerCallbacks } from 'htmlparser2';
import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { escapeAttr, escapeText } from './escape.js';
import { IFRAME_HOSTS } from './iframeHosts.js';

/**
 * The one allow-list sanitizer for every piece of HTML Tidings stores or serves (feed
 * summaries and content, extracted articles). Written for Tidings because feed parsing
 * sanitizes every item and the general-purpose libraries were the parser's bottleneck
 * (see `npm run bench`); it is tested against ../shared/security-vectors.
 *
 * Policy: only the elements and attributes named below survive. Elements that are not
 * allowed lose their tags but keep their text, except script-like and foreign-content
 * elements, whose content is dropped whole. URLs must be http(s) (mailto for links, data:
 * raster images for img). Iframes only from a list of video hosts, always sandboxed.
 * Output is balanced: every element opened is closed.
 */

const GLOBAL_ATTRS = new Set(['lang', 'dir', 'title']);
// Null prototype: an element named "constructor" must not find Object's.
const ALLOWED: Record<string, ReadonlySet<string>> = Object.create(null);
const allow = (tags: string, attrs = '') => {
  const set = new Set(attrs.split(/\s+/).filter(Boolean));
  for (const t of tags.split(/\s+/)) ALLOWED[t] = set;
};
allow('p br hr h1 h2 h3 h4 h5 h6 pre code kbd samp var em strong b i u s strike del ins sub sup small big mark cite dfn address');
allow('ul dl dt dd li figure picture details summary section article aside header footer main ruby rt rp bdi wbr div center tt');
allow('a', 'href hreflang');
allow('img', 'src srcset sizes alt width height');
allow('source', 'src srcset sizes type media');
allow('video', 'src poster controls width height preload');
allow('audio', 'src controls preload');
allow('track', 'src kind srclang label');
allow('iframe', 'src width height allowfullscreen');
allow('table', 'summary');
allow('thead tbody tfoot tr caption');
allow('td th', 'colspan rowspan headers scope abbr');
allow('col colgroup', 'span');
allow('time', 'datetime');
allow('abbr acronym', '');
allow('q blockquote', 'cite');
allow('ol', 'start reversed type');
allow('li', 'value');
allow('bdo', 'dir');
allow('span figcaption', 'class');

const VOID = new Set(['br', 'hr', 'img', 'source', 'track', 'wbr', 'col', 'area', 'base', 'embed', 'input', 'link', 'meta', 'param', 'keygen', 'basefont', 'frame', 'isindex']);
/** Elements whose whole content goes with them. */
const DROP_CONTENT = new Set([
  'script', 'style', 'textarea', 'title', 'template', 'noscript', 'xmp', 'noembed', 'noframes', 'plaintext', 'iframe',
  'object', 'applet', 'frameset', 'select', 'head', 'button', 'canvas', 'map', 'foreignobject', 'animate', 'set',
  'animatemotion', 'animatetransform', 'animatecolor', 'use', 'image', 'feimage', 'handler', 'listener',
]);
const URL_ATTRS = new Set(['href', 'src', 'cite', 'poster', 'xlink:href']);
/**
 * Deeper elements lose their tags and keep their text. Whatever reads the output walks
 * it recursively (reading format, image captions, browsers), and closing a tag searches
 * the open ones: a bound here keeps both cheap for any input.
 */
const MAX_NESTING = 512;

/**
 * Inline SVG and MathML: static drawing and formulas only. No animation (it can rewrite
 * links), no <use>/<image> (they load other documents), no foreignObject, no style or
 * event attributes, links only to http(s). Attribute values may not reach out with url(),
 * except to fragments of the same document.
 */
type Mode = 'html' | 'svg' | 'math';
const XLINK = new Set(['xlink:href', 'xlink:show', 'xlink:type', 'xlink:title']);
const SVG_ALLOWED = new Set(
  ('svg g defs desc title circle ellipse line polyline polygon path rect text tspan textpath lineargradient radialgradient stop ' +
    'symbol marker clippath mask pattern a').split(' '),
);
const SVG_ATTRS = new Set(
  ('width height viewbox preserveaspectratio version baseprofile x y x1 y1 x2 y2 cx cy r rx ry dx dy d points transform ' +
    'fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap stroke-linejoin stroke-dasharray stroke-dashoffset ' +
    'stroke-miterlimit opacity font-family font-size font-weight font-style text-anchor dominant-baseline offset stop-color stop-opacity ' +
    'gradientunits gradienttransform spreadmethod fx fy pathlength marker-start marker-mid marker-end markerwidth markerheight refx refy ' +
    'orient clip-path clip-rule mask patternunits patterncontentunits patterntransform visibility display lang').split(' '),
);
const MATH_ALLOWED = new Set(
  ('math mrow mi mo mn ms mtext mspace msup msub msubsup mfrac msqrt mroot mtable mtr mtd mlabeledtr munder mover munderover ' +
    'mstyle mpadded mphantom menclose mfenced merror maction semantics annotation none mprescripts mmultiscripts').split(' '),
);
const MATH_ATTRS = new Set(
  ('display mathvariant mathsize mathcolor mathbackground dir fence separator separators stretchy symmetric largeop movablelimits ' +
    'accent accentunder lspace rspace linethickness numalign denomalign bevelled columnalign rowalign columnspacing rowspacing ' +
    'columnlines rowlines frame framespacing equalrows equalcolumns displaystyle scriptlevel notation open close width height depth ' +
    'voffset rowspan columnspan encoding lang').split(' '),
);
/** Foreign elements whose content is HTML again (the HTML integration and text points). */
const HTML_INSIDE: Record<'svg' | 'math', ReadonlySet<string>> = { svg: new Set(['desc', 'title']), math: new Set(['mi', 'mo', 'mn', 'ms', 'mtext']) };
const FOREIGN_NS: Record<'svg' | 'math', string> = { svg: 'http://www.w3.org/2000/svg', math: 'http://www.w3.org/1998/Math/MathML' };

/** A presentational value that fetches nothing and runs nothing. */
function safeForeignValue(v: string): boolean {
  return !/url\s*\((?!\s*['"]?#)|javascript:|expression\s*\(|[<>]/i.test(v);
}
const ALLOWED_CLASSES = new Set(['caption', 'credit']);
const IFRAME_HOST_SET: ReadonlySet<string> = new Set(IFRAME_HOSTS);
const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|avif|bmp);base64,[a-z0-9+/=\s]+$/i;
const IFRAME_SANDBOX = 'allow-scripts allow-same-origin allow-presentation';

export function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** HTML's whitespace: space, LF, tab, CR, FF. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
}

const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;

/** A URL attribute's value made safe, or null to drop the attribute. */
function safeUrl(raw: string, tag: string, attr: string, baseUrl: string | null): string | null {
  // Browsers ignore control characters and whitespace inside a scheme: "java\tscript:".
  const v = !CONTROL_OR_SPACE.test(raw) ? raw : raw.replace(/[\u0000-\u0020\u007f-\u009f]+/g, (m, offset: number) => (offset === 0 ? '' : /^[ ]+$/.test(m) ? m : ''));
  const trimmed = v.trim();
  if (!trimmed) return null;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme) {
    if (scheme === 'http' || scheme === 'https') return trimmed;
    if (scheme === 'mailto' && tag === 'a' && attr === 'href') return trimmed;
    if (scheme === 'data' && tag === 'img' && attr === 'src' && SAFE_DATA_IMAGE.test(trimmed)) return trimmed;
    return null;
  }
  if (trimmed.startsWith('#')) return trimmed;
  if (!baseUrl) return /^[/?.\w]/.test(trimmed) ? trimmed : null;
  try {
    const abs = new URL(trimmed, baseUrl);
    return abs.protocol === 'http:' || abs.protocol === 'https:' ? keepIriCharacters(abs.href, trimmed) : null;
  } catch {
    // A URL that does not parse is dropped like any other unsafe one (publisher data, not our failure).
    return null;
  }
}

/**
 * A resolved relative link with the publisher's non-ASCII characters as written (an IRI,
 * RFC 3987), as an absolute link keeps them: resolving must not change what the link says,
 * and browsers encode them when the link is followed. Only escapes of bytes 0x80–0xFF are
 * undone, and only when the written form had no escapes of its own.
 */
function keepIriCharacters(resolved: string, written: string): string {
  if (written.includes('%') || !NON_ASCII.test(written)) return resolved;
  // regex-safe: each repeat consumes exactly three fixed-shape characters
  return resolved.replace(/(?:%[89A-Fa-f][0-9A-Fa-f])+/g, (escaped) => {
    try {
      return decodeURIComponent(escaped);
    } catch {
      // Not a whole UTF-8 sequence: the escapes stay (still a valid URL).
      return escaped;
    }
  });
}

const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * A srcset's candidates as the HTML standard parses them ("parse a srcset attribute"): a
 * URL is a run of non-space characters (commas inside it belong to it, trailing ones end
 * the candidate); its descriptors run to the next comma outside parentheses. One pass.
 */
function srcsetCandidates(s: string): Array<{ url: string; descriptors: string }> {
  const out: Array<{ url: string; descriptors: string }> = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (isSpace(s.charCodeAt(i)) || s.charCodeAt(i) === 44)) i++;
    if (i >= s.length) break;
    const urlStart = i;
    while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
    let urlEnd = i;
    while (urlEnd > urlStart && s.charCodeAt(urlEnd - 1) === 44) urlEnd--;
    const url = s.slice(urlStart, urlEnd);
    let descriptors = '';
    if (urlEnd === i) {
      const from = i;
      let depth = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 40) depth++;
        else if (c === 41 && depth > 0) depth--;
        else if (c === 44 && depth === 0) break;
      }
      descriptors = s.slice(from, i).trim().split(/[ \t\n\f\r]+/).join(' ');
    }
    if (url) out.push({ url, descriptors });
  }
  return out;
}

function safeSrcset(raw: string, baseUrl: string | null): string | null {
  const parts: string[] = [];
  for (const { url, descriptors } of srcsetCandidates(raw)) {
    const safe = safeUrl(url, 'img', 'srcset', baseUrl);
    if (safe && /^https?:/i.test(safe)) parts.push(descriptors ? `${safe} ${descriptors}` : safe);
  }
  return parts.length ? parts.join(', ') : null;
}

interface Attr {
  name: string;
  value: string;
}

/** A block start tag closes an open paragraph, as browsers' tree builders do. */
const CLOSES_P = new Set(
  'address article aside blockquote center details dir div dl fieldset figcaption figure footer header hr main menu nav ol p pre section table ul h1 h2 h3 h4 h5 h6'.split(' '),
);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Start tag → the open elements it closes when one of them is the current element. */
const IMPLIED_CLOSE: Record<string, ReadonlySet<string>> = Object.assign(Object.create(null) as Record<string, ReadonlySet<string>>, {
  li: new Set(['li']), dt: new Set(['dd', 'dt']), dd: new Set(['dd', 'dt']), tr: new Set(['tr', 'td', 'th']),
  td: new Set(['td', 'th']), th: new Set(['td', 'th']), thead: new Set(['thead', 'tbody']), tbody: new Set(['thead', 'tbody']),
  tfoot: new Set(['thead', 'tbody']), rt: new Set(['rt', 'rp']), rp: new Set(['rt', 'rp']), a: new Set(['a']),
  h1: HEADINGS, h2: HEADINGS, h3: HEADINGS, h4: HEADINGS, h5: HEADINGS, h6: HEADINGS,
});

/**
 * The allow-list applied to the tokens of htmlparser2's HTML tokenizer, which follows the
 * WHATWG tokenizer (raw text in script/style/textarea/title/xmp/iframe/noembed/noframes/
 * plaintext, bogus comments, entities with and without semicolons, attributes as browsers
 * split them), so what is kept is what a browser reads: no parser differential.
 */
class Sanitizer implements TokenizerCallbacks {
  out = '';
  private readonly open: string[] = [];
  // The parsing mode inside each open element: SVG and MathML have their own vocabularies.
  private readonly modes: Mode[] = [];
  private drop = 0; // depth inside elements whose content is dropped
  private tag = '';
  private attrs: Attr[] = [];
  private names: Set<string> | null = null;
  private wanted: ReadonlySet<string> | 'all' | null = null;
  private keepAttr = false;
  private attrName = '';
  private attrValue = '';

  private src = '';
  private baseUrl: string | null = null;

  /** Starts on a new document: sanitizing is synchronous, so one instance serves every call. */
  begin(src: string, baseUrl: string | null): void {
    this.src = src;
    this.baseUrl = baseUrl;
    this.out = '';
    this.open.length = 0;
    this.modes.length = 0;
    this.mode = 'html';
    this.drop = 0;
  }

  private mode: Mode = 'html'; // the mode of the innermost open element

  private modeNow(): Mode {
    return this.mode;
  }

  isInForeignContext(): boolean {
    return this.modeNow() !== 'html';
  }

  ontext(start: number, end: number): void {
    if (this.drop === 0) this.out += textOf(this.src.slice(start, end));
  }

  ontextentity(cp: number): void {
    if (this.drop === 0) this.out += escapeText(String.fromCodePoint(cp));
  }

  oncdata(start: number, end: number, offset: number): void {
    // CDATA is text in SVG and MathML, a bogus comment in HTML.
    if (this.drop === 0 && this.isInForeignContext()) this.out += escapeText(this.src.slice(start, end - offset));
  }

  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}

  onopentagname(start: number, end: number): void {
    const name = this.src.slice(start, end).toLowerCase();
    const foreign = this.isInForeignContext();
    this.tag = name === 'image' && !foreign ? 'img' : name;
    this.attrs = [];
    this.names = null;
    // No attribute of a tag that will be dropped is read; of an HTML element only the allowed
    // ones (a repeated name is then also one of those); SVG and MathML filter later.
    this.wanted = this.drop > 0 ? null : foreign || name === 'svg' || name === 'math' ? 'all' : ALLOWED[this.tag] ?? null;
  }

  onattribname(start: number, end: number): void {
    const wanted = this.wanted;
    this.keepAttr = false;
    if (wanted === null) return;
    const name = this.src.slice(start, end).toLowerCase();
    if (wanted !== 'all' && !wanted.has(name) && !GLOBAL_ATTRS.has(name)) return;
    this.keepAttr = true;
    this.attrName = name;
    this.attrValue = '';
  }

  onattribdata(start: number, end: number): void {
    if (this.keepAttr) this.attrValue += this.src.slice(start, end);
  }

  onattribentity(cp: number): void {
    this.attrValue += String.fromCodePoint(cp);
  }

  onattribend(_quote: QuoteType): void {
    if (!this.keepAttr) return;
    // A repeated attribute is ignored, as browsers ignore it. Past a few attributes a set
    // answers, so a tag with thousands of them costs linear time.
    const name = this.attrName;
    if (this.attrs.length < 16 ? this.attrs.some((a) => a.name === name) : this.attrNames().has(name)) return;
    const raw = this.attrValue;
    // Attribute values follow the attribute rules ("&copy=" stays as written).
    this.attrs.push({ name, value: raw.indexOf('&') < 0 ? raw : decodeHTMLAttribute(raw) });
    this.names?.add(name);
  }

  private attrNames(): Set<string> {
    return (this.names ??= new Set(this.attrs.map((a) => a.name)));
  }

  onopentagend(): void {
    this.startTag(this.tag, this.attrs, false);
  }

  onselfclosingtag(): void {
    // "/>" closes an element only in SVG and MathML; in HTML it is ignored.
    this.startTag(this.tag, this.attrs, this.isInForeignContext());
  }

  onclosetag(start: number, end: number): void {
    // A stray end tag, "</br>" included (written by XHTML habit after a <br>), is dropped.
    this.endTag(this.src.slice(start, end).toLowerCase());
  }

  private endTag(name: string): void {
    if (this.drop > 0) {
      if (DROP_CONTENT.has(name)) this.drop--;
      return;
    }
    const at = this.open.lastIndexOf(name);
    if (at >= 0) while (this.open.length > at) this.pop();
  }

  private pop(): void {
    this.out += `</${this.open.pop()}>`;
    this.modes.pop();
    this.mode = this.modes[this.modes.length - 1] ?? 'html';
  }

  private push(name: string, mode: Mode): void {
    this.open.push(name);
    this.modes.push(mode);
    this.mode = mode;
  }

  private startTag(name: string, attrs: Attr[], selfClosing: boolean): void {
    const mode = this.modeNow();
    const foreignTitle = name === 'title' && mode === 'svg';
    if (name === 'iframe' && this.drop === 0) this.out += iframeTag(attrs, this.baseUrl);
    if (DROP_CONTENT.has(name) && !foreignTitle) {
      if (!selfClosing && !VOID.has(name)) this.drop++;
      return;
    }
    if (this.drop > 0) return;
    if (name === 'svg' || name === 'math' || mode !== 'html') {
      const foreign = name === 'svg' ? 'svg' : name === 'math' ? 'math' : (mode as 'svg' | 'math');
      const tag = foreignTag(name, attrs, foreign, this.baseUrl);
      if (!tag || (!selfClosing && this.open.length >= MAX_NESTING)) return;
      // An empty SVG/MathML element keeps its self-closing form, which HTML parsers honour in
      // foreign content: the markup stays as the publisher wrote it (<circle/>, not an end tag).
      if (selfClosing) this.out += `${tag.slice(0, -1)}/>`;
      else {
        this.out += tag;
        this.push(name, HTML_INSIDE[foreign].has(name) ? 'html' : foreign);
      }
      return;
    }
    const allowedAttrs = ALLOWED[name];
    if (!allowedAttrs) return; // unknown element: its text stays, its tag goes
    this.closeImplied(name);
    if (!VOID.has(name) && this.open.length >= MAX_NESTING) return;
    const tag = htmlTag(name, attrs, allowedAttrs, this.baseUrl);
    if (tag === null) return;
    this.out += tag;
    if (!VOID.has(name)) this.push(name, 'html');
  }

  /** Browsers close some open elements when certain start tags arrive (a <p> before a <div>). */
  private closeImplied(name: string): void {
    const closes = IMPLIED_CLOSE[name];
    for (;;) {
      const top = this.open[this.open.length - 1];
      if (top === undefined || this.mode !== 'html') return;
      if (!(closes?.has(top) || (top === 'p' && CLOSES_P.has(name)))) return;
      this.pop();
    }
  }

  finish(): string {
    while (this.open.length) this.pop();
    const out = this.out.trim();
    this.begin('', null); // no reference to the document is kept between calls
    return out;
  }
}

/** Start tag of an allowed HTML element with its allowed, safe attributes, or null to drop it. */
function htmlTag(name: string, attrs: Attr[], allowedAttrs: ReadonlySet<string>, baseUrl: string | null): string | null {
  let tag = `<${name}`;
  let hasSrc = false;
  for (const a of attrs) {
    if (!allowedAttrs.has(a.name) && !GLOBAL_ATTRS.has(a.name)) continue;
    let v: string | null;
    if (URL_ATTRS.has(a.name)) v = safeUrl(a.value, name, a.name, baseUrl);
    else if (a.name === 'srcset') v = safeSrcset(a.value, baseUrl);
    else if (a.name === 'class') v = a.value.split(/\s+/).filter((k) => ALLOWED_CLASSES.has(k)).join(' ') || null;
    else v = a.value;
    if (v === null) continue;
    if (a.name === 'src' || a.name === 'srcset') hasSrc = true;
    tag += ` ${a.name}="${escapeAttr(v)}"`;
  }
  if ((name === 'img' || name === 'source') && !hasSrc) return null;
  return `${tag}>`;
}

/** The tokenizer state that its skip-ahead step reads and moves (fields of htmlparser2's Tokenizer). */
interface TokenizerPosition {
  buffer: string;
  index: number;
  offset: number;
}

const CHAR_STRINGS: string[] = [];

/**
 * htmlparser2's skip-ahead to the next "<" (text), quote (attribute values) or ">" steps a
 * character at a time in JavaScript; this one asks indexOf, with the same contract: the
 * index ends on the character found, or on the last one of the buffer when there is none.
 * The sanitizer's own tokenizer only: the tokenizer's states are unchanged.
 */
function skipTo(this: TokenizerPosition, c: number): boolean {
  const found = this.buffer.indexOf((CHAR_STRINGS[c] ??= String.fromCharCode(c)), this.index - this.offset + 1);
  if (found >= 0) {
    this.index = found + this.offset;
    return true;
  }
  this.index = this.buffer.length + this.offset - 1;
  return false;
}

class SkippingTokenizer extends Tokenizer {}
Object.defineProperty(SkippingTokenizer.prototype, 'fastForwardTo', { value: skipTo, writable: true, configurable: true });

const SANITIZER = new Sanitizer();
// Entities are decoded by the sanitizer rather than the tokenizer: it then skips through text
// and attribute values with indexOf instead of a character at a time. One tokenizer, reset
// per document, since building one (with its entity decoder) cost as much as a short summary.
const TOKENIZER = new SkippingTokenizer({ decodeEntities: false }, SANITIZER);

/** Text between tags: entities decode by the WHATWG rules for text (entities' decodeHTML), then are escaped again. */
function textOf(raw: string): string {
  return raw.indexOf('&') < 0 ? escapeText(raw) : escapeText(decodeHTML(raw));
}

export function sanitizeHtml(html: string, baseUrl: string | null = null): string {
  if (!html) return '';
  // Plain text (most titles and many summaries) needs no tokenizer.
  if (html.indexOf('<') < 0 && html.indexOf('&') < 0) return escapeText(html).trim();
  return (shortPath ? sanitizeSimpleHtml(html) : null) ?? sanitizeWithTokenizer(html, baseUrl);
}

let shortPath = true;

/** Turns the short path off and on again: `npm run bench` measures what it saves on whole feeds. */
export function useShortPath(on: boolean): void {
  shortPath = on;
}

/** Snippets longer than this always take the tokenizer: the short path pays off only on feed-summary sizes. */
const SIMPLE_MAX_LENGTH = 4096;
/** Inline and paragraph tags without attributes, the markup of most feed summaries: none has a URL, a dropped content or a tree-builder rule beyond "<p> closes an open <p>". */
const SIMPLE_TAGS = new Set(['p', 'br', 'b', 'i', 'em', 'strong', 'u', 's', 'sub', 'sup', 'small', 'mark', 'code']);
/** Far below MAX_NESTING: deeper snippets take the tokenizer, which owns that bound. */
const SIMPLE_MAX_OPEN = 32;

/**
 * The tokenizer's output for a short snippet of text, entities and SIMPLE_TAGS written
 * plainly (`<b>`, `</b>`, `<br/>`); null for anything else (an attribute, a comment, a
 * stray "<", another element), which the tokenizer then reads. Same output, same tree
 * rules (a <p> closes an open <p>, an end tag closes what it encloses, a stray one is
 * dropped, all is closed at the end), a fraction of the cost on feed summaries.
 */
export function sanitizeSimpleHtml(html: string): string | null {
  if (html.length > SIMPLE_MAX_LENGTH) return null;
  const open: string[] = [];
  let out = '';
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i) out += textOf(html.slice(i, lt));
    const gt = html.indexOf('>', lt);
    if (gt < 0) return null;
    const closing = html.charCodeAt(lt + 1) === 47;
    const written = html.slice(lt + (closing ? 2 : 1), gt).toLowerCase();
    // "/>" is ignored on HTML elements: <br/> is <br>.
    const name = !closing && (written === 'br/' || written === 'br /') ? 'br' : written;
    if (!SIMPLE_TAGS.has(name)) return null;
    if (closing) {
      const at = open.lastIndexOf(name);
      while (at >= 0 && open.length > at) out += `</${open.pop()}>`;
    } else {
      while (name === 'p' && open[open.length - 1] === 'p') out += `</${open.pop()}>`;
      out += `<${name}>`;
      if (name !== 'br' && open.push(name) > SIMPLE_MAX_OPEN) return null;
    }
    i = gt + 1;
  }
  if (i < html.length) out += textOf(html.slice(i));
  while (open.length) out += `</${open.pop()}>`;
  return out.trim();
}

/** The full sanitizer, over htmlparser2's tokenizer: what every input not handled above takes. */
export function sanitizeWithTokenizer(html: string, baseUrl: string | null = null): string {
  if (!html) return '';
  SANITIZER.begin(html, baseUrl);
  TOKENIZER.reset();
  TOKENIZER.write(html);
  TOKENIZER.end();
  TOKENIZER.reset();
  return SANITIZER.finish();
}

/** Start tag of an SVG or MathML element, or null when the element is not allowed. */
function foreignTag(name: string, attrs: Attr[], mode: 'svg' | 'math', baseUrl: string | null): string | null {
  const allowed = mode === 'svg' ? SVG_ALLOWED : MATH_ALLOWED;
  if (!allowed.has(name)) return null;
  const attrAllowed = mode === 'svg' ? SVG_ATTRS : MATH_ATTRS;
  let tag = `<${name}`;
  let xlink = false;
  for (const a of attrs) {
    let v: string | null = null;
    if (a.name === 'href' || a.name === 'xlink:href') {
      v = safeUrl(a.value, 'a', 'href', baseUrl);
      if (v && !/^https?:/i.test(v)) v = null;
    } else if (XLINK.has(a.name) || attrAllowed.has(a.name)) {
      v = safeForeignValue(a.value) ? a.value : null;
    }
    if (v === null) continue;
    if (a.name.startsWith('xlink:')) xlink = true;
    tag += ` ${a.name}="${escapeAttr(v)}"`;
  }
  if (name === mode) tag += ` xmlns="${FOREIGN_NS[mode]}"`;
  if (xlink) tag += ' xmlns:xlink="http://www.w3.org/1999/xlink"';
  return `${tag}>`;
}

function iframeTag(attrs: Attr[], baseUrl: string | null): string {
  let src: string | null = null;
  let tag = '';
  for (const a of attrs) {
    if (a.name === 'src') src = safeUrl(a.value, 'iframe', 'src', baseUrl);
    else if (a.name === 'width' || a.name === 'height' || a.name === 'title') tag += ` ${a.name}="${escapeAttr(a.value)}"`;
    else if (a.name === 'allowfullscreen') tag += ' allowfullscreen';
  }
  if (!src) return '';
  let host: string;
  try {
    const u = new URL(src);
    if (u.protocol !== 'https:') return '';
    host = u.hostname;
  } catch {
    // An embed whose address does not parse is dropped, as the policy drops unknown hosts.
    return '';
  }
  if (!IFRAME_HOST_SET.has(host)) return '';
  return `<iframe src="${escapeAttr(src)}"${tag} sandbox="${IFRAME_SANDBOX}"></iframe>`;
}

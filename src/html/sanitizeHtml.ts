import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { escapeAttr, escapeText } from './escape.js';

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
/** Content is raw text in HTML: no tags inside are real, so skip straight to the end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'noscript', 'iframe', 'plaintext', 'template']);
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
const FOREIGN_NS: Record<'svg' | 'math', string> = { svg: 'http://www.w3.org/2000/svg', math: 'http://www.w3.org/1998/Math/MathML' };

/** A presentational value that fetches nothing and runs nothing. */
function safeForeignValue(v: string): boolean {
  return !/url\s*\((?!\s*['"]?#)|javascript:|expression\s*\(|[<>]/i.test(v);
}
const ALLOWED_CLASSES = new Set(['caption', 'credit']);
const IFRAME_HOSTS = new Set([
  'www.youtube.com', 'youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com', 'www.dailymotion.com',
  'embed.ted.com', 'open.spotify.com', 'w.soundcloud.com', 'bandcamp.com', 'player.twitch.tv',
]);
const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|avif|bmp);base64,[a-z0-9+/=\s]+$/i;
const IFRAME_SANDBOX = 'allow-scripts allow-same-origin allow-presentation';

/** Text as it should appear: entities normalised, markup characters escaped. */
function cleanText(raw: string): string {
  if (raw.indexOf('&') < 0) return raw.indexOf('>') < 0 ? raw : raw.replace(/>/g, '&gt;');
  return escapeText(decodeHTML(raw));
}

export function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** HTML's whitespace: space, LF, tab, CR, FF. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
}

/** A URL attribute's value made safe, or null to drop the attribute. */
function safeUrl(raw: string, tag: string, attr: string, baseUrl: string | null): string | null {
  // Browsers ignore control characters and whitespace inside a scheme: "java\tscript:".
  const v = decodeHTMLAttribute(raw).replace(/[\u0000-\u0020\u007f-\u009f]+/g, (m, offset: number) => (offset === 0 ? '' : /^[ ]+$/.test(m) ? m : ''));
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
    return abs.protocol === 'http:' || abs.protocol === 'https:' ? abs.href : null;
  } catch {
    // A URL that does not parse is dropped like any other unsafe one (publisher data, not our failure).
    return null;
  }
}

/** White space as `\s` reads it (wider than HTML's: the split below always used `\s`). */
function isJsSpace(c: number): boolean {
  return /\s/.test(String.fromCharCode(c));
}

/**
 * A srcset split at the commas that end a candidate: a comma before white space or the end,
 * or before a URL that a descriptor follows ("a.jpg 1x,b.jpg 2x"); other commas belong to
 * URLs. One pass from the end, because /,(?=\S+\s+\d)/ rescanned the rest of a run of
 * commas from each comma (quadratic time).
 */
function srcsetCandidates(s: string): string[] {
  // descriptorAfter[i]: the non-space run at i ends in white space followed by a digit.
  const descriptorAfter = new Array<boolean>(s.length + 1).fill(false);
  let digitAfterSpaces = false;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (isJsSpace(c)) {
      const next = s.charCodeAt(i + 1);
      if (!isJsSpace(next)) digitAfterSpaces = next >= 48 && next <= 57;
    } else descriptorAfter[i] = isJsSpace(s.charCodeAt(i + 1)) ? digitAfterSpaces : descriptorAfter[i + 1]!;
  }
  const parts: string[] = [];
  let start = 0;
  for (let i = s.indexOf(','); i >= 0; i = s.indexOf(',', i + 1)) {
    const next = i + 1;
    if (next === s.length || isJsSpace(s.charCodeAt(next)) || descriptorAfter[next]) {
      parts.push(s.slice(start, i));
      start = next;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function safeSrcset(raw: string, baseUrl: string | null): string | null {
  const parts: string[] = [];
  for (const candidate of srcsetCandidates(decodeHTMLAttribute(raw))) {
    const [u, ...descriptor] = candidate.trim().split(/\s+/);
    if (!u) continue;
    const safe = safeUrl(u, 'img', 'srcset', baseUrl);
    if (safe && /^https?:/i.test(safe)) parts.push([safe, ...descriptor].join(' '));
  }
  return parts.length ? parts.join(', ') : null;
}

interface Attr {
  name: string;
  value: string;
}

export function sanitizeHtml(html: string, baseUrl: string | null = null): string {
  if (!html) return '';
  const s = html;
  const n = s.length;
  let out = '';
  const open: string[] = [];
  // The parsing mode inside each open element: SVG and MathML have their own vocabularies.
  const modes: Mode[] = [];
  const modeNow = (): Mode => modes[modes.length - 1] ?? 'html';
  let drop = 0; // depth inside dropped (non-raw) content such as svg
  let pos = 0;
  while (pos < n) {
    const lt = s.indexOf('<', pos);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > pos && drop === 0) out += cleanText(s.slice(pos, textEnd));
    if (lt < 0) break;
    const c = s.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      if (s.startsWith('<!--', lt)) {
        const end = s.indexOf('-->', lt + 4);
        pos = end < 0 ? n : end + 3;
      } else {
        const end = s.indexOf('>', lt + 2);
        if (end < 0) {
          if (drop === 0) out += escapeText(s.slice(lt));
          break;
        }
        pos = end + 1; // doctype, CDATA, conditional comments: never content
      }
      continue;
    }
    if (c === 63 /* ? */) {
      const end = s.indexOf('>', lt + 2);
      pos = end < 0 ? n : end + 1;
      continue;
    }
    const closing = c === 47; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isAlpha(s.charCodeAt(nameStart))) {
      if (drop === 0) out += '&lt;';
      pos = lt + 1;
      continue;
    }
    let i = nameStart;
    while (i < n && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== 62 && s.charCodeAt(i) !== 47) i++;
    const name = s.slice(nameStart, i).toLowerCase();
    // attributes
    const attrs: Attr[] = [];
    let selfClosing = false;
    for (;;) {
      while (i < n && (isSpace(s.charCodeAt(i)) || (s.charCodeAt(i) === 47 && s.charCodeAt(i + 1) !== 62))) i++;
      if (i >= n) break;
      const d = s.charCodeAt(i);
      if (d === 62) {
        i++;
        break;
      }
      if (d === 47 && s.charCodeAt(i + 1) === 62) {
        selfClosing = true;
        i += 2;
        break;
      }
      const an = i;
      i++;
      while (i < n) {
        const e = s.charCodeAt(i);
        if (isSpace(e) || e === 61 || e === 62 || (e === 47 && s.charCodeAt(i + 1) === 62)) break;
        i++;
      }
      const attrName = s.slice(an, i).toLowerCase();
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      let value = '';
      if (s.charCodeAt(i) === 61) {
        i++;
        while (i < n && isSpace(s.charCodeAt(i))) i++;
        const q = s.charCodeAt(i);
        if (q === 34 || q === 39) {
          const end = s.indexOf(q === 34 ? '"' : "'", i + 1);
          value = end < 0 ? s.slice(i + 1) : s.slice(i + 1, end);
          i = end < 0 ? n : end + 1;
        } else {
          const vs = i;
          while (i < n && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== 62) i++;
          value = s.slice(vs, i);
        }
      }
      if (!closing) attrs.push({ name: attrName, value });
    }
    pos = i;

    if (closing) {
      if (drop > 0) {
        if (DROP_CONTENT.has(name)) drop--;
        continue;
      }
      const at = open.lastIndexOf(name);
      if (at >= 0) {
        while (open.length > at) {
          out += `</${open.pop()}>`;
          modes.pop();
        }
      }
      continue;
    }
    if (RAW_TEXT.has(name) && !(name === 'title' && modeNow() === 'svg')) {
      // Skip to the matching end tag; nothing inside is markup, nothing inside is kept.
      const endRe = new RegExp(`</${name}[\\s/>]`, 'ig');
      endRe.lastIndex = pos;
      const m = endRe.exec(s);
      if (name === 'iframe' && drop === 0) out += iframeTag(attrs, baseUrl);
      if (!m) {
        pos = n;
        break;
      }
      const gt = s.indexOf('>', m.index);
      pos = gt < 0 ? n : gt + 1;
      continue;
    }
    if (DROP_CONTENT.has(name) && !(name === 'title' && modeNow() === 'svg')) {
      if (!selfClosing && !VOID.has(name)) drop++;
      continue;
    }
    if (drop > 0) continue;
    const mode = modeNow();
    if (name === 'svg' || name === 'math' || mode !== 'html') {
      const foreign = name === 'svg' ? 'svg' : name === 'math' ? 'math' : (mode as 'svg' | 'math');
      const tag = foreignTag(name, attrs, foreign, baseUrl);
      if (!tag || (!selfClosing && open.length >= MAX_NESTING)) continue;
      out += tag;
      if (selfClosing) out += `</${name}>`;
      else {
        open.push(name);
        // SVG's desc and title hold HTML again (HTML integration points).
        modes.push(foreign === 'svg' && (name === 'desc' || name === 'title') ? 'html' : foreign);
      }
      continue;
    }
    const allowedAttrs = ALLOWED[name];
    if (!allowedAttrs) continue; // unknown element: its text stays, its tag goes
    if (!VOID.has(name) && !selfClosing && open.length >= MAX_NESTING) continue;
    let tag = `<${name}`;
    let hasSrc = false;
    for (const a of attrs) {
      if (!allowedAttrs.has(a.name) && !GLOBAL_ATTRS.has(a.name)) continue;
      let v: string | null;
      if (URL_ATTRS.has(a.name)) v = safeUrl(a.value, name, a.name, baseUrl);
      else if (a.name === 'srcset') v = safeSrcset(a.value, baseUrl);
      else if (a.name === 'class') v = a.value.split(/\s+/).filter((k) => ALLOWED_CLASSES.has(k)).join(' ') || null;
      else v = decodeHTMLAttribute(a.value);
      if (v === null) continue;
      if (a.name === 'src' || a.name === 'srcset') hasSrc = true;
      tag += ` ${a.name}="${escapeAttr(v)}"`;
    }
    if ((name === 'img' || name === 'source') && !hasSrc) continue;
    if (VOID.has(name)) {
      out += `${tag}>`;
      continue;
    }
    out += `${tag}>`;
    if (selfClosing) out += `</${name}>`;
    else {
      open.push(name);
      modes.push('html');
    }
  }
  while (open.length) out += `</${open.pop()}>`;
  return out.trim();
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
      v = decodeHTMLAttribute(a.value);
      if (!safeForeignValue(v)) v = null;
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
    else if (a.name === 'width' || a.name === 'height' || a.name === 'title') tag += ` ${a.name}="${escapeAttr(decodeHTMLAttribute(a.value))}"`;
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
  if (!IFRAME_HOSTS.has(host)) return '';
  return `<iframe src="${escapeAttr(src)}"${tag} sandbox="${IFRAME_SANDBOX}"></iframe>`;
}

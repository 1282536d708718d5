import { decodeHTML, decodeHTMLStrict } from 'entities';
import { escapeText } from '../html/escape.js';

/**
 * Field caps. A feed's text fields are untrusted and unbounded (only the whole body is
 * capped, at 15 MiB): one hostile megabyte title would cost CPU here and then room in the
 * store, the search index and every page that lists it. A field keeps at most this many
 * characters of text once markup is gone and whitespace collapsed (1,000 is several times
 * the longest real headline). The raw text is cut first, at 64 times that (64 KB for a
 * title), room for the markup and entities of any real field, so no step ever sees more.
 */
export const FIELD_CHARS = { title: 1000, name: 500, category: 200, text: 10_000 } as const;
export type FieldKind = keyof typeof FIELD_CHARS;
const RAW_FACTOR = 64;

/** The first `max` UTF-16 units of s, never splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const c = s.charCodeAt(max - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

/** Raw field text cut to what its kind may need before any work is done on it. */
function rawCap(s: string, kind: FieldKind): string {
  return cut(s, FIELD_CHARS[kind] * RAW_FACTOR);
}

/** Finished field text cut to its kind's length. */
function finalCap(s: string, kind: FieldKind): string {
  return s.length <= FIELD_CHARS[kind] ? s : cut(s, FIELD_CHARS[kind]).trimEnd();
}

/** Text a publisher gave as plain (JSON Feed fields): capped and trimmed, nothing else. */
export function cappedText(s: string, kind: FieldKind = 'text'): string {
  return finalCap(rawCap(s, kind).trim(), kind);
}

/** True when "&" at i starts what may be an entity: "&" before a letter or "#". */
function entityAt(s: string, i: number): boolean {
  const d = s.charCodeAt(i + 1);
  return d === 35 || (d >= 65 && d <= 90) || (d >= 97 && d <= 122);
}

/** True when a string needs no markup stripping, entity decoding or whitespace collapsing. */
function alreadyPlain(s: string): boolean {
  let prevSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 60 || c === 9 || c === 10 || c === 13) return false; // < \t \n \r
    if (c === 38 && entityAt(s, i)) return false;
    if (c === 32) {
      if (prevSpace) return false;
      prevSpace = true;
    } else prevSpace = false;
  }
  return true;
}

function hasEntity(s: string): boolean {
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) if (entityAt(s, i)) return true;
  return false;
}

/**
 * A CDATA section that a feed escaped once more (`&lt;![CDATA[text]]&gt;`) reaches the
 * HTML as `<![CDATA[text]]>`, which HTML parsers drop whole; feedparser documents keeping
 * its text (#440). Each section becomes `wrap(its text)`; an unclosed one runs to the end.
 */
export function unwrapCdata(s: string, wrap: (text: string) => string): string {
  const OPEN = '<![CDATA[';
  let out = '';
  let kept = 0;
  for (let i = s.indexOf(OPEN); i >= 0; i = s.indexOf(OPEN, kept)) {
    const close = s.indexOf(']]>', i + OPEN.length);
    const end = close < 0 ? s.length : close;
    out += s.slice(kept, i) + wrap(s.slice(i + OPEN.length, end));
    kept = close < 0 ? s.length : close + 3;
  }
  return kept ? out + s.slice(kept) : s;
}

/** Plain text from a fragment that may hold markup or entities; whitespace collapsed. */
export function plainText(s: string | null | undefined, kind: FieldKind = 'text'): string | null {
  if (s === null || s === undefined) return null;
  let t = rawCap(s, kind);
  if (alreadyPlain(t)) return finalCap(t.trim(), kind);
  if (t.includes('<![CDATA[')) t = unwrapCdata(t, escapeText);
  if (t.includes('<')) t = stripTags(cutUnclosedComment(dropScriptAndStyle(t)));
  if (hasEntity(t)) t = decodeHTML(t);
  return finalCap(collapse(t), kind);
}

// HTML elements a publisher may put in a text field on purpose: what feedparser's sanitizer
// accepts. Any other name between angle brackets ("<blink>", "<T>") means the text talks
// about markup rather than carrying it. Unlike feedparser, script and style count as
// markup: text that carries them is HTML, and they go with their content, never shown.
const TEXT_MARKUP = new Set(
  ('a abbr acronym address area article aside audio b bdi bdo big blockquote br button canvas caption center ' +
    'cite code col colgroup dd del details dfn dir div dl dt em fieldset figcaption figure font footer form ' +
    'h1 h2 h3 h4 h5 h6 header hr i img input ins kbd label legend li main map mark menu meter nav ol optgroup ' +
    'option output p picture pre progress q rp rt ruby s samp script section select small source span strike strong ' +
    'style sub summary sup table tbody td textarea tfoot th thead time tr tt u ul var video wbr').split(' '),
);

/**
 * Whether text in a field that is plain unless it looks like HTML (RSS titles and
 * copyright; feedparser's content normalization) carries markup: it must close a tag or
 * hold an entity, every tag must be a known HTML element, every entity a known one.
 * "The <blink> tag" and "x<y" stay text; "<b>bold</b>" and "Q&amp;amp;A" are HTML.
 */
export function looksLikeHtml(s: string): boolean {
  if (s.includes('<![CDATA[')) return true; // a section escaped once more (feedparser #440)
  if (!s.includes('</') && !hasEntity(s)) return false;
  let closes = false;
  for (const m of s.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9]*)/g)) {
    if (!TEXT_MARKUP.has(m[2]!.toLowerCase())) return false;
    if (m[1] && s.startsWith('>', m.index + m[0].length)) closes = true;
  }
  for (const m of s.matchAll(/&([A-Za-z][A-Za-z0-9]*);/g)) if (decodeHTMLStrict(m[0]) === m[0]) return false;
  return closes || /&#?[A-Za-z0-9]+;/.test(s);
}

/** Collapses whitespace of text that is known to be plain. */
export function cleanText(s: string | null | undefined, kind: FieldKind = 'text'): string | null {
  if (s === null || s === undefined) return null;
  const t = rawCap(s, kind);
  return finalCap(alreadyPlain(t) ? t.trim() : collapse(t), kind);
}

function collapse(s: string): string {
  return s.replace(/[ \t\r\n]+/g, ' ').trim();
}

// The scanners below replace regular expressions that backtracked on unclosed markup
// (`<script` or `<a ` repeated: quadratic time). Each is one forward pass; a search that
// finds no closer once is not repeated, since a later start could only find less.

const BLOCK_TAGS = new Set('p br div li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote pre hr section article figure figcaption dd dt'.split(' '));

/** True when s at i starts with `word` (ASCII letters, any case). */
function startsWithWord(s: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** White space as `\s` reads it. */
function isSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** End (after ">") of the first `</name\s*>` at or after `from`, or -1. */
function closingTagEnd(s: string, from: number, name: string): number {
  for (let i = s.indexOf('</', from); i >= 0; i = s.indexOf('</', i + 2)) {
    if (!startsWithWord(s, i + 2, name)) continue;
    let j = i + 2 + name.length;
    while (isSpace(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === 62) return j + 1;
  }
  return -1;
}

/** Drops `<script…</script>` and `<style…</style>` with what they hold; an unclosed one stays. */
function dropScriptAndStyle(s: string): string {
  const unclosed = new Set<string>();
  let out = '';
  let kept = 0;
  for (let i = s.indexOf('<'); i >= 0; i = s.indexOf('<', i + 1)) {
    const name = startsWithWord(s, i + 1, 'script') ? 'script' : startsWithWord(s, i + 1, 'style') ? 'style' : null;
    if (!name || unclosed.has(name)) continue;
    const end = closingTagEnd(s, i + 1 + name.length, name);
    if (end < 0) {
      unclosed.add(name);
      continue;
    }
    out += s.slice(kept, i);
    kept = end;
    i = end - 1;
  }
  return kept ? out + s.slice(kept) : s;
}

/** Cuts the string at the first `<!--` that no `-->` follows: the rest is all comment. */
function cutUnclosedComment(s: string): string {
  const lastClose = s.lastIndexOf('-->');
  const open = s.indexOf('<!--', Math.max(0, lastClose - 3));
  return open < 0 ? s : s.slice(0, open);
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 58) || c === 95 || c === 45; // digits, ":", "_", "-"
}

/** Removes tags (a space for block tags, so words stay apart) and closed comments. */
function stripTags(s: string): string {
  let out = '';
  let kept = 0;
  let noGt = false;
  let noCommentEnd = false;
  for (let i = s.indexOf('<'); i >= 0; i = s.indexOf('<', i + 1)) {
    let end = -1;
    let block = false;
    if (s.startsWith('<!--', i)) {
      const close = noCommentEnd ? -1 : s.indexOf('-->', i + 4);
      if (close < 0) noCommentEnd = true;
      else end = close + 3;
    } else {
      const nameStart = s.charCodeAt(i + 1) === 47 ? i + 2 : i + 1;
      if (!isNameStart(s.charCodeAt(nameStart)) || noGt) continue;
      let nameEnd = nameStart + 1;
      while (isNameChar(s.charCodeAt(nameEnd))) nameEnd++;
      const gt = s.indexOf('>', nameEnd);
      if (gt < 0) noGt = true;
      else {
        end = gt + 1;
        block = BLOCK_TAGS.has(s.slice(nameStart, nameEnd).toLowerCase());
      }
    }
    if (end < 0) continue;
    out += s.slice(kept, i) + (block ? ' ' : '');
    kept = end;
    i = end - 1;
  }
  return kept ? out + s.slice(kept) : s;
}

/** Plain text turned into HTML that shows it as written. */
export function textToHtml(s: string): string {
  const paragraphs = s.trim().split(/\n\s*\n/);
  return paragraphs.map((p) => (paragraphs.length > 1 ? `<p>${escapeText(p).replace(/\n/g, '<br>')}</p>` : escapeText(p))).join('');
}

export function nonEmpty(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.trim();
  return t ? t : null;
}

/** A language tag as BCP 47 writes it: "en_US" (a locale name) becomes "en-US"; blank is none. */
export function languageTag(s: string | null | undefined): string | null {
  const t = nonEmpty(cleanText(s, 'name'));
  return t ? t.replace(/_/g, '-') : null;
}

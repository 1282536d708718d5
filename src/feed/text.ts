import { decodeHTML } from 'entities';
import { escapeText } from './xmlTree.js';

const TAG = /<\/?([a-zA-Z][\w:-]*)[^>]*>|<!--[\s\S]*?-->/g;
const BLOCK_TAG = /^(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|hr|section|article|figure|figcaption|dd|dt)$/i;

/** True when a string needs no markup stripping, entity decoding or whitespace collapsing. */
function alreadyPlain(s: string): boolean {
  let prevSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 60 || c === 9 || c === 10 || c === 13) return false; // < \t \n \r
    if (c === 38) {
      // "&" starts an entity only before a letter or "#"
      const d = s.charCodeAt(i + 1);
      if (d === 35 || (d >= 65 && d <= 90) || (d >= 97 && d <= 122)) return false;
    }
    if (c === 32) {
      if (prevSpace) return false;
      prevSpace = true;
    } else prevSpace = false;
  }
  return true;
}

/** Plain text from a fragment that may hold markup or entities; whitespace collapsed. */
export function plainText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  if (alreadyPlain(s)) return s.trim();
  let t = s;
  if (t.includes('<')) t = t.replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, '').replace(/<!--(?:(?!-->)[\s\S])*$/, '').replace(TAG, (_m, name?: string) => (name && BLOCK_TAG.test(name) ? ' ' : ''));
  if (t.includes('&') && /&(?:#|[A-Za-z][A-Za-z0-9]*;?)/.test(t)) t = decodeHTML(t);
  t = t.replace(/[ \t\r\n]+/g, ' ').trim();
  return t;
}

/** Collapses whitespace of text that is known to be plain. */
export function cleanText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  if (alreadyPlain(s)) return s.trim();
  return s.replace(/[ \t\r\n]+/g, ' ').trim();
}

export function looksLikeHtml(s: string): boolean {
  return /<\/?[a-zA-Z][\w:-]*(?:\s[^>]*)?\/?>|&(?:[a-zA-Z]+|#\d+|#x[\da-fA-F]+);/.test(s);
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

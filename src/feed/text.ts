import { decodeHTML } from 'entities';
import { escapeText } from './xmlTree.js';

const TAG = /<\/?[a-zA-Z][^>]*>|<!--[\s\S]*?-->/g;

/** Plain text from a fragment that may hold markup or entities; whitespace collapsed. */
export function plainText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  let t = s;
  if (t.includes('<')) t = t.replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, '').replace(TAG, ' ');
  if (t.includes('&')) t = decodeHTML(t);
  t = t.replace(/[\s\u00a0]+/g, ' ').trim();
  return t;
}

/** Collapses whitespace of text that is known to be plain. */
export function cleanText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  return s.replace(/\s+/g, ' ').trim();
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

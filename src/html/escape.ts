/** Escaping for HTML and XML output, shared by the feed parser, the sanitizer and the renderers. */

const TEXT = /[&<>]/;
const ATTR = /[&<>"]/;

/** Text content: `&`, `<` and `>` escaped. */
export function escapeText(s: string): string {
  // Plain replacement strings, no callback: one pass each, no string per match (a callback
  // made a 200 k character flood of "<" allocate 30 k small strings).
  if (!TEXT.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A double-quoted attribute value: also `"` escaped. */
export function escapeAttr(s: string): string {
  if (!ATTR.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Characters XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Drops what no XML document may contain, even escaped: one such character makes a whole feed unreadable. */
export function xmlChars(s: string): string {
  return s.replace(NOT_XML, '');
}

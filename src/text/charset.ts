/**
 * Turns bytes into text the way browsers and feed readers agree on: a byte-order mark wins,
 * then the HTTP header's charset, then what the document says about itself (XML declaration,
 * `<meta charset>`, `<meta http-equiv>`), then UTF-8.
 */
export function detectCharset(bytes: Uint8Array, contentType?: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  const fromHeader = headerCharset(contentType);
  if (fromHeader && isKnownCharset(fromHeader)) return normalise(fromHeader);
  // UTF-16 without BOM: a '<' followed or preceded by a zero byte.
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return 'utf-16be';
  const head = latin1Head(bytes, 2048);
  const xmlDecl = xmlDeclaredEncoding(head);
  if (xmlDecl && isKnownCharset(xmlDecl)) return normalise(xmlDecl);
  const meta =
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  if (meta && isKnownCharset(meta)) return normalise(meta);
  return 'utf-8';
}

/**
 * The encoding an XML declaration at the start of `head` names (trimmed), or null. The one
 * reading of the declaration: charset detection, the feed's bozo checks and already-decoded
 * feed text all ask here.
 */
export function xmlDeclaredEncoding(head: string): string | null {
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']/i.exec(head)?.[1]?.trim() || null;
}

/** The encoding the XML declaration at the start of a document's bytes names, or null. */
export function xmlDeclaredEncodingOf(bytes: Uint8Array): string | null {
  return xmlDeclaredEncoding(latin1Head(bytes, XML_DECLARATION_SPAN));
}

// How far into a document its XML declaration can reach (it starts the document).
const XML_DECLARATION_SPAN = 512;

/** The charset a Content-Type header names, if any. */
export function headerCharset(contentType: string | null | undefined): string | undefined {
  return contentType ? /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1] : undefined;
}

function latin1Head(bytes: Uint8Array, n: number): string {
  let s = '';
  const end = Math.min(bytes.length, n);
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function normalise(label: string): string {
  const l = label.trim().toLowerCase();
  // UTF-16 declared inside a document we could read as ASCII is really UTF-8 (HTML spec rule).
  if (l === 'utf-16' || l === 'utf-16le' || l === 'utf-16be') return 'utf-8';
  return l;
}

const knownCache = new Map<string, boolean>();
function isKnownCharset(label: string): boolean {
  const l = label.trim().toLowerCase();
  let known = knownCache.get(l);
  if (known === undefined) {
    try {
      new TextDecoder(l);
      known = true;
    } catch {
      // TextDecoder throws for a label it does not know: that is the answer, not a failure.
      known = false;
    }
    knownCache.set(l, known);
  }
  return known;
}

export function decodeBody(bytes: Uint8Array, contentType?: string | null): { text: string; charset: string; problem: string | null } {
  let charset = detectCharset(bytes, contentType);
  let problem: string | null = null;
  // A page that says it is in a legacy encoding but whose bytes are valid UTF-8 with
  // multi-byte characters is UTF-8: servers and templates mislabel pages this way all the
  // time, while real legacy text almost never happens to form valid UTF-8 sequences.
  if (charset !== 'utf-8' && !charset.startsWith('utf-16') && hasMultiByteUtf8(bytes)) {
    try {
      return { text: fixCp1252(new TextDecoder('utf-8', { fatal: true }).decode(bytes)), charset: 'utf-8', problem };
    } catch {
      /* not UTF-8 after all: use the declared encoding */
    }
  }
  if (charset === 'utf-8') {
    try {
      return { text: fixCp1252(new TextDecoder('utf-8', { fatal: true }).decode(bytes)), charset, problem };
    } catch {
      // Not UTF-8 after all: the usual culprit is Windows-1252 (curly quotes from a word
      // processor). Only a declared UTF-8 makes that an error worth reporting.
      if (declaredCharset(bytes, contentType)) problem = 'document is not valid in its declared encoding utf-8';
      charset = 'windows-1252';
    }
  }
  const decoder = new TextDecoder(charset, { ignoreBOM: false });
  // Node 20's windows-1252 decoder (also behind latin1/iso-8859-1/ascii labels) is plain
  // Latin-1: it leaves 0x80–0x9F as C1 controls instead of curly quotes, dashes and €.
  // The same C1 controls in UTF-8 text are Windows-1252 characters that went through a
  // Latin-1 conversion; nobody means a C1 control in a news feed.
  const text = fixCp1252(decoder.decode(bytes));
  return { text, charset, problem };
}

function hasMultiByteUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length - 1; i++) {
    const b = bytes[i]!;
    if (b >= 0xc2 && b <= 0xf4 && (bytes[i + 1]! & 0xc0) === 0x80) return true;
  }
  return false;
}

function declaredCharset(bytes: Uint8Array, contentType?: string | null): boolean {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return true;
  if (contentType && /charset\s*=/i.test(contentType)) return true;
  const head = latin1Head(bytes, 2048);
  return xmlDeclaredEncoding(head) !== null || /<meta[^>]+charset/i.test(head);
}

const CP1252 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

// Windows-1252's characters for bytes 0x80–0x9F, back to their bytes.
const CP1252_BYTE = new Map<number, number>(Array.from(CP1252, (c, i) => [c.charCodeAt(0), 0x80 + i]));
// A UTF-8 lead byte followed by a continuation byte, both read as Windows-1252 or Latin-1.
// regex-safe: two single-character classes, no repetition
const DOUBLE_UTF8_PAIR = new RegExp(`[\\u00c2-\\u00f4][\\u0080-\\u00bf${CP1252}]`);
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

// A numeric reference to a code point 0x80–0xFF, which may spell such a pair once decoded.
// regex-safe: one fixed-shape reference, no repetition
const HIGH_BYTE_REFERENCE = /&#(?:1[2-9]\d|2[0-4]\d|25[0-5]|x[89a-f][0-9a-f]);/i;

// regex-safe: a single character class
const LATIN1_LETTER = /[\u00c2-\u00f4]/;

/**
 * Whether a document can hold double-encoded UTF-8 at all, so that the text of every
 * element need not be checked in the usual case where it cannot. Every character that can
 * start such a run (U+00C2–U+00F4) is the byte 0xC3 followed by another in UTF-8: a native
 * byte search answers for a fetched document. References (&#226;) can spell one too.
 */
export function mayHoldDoubleUtf8(text: string, utf8Bytes?: Uint8Array): boolean {
  const lead = utf8Bytes ? utf8Bytes.indexOf(0xc3) >= 0 : LATIN1_LETTER.test(text);
  return lead || (text.includes('&#') && HIGH_BYTE_REFERENCE.test(text));
}

/**
 * UTF-8 text that someone read as Latin-1 or Windows-1252 and encoded as UTF-8 again ("â€¦"
 * for "…") turned back into what was meant, as feedparser does for UTF-8 documents. Only a
 * string whose every character is such a byte and whose bytes form valid UTF-8 changes:
 * real Latin-1 text ("café") is not valid UTF-8, and text with other characters is left be.
 */
export function repairDoubleUtf8(s: string): string {
  if (!DOUBLE_UTF8_PAIR.test(s)) return s;
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const b = c < 0x100 ? c : CP1252_BYTE.get(c);
    if (b === undefined) return s;
    bytes[i] = b;
  }
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // Not UTF-8 once encoded back: it was meant as it reads.
    return s;
  }
}

function fixCp1252(s: string): string {
  return /[\u0080-\u009f]/.test(s) ? s.replace(/[\u0080-\u009f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!) : s;
}

/**
 * Turns bytes into text the way browsers and feed readers agree on: a byte-order mark wins,
 * then the HTTP header's charset, then what the document says about itself (XML declaration,
 * `<meta charset>`, `<meta http-equiv>`), then UTF-8.
 */
export function detectCharset(bytes: Uint8Array, contentType?: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  const fromHeader = contentType ? /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1] : undefined;
  if (fromHeader && isKnownCharset(fromHeader)) return normalise(fromHeader);
  // UTF-16 without BOM: a '<' followed or preceded by a zero byte.
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return 'utf-16be';
  const head = latin1Head(bytes, 2048);
  const xmlDecl = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  if (xmlDecl && isKnownCharset(xmlDecl)) return normalise(xmlDecl);
  const meta =
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  if (meta && isKnownCharset(meta)) return normalise(meta);
  return 'utf-8';
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
      known = false;
    }
    knownCache.set(l, known);
  }
  return known;
}

export function decodeBody(bytes: Uint8Array, contentType?: string | null): { text: string; charset: string } {
  const charset = detectCharset(bytes, contentType);
  const text = new TextDecoder(charset, { ignoreBOM: false }).decode(bytes);
  return { text, charset };
}

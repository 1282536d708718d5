import { decodeBody, headerCharset, xmlDeclaredEncoding, xmlDeclaredEncodingOf } from '../text/charset.js';

/**
 * Feed bytes to text. On top of the detection every document gets (text/charset.ts), the
 * rules that are XML's own: the encodings XML 1.0 Appendix F sniffs from the first four
 * bytes that browsers' decoders lack (UTF-32, EBCDIC), and RFC 3023's media types. A feed
 * served with the wrong charset or media type is still read; the mismatch makes it bozo.
 */
export function decodeFeedBody(bytes: Uint8Array, contentType?: string | null): { text: string; utf8: boolean; problem: string | null } {
  const sniffed = sniffFourBytes(bytes);
  if (sniffed) return { text: sniffed, utf8: false, problem: mediaTypeProblem(contentType) };
  const decoded = decodeBody(bytes, contentType);
  const problem = decoded.problem ?? rfc3023Problem(bytes, contentType) ?? declarationProblem(bytes) ?? asciiProblem(bytes, contentType) ??
    undeclaredProblem(bytes, contentType, decoded.charset);
  return { text: decoded.text, utf8: decoded.charset === 'utf-8', problem };
}

/** Text handed over already decoded counts as UTF-8 unless its XML declaration names another encoding. */
export function declaresUtf8(text: string): boolean {
  const declared = xmlDeclaredEncoding(text.slice(0, 512));
  return declared === null || /^utf-?8$/i.test(declared);
}

function sniffFourBytes(b: Uint8Array): string | null {
  const [b0, b1, b2, b3] = b;
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return decodeUtf32(b.subarray(4), false);
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return decodeUtf32(b.subarray(4), true);
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x3c) return decodeUtf32(b, false);
  if (b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0) return decodeUtf32(b, true);
  // "<?xm" in EBCDIC: the declaration then names the code page; 037 is the one in use.
  if (b0 === 0x4c && b1 === 0x6f && b2 === 0xa7 && b3 === 0x94) return decodeCp037(b);
  return null;
}

function decodeUtf32(b: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const units: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i + 3 < b.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    chunk.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? cp : 0xfffd);
    if (chunk.length === 8192) {
      units.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  units.push(String.fromCodePoint(...chunk));
  return units.join('');
}

const CP037 =
  '\u0000\u0001\u0002\u0003\u009c\t\u0086\u007f\u0097\u008d\u008e\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u009d\u0085\b\u0087' +
  '\u0018\u0019\u0092\u008f\u001c\u001d\u001e\u001f\u0080\u0081\u0082\u0083\u0084\n\u0017\u001b\u0088\u0089\u008a\u008b\u008c\u0005' +
  '\u0006\u0007\u0090\u0091\u0016\u0093\u0094\u0095\u0096\u0004\u0098\u0099\u009a\u009b\u0014\u0015\u009e\u001a \u00a0\u00e2\u00e4' +
  '\u00e0\u00e1\u00e3\u00e5\u00e7\u00f1\u00a2.<(+|&\u00e9\u00ea\u00eb\u00e8\u00ed\u00ee\u00ef\u00ec\u00df!$*);\u00ac-/\u00c2\u00c4' +
  '\u00c0\u00c1\u00c3\u00c5\u00c7\u00d1\u00a6,%_>?\u00f8\u00c9\u00ca\u00cb\u00c8\u00cd\u00ce\u00cf\u00cc`:#@\'="\u00d8abcdefghi\u00ab' +
  '\u00bb\u00f0\u00fd\u00fe\u00b1\u00b0jklmnopqr\u00aa\u00ba\u00e6\u00b8\u00c6\u00a4\u00b5~stuvwxyz\u00a1\u00bf\u00d0\u00dd\u00de\u00ae' +
  '^\u00a3\u00a5\u00b7\u00a9\u00a7\u00b6\u00bc\u00bd\u00be[]\u00af\u00a8\u00b4\u00d7{ABCDEFGHI\u00ad\u00f4\u00f6\u00f2\u00f3\u00f5}JKLMNOPQR' +
  '\u00b9\u00fb\u00fc\u00f9\u00fa\u00ff\\\u00f7STUVWXYZ\u00b2\u00d4\u00d6\u00d2\u00d3\u00d50123456789\u00b3\u00db\u00dc\u00d9\u00da\u009f';

function decodeCp037(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 65536) {
    let part = '';
    for (const x of b.subarray(i, i + 65536)) part += CP037[x]!;
    out += part;
  }
  // EBCDIC's line end (NEL) is a line end.
  return out.replace(/\u0085/g, '\n');
}

function mediaTypeOf(contentType: string | null | undefined): string | null {
  const t = contentType?.split(';')[0]?.trim().toLowerCase();
  return t ? t : null;
}

function isXmlMediaType(t: string): boolean {
  return /^(?:application|text)\/(?:xml|xml-external-parsed-entity|xml-dtd|[\w.+-]*\+xml)$/.test(t);
}

function mediaTypeProblem(contentType: string | null | undefined): string | null {
  const t = mediaTypeOf(contentType);
  if (!t || isXmlMediaType(t) || /json/.test(t)) return null;
  return `served as ${t}, not an XML media type`;
}

/**
 * RFC 3023: a text/xml document without a charset parameter is US-ASCII whatever its XML
 * declaration says. Bytes beyond ASCII then mean the charset was left out by mistake: the
 * document is read by its declaration and marked bozo.
 */
function rfc3023Problem(bytes: Uint8Array, contentType: string | null | undefined): string | null {
  const t = mediaTypeOf(contentType);
  if (!t) return null;
  if (!t.startsWith('text/') || !isXmlMediaType(t) || /charset\s*=/i.test(contentType ?? '')) return mediaTypeProblem(contentType);
  for (const b of bytes) if (b > 0x7f) return `${t} without a charset is US-ASCII, but the document is not`;
  return null;
}

/**
 * Nothing names the encoding (no BOM, declaration or HTTP charset): XML 1.0 §4.3.3 makes the
 * document UTF-8, so bytes that are not UTF-8 (read as Windows-1252 instead) mean it is not
 * well-formed, as feedparser documents (CharacterEncodingOverride): still read, but bozo.
 */
function undeclaredProblem(bytes: Uint8Array, contentType: string | null | undefined, charset: string): string | null {
  if (charset === 'utf-8' || charset.startsWith('utf-16') || /charset\s*=/i.test(contentType ?? '')) return null;
  if (bytes[0] === 0xef || bytes[0] === 0xfe || bytes[0] === 0xff) return null;
  if (xmlDeclaredEncodingOf(bytes)) return null;
  return `no encoding declared, and the document is not UTF-8 (read as ${charset})`;
}

/**
 * US-ASCII declared (HTTP charset, else the XML declaration) over bytes beyond ASCII: the
 * declaration is wrong, as a decoder that keeps to ASCII finds. Decoders here read the
 * label as Windows-1252 (WHATWG), so the bytes are read as UTF-8 or Windows-1252, and the
 * feed is bozo, as feedparser documents for an encoding it had to override.
 */
function asciiProblem(bytes: Uint8Array, contentType: string | null | undefined): string | null {
  const label = headerCharset(contentType) ?? xmlDeclaredEncodingOf(bytes);
  if (!label || !/^(?:us-)?ascii$/i.test(label)) return null;
  for (const b of bytes) if (b > 0x7f) return `declared ${label}, but the document is not ASCII`;
  return null;
}

/** An encoding declared that no decoder knows: the document was read as UTF-8 or Windows-1252. */
function declarationProblem(bytes: Uint8Array): string | null {
  const declared = xmlDeclaredEncodingOf(bytes);
  if (!declared) return null;
  try {
    new TextDecoder(declared);
    return null;
  } catch {
    // TextDecoder throws for a label it does not know: that is the answer.
    return `unknown encoding "${declared.slice(0, 40)}" declared`;
  }
}

import { decodeHTMLStrict } from 'entities';
import { scanXml } from './xmlScanner.js';
import { escapeText } from '../html/escape.js';
import { repairDoubleUtf8 } from '../text/charset.js';

/**
 * A small namespace-aware element tree built from a forgiving tokenizer. Feeds in the wild
 * are often not well-formed XML; the scanner reads through the damage and we note it (bozo)
 * instead of refusing the feed. Element names are normalised to a canonical prefix per
 * namespace URI, so `<dc:creator>` matches however the publisher spelled the prefix.
 *
 * Streaming: elements the caller marks as items are not kept in the tree; each is handed
 * over when it closes and then dropped, so memory is bounded by the largest item.
 */
export interface XNode {
  /** Canonical name: `local` for RSS/no namespace, `prefix:local` for known namespaces. */
  name: string;
  local: string;
  attrs: Record<string, string>;
  /** Child elements (text is read from the source when asked for: see textOf). */
  children: XNode[];
  /** The document, and where this element's content starts and ends in it. */
  src: string;
  start: number;
  end: number;
  /** Effective xml:base for this element, if any. */
  base: string | null;
  lang: string | null;
  /** Entities the document declared in its DOCTYPE (rare), for decoding this element's text. */
  ents: Map<string, string> | null;
  /** The document was UTF-8: text that reads as double-encoded UTF-8 is repaired. */
  utf8: boolean;
  /** The tag as written, to match its end tag. */
  qname: string;
  /** Handed to the caller as an item when it closes (streaming). */
  item: boolean;
  /** Children by name, built on first look-up (adapters ask each item for dozens of names). */
  idx?: Map<string, XNode[]>;
}

const NO_ATTRS: Record<string, string> = Object.freeze(Object.create(null));
const NO_NODES: readonly XNode[] = Object.freeze([]);
// Shared by every element without children (most of them); replaced on the first child.
const NO_CHILDREN: XNode[] = [];

const NS_LIST: Array<[string, string]> = [
  ['http://www.w3.org/2005/Atom', 'atom'],
  ['http://purl.org/atom/ns#', 'atom'],
  ['http://purl.org/echo/', 'atom'],
  ['http://purl.org/pie/', 'atom'],
  ['http://necho.org/ns/', 'atom'],
  ['http://example.com/newformat#', 'atom'],
  ['http://purl.org/rss/1.0/', ''],
  ['http://channel.netscape.com/rdf/simple/0.9/', ''],
  ['http://my.netscape.com/rdf/simple/0.9/', ''],
  ['http://backend.userland.com/rss', ''],
  ['http://backend.userland.com/rss2', ''],
  ['http://blogs.law.harvard.edu/tech/rss', ''],
  ['http://www.w3.org/1999/02/22-rdf-syntax-ns#', 'rdf'],
  ['http://purl.org/dc/elements/1.1/', 'dc'],
  ['http://purl.org/dc/elements/1.0/', 'dc'],
  ['http://purl.org/dc/terms/', 'dcterms'],
  ['http://purl.org/rss/1.0/modules/content/', 'content'],
  ['http://search.yahoo.com/mrss/', 'media'],
  ['http://search.yahoo.com/rss/', 'media'],
  ['http://www.itunes.com/dtds/podcast-1.0.dtd', 'itunes'],
  ['http://example.com/dtds/podcast-1.0.dtd', 'itunes'],
  ['http://purl.org/rss/1.0/modules/syndication/', 'sy'],
  ['http://www.w3.org/1999/xhtml', 'xhtml'],
  ['http://purl.org/rss/1.0/modules/slash/', 'slash'],
  ['http://wellformedweb.org/CommentAPI/', 'wfw'],
  ['http://www.w3.org/XML/1998/namespace', 'xml'],
  ['http://webns.net/mvcb/', 'admin'],
  ['http://purl.org/syndication/thread/1.0', 'thr'],
  ['http://www.georss.org/georss', 'georss'],
  ['http://rssnamespace.org/feedburner/ext/1.0', 'feedburner'],
  ['http://purl.org/rss/1.0/modules/image/', 'image'],
  ['http://purl.org/rss/1.0/modules/link/', 'l'],
];

function nsKey(uri: string): string {
  return uri.trim().toLowerCase().replace(/[/#]+$/, '');
}

const NS = new Map(NS_LIST.map(([u, p]) => [nsKey(u), p]));
const prefixCache = new Map<string, string | undefined>();

export function canonicalPrefix(uri: string): string | undefined {
  if (prefixCache.has(uri)) return prefixCache.get(uri);
  const key = nsKey(uri);
  let hit = NS.get(key);
  if (hit === undefined && key.startsWith('http://backend.userland.com/rss')) hit = '';
  if (prefixCache.size < 1000) prefixCache.set(uri, hit);
  return hit;
}

const ATOM_10 = 'http://www.w3.org/2005/Atom';

/** Where an element's content lies in the document, and how its text is decoded. */
export type SourceSpan = Pick<XNode, 'src' | 'start' | 'end' | 'ents' | 'utf8'>;

export interface XmlDocument {
  root: XNode | null;
  bozo: boolean;
  bozoReason: string | null;
  /** Namespace URI of the root element, used to tell Atom 0.3 from 1.0 and RDF flavours. */
  rootNamespace: string | null;
}

export interface StreamOptions {
  /** Is this element (just opened, under `parent`) an item to hand over instead of keeping? */
  isItem(node: XNode, parent: XNode | undefined): boolean;
  onItem(node: XNode, root: XNode, rootNamespace: string | null): void;
}

type Scope = Map<string, string>; // prefix ('' = default) → URI
interface ResolvedName {
  name: string;
  local: string;
  uri: string | null;
}

// Null-prototype lookups: a name like "constructor" or "__proto__" must not find Object's.
const XML_ENTITIES: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" });

// HTML 4 meanings of two entities whose HTML 5 code points differ; feeds predate HTML 5.
const HTML4_ENTITIES: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, { lang: '\u2329', rang: '\u232a' });

export function parseXml(text: string, documentUrl: string | null, stream?: StreamOptions, utf8 = false): XmlDocument {
  let root: XNode | null = null;
  const stack: XNode[] = [];
  const scopes: Scope[] = [new Map()];
  let bozoReason: string | null = null;
  let rootNamespace: string | null = null;
  const flagBozo = (why: string) => {
    if (!bozoReason) bozoReason = why;
  };
  const declaredEntities = new Map<string, string>();
  let nextAmp = -2;

  const entity = makeEntityDecoder(declaredEntities);
  // Text is decoded only when an adapter reads it; here we only look for entities that
  // would make the document malformed, so bozo is known when parsing ends.
  const checkEntities = (raw: string, from = 0, to = raw.length) => {
    let amp = raw.indexOf('&', from);
    while (amp >= 0 && amp < to) {
      if (!wellFormedReference(raw, amp, declaredEntities)) {
        const semi = raw.indexOf(';', amp + 1);
        const name = semi > amp && semi - amp < 40 ? raw.slice(amp + 1, semi) : '';
        flagBozo(referenceProblem(name));
        return;
      }
      amp = raw.indexOf('&', amp + 1);
    }
  };

  // Names resolve the same way as long as the namespace scope is the same object; most
  // documents have one scope, so each distinct tag name is resolved once.
  const nameCache = new WeakMap<Scope, Map<string, ResolvedName>>();
  let lastScope: Scope | null = null;
  let lastByName: Map<string, ResolvedName> | undefined;
  const resolveCached = (qname: string, scope: Scope): ResolvedName => {
    let byName = scope === lastScope ? lastByName : nameCache.get(scope);
    if (!byName) nameCache.set(scope, (byName = new Map()));
    lastScope = scope;
    lastByName = byName;
    let r = byName.get(qname);
    if (!r) byName.set(qname, (r = resolveName(qname, scope, false)));
    return r;
  };
  const resolveName = (qname: string, scope: Scope, isAttr: boolean): ResolvedName => {
    const colon = qname.indexOf(':');
    const prefix = colon >= 0 ? qname.slice(0, colon) : '';
    const local = colon >= 0 ? qname.slice(colon + 1) : qname;
    if (prefix === 'xml') return { name: `xml:${local}`, local, uri: 'http://www.w3.org/XML/1998/namespace' };
    if (!prefix && isAttr) return { name: local, local, uri: null };
    // Element names are matched without regard to case, as feedparser reads them (<pubdate>,
    // CDF's <TITLE>); `local` keeps the case as written.
    const key = isAttr ? local : local.toLowerCase();
    const declared = scope.get(prefix);
    if (declared === undefined || declared === '') {
      if (prefix && declared === undefined) flagBozo(`undeclared namespace prefix ${prefix}`);
      // Undeclared prefix: keep it as written, which is usually the conventional one.
      return { name: prefix ? `${prefix.toLowerCase()}:${key}` : key, local, uri: null };
    }
    const canonical = canonicalPrefix(declared);
    // An unknown namespace keeps a prefixed element apart from the core ones, but an unknown
    // default namespace does not: feedparser reads <rss xmlns="…unknown…"> as plain RSS.
    if (canonical === undefined) return { name: prefix ? `{${declared}}${key}` : key, local, uri: declared };
    return { name: canonical ? `${canonical}:${key}` : key, local, uri: declared };
  };

  // Attributes as adapters read them: entities decoded, namespace declarations dropped,
  // prefixed names canonical. Most elements have only plain names: the scanner's own
  // object is then decoded in place instead of copied.
  const attributesOf = (raw: Record<string, string>, scope: Scope): Record<string, string> => {
    let plain = true;
    for (const k in raw) if (k === 'xmlns' || k.includes(':')) plain = false;
    const attrs: Record<string, string> = plain ? raw : {};
    for (const k in raw) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      const v = raw[k]!;
      if (v.indexOf('&') >= 0) checkEntities(v);
      attrs[k.includes(':') ? resolveName(k, scope, true).name : k] = decodeXmlText(v, entity);
    }
    return attrs;
  };

  scanXml(text, {
    open(qname, rawAttrs, _selfClosing, contentStart) {
      const parentScope = scopes[scopes.length - 1]!;
      let scope = parentScope;
      if (rawAttrs) {
        for (const k in rawAttrs) {
          if (k === 'xmlns' || k.startsWith('xmlns:')) {
            if (scope === parentScope) scope = new Map(parentScope);
            scope.set(k === 'xmlns' ? '' : k.slice(6), decodeXmlText(rawAttrs[k]!, entity).trim());
          }
        }
      }
      const defaultNs = scope.get('');
      if (stack.length === 0 && (defaultNs === undefined || canonicalPrefix(defaultNs) === undefined) && !qname.includes(':') && qname.toLowerCase() === 'feed') {
        // An Atom feed that forgot its namespace (or named one nobody knows) is still Atom.
        if (scope === parentScope) scope = new Map(parentScope);
        scope.set('', ATOM_10);
      }
      scopes.push(scope);
      const { name, local, uri } = resolveCached(qname, scope);
      const attrs = rawAttrs ? attributesOf(rawAttrs, scope) : NO_ATTRS;
      const parent = stack[stack.length - 1];
      let base = parent ? parent.base : documentUrl;
      let lang = parent ? parent.lang : null;
      if (attrs !== NO_ATTRS) {
        const baseAttr = attrs['xml:base'];
        if (baseAttr !== undefined) base = resolveUrl(baseAttr, base) ?? base;
        lang = attrs['xml:lang'] ?? lang;
      }
      const node: XNode = {
        name, local, attrs, children: NO_CHILDREN, src: text, start: contentStart, end: contentStart, base,
        lang, ents: declaredEntities.size ? declaredEntities : null, utf8, qname, item: false,
      };
      const isItem = stream !== undefined && parent !== undefined && stream.isItem(node, parent);
      node.item = isItem;
      if (parent) {
        if (!isItem) {
          if (parent.children === NO_CHILDREN) parent.children = [node];
          else parent.children.push(node);
        }
      } else if (!root) {
        root = node;
        rootNamespace = uri;
      } else flagBozo('content after the root element');
      stack.push(node);
    },
    close(qname, contentEnd) {
      // Close the matching open element; anything opened inside it and not closed is damage.
      let i = stack.length - 1;
      while (i >= 0 && stack[i]!.qname !== qname) i--;
      if (i < 0) {
        flagBozo(`end tag </${qname}> without a start tag`);
        return;
      }
      if (i !== stack.length - 1) flagBozo(`element <${stack[stack.length - 1]!.qname}> not closed`);
      while (stack.length > i) {
        const node = stack.pop()!;
        node.end = contentEnd;
        scopes.pop();
        if (node.item) stream!.onItem(node, root!, rootNamespace);
      }
    },
    text(start, end, cdata) {
      if (stack.length === 0) {
        if (text.slice(start, end).trim()) flagBozo('text outside the root element');
        return;
      }
      if (!cdata && bozoReason === null) {
        // Text segments arrive in document order, so the next '&' is found once, not per segment.
        if (nextAmp !== -1 && nextAmp < start) nextAmp = text.indexOf('&', start);
        if (nextAmp >= 0 && nextAmp < end) checkEntities(text, nextAmp, end);
      }
    },
    doctype(body) {
      for (const m of body.matchAll(/<!ENTITY\s+([A-Za-z][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) {
        // Internal entities only; external ones (SYSTEM/PUBLIC) are never loaded (XXE).
        const value = m[2] ?? m[3] ?? '';
        if (value.length < 1024 && !value.includes('&')) declaredEntities.set(m[1]!, value);
      }
    },
    error(message) {
      flagBozo(message);
    },
  });
  if (stack.length > 0) {
    flagBozo(`element <${stack[stack.length - 1]!.qname}> not closed`);
    while (stack.length) {
      const node = stack.pop()!;
      node.end = text.length;
      if (node.item) stream!.onItem(node, root!, rootNamespace);
    }
  }
  return { root, bozo: bozoReason !== null, bozoReason, rootNamespace };
}

const NO_DECLARED = new Map<string, string>();

/** Why the reference `&name;` (or a bare '&' when `name` is empty) is not well-formed. */
function referenceProblem(name: string): string {
  if (/^[A-Za-z][\w.-]*$/.test(name)) return `undefined entity &${name};`;
  if (/^#(?:[0-9]+|[xX][0-9a-fA-F]+)$/.test(name)) return `reference &${name}; to a character XML forbids`;
  return 'bare "&" in text';
}

/** XML 1.0 §2.2 Char: a reference to anything else (`&#0;`, `&#xFFFE;`) is not well-formed. */
function isXmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x9 || code === 0xa || code === 0xd;
  return code <= 0xd7ff || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Is the '&' at `amp` one of the five XML entities, a numeric reference or a declared entity? */
function wellFormedReference(s: string, amp: number, declared: Map<string, string>): boolean {
  switch (s.charCodeAt(amp + 1)) {
    case 108: // l
      if (s.startsWith('lt;', amp + 1)) return true;
      break;
    case 103: // g
      if (s.startsWith('gt;', amp + 1)) return true;
      break;
    case 97: // a
      if (s.startsWith('amp;', amp + 1) || s.startsWith('apos;', amp + 1)) return true;
      break;
    case 113: // q
      if (s.startsWith('quot;', amp + 1)) return true;
      break;
    case 35: {
      // &#123; or &#x7B;
      let i = amp + 2;
      const hex = s.charCodeAt(i) === 120 || s.charCodeAt(i) === 88;
      if (hex) i++;
      const digitsFrom = i;
      for (;;) {
        const c = s.charCodeAt(i);
        const ok = (c >= 48 && c <= 57) || (hex && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)));
        if (!ok) break;
        i++;
      }
      if (i === digitsFrom || s.charCodeAt(i) !== 59) return false;
      return isXmlChar(Number.parseInt(s.slice(digitsFrom, i), hex ? 16 : 10));
    }
  }
  if (declared.size === 0) return false;
  const semi = s.indexOf(';', amp + 1);
  return semi > amp && declared.has(s.slice(amp + 1, semi));
}

function makeEntityDecoder(declared: Map<string, string>): (m: string, name: string) => string {
  return (m, name) => {
    if (name.charCodeAt(0) === 35) {
      // numeric: &#123; &#x7B; &#X7B;
      const hex = name[1] === 'x' || name[1] === 'X';
      const code = Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
      if (!Number.isFinite(code) || code > 0x10ffff) return m;
      return decodeHTMLStrict(`&#${code};`);
    }
    const xml = XML_ENTITIES[name];
    if (xml !== undefined) return xml;
    const d = declared.get(name);
    if (d !== undefined) return d;
    const html4 = HTML4_ENTITIES[name];
    if (html4 !== undefined) return html4;
    return decodeHTMLStrict(m);
  };
}

const defaultDecoder = makeEntityDecoder(NO_DECLARED);

/**
 * Decodes XML text: the five XML entities in one pass (feeds are full of escaped HTML),
 * numeric references, declared entities, and HTML's named entities as feeds use them.
 */
function decodeXmlText(raw: string, entity: (m: string, name: string) => string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 32) break;
    const name = raw.slice(amp + 1, semi);
    const quick = XML_ENTITIES[name];
    let value: string;
    if (quick !== undefined) value = quick;
    else if (/^(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9._-]*)$/.test(name)) value = entity(raw.slice(amp, semi + 1), name);
    else {
      amp = raw.indexOf('&', amp + 1);
      continue;
    }
    out += raw.slice(from, amp) + value;
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return from === 0 ? raw : out + raw.slice(from);
}

function decoderFor(node: SourceSpan): (m: string, name: string) => string {
  return node.ents ? makeEntityDecoder(node.ents) : defaultDecoder;
}

// regex-safe: anchored; host labels are split by literal dots, so no two repeats overlap
const NORMAL_ABSOLUTE = /^https?:\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::[1-9]\d{0,4})?\/[A-Za-z0-9\-._~/%!$&'()*+,;=:@?]*$/;

// Schemes a link may use: the web, mail, news, chat, podcasts and files. Any other
// (javascript:, data:, vbscript:, file:) would run or read something where a reader
// clicks, so such a link is no link and such an xml:base is no base (feedparser's
// make_safe_absolute_uri does the same).
const SAFE_SCHEMES = new Set(
  ('http https ftp ftps sftp mailto tel sms news nntp snews magnet feed itms itms-podcasts podcast ' +
    'irc ircs irc6 xmpp sip sips rtsp rtspu mms git ssh svn gopher telnet webcal geo').split(' '),
);

/** True when a URL (absolute or relative) names no scheme, or one in SAFE_SCHEMES. */
function hasSafeScheme(url: string): boolean {
  const colon = url.indexOf(':');
  if (colon < 0) return true;
  const scheme = url.slice(0, colon).toLowerCase();
  // A colon after a path, query or fragment starts no scheme ("a/b:c", "?x=a:b").
  return !/^[a-z][a-z0-9+.-]*$/.test(scheme) || SAFE_SCHEMES.has(scheme);
}

/** href resolved against base; null when there is none, or when it uses an unsafe scheme. */
export function resolveUrl(href: string | null | undefined, base: string | null | undefined): string | null {
  if (href === null || href === undefined) return null;
  const h = href.trim();
  if (!h) return base ?? null;
  // Most links are already absolute and normal; URL parsing is the costliest step per item.
  if (NORMAL_ABSOLUTE.test(h) && !h.includes('/.')) return h;
  let url: string;
  try {
    url = new URL(h, base ?? undefined).href;
  } catch {
    try {
      url = new URL(h).href;
    } catch {
      // Neither relative nor absolute: the link stays as the publisher wrote it.
      url = h;
    }
  }
  return hasSafeScheme(url) ? url : null;
}

// ---- navigation helpers used by the format adapters ----

function index(node: XNode): Map<string, XNode[]> {
  let idx = node.idx;
  if (idx) return idx;
  idx = new Map();
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    const list = idx.get(c.name);
    if (list) list.push(c);
    else idx.set(c.name, [c]);
  }
  node.idx = idx;
  return idx;
}

// Below this many children a scan is cheaper than building an index.
const SCAN_LIMIT = 24;

export function child(node: XNode, name: string): XNode | undefined {
  const list = node.children;
  if (list.length <= SCAN_LIMIT) {
    for (let i = 0; i < list.length; i++) if (list[i]!.name === name) return list[i];
    return undefined;
  }
  return index(node).get(name)?.[0];
}

/** When an element is repeated, the last one counts (as in feedparser). */
export function lastChild(node: XNode, name: string): XNode | undefined {
  const list = node.children;
  if (list.length <= SCAN_LIMIT) {
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.name === name) return list[i];
    return undefined;
  }
  const hits = index(node).get(name);
  return hits ? hits[hits.length - 1] : undefined;
}

export function children(node: XNode, name: string): readonly XNode[] {
  const list = node.children;
  if (list.length <= SCAN_LIMIT) {
    let out: XNode[] | null = null;
    for (let i = 0; i < list.length; i++) if (list[i]!.name === name) (out ??= []).push(list[i]!);
    return out ?? NO_NODES;
  }
  return index(node).get(name) ?? NO_NODES;
}

/**
 * The element of the first of `names` that is present: the names are in order of
 * precedence, and when that element is repeated the last one counts, as in feedparser.
 */
export function childOfFirst(node: XNode, names: readonly string[]): XNode | undefined {
  for (const n of names) {
    const c = lastChild(node, n);
    if (c) return c;
  }
  return undefined;
}

/**
 * Text content of an element and its descendants, read from the source: markup and
 * comments removed, CDATA taken as is, entities decoded.
 */
export function textOf(node: SourceSpan | undefined): string {
  if (!node) return '';
  const text = textWithin(node);
  return node.utf8 ? repairDoubleUtf8(text) : text;
}

function textWithin(node: SourceSpan): string {
  const raw = node.src.slice(node.start, node.end);
  if (raw.indexOf('<') < 0) return decodeXmlText(raw, decoderFor(node));
  const decode = decoderFor(node);
  let out = '';
  let pos = 0;
  while (pos < raw.length) {
    const lt = raw.indexOf('<', pos);
    if (lt < 0) {
      out += decodeXmlText(raw.slice(pos), decode);
      break;
    }
    out += decodeXmlText(raw.slice(pos, lt), decode);
    if (raw.startsWith('<![CDATA[', lt)) {
      const end = raw.indexOf(']]>', lt + 9);
      out += raw.slice(lt + 9, end < 0 ? raw.length : end);
      pos = end < 0 ? raw.length : end + 3;
    } else if (raw.startsWith('<!--', lt)) {
      const end = raw.indexOf('-->', lt + 4);
      pos = end < 0 ? raw.length : end + 3;
    } else {
      const end = raw.indexOf('>', lt + 1);
      pos = end < 0 ? raw.length : end + 1;
    }
  }
  return out;
}

export function hasElementChildren(node: XNode): boolean {
  return node.children.length > 0;
}

/**
 * The markup inside an element, for inline XHTML content: namespace prefixes dropped from
 * tag names, CDATA sections turned into escaped text, namespace declarations removed.
 */
export function innerXml(node: Pick<XNode, 'src' | 'start' | 'end'>): string {
  const raw = node.src.slice(node.start, node.end);
  // `(?<!\s)` starts a match only where white space begins: without it every position of a
  // long run of spaces rescanned the run (quadratic time).
  return xmlTagsAsHtml(escapeCdata(raw))
    .replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1')
    // regex-safe: starts only where white space begins (lookbehind); its parts cannot overlap
    .replace(/(?<!\s)\s+xmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')/g, '');
  // (the sanitizer writes the SVG/MathML namespaces back where they belong)
}

// Elements HTML writes without an end tag.
const HTML_VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * XHTML markup rewritten so that an HTML parser builds the same tree: "<p/>" would open a
 * paragraph that swallows the rest, so empty elements get an end tag; void elements lose
 * the end tag XML allows them ("</br>" is a second line break in HTML). One pass.
 */
function xmlTagsAsHtml(raw: string): string {
  let out = '';
  let kept = 0;
  for (let lt = raw.indexOf('<'); lt >= 0; lt = raw.indexOf('<', lt + 1)) {
    const closing = raw.charCodeAt(lt + 1) === 47;
    const nameStart = closing ? lt + 2 : lt + 1;
    let nameEnd = nameStart;
    while (nameEnd < raw.length && /[\w:.-]/.test(raw[nameEnd]!)) nameEnd++;
    if (nameEnd === nameStart) continue;
    const gt = tagEnd(raw, nameEnd);
    if (gt < 0) break;
    const local = raw.slice(nameStart, nameEnd).replace(/^.*:/, '').toLowerCase();
    if (closing && HTML_VOID.has(local)) {
      out += raw.slice(kept, lt);
      kept = gt + 1;
    } else if (!closing && raw.charCodeAt(gt - 1) === 47 && !HTML_VOID.has(local)) {
      out += `${raw.slice(kept, gt - 1)}></${raw.slice(nameStart, nameEnd)}>`;
      kept = gt + 1;
    }
    lt = gt;
  }
  return kept ? out + raw.slice(kept) : raw;
}

/** Index of the ">" that ends a tag whose name ends at `from` (quoted values may hold ">"), or -1. */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}

/** CDATA sections turned into escaped text, in one pass; an unclosed one stays as it is. */
function escapeCdata(raw: string): string {
  let out = '';
  let kept = 0;
  for (let i = raw.indexOf('<![CDATA['); i >= 0; i = raw.indexOf('<![CDATA[', kept)) {
    const close = raw.indexOf(']]>', i + 9);
    if (close < 0) break;
    out += raw.slice(kept, i) + escapeText(raw.slice(i + 9, close));
    kept = close + 3;
  }
  return kept ? out + raw.slice(kept) : raw;
}


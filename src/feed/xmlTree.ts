import { decodeHTMLStrict } from 'entities';
import { scanXml } from './xmlScanner.js';

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
  children: Array<XNode | string>;
  /** Effective xml:base for this element, if any. */
  base: string | null;
  lang: string | null;
}

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

export function canonicalPrefix(uri: string): string | undefined {
  const key = nsKey(uri);
  const hit = NS.get(key);
  if (hit !== undefined) return hit;
  if (key.startsWith('http://backend.userland.com/rss')) return '';
  return undefined;
}

const ATOM_10 = 'http://www.w3.org/2005/Atom';

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

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// HTML 4 meanings of two entities whose HTML 5 code points differ; feeds predate HTML 5.
const HTML4_ENTITIES: Record<string, string> = { lang: '\u2329', rang: '\u232a' };

export function parseXml(text: string, documentUrl: string | null, stream?: StreamOptions): XmlDocument {
  let root: XNode | null = null;
  const stack: XNode[] = [];
  const streamed: boolean[] = [];
  const rawStack: string[] = [];
  const scopes: Scope[] = [new Map()];
  let bozoReason: string | null = null;
  let rootNamespace: string | null = null;
  const flagBozo = (why: string) => {
    if (!bozoReason) bozoReason = why;
  };
  const declaredEntities = new Map<string, string>();

  const entity = (m: string, name: string): string => {
    if (name.charCodeAt(0) === 35) {
      // numeric: &#123; &#x7B; &#X7B;
      const hex = name[1] === 'x' || name[1] === 'X';
      const code = Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
      if (!Number.isFinite(code) || code > 0x10ffff) return m;
      return decodeHTMLStrict(`&#${code};`);
    }
    const xml = XML_ENTITIES[name];
    if (xml !== undefined) return xml;
    const declared = declaredEntities.get(name);
    if (declared !== undefined) return declared;
    flagBozo(`undefined entity &${name};`);
    const html4 = HTML4_ENTITIES[name];
    if (html4 !== undefined) return html4;
    const html = decodeHTMLStrict(m);
    return html;
  };
  const decode = (raw: string): string => (raw.indexOf('&') < 0 ? raw : raw.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9._-]*);/g, entity));

  const resolveName = (qname: string, scope: Scope, isAttr: boolean): { name: string; local: string; uri: string | null } => {
    const colon = qname.indexOf(':');
    const prefix = colon >= 0 ? qname.slice(0, colon) : '';
    const local = colon >= 0 ? qname.slice(colon + 1) : qname;
    if (prefix === 'xml') return { name: `xml:${local}`, local, uri: 'http://www.w3.org/XML/1998/namespace' };
    if (!prefix && isAttr) return { name: local, local, uri: null };
    const declared = scope.get(prefix);
    if (declared === undefined || declared === '') {
      if (prefix && declared === undefined) flagBozo(`undeclared namespace prefix ${prefix}`);
      // Undeclared prefix: keep it as written, which is usually the conventional one.
      return { name: prefix ? `${prefix.toLowerCase()}:${local}` : local, local, uri: null };
    }
    const canonical = canonicalPrefix(declared);
    if (canonical === undefined) return { name: `{${declared}}${local}`, local, uri: declared };
    return { name: canonical ? `${canonical}:${local}` : local, local, uri: declared };
  };

  scanXml(text, {
    open(qname, rawAttrs, selfClosing) {
      void selfClosing;
      const parentScope = scopes[scopes.length - 1]!;
      let scope = parentScope;
      if (rawAttrs) {
        for (const k in rawAttrs) {
          if (k === 'xmlns' || k.startsWith('xmlns:')) {
            if (scope === parentScope) scope = new Map(parentScope);
            scope.set(k === 'xmlns' ? '' : k.slice(6), decode(rawAttrs[k]!).trim());
          }
        }
      }
      if (stack.length === 0 && !scope.has('') && !qname.includes(':') && qname.toLowerCase() === 'feed') {
        // An Atom feed that forgot its namespace is still Atom.
        if (scope === parentScope) scope = new Map(parentScope);
        scope.set('', ATOM_10);
      }
      scopes.push(scope);
      const { name, local, uri } = resolveName(qname, scope, false);
      const attrs: Record<string, string> = {};
      if (rawAttrs) {
        for (const k in rawAttrs) {
          if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
          attrs[k.includes(':') ? resolveName(k, scope, true).name : k] = decode(rawAttrs[k]!);
        }
      }
      const parent = stack[stack.length - 1];
      const baseAttr = attrs['xml:base'];
      let base = parent ? parent.base : documentUrl;
      if (baseAttr !== undefined) base = resolveUrl(baseAttr, base) ?? base;
      const node: XNode = { name, local, attrs, children: [], base, lang: attrs['xml:lang'] ?? parent?.lang ?? null };
      const isItem = stream !== undefined && parent !== undefined && stream.isItem(node, parent);
      if (parent) {
        if (!isItem) parent.children.push(node);
      } else if (!root) {
        root = node;
        rootNamespace = uri;
      } else flagBozo('content after the root element');
      stack.push(node);
      streamed.push(isItem);
      rawStack.push(qname);
    },
    close(qname) {
      // Close the matching open element; anything opened inside it and not closed is damage.
      let i = stack.length - 1;
      while (i >= 0 && rawStack[i] !== qname) i--;
      if (i < 0) {
        flagBozo(`end tag </${qname}> without a start tag`);
        return;
      }
      if (i !== stack.length - 1) flagBozo(`element <${rawStack[rawStack.length - 1]}> not closed`);
      while (stack.length > i) {
        const node = stack.pop()!;
        scopes.pop();
        rawStack.pop();
        if (streamed.pop()) stream!.onItem(node, root!, rootNamespace);
      }
    },
    text(raw, cdata) {
      const node = stack[stack.length - 1];
      if (!node) {
        if (raw.trim()) flagBozo('text outside the root element');
        return;
      }
      const value = cdata ? raw : decode(raw);
      const last = node.children.length - 1;
      if (last >= 0 && typeof node.children[last] === 'string') node.children[last] = (node.children[last] as string) + value;
      else node.children.push(value);
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
    flagBozo(`element <${rawStack[rawStack.length - 1]}> not closed`);
    while (stack.length) {
      const node = stack.pop()!;
      if (streamed.pop()) stream!.onItem(node, root!, rootNamespace);
    }
  }
  return { root, bozo: bozoReason !== null, bozoReason, rootNamespace };
}

export function resolveUrl(href: string | null | undefined, base: string | null | undefined): string | null {
  if (href === null || href === undefined) return null;
  const h = href.trim();
  if (!h) return base ?? null;
  try {
    return new URL(h, base ?? undefined).href;
  } catch {
    try {
      return new URL(h).href;
    } catch {
      return h;
    }
  }
}

// ---- navigation helpers used by the format adapters ----

export function child(node: XNode, name: string): XNode | undefined {
  for (const c of node.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

export function children(node: XNode, name: string): XNode[] {
  const out: XNode[] = [];
  for (const c of node.children) if (typeof c !== 'string' && c.name === name) out.push(c);
  return out;
}

export function firstChild(node: XNode, names: readonly string[]): XNode | undefined {
  for (const n of names) {
    const c = child(node, n);
    if (c) return c;
  }
  return undefined;
}

/** Concatenated text of a node and its descendants. */
export function textOf(node: XNode | undefined): string {
  if (!node) return '';
  let s = '';
  for (const c of node.children) s += typeof c === 'string' ? c : textOf(c);
  return s;
}

export function hasElementChildren(node: XNode): boolean {
  return node.children.some((c) => typeof c !== 'string');
}

/** Serialises the children of a node back to markup (for inline XHTML content). */
export function innerXml(node: XNode): string {
  let s = '';
  for (const c of node.children) {
    if (typeof c === 'string') s += escapeText(c);
    else {
      s += `<${c.local}`;
      for (const [k, v] of Object.entries(c.attrs)) s += ` ${k.replace(/^xhtml:/, '')}="${escapeAttr(v)}"`;
      s += c.children.length ? `>${innerXml(c)}</${c.local}>` : VOID.has(c.local) ? '>' : `></${c.local}>`;
    }
  }
  return s;
}

const VOID = new Set(['br', 'img', 'hr', 'input', 'meta', 'link', 'source', 'wbr', 'col', 'area', 'base', 'embed', 'param', 'track']);

export function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

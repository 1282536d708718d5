import { Parser } from 'htmlparser2';
import { decodeHTMLStrict } from 'entities';

/**
 * A small namespace-aware element tree built from a forgiving tokenizer. Feeds in the wild
 * are often not well-formed XML; htmlparser2 reads through the damage and we note it (bozo)
 * instead of refusing the feed. Element names are normalised to a canonical prefix per
 * namespace URI, so `<dc:creator>` matches however the publisher spelled the prefix.
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

export const NS: Record<string, string> = {
  'http://www.w3.org/2005/Atom': 'atom',
  'http://purl.org/atom/ns#': 'atom',
  'http://purl.org/rss/1.0/': '',
  'http://channel.netscape.com/rdf/simple/0.9/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/elements/1.0/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://purl.org/rss/1.0/modules/syndication/': 'sy',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://purl.org/rss/1.0/modules/slash/': 'slash',
  'http://wellformedweb.org/CommentAPI/': 'wfw',
  'http://www.w3.org/XML/1998/namespace': 'xml',
  'http://webns.net/mvcb/': 'admin',
  'http://purl.org/syndication/thread/1.0': 'thr',
  'http://www.georss.org/georss': 'georss',
  'http://www.pheedo.com/namespace/pheedo': 'pheedo',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
};

const ATOM_10 = 'http://www.w3.org/2005/Atom';

export interface XmlDocument {
  root: XNode | null;
  bozo: boolean;
  bozoReason: string | null;
  /** Namespace URI of the root element, used to tell Atom 0.3 from 1.0 and RDF flavours. */
  rootNamespace: string | null;
}

type Scope = Map<string, string>; // prefix ('' = default) → URI

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

export function parseXml(text: string, documentUrl: string | null): XmlDocument {
  let root: XNode | null = null;
  const stack: XNode[] = [];
  const scopes: Scope[] = [new Map()];
  let bozoReason: string | null = null;
  let inCdata = false;
  let rootNamespace: string | null = null;
  const flagBozo = (why: string) => {
    if (!bozoReason) bozoReason = why;
  };
  const declaredEntities = new Map<string, string>();

  const decode = (raw: string): string => {
    if (raw.indexOf('&') < 0) return raw;
    return raw.replace(/&([A-Za-z][A-Za-z0-9._-]*);/g, (m, name: string) => {
      if (XML_ENTITIES.has(name)) return m;
      const declared = declaredEntities.get(name);
      if (declared !== undefined) return declared;
      flagBozo(`undefined entity &${name};`);
      const html = decodeHTMLStrict(m);
      return html === m ? m : html;
    }).replace(/&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (m) => decodeHTMLStrict(m));
  };

  const resolveName = (qname: string, scope: Scope, isAttr: boolean): { name: string; local: string; uri: string | null } => {
    const colon = qname.indexOf(':');
    const prefix = colon >= 0 ? qname.slice(0, colon) : '';
    const local = colon >= 0 ? qname.slice(colon + 1) : qname;
    if (prefix === 'xml') return { name: `xml:${local}`, local, uri: 'http://www.w3.org/XML/1998/namespace' };
    if (!prefix && isAttr) return { name: local, local, uri: null };
    const uri = scope.get(prefix) ?? null;
    if (uri === null) {
      // Undeclared prefix: keep it as written, which is usually the conventional one.
      return { name: prefix ? `${prefix.toLowerCase()}:${local}` : local, local, uri: null };
    }
    const canonical = NS[uri] ?? NS[uri.replace(/\/?$/, '/')] ?? NS[uri.toLowerCase()];
    if (canonical === undefined) return { name: `{${uri}}${local}`, local, uri };
    return { name: canonical ? `${canonical}:${local}` : local, local, uri };
  };

  const parser = new Parser(
    {
      onopentag(qname, rawAttrs) {
        const parentScope = scopes[scopes.length - 1]!;
        let scope = parentScope;
        for (const [k, v] of Object.entries(rawAttrs)) {
          if (k === 'xmlns' || k.startsWith('xmlns:')) {
            if (scope === parentScope) scope = new Map(parentScope);
            scope.set(k === 'xmlns' ? '' : k.slice(6), decode(v).trim());
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
        for (const [k, v] of Object.entries(rawAttrs)) {
          if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
          attrs[resolveName(k, scope, true).name] = decode(v);
        }
        const parent = stack[stack.length - 1];
        const baseAttr = attrs['xml:base'];
        let base = parent ? parent.base : documentUrl;
        if (baseAttr !== undefined) base = resolveUrl(baseAttr, base) ?? base;
        const node: XNode = { name, local, attrs, children: [], base, lang: attrs['xml:lang'] ?? parent?.lang ?? null };
        if (parent) parent.children.push(node);
        else if (!root) {
          root = node;
          rootNamespace = uri;
        } else flagBozo('content after the root element');
        stack.push(node);
      },
      onclosetag(qname, implied) {
        // htmlparser2 reports self-closing tags as implied closes too; anything else implied
        // is an element the document never closed.
        if (implied && !text.slice(parser.startIndex, parser.endIndex + 1).endsWith('/>')) {
          flagBozo(`element <${qname}> not closed`);
        }
        stack.pop();
        scopes.pop();
      },
      ontext(data) {
        const node = stack[stack.length - 1];
        if (!node) {
          if (data.trim()) flagBozo('text outside the root element');
          return;
        }
        const value = inCdata ? data : decode(data);
        const last = node.children[node.children.length - 1];
        if (typeof last === 'string') node.children[node.children.length - 1] = last + value;
        else node.children.push(value);
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
      onprocessinginstruction(name, data) {
        if (name.toLowerCase() === '!doctype') {
          for (const m of data.matchAll(/<!ENTITY\s+([A-Za-z][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) {
            // Internal entities only; external ones (SYSTEM/PUBLIC) are never loaded (XXE).
            const value = m[2] ?? m[3] ?? '';
            if (value.length < 1024 && !value.includes('&')) declaredEntities.set(m[1]!, value);
          }
        }
      },
    },
    { xmlMode: true, decodeEntities: false, recognizeSelfClosing: true },
  );
  parser.write(text);
  parser.end();
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

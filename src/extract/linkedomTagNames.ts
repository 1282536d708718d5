/* eslint-disable @typescript-eslint/no-explicit-any */
import { Element as ElementFacade, NodeList } from 'linkedom';

const ELEMENT_NODE = 1;

/**
 * linkedom answers `tagName` and `nodeName` of an HTML element with
 * `localName.toUpperCase()`, a new string on every read, and Readability reads them
 * for nearly every node it visits, many times per page. Here the upper-cased names are
 * kept (tag names are few); the answer is linkedom's own: upper case only in a document
 * whose type ignores case (HTML), the local name as it is otherwise.
 *
 * `getElementsByTagName` (Readability calls it for "p", "a", "img"… on nearly every
 * candidate) compares each element's upper-cased name the same way, one new string per
 * element visited; it goes through the same kept names here, with linkedom's own test.
 *
 * Installed once for the process, on linkedom's Element class and the ParentNode class
 * elements and documents share: every linkedom element, whoever builds it, answers through it.
 */

/** Enough for every tag a page may name; past it names are upper-cased per read, as before. */
const MAX_CACHED = 512;
const upperCased = new Map<string, string>();

/** linkedom keeps a document's type under a private symbol; found on the first document. */
let mimeKey: symbol | null | undefined;

function mimeKeyOf(doc: object): symbol | null {
  mimeKey ??= Object.getOwnPropertySymbols(doc).find((s) => s.description === 'mime') ?? null;
  return mimeKey;
}

function upperCase(name: string): string {
  let upper = upperCased.get(name);
  if (upper !== undefined) return upper;
  upper = name.toUpperCase();
  if (upperCased.size < MAX_CACHED) upperCased.set(name, upper);
  return upper;
}

let installed = false;

/** Makes linkedom's elements answer tagName and nodeName without a new string per read. */
export function installTagNameCache(): void {
  if (installed) return;
  installed = true;
  const proto = Object.getPrototypeOf(ElementFacade).prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'tagName')?.get;
  if (!original) return; // another linkedom: leave it as it is
  const tagName = function (this: any): string {
    const doc = this.ownerDocument;
    const key = mimeKeyOf(doc);
    if (!key) return original.call(this);
    return doc[key].ignoreCase ? upperCase(this.localName) : this.localName;
  };
  for (const name of ['tagName', 'nodeName']) Object.defineProperty(proto, name, { configurable: true, enumerable: false, get: tagName });
  installElementsByTagName(Object.getPrototypeOf(proto));
}

/**
 * linkedom's getElementsByTagName, name for name: an element matches when its local name,
 * or that name upper-cased in a case-ignoring document, is the name asked for. The walk is
 * linkedom's own over its private next/end links (found by their symbols' descriptions).
 */
function installElementsByTagName(parentNodeProto: any): void {
  const original = parentNodeProto?.getElementsByTagName;
  if (typeof original !== 'function') return;
  let links: { next: symbol; end: symbol } | null | undefined;
  parentNodeProto.getElementsByTagName = function (this: any, name: string): unknown {
    links ??= linksOf(this);
    const doc = this.ownerDocument ?? this;
    const key = mimeKeyOf(doc);
    if (!links || !key || !doc[key]) return original.call(this, name);
    const ignoreCase = doc[key].ignoreCase;
    const found = new NodeList();
    const { next: NEXT, end: END } = links;
    for (let at = this[NEXT], end = this[END]; at !== end; at = at[NEXT]) {
      if (at.nodeType !== ELEMENT_NODE) continue;
      const local = at.localName;
      if (local === name || (ignoreCase ? upperCase(local) : local) === name) found.push(at);
    }
    return found;
  };
}

function linksOf(node: object): { next: symbol; end: symbol } | null {
  const symbols = Object.getOwnPropertySymbols(node);
  const next = symbols.find((s) => s.description === 'next');
  const end = symbols.find((s) => s.description === 'end');
  return next && end ? { next, end } : null;
}

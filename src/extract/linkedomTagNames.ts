/* eslint-disable @typescript-eslint/no-explicit-any */
import { Element as ElementFacade } from 'linkedom';

/**
 * linkedom answers `tagName` and `nodeName` of an HTML element with
 * `localName.toUpperCase()`, a new string on every read, and Readability reads them
 * for nearly every node it visits, many times per page. Here the upper-cased names are
 * kept (tag names are few); the answer is linkedom's own: upper case only in a document
 * whose type ignores case (HTML), the local name as it is otherwise.
 *
 * Installed once for the process, on linkedom's Element class: every linkedom element,
 * whoever builds it, answers through it.
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
}

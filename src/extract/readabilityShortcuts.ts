/* eslint-disable @typescript-eslint/no-explicit-any */
import { elementsNamed } from './elementWalk.js';

/**
 * Readability on linkedom spends much of its time in two DOM calls that linkedom makes
 * slow, not in its own logic. Both are replaced on one Readability instance by code that
 * returns exactly what the original returns on the documents extraction builds:
 *  - `_getAllNodesWithTag` runs `querySelectorAll("a,b")`, which compiles the selector with
 *    css-select on every call and matches it against every element; a walk comparing tag
 *    names finds the same elements in the same (document) order. Names are compared in
 *    upper case, as css-select compares them without case: elements Readability creates
 *    itself are named "P" or "DIV", which `getElementsByTagName("p")` would miss.
 *  - `_isProbablyVisible` reads `node.style`, which builds a CSSStyleDeclaration for every
 *    node; without a style, hidden or aria-hidden attribute its answer is always true.
 */
export function withShortcuts<T>(reader: T): T {
  const r = reader as any;
  const visible = r._isProbablyVisible;
  r._isProbablyVisible = function (node: any): boolean {
    if (!node.hasAttribute('style') && !node.hasAttribute('hidden') && !node.hasAttribute('aria-hidden')) return true;
    return visible.call(this, node);
  };
  r._getAllNodesWithTag = (node: any, tagNames: string[]) =>
    tagNames.length === 1 ? node.getElementsByTagName(tagNames[0]!.toUpperCase()) : elementsNamed(node, tagNames);
  return reader;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Walks of a linkedom element's descendants by tag name: linkedom compiles a CSS selector
 * on every querySelector call, which costs more than the walk when the selector only names tags.
 */

/** The descendants of `root` whose tag is one of `tagNames`, in document order. */
export function elementsNamed(root: any, tagNames: readonly string[]): any[] {
  const wanted = upperCased(tagNames);
  const out: any[] = [];
  let el = root.firstElementChild;
  while (el) {
    if (wanted.has(el.tagName)) out.push(el);
    el = nextInOrder(el, root);
  }
  return out;
}

/** The element after `el` in document order, without leaving `root`. */
function nextInOrder(el: any, root: any): any {
  const child = el.firstElementChild;
  if (child) return child;
  for (let at = el; at && at !== root; at = at.parentNode) {
    const sibling = at.nextElementSibling;
    if (sibling) return sibling;
  }
  return null;
}

/** Whether `root` has a descendant whose tag is one of `tagNames` (a querySelector without a selector engine). */
export function hasDescendantNamed(root: any, tagNames: ReadonlySet<string>): boolean {
  for (let el = root.firstElementChild; el; el = nextInOrder(el, root)) if (tagNames.has(el.tagName)) return true;
  return false;
}

/** Tag names as linkedom's `tagName` gives them for HTML. */
export function upperCased(tagNames: readonly string[]): Set<string> {
  return new Set(tagNames.map((t) => t.toUpperCase()));
}

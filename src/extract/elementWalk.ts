/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Walks of a linkedom element's descendants by tag name: linkedom compiles a CSS selector
 * on every querySelector call, which costs more than the walk when the selector only names tags.
 */

/**
 * The descendants of `root` whose tag is one of `tagNames`, in document order. A set is
 * taken as it is (built once by upperCased); a list is upper-cased on every call.
 */
export function elementsNamed(root: any, tagNames: readonly string[] | ReadonlySet<string>): any[] {
  const wanted = tagNames instanceof Set ? tagNames : upperCased(tagNames as readonly string[]);
  const out: any[] = [];
  let el = root.firstElementChild;
  while (el) {
    if (wanted.has(el.tagName)) out.push(el);
    el = nextInOrder(el, root);
  }
  return out;
}

/** Every descendant element of `root`, in document order (querySelectorAll('*') without a selector engine). */
export function descendantsOf(root: any): any[] {
  const out: any[] = [];
  for (let el = root.firstElementChild; el; el = nextInOrder(el, root)) out.push(el);
  return out;
}

/** The element after `el` in document order, without leaving `root`. */
export function nextInOrder(el: any, root: any): any {
  return el.firstElementChild ?? afterSubtree(el, root);
}

/** The first element after `el` and its descendants in document order, without leaving `root`. */
export function afterSubtree(el: any, root: any): any {
  for (let at = el; at && at !== root; at = at.parentNode) {
    const sibling = at.nextElementSibling;
    if (sibling) return sibling;
  }
  return null;
}

/** Whether `root` has a descendant whose tag is one of `tagNames` (a querySelector without a selector engine). */
export function hasDescendantNamed(root: any, tagNames: ReadonlySet<string>): boolean {
  return firstNamed(root, tagNames) !== null;
}

/** The first descendant of `root` whose tag is in `tagNames` (querySelector of tag names), or null. */
export function firstNamed(root: any, tagNames: ReadonlySet<string>): any {
  for (let el = root.firstElementChild; el; el = nextInOrder(el, root)) if (tagNames.has(el.tagName)) return el;
  return null;
}

/** `el` or its nearest ancestor whose tag is in `tagNames` (closest() of tag names), or null. */
export function closestNamed(el: any, tagNames: ReadonlySet<string>): any {
  for (let at = el; at; at = at.parentNode) if (tagNames.has(at.tagName)) return at;
  return null;
}

/** Tag names as linkedom's `tagName` gives them for HTML. */
export function upperCased(tagNames: readonly string[]): Set<string> {
  return new Set(tagNames.map((t) => t.toUpperCase()));
}

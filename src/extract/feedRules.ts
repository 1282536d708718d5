/* eslint-disable @typescript-eslint/no-explicit-any */
import { parseHTML } from 'linkedom';
import { TidingsError } from '../model/errors.js';
import type { FeedRules } from '../model/feed.js';

/** Caps on a feed's rules: each selector runs over every page of the feed, in the worker. */
export const FEED_RULE_LIMITS = { selectors: 20, length: 200 } as const;

// Never part of a selector people write for page furniture; refusing them keeps stored rules plain.
const FORBIDDEN = /[\u0000-\u001f\u007f<{};]/;
// css-select accepts "div >" and matches nothing: a selector cut short, refused as one.
const DANGLING = /[>+~,]\s*$/;

let probe: any = null;

/**
 * The rules as given (an API body, form lines, CLI options), checked: every selector must
 * parse in the DOM extraction uses, within the caps. Blank entries and repeats are dropped.
 * Throws `invalid_selector` naming the first selector refused.
 */
export function validFeedRules(input: { keep?: unknown; remove?: unknown }): FeedRules {
  return { keep: validSelectors(input.keep, 'keep'), remove: validSelectors(input.remove, 'remove') };
}

function validSelectors(list: unknown, name: string): string[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalid(`${name} must be a list of CSS selectors`);
  const out = new Set<string>();
  for (const raw of list) {
    if (typeof raw !== 'string') throw invalid(`${name} must be a list of CSS selectors`);
    const selector = raw.trim();
    if (selector) out.add(validSelector(selector, name));
  }
  if (out.size > FEED_RULE_LIMITS.selectors) throw invalid(`${name} has ${out.size} selectors; at most ${FEED_RULE_LIMITS.selectors}`);
  return [...out];
}

function validSelector(selector: string, name: string): string {
  const shown = JSON.stringify(selector.slice(0, 60));
  if (selector.length > FEED_RULE_LIMITS.length) throw invalid(`${name} selector ${shown}… is over ${FEED_RULE_LIMITS.length} characters`);
  if (FORBIDDEN.test(selector) || DANGLING.test(selector)) throw invalid(`${name} selector ${shown} is not a CSS selector`);
  probe ??= parseHTML('<!doctype html><html><head></head><body><p></p></body></html>').document;
  try {
    probe.querySelectorAll(selector);
  } catch (err) {
    throw invalid(`${name} selector ${shown} does not parse: ${(err as Error).message}`);
  }
  return selector;
}

function invalid(message: string): TidingsError {
  return new TidingsError('invalid_selector', message);
}

/**
 * A feed's rules on a page, before the site rules: what `remove` names goes; when `keep`
 * finds anything, those elements (outermost, in page order) become the whole body, so
 * Readability looks nowhere else. Returns the kept elements, which site rules must spare.
 */
export function applyFeedRules(document: any, rules: Partial<FeedRules> | undefined): any[] {
  const body = document.body;
  if (!body || !rules) return [];
  for (const el of matching(body, rules.remove ?? [])) el.remove();
  const found = matching(body, rules.keep ?? []);
  if (found.size === 0) return [];
  const kept = Array.from(body.querySelectorAll('*')).filter((el: any) => found.has(el) && !hasAncestorIn(el, found, body));
  const article = document.createElement('article');
  for (const el of kept) article.appendChild(el);
  while (body.firstChild) body.removeChild(body.firstChild);
  body.appendChild(article);
  return kept;
}

function matching(root: any, selectors: readonly string[]): Set<any> {
  const found = new Set<any>();
  for (const selector of selectors) {
    try {
      for (const el of root.querySelectorAll(selector)) found.add(el);
    } catch {
      // Checked when saved; a rule stored by an older build that this DOM refuses matches nothing.
    }
  }
  return found;
}

function hasAncestorIn(el: any, set: Set<any>, stop: any): boolean {
  for (let p = el.parentNode; p && p !== stop; p = p.parentNode) if (set.has(p)) return true;
  return false;
}

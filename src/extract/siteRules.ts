/* eslint-disable @typescript-eslint/no-explicit-any */
import { createRequire } from 'node:module';

/** Per-publisher rules (siteRules.json): selectors of furniture to remove, by host. */
interface SiteRule {
  hosts: string[];
  remove: string[];
}

const require = createRequire(import.meta.url);
let rules: SiteRule[] | null = null;

function load(): SiteRule[] {
  // The JSON sits beside the sources; the build copies it (see package.json "build").
  rules ??= (require('./siteRules.json') as { rules: SiteRule[] }).rules;
  return rules;
}

export function selectorsFor(pageUrl: string): string[] {
  let host: string;
  try {
    host = new URL(pageUrl).hostname.toLowerCase();
  } catch {
    // A page address that does not parse belongs to no site with rules.
    return [];
  }
  return load()
    .filter((r) => r.hosts.some((h) => host === h || host.endsWith(`.${h}`)))
    .flatMap((r) => r.remove);
}

/**
 * Removes what the publisher's rules name; a selector the DOM cannot run is skipped. What a
 * feed's own rules keep (`spared`) wins: neither it nor an element holding it is removed.
 */
export function applySiteRules(document: any, pageUrl: string, spared: readonly any[] = []): number {
  let removed = 0;
  for (const selector of selectorsFor(pageUrl)) {
    let found: any[] = [];
    try {
      found = Array.from(document.querySelectorAll(selector));
    } catch {
      // A selector this DOM engine cannot parse matches nothing here; the other rules still apply.
      continue;
    }
    for (const el of found) {
      if (spared.some((k) => el === k || el.contains(k))) continue;
      el.remove();
      removed++;
    }
  }
  return removed;
}

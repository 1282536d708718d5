/**
 * Google Reader item ids. Clients name an item either by the long form
 * `tag:google.com,2005:reader/item/<16 hex>` or by the same number in decimal (the short
 * form `stream/items/ids` answers with). Ours are the article ids, so both are stable.
 */
const LONG_PREFIX = 'tag:google.com,2005:reader/item/';

/** Largest article id taken from a client (ids are database integers). */
const MAX_ID = Number.MAX_SAFE_INTEGER;

export function longItemId(id: number): string {
  return LONG_PREFIX + id.toString(16).padStart(16, '0');
}

export function shortItemId(id: number): string {
  return String(id);
}

/** The article id an item id names, or null for anything that is not one of ours. */
export function parseItemId(raw: string): number | null {
  let s = raw.trim();
  if (s.includes('%')) {
    try {
      s = decodeURIComponent(s);
    } catch {
      return null;
    }
  }
  let n: number;
  if (s.startsWith(LONG_PREFIX)) {
    const hex = s.slice(LONG_PREFIX.length);
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return null;
    n = parseInt(hex, 16);
  } else if (/^\d{1,19}$/.test(s)) {
    n = Number(s);
  } else {
    return null;
  }
  return n >= 1 && n <= MAX_ID ? n : null;
}

/** Every id of a repeated parameter that names an item, once each, in the order given. */
export function parseItemIds(raw: readonly string[], cap: number): number[] {
  const ids = new Set<number>();
  for (const r of raw) {
    if (ids.size >= cap) break;
    const id = parseItemId(r);
    if (id !== null) ids.add(id);
  }
  return [...ids];
}

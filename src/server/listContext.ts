import { MAX_ENTITY_KEY } from '../text/entityKey.js';
import type { ListContext } from './ui/components/sidebar.js';

/**
 * A row id as a path, query or form carries it (an article, a feed, a source, a choice):
 * digits only, and exact as a JavaScript number, so within a PostgreSQL bigint too (a
 * longer one failed there as a 500). Anything else is no id: no such thing, or no filter.
 */
export function parseId(raw: string | undefined): number | undefined {
  if (!raw || !/^\d{1,16}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** The list an article was opened from, as its link's query names it (`?feed=1&show=unread`). */
export function listContextOf(q: Record<string, string | undefined>): ListContext {
  const show = q.show === 'unread' || q.show === 'starred' ? q.show : 'all';
  const feed = parseId(q.feed);
  const folder = feed === undefined && q.folder ? q.folder.slice(0, 200) : undefined;
  const entity = entityParam(q.entity);
  return { show, ...(feed !== undefined ? { feed } : {}), ...(folder !== undefined ? { folder } : {}), ...(entity !== undefined ? { entity } : {}) };
}

/** `?entity=` as a reader typed or followed it: trimmed and capped; nothing when empty. */
export function entityParam(raw: string | undefined): string | undefined {
  const name = raw?.replace(/\s+/g, ' ').trim().slice(0, MAX_ENTITY_KEY);
  return name || undefined;
}

import { MAX_ENTITY_KEY } from '../text/entityKey.js';
import type { ListContext } from './ui/components/sidebar.js';

/** A number a form or query may carry (a feed, a source, a choice); anything else is no filter at all. */
export const optionalId = (v: string | undefined): number | undefined => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** The list an article was opened from, as its link's query names it (`?feed=1&show=unread`). */
export function listContextOf(q: Record<string, string | undefined>): ListContext {
  const show = q.show === 'unread' || q.show === 'starred' ? q.show : 'all';
  const feed = optionalId(q.feed);
  const folder = feed === undefined && q.folder ? q.folder.slice(0, 200) : undefined;
  const entity = entityParam(q.entity);
  return { show, ...(feed !== undefined ? { feed } : {}), ...(folder !== undefined ? { folder } : {}), ...(entity !== undefined ? { entity } : {}) };
}

/** `?entity=` as a reader typed or followed it: trimmed and capped; nothing when empty. */
export function entityParam(raw: string | undefined): string | undefined {
  const name = raw?.replace(/\s+/g, ' ').trim().slice(0, MAX_ENTITY_KEY);
  return name || undefined;
}

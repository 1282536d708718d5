import type { ArticleFilter } from '../../store/articleFilter.js';
import type { ArticleOrder, Store } from '../../store/store.js';
import { LruMap } from '../../model/lruMap.js';

/**
 * A Miniflux client syncs by asking for page after page of one selection (`offset` 0, 100,
 * 200, … or `after_entry_id` past the last id it holds) until it holds everything or
 * `total` says it is done. Counting every match is most of what each page costs on a large
 * store, and the answer follows from the first count until something the reader sees
 * changes: so a selection is counted once per reader version (new articles, revisions,
 * deletions, the reader's read/starred/subscription changes, from any process), and the
 * next id-ordered page's total is the previous one less the page.
 */

/** A count is used at most this long even when the version stands (a link of an article to a second feed moves no version). */
const FRESH_MS = 60_000;
/** Selections kept (the least recently used leaves first): a reader syncs a handful at a time. */
const KEPT = 1000;

type CountingStore = Pick<Store, 'readerVersion' | 'countArticles'>;
export type ReaderFilter = ArticleFilter & { userId: number };

/** Where a page starts and how it is ordered. */
export interface PageShape {
  limit: number;
  offset: number;
  order: ArticleOrder;
}

export class EntryTotals {
  private readonly kept = new LruMap<string, { version: string; total: number }>(KEPT);

  constructor(private readonly store: CountingStore, private readonly now: () => Date) {}

  /**
   * A page of a selection and how many match in all, both under one reader version read
   * first: a change while listing or counting moves the version, so nothing kept from
   * this answer is used after it.
   */
  async page<T extends { id: number }>(filter: ReaderFilter, shape: PageShape, list: () => Promise<T[]>): Promise<{ items: T[]; total: number }> {
    const version = await this.versionOf(filter.userId);
    const items = await list();
    // A page that is not full ends the selection, so it tells the total without counting (a feed's few entries, a walk's last page).
    if (items.length < shape.limit && (items.length > 0 || shape.offset === 0)) return { items, total: shape.offset + items.length };
    const key = keyOf(filter);
    const kept = this.kept.get(key);
    const total = kept?.version === version ? kept.total : await this.store.countArticles(filter);
    this.keep(key, version, total);
    const last = items[items.length - 1]?.id;
    // In id order the selection past the page's last id is what follows the page: the next request of a walk by id.
    const past = last === undefined ? null : shape.order === 'id-asc' ? { afterId: last } : shape.order === 'id-desc' ? { beforeId: last } : null;
    if (past) this.keep(keyOf({ ...filter, ...past }), version, total - shape.offset - items.length);
    return { items, total };
  }

  private async versionOf(userId: number): Promise<string> {
    return `${Math.floor(this.now().getTime() / FRESH_MS)}.${await this.store.readerVersion(userId)}`;
  }

  private keep(key: string, version: string, total: number): void {
    this.kept.set(key, { version, total });
  }
}

/** The same selection, however its fields were put together, is one key. */
function keyOf(filter: ReaderFilter): string {
  return JSON.stringify(Object.entries(filter).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
}

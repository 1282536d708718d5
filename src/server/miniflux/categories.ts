import { folderId } from '../folderIds.js';

/**
 * Miniflux files every feed in a category; Tidings has folders, and feeds in none. Feeds in
 * no folder go to one category, "All" (Miniflux's own default), so a feed's category is
 * never null (newsboat crashes on a null one).
 */
export const UNFILED_ID = 1;
export const UNFILED_TITLE = 'All';

export interface MinifluxCategory {
  id: number;
  user_id: number;
  title: string;
  hide_globally: boolean;
}

/** A folder's category id (folderIds.ts); feeds in no folder are in "All". */
export function categoryId(userId: number, folder: string | null): number {
  return folder === null ? UNFILED_ID : folderId(userId, folder);
}

export function categoryOf(userId: number, folder: string | null): MinifluxCategory {
  return { id: categoryId(userId, folder), user_id: userId, title: folder ?? UNFILED_TITLE, hide_globally: false };
}

/** The reader's categories: "All" first, then their folders by name. */
export function categoriesOf(userId: number, folders: ReadonlyArray<string | null>): MinifluxCategory[] {
  const named = [...new Set(folders.filter((f): f is string => f !== null))].sort((a, b) => a.localeCompare(b));
  return [categoryOf(userId, null), ...named.map((f) => categoryOf(userId, f))];
}

/** The folder a category id names among the reader's folders: null for "All", undefined when none. */
export function folderOfCategory(userId: number, id: number, folders: ReadonlyArray<string | null>): string | null | undefined {
  if (id === UNFILED_ID) return null;
  return folders.find((f): f is string => f !== null && categoryId(userId, f) === id);
}

import { createHash } from 'node:crypto';

/**
 * A reader's folder as a number, for the client protocols that name folders by id (Fever
 * groups, Miniflux categories). Derived from the reader and the folder name, so it stays the
 * same across requests and restarts without a table (a folder exists only as a name on
 * subscriptions), and no reader learns another's folder names from an id. It lies in
 * 2..2^31-1: a JSON number every client reads as a 32-bit integer, clear of the ids the
 * protocols keep for themselves (Fever's 0, "everything"; Miniflux's 1, "All"). Two folders
 * of one reader sharing an id would need a 31-bit collision among their few names.
 */
export function folderId(userId: number, folder: string): number {
  const h = createHash('sha256').update(`${userId}\n${folder}`).digest().readUInt32BE(0) & 0x7fffffff;
  return h < 2 ? h + 2 : h;
}

import type { ArticleQuery } from '../../store/store.js';
import type { StreamScope } from './streamIds.js';
import { stateCondition } from './streamIds.js';
import { formatIso } from '../../text/dates.js';

/** The parameters of a stream listing, as query or form fields (repeated ones as lists). */
export interface StreamParams {
  n?: string;
  c?: string;
  ot?: string;
  nt?: string;
  r?: string;
  xt: string[];
  it: string[];
}

/** Item bodies per answer at most (a page of full texts stays far under 5 MB)… */
export const MAX_CONTENTS = 1000;
/** …and item ids per answer. */
export const MAX_IDS = 10_000;

/** A page of a stream, and how to ask for the next one. */
export interface StreamPage {
  query: ArticleQuery;
  /** Items on a page; one more is fetched to learn whether a next page exists. */
  size: number;
}

/**
 * The page of articles a stream listing asks for. The continuation is the last item's
 * (published, id), so a page never repeats or skips an item while new ones arrive.
 */
export function streamPage(userId: number, scope: StreamScope, p: StreamParams, cap: number, fallback: number): StreamPage {
  const size = Math.min(cap, positiveInt(p.n) ?? fallback);
  const oldestFirst = p.r === 'o';
  const cursor = parseContinuation(p.c);
  const marks = markConditions(scope, p);
  const ot = epochSeconds(p.ot);
  const nt = epochSeconds(p.nt);
  const query: ArticleQuery = {
    userId,
    ...scope,
    ...marks,
    limit: size + 1,
    order: oldestFirst ? 'oldest' : 'newest',
    ...(ot !== undefined ? { from: formatIso(ot * 1000) } : {}),
    ...(nt !== undefined ? { to: formatIso((nt + 1) * 1000) } : {}),
    ...(cursor ? (oldestFirst ? { after: cursor } : { before: cursor }) : {}),
  };
  return { query, size };
}

/** `it` (only items with this state) and `xt` (none with it) over the stream's own state; a contradiction selects nothing. */
function markConditions(scope: StreamScope, p: StreamParams): Pick<ArticleQuery, 'read' | 'starred' | 'ids'> {
  const marks: Pick<ArticleQuery, 'read' | 'starred'> = { read: scope.read, starred: scope.starred };
  for (const [tag, present] of [...p.it.map((t) => [t, true] as const), ...p.xt.map((t) => [t, false] as const)]) {
    const c = stateCondition(tag, present);
    if (!c) continue;
    for (const key of ['read', 'starred'] as const) {
      if (c[key] === undefined) continue;
      if (marks[key] !== undefined && marks[key] !== c[key]) return { ids: [] };
      marks[key] = c[key];
    }
  }
  return Object.fromEntries(Object.entries(marks).filter(([, v]) => v !== undefined));
}

export function continuationOf<T extends { id: number; published: string }>(rows: T[], size: number): string | null {
  const last = rows[size - 1];
  return rows.length > size && last ? Buffer.from(`${last.published}_${last.id}`).toString('base64url') : null;
}

function parseContinuation(raw: string | undefined): { publishedAt: string; id: number } | undefined {
  if (!raw || raw.length > 100) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)_(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
  return m ? { publishedAt: m[1]!, id: Number(m[2]) } : undefined;
}

/** The last second of year 9999: later times cannot be dates. */
const LAST_SECOND = 253_402_300_799;

/** A time in epoch seconds from a client, within the years dates can hold. */
function epochSeconds(raw: string | undefined): number | undefined {
  const n = positiveInt(raw);
  return n === undefined ? undefined : Math.min(n, LAST_SECOND - 1);
}

/** A positive whole number from a client, or undefined; capped where it is used. */
export function positiveInt(raw: string | undefined): number | undefined {
  if (!raw || !/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n > 0 ? n : undefined;
}

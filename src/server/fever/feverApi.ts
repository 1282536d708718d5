import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../model/article.js';
import type { ArticleQuery, Store } from '../../store/store.js';
import { type ClientAuth, clientAddress } from '../clientAuth.js';
import { BODY_LIMITS } from '../httpLimits.js';
import { formatIso } from '../../text/dates.js';
import { logError } from '../../log/loggedError.js';
import { faviconJson, feedJson, feedsGroupsJson, folderNames, groupsJson, itemJson } from './feverJson.js';
import { folderId } from '../folderIds.js';
import { multipartFields } from './multipartFields.js';

/**
 * The Fever API (feedafever.com's, as Reeder, ReadKit, Unread and Fiery Feeds speak it) at
 * /fever/: one endpoint whose query names what to read (`groups`, `feeds`, `items`, …) and
 * whose form carries `api_key` and the writes (`mark`, `as`, `id`, `before`). Every answer is
 * JSON with `api_version` 3; a bad key is HTTP 200 with `auth: 0`, because clients take
 * any other status for an outage. A reader sees only their own subscriptions: another
 * reader's feed, item or folder answers exactly as one that does not exist.
 */
declare module 'fastify' {
  interface FastifyRequest {
    feverUser: User | null;
  }
}

export const FEVER_API_VERSION = 3;
/** Items per `items` call, as the protocol fixes it; also the most `with_ids` may name. */
export const ITEMS_PER_CALL = 50;
/** Ids in `unread_item_ids` / `saved_item_ids` at most (newest first): about 4 MB of digits. */
export const MAX_LISTED_IDS = 500_000;
/** How long a reader's `total_items` is reused: counting a 100,000-item archive takes ~0.2 s, and a sync asks on every page. */
const TOTAL_REUSE_MS = 60_000;
/** Readers whose count is kept at most (the map is emptied when full). */
const TOTAL_READERS = 10_000;
/** How far back `unread_recently_read` reaches. */
const RECENTLY_READ_MS = 60 * 60_000;

const NOT_SIGNED_IN = { api_version: FEVER_API_VERSION, auth: 0 };

type Params = Map<string, string>;
type StateChange = { read?: boolean; starred?: boolean };
const ITEM_MARKS: Record<string, StateChange> = { read: { read: true }, unread: { read: false }, saved: { starred: true }, unsaved: { starred: false } };

export async function feverApi(app: FastifyInstance, opts: { store: Store; clientAuth: ClientAuth; now: () => Date }): Promise<void> {
  const { store, now } = opts;
  const totals = new ReaderTotals(store);
  app.decorateRequest('feverUser', null);
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: BODY_LIMITS.signIn }, (req, body, done) =>
    done(null, multipartFields(body as string, req.headers['content-type'] ?? '')),
  );
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) logError(err, 'Fever API request failed', { user: req.feverUser?.id });
    return reply.code(status).send({ ...NOT_SIGNED_IN, auth: req.feverUser ? 1 : 0 });
  });

  // The key may come in the form, so this runs once the (small, capped) body is read, before
  // anything else: no selector or write is looked at without a reader.
  app.addHook('preValidation', async (req, reply) => {
    const key = feverParams(req).get('api_key');
    if (!key) return reply.send(NOT_SIGNED_IN);
    const r = await opts.clientAuth.byFeverKey(key.slice(0, 200), clientAddress(req));
    if (r.throttled) return reply.code(429).header('retry-after', String(r.retryAfterSeconds)).send(NOT_SIGNED_IN);
    if (!r.value) return reply.send(NOT_SIGNED_IN);
    req.feverUser = r.value;
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/',
    bodyLimit: BODY_LIMITS.signIn,
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const user = req.feverUser!;
      const p = feverParams(req);
      const t = now().getTime();
      const answer: Record<string, unknown> = { api_version: FEVER_API_VERSION, auth: 1, last_refreshed_on_time: Math.floor(t / 1000) };
      const lists = new Set(await applyWrites(store, user.id, p, t));
      if (p.has('groups') || p.has('feeds') || p.has('favicons')) {
        const feeds = await store.listSubscriptions(user.id);
        if (p.has('groups')) answer.groups = groupsJson(user.id, feeds);
        if (p.has('feeds')) answer.feeds = feeds.map(feedJson);
        if (p.has('groups') || p.has('feeds')) answer.feeds_groups = feedsGroupsJson(user.id, feeds);
        if (p.has('favicons')) answer.favicons = feeds.map(faviconJson);
      }
      if (p.has('items')) Object.assign(answer, await items(store, user.id, p), { total_items: await totals.of(user.id) });
      if (p.has('links')) answer.links = [];
      if (p.has('unread_item_ids') || lists.has('unread')) answer.unread_item_ids = await idList(store, { userId: user.id, read: false });
      if (p.has('saved_item_ids') || lists.has('saved')) answer.saved_item_ids = await idList(store, { userId: user.id, starred: true });
      return reply.send(answer);
    },
  });
}

/** Query and form together (clients differ in where they put each), first value of each name. */
function feverParams(req: FastifyRequest): Params {
  const out: Params = new Map();
  for (const source of [req.query, req.body]) {
    if (!source || typeof source !== 'object') continue;
    for (const [name, v] of Object.entries(source as Record<string, unknown>)) {
      const value = Array.isArray(v) ? (v[0] as unknown) : v;
      if (typeof value === 'string') out.set(name, value);
    }
  }
  return out;
}

/** A whole number of at most 15 digits (optionally negative), else null. */
function integer(raw: string | undefined): number | null {
  return raw !== undefined && /^-?\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : null;
}

/** A comma list of positive ids (`with_ids`, or several items to mark), the first ITEMS_PER_CALL of them. */
function idsParam(raw: string): number[] {
  return raw
    .split(',', ITEMS_PER_CALL * 4)
    .map((s) => integer(s))
    .filter((n): n is number => n !== null && n > 0)
    .slice(0, ITEMS_PER_CALL);
}

/** The writes a request carries; says which id lists the answer should then include. */
async function applyWrites(store: Store, userId: number, p: Params, t: number): Promise<Array<'unread' | 'saved'>> {
  const at = formatIso(t);
  const lists: Array<'unread' | 'saved'> = [];
  if (p.get('unread_recently_read') === '1') {
    await store.unreadReadSince(userId, formatIso(t - RECENTLY_READ_MS));
    lists.push('unread');
  }
  const mark = p.get('mark');
  const as = p.get('as') ?? '';
  const id = integer(p.get('id'));
  if (mark === 'item' && Object.hasOwn(ITEM_MARKS, as)) {
    // Some clients name several items at once (`id=1,2,3`); ids the reader cannot see are skipped.
    await store.setArticleStates(userId, idsParam(p.get('id') ?? ''), ITEM_MARKS[as]!, at);
    lists.push(as === 'saved' || as === 'unsaved' ? 'saved' : 'unread');
  } else if ((mark === 'feed' || mark === 'group') && as === 'read' && id !== null) {
    const before = integer(p.get('before'));
    // `before` is when the client last fetched items: nothing newer than what it showed is marked.
    const upTo = before !== null && before > 0 ? formatIso(Math.min(before * 1000, t)) : at;
    await markRead(store, userId, mark, id, upTo, at);
    lists.push('unread');
  }
  return lists;
}

async function markRead(store: Store, userId: number, mark: 'feed' | 'group', id: number, upTo: string, at: string): Promise<void> {
  if (mark === 'feed') {
    // The store's filter reaches only the reader's own subscriptions: another's feed marks nothing.
    if (id > 0) await store.markAllRead(userId, { feedId: id, upTo }, at);
    return;
  }
  // Group 0 is everything ("Kindling"); -1, "Sparks", is no feed here.
  if (id === 0) {
    await store.markAllRead(userId, { upTo }, at);
    return;
  }
  const folders = folderNames(await store.listSubscriptions(userId)).filter((f) => folderId(userId, f) === id);
  for (const folder of folders) await store.markAllRead(userId, { folder, upTo }, at);
}

/** `items` (without `total_items`): by `with_ids`, else after `since_id` (ascending), else below `max_id` (descending), else the newest. */
async function items(store: Store, userId: number, p: Params) {
  const base = { userId, content: true, limit: ITEMS_PER_CALL } as const;
  const withIds = p.get('with_ids');
  const sinceId = integer(p.get('since_id'));
  const maxId = integer(p.get('max_id'));
  let q: ArticleQuery;
  if (withIds !== undefined) q = { ...base, ids: idsParam(withIds), order: 'id-asc' };
  else if (sinceId !== null) q = { ...base, afterId: Math.max(0, sinceId), order: 'id-asc' };
  else if (maxId !== null && maxId > 0) q = { ...base, beforeId: maxId, order: 'id-desc' };
  else q = { ...base, order: 'id-desc' };
  return { items: (await store.listArticles(q)).map(itemJson) };
}

/** Each reader's item count, counted at most once a minute (a client walking its archive asks 2,000 times). */
class ReaderTotals {
  private readonly counted = new Map<number, { total: number; at: number }>();

  constructor(private readonly store: Store) {}

  async of(userId: number): Promise<number> {
    const t = performance.now();
    const kept = this.counted.get(userId);
    if (kept && t - kept.at < TOTAL_REUSE_MS) return kept.total;
    const total = await this.store.countArticles({ userId });
    if (this.counted.size >= TOTAL_READERS) this.counted.clear();
    this.counted.set(userId, { total, at: t });
    return total;
  }
}

async function idList(store: Store, filter: { userId: number; read?: boolean; starred?: boolean }): Promise<string> {
  const refs = await store.listArticleRefs({ ...filter, order: 'id-desc', limit: MAX_LISTED_IDS });
  return refs.map((r) => r.id).join(',');
}

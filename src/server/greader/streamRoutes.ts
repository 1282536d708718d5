import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import { formatIso } from '../../text/dates.js';
import { atomStream } from './atomStream.js';
import { fieldValue, fieldValues } from './formFields.js';
import { parseItemIds } from './itemIds.js';
import { itemJson, type ContentItem } from './itemJson.js';
import { readerOf } from './readerAuth.js';
import { normalizeStreamId, READING_LIST, resolveStream, stateCondition, STATE, KEPT_UNREAD, LABEL, type StreamScope } from './streamIds.js';
import { continuationOf, MAX_CONTENTS, MAX_IDS, positiveInt, streamPage, type StreamParams } from './streamQuery.js';
import { notFound, ok, type GreaderOptions } from './subscriptionRoutes.js';
import { subscriptionTitle } from '../../model/article.js';
import { originOf, type Origin } from './subscriptionJson.js';

/** Forms that name thousands of items (edit-tag, items/contents) need more than the default body limit. */
const ITEM_FORM_LIMIT = 1024 * 1024;

/** Items and their states: stream listings (JSON and Atom), ids, contents by id, marks. */
export async function streamRoutes(app: FastifyInstance, opts: GreaderOptions): Promise<void> {
  const { store, now } = opts;

  // The stream in the path (`stream/contents/feed%2F1`) or, for some clients, in `s`.
  const streamContents = async (req: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
    const streamId = streamIdOf(req, req.params['*'] ?? '');
    const page = await contentPage(store, readerOf(req).id, streamId, streamParams(req));
    if (!page) return notFound(reply);
    return { direction: 'ltr', id: streamId, title: page.title, updated: Math.floor(now().getTime() / 1000), items: page.items.map((a) => itemJson(a, page.origins)), ...(page.continuation ? { continuation: page.continuation } : {}) };
  };
  app.get('/stream/contents/*', streamContents);
  app.get('/stream/contents', streamContents);

  app.get('/stream/items/ids', async (req, reply) => {
    const userId = readerOf(req).id;
    const scope = await resolveStream(store, userId, fieldValue(req, 's') ?? READING_LIST);
    if (!scope) return notFound(reply);
    const { query, size } = streamPage(userId, scope, streamParams(req), MAX_IDS, 1000);
    const refs = await store.listArticleRefs(query);
    const continuation = continuationOf(refs, size);
    return {
      itemRefs: refs.slice(0, size).map((r) => ({ id: String(r.id), directStreamIds: [], timestampUsec: String(Date.parse(r.published) * 1000) })),
      ...(continuation ? { continuation } : {}),
    };
  });

  const itemsContents = async (req: FastifyRequest) => {
    const userId = readerOf(req).id;
    const ids = parseItemIds(fieldValues(req, 'i'), MAX_CONTENTS);
    const items = ids.length ? ((await store.listArticles({ userId, ids, limit: ids.length, content: true })) as ContentItem[]) : [];
    const origins = await originsOf(store, userId, items);
    return { direction: 'ltr', id: READING_LIST, updated: Math.floor(now().getTime() / 1000), items: items.map((a) => itemJson(a, origins)) };
  };
  app.get('/stream/items/contents', itemsContents);
  app.post('/stream/items/contents', { bodyLimit: ITEM_FORM_LIMIT }, itemsContents);

  app.post('/edit-tag', { bodyLimit: ITEM_FORM_LIMIT }, async (req, reply) => {
    const ids = parseItemIds(fieldValues(req, 'i'), MAX_IDS);
    const state = { ...marksOf(fieldValues(req, 'r'), false), ...marksOf(fieldValues(req, 'a'), true) };
    if (ids.length && Object.keys(state).length) await store.setArticleStates(readerOf(req).id, ids, state, formatIso(now().getTime()));
    return ok(reply);
  });

  app.post('/mark-all-as-read', async (req, reply) => {
    const userId = readerOf(req).id;
    const scope = await resolveStream(store, userId, fieldValue(req, 's') ?? READING_LIST);
    if (!scope) return notFound(reply);
    const at = now().getTime();
    const ts = timestampMs(fieldValue(req, 'ts'));
    await markRead(store, userId, scope, formatIso(Math.min(at, ts ?? at)), formatIso(at));
    return ok(reply);
  });
}

/** `GET /reader/atom/<stream>`: the Atom form of stream/contents (newsboat's feedhq mode). */
export async function atomRoutes(app: FastifyInstance, opts: GreaderOptions): Promise<void> {
  app.get<{ Params: { '*': string } }>('/atom/*', async (req, reply) => {
    const streamId = streamIdOf(req, req.params['*']);
    const page = await contentPage(opts.store, readerOf(req).id, streamId, streamParams(req));
    if (!page) return notFound(reply);
    return reply.type('application/atom+xml; charset=utf-8').send(atomStream({ streamId, title: page.title, items: page.items, origins: page.origins, continuation: page.continuation, now: opts.now() }));
  });
}

/** The stream named in the path (or `s`), the reading list when none. */
function streamIdOf(req: FastifyRequest, path: string): string {
  return normalizeStreamId(path || fieldValue(req, 's') || READING_LIST);
}

function streamParams(req: FastifyRequest): StreamParams {
  const one = (name: string) => fieldValue(req, name);
  return { n: one('n'), c: one('c'), ot: one('ot'), nt: one('nt'), r: one('r'), xt: fieldValues(req, 'xt').slice(0, 10), it: fieldValues(req, 'it').slice(0, 10) };
}

interface ContentPage {
  title: string;
  items: ContentItem[];
  origins: Map<number, Origin>;
  continuation: string | null;
}

async function contentPage(store: Store, userId: number, streamId: string, params: StreamParams): Promise<ContentPage | null> {
  const scope = await resolveStream(store, userId, streamId);
  if (!scope) return null;
  const { query, size } = streamPage(userId, scope, params, MAX_CONTENTS, 20);
  const rows = (await store.listArticles({ ...query, content: true })) as ContentItem[];
  const items = rows.slice(0, size);
  const origins = await originsOf(store, userId, items);
  return { title: await streamTitle(store, userId, streamId, scope), items, origins, continuation: continuationOf(rows, size) };
}

/** The feeds a page of items came through, as their reader names them (a page holds few). */
async function originsOf(store: Store, userId: number, items: ContentItem[]): Promise<Map<number, Origin>> {
  const origins = new Map<number, Origin>();
  for (const feedId of new Set(items.map((a) => a.feedId).filter((id): id is number => id != null))) {
    const f = await store.subscribedFeed(userId, feedId);
    if (f) origins.set(feedId, originOf(f));
  }
  return origins;
}

async function streamTitle(store: Store, userId: number, streamId: string, scope: StreamScope): Promise<string> {
  if (scope.feedId !== undefined) {
    const f = await store.subscribedFeed(userId, scope.feedId);
    return f ? subscriptionTitle(f) : streamId;
  }
  if (typeof scope.folder === 'string') return scope.folder;
  if (streamId.startsWith(LABEL)) return streamId.slice(LABEL.length);
  return streamId.startsWith(STATE) ? streamId.slice(STATE.length) : streamId;
}

/** The marks a list of tags sets (`a`) or clears (`r`); removing kept-unread marks nothing read. */
function marksOf(tags: string[], present: boolean): { read?: boolean; starred?: boolean } {
  const marks: { read?: boolean; starred?: boolean } = {};
  for (const tag of tags.slice(0, 20)) {
    if (!present && normalizeStreamId(tag) === KEPT_UNREAD) continue;
    Object.assign(marks, stateCondition(tag, present));
  }
  return marks;
}

/** Up to `upTo`, every item of a stream becomes read. State streams go through the ids in batches. */
async function markRead(store: Store, userId: number, scope: StreamScope, upTo: string, now: string): Promise<void> {
  if (scope.read === undefined && scope.starred === undefined) {
    await store.markAllRead(userId, { upTo, ...(scope.feedId !== undefined ? { feedId: scope.feedId } : {}), ...(scope.folder !== undefined ? { folder: scope.folder } : {}) }, now);
    return;
  }
  if (scope.read) return;
  const to = formatIso(Date.parse(upTo) + 1000);
  for (;;) {
    const refs = await store.listArticleRefs({ userId, ...scope, read: false, to, limit: 1000, order: 'id-asc' });
    if (!refs.length) return;
    await store.setArticleStates(userId, refs.map((r) => r.id), { read: true }, now);
  }
}

/** `ts` of mark-all-as-read: Google sends microseconds; seconds and milliseconds are read too. */
function timestampMs(raw: string | undefined): number | undefined {
  const n = positiveInt(raw);
  if (n === undefined) return undefined;
  if (n >= 1e14) return Math.floor(n / 1000);
  return n >= 1e11 ? n : n * 1000;
}

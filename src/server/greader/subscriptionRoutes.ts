import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Store } from '../../store/store.js';
import type { Pipeline } from '../../ingest/pipeline.js';
import { asTidingsError } from '../../model/errors.js';
import { logError } from '../../log/loggedError.js';
import { fieldValue, fieldValues } from './formFields.js';
import { readerOf, tokenOf } from './readerAuth.js';
import { feedStreamId, LABEL, labelStreamId, normalizeStreamId, READING_LIST, READ, STARRED, subscribedFeedId } from './streamIds.js';
import { subscriptionTitle } from '../../model/article.js';
import { subscriptionJson } from './subscriptionJson.js';

export interface GreaderOptions {
  store: Store;
  now: () => Date;
  pipeline?: Pipeline;
}

/** Folder names as clients send them: trimmed, capped, empty is none. */
const folderName = (raw: string | undefined) => raw?.trim().slice(0, 200) || null;

/** The folder a label stream id names (`user/-/label/X`), or null. */
function labelOf(raw: string | undefined): string | null {
  const id = raw === undefined ? '' : normalizeStreamId(raw);
  return id.startsWith(LABEL) ? folderName(id.slice(LABEL.length)) : null;
}

export const ok = (reply: FastifyReply) => reply.type('text/plain; charset=utf-8').send('OK');
export const notFound = (reply: FastifyReply) => reply.code(404).type('text/plain; charset=utf-8').send('Error=NotFound\n');
const badRequest = (reply: FastifyReply, why: string) => reply.code(400).type('text/plain; charset=utf-8').send(`Error=${why}\n`);

/** Who the reader is, their feeds, folders and unread counts; subscribing, renaming and filing. */
export async function subscriptionRoutes(app: FastifyInstance, opts: GreaderOptions): Promise<void> {
  const { store } = opts;

  // Clients send this back as `T` on writes. It is the auth token itself: Liferea posts some
  // forms with `T` alone, so `T` must sign the client in (auth travels in a header, not a cookie, so there is no CSRF to stop).
  app.get('/token', async (req, reply) => reply.type('text/plain; charset=utf-8').send(`${tokenOf(req)}\n`));

  app.get('/user-info', async (req) => {
    const u = readerOf(req);
    return { userId: String(u.id), userName: u.name, userProfileId: String(u.id), userEmail: '', isBloggerUser: false, signupTimeSec: Math.floor(Date.parse(u.createdAt) / 1000), isMultiLoginEnabled: false };
  });

  app.get('/subscription/list', async (req) => ({ subscriptions: (await store.listSubscriptions(readerOf(req).id)).map(subscriptionJson) }));

  app.get('/tag/list', async (req) => {
    const folders = new Set((await store.listSubscriptions(readerOf(req).id)).map((f) => f.folder).filter((f): f is string => !!f));
    return { tags: [{ id: STARRED }, { id: READ }, { id: READING_LIST }, ...[...folders].sort().map((f) => ({ id: labelStreamId(f), type: 'folder' }))] };
  });

  app.get('/unread-count', async (req) => {
    const userId = readerOf(req).id;
    const [counts, subs] = await Promise.all([store.unreadCounts(userId), store.listSubscriptions(userId)]);
    const folderOf = new Map(subs.map((f) => [f.id, f.folder]));
    const usec = (iso: string) => String(Date.parse(iso) * 1000);
    const folders = new Map<string, { count: number; newest: string }>();
    let total = 0;
    let newest = '';
    for (const c of counts) {
      total += c.unread;
      if (c.newest > newest) newest = c.newest;
      const folder = folderOf.get(c.feedId);
      if (!folder) continue;
      const f = folders.get(folder) ?? { count: 0, newest: '' };
      folders.set(folder, { count: f.count + c.unread, newest: c.newest > f.newest ? c.newest : f.newest });
    }
    return {
      max: 1000,
      unreadcounts: [
        ...counts.map((c) => ({ id: feedStreamId(c.feedId), count: c.unread, newestItemTimestampUsec: usec(c.newest) })),
        ...[...folders].map(([name, f]) => ({ id: labelStreamId(name), count: f.count, newestItemTimestampUsec: usec(f.newest) })),
        ...(newest ? [{ id: READING_LIST, count: total, newestItemTimestampUsec: usec(newest) }] : []),
      ],
    };
  });

  app.post('/subscription/quickadd', async (req, reply) => {
    const url = fieldValue(req, 'quickadd')?.trim() ?? '';
    if (!url) return badRequest(reply, 'NoURL');
    const r = await subscribeReader(opts, readerOf(req).id, url.replace(/^feed\//, ''), null);
    if ('error' in r) return reply.send({ query: url, numResults: 0, error: r.error });
    return { query: url, numResults: 1, streamId: feedStreamId(r.feedId), streamName: r.title };
  });

  app.post('/subscription/edit', async (req, reply) => {
    const userId = readerOf(req).id;
    const action = fieldValue(req, 'ac') ?? 'edit';
    const streams = fieldValues(req, 's').slice(0, 100);
    if (!streams.length) return badRequest(reply, 'NoStream');
    const title = fieldValue(req, 't')?.trim().slice(0, 200);
    const addTo = labelOf(fieldValue(req, 'a'));
    const removeFrom = labelOf(fieldValue(req, 'r'));
    for (const s of streams) {
      const id = normalizeStreamId(s);
      if (!id.startsWith('feed/')) return notFound(reply);
      if (action === 'subscribe') {
        const r = await subscribeReader(opts, userId, id.slice('feed/'.length), addTo);
        if ('error' in r) return badRequest(reply, r.error);
        if (title) await store.updateSubscription(userId, r.feedId, { title });
        continue;
      }
      const feedId = await subscribedFeedId(store, userId, id.slice('feed/'.length));
      if (feedId === null) return notFound(reply);
      if (action === 'unsubscribe') await store.unsubscribeUser(userId, feedId);
      else if (action === 'edit') await editSubscription(store, userId, feedId, { title, addTo, removeFrom });
      else return badRequest(reply, 'UnknownAction');
    }
    return ok(reply);
  });

  app.post('/rename-tag', async (req, reply) => {
    const from = labelOf(fieldValue(req, 's')) ?? folderName(fieldValue(req, 't'));
    const to = labelOf(fieldValue(req, 'dest'));
    if (!from || !to) return badRequest(reply, 'NoTag');
    return (await refile(store, readerOf(req).id, from, to)) ? ok(reply) : notFound(reply);
  });

  app.post('/disable-tag', async (req, reply) => {
    const from = labelOf(fieldValue(req, 's')) ?? folderName(fieldValue(req, 't'));
    if (!from) return badRequest(reply, 'NoTag');
    return (await refile(store, readerOf(req).id, from, null)) ? ok(reply) : notFound(reply);
  });
}

/** Moves every feed the reader filed under one folder to another (null: out of any folder); false when the folder has none. */
async function refile(store: Store, userId: number, from: string, to: string | null): Promise<boolean> {
  const feeds = (await store.listSubscriptions(userId)).filter((f) => f.folder === from);
  for (const f of feeds) await store.updateSubscription(userId, f.id, { folder: to });
  return feeds.length > 0;
}

async function editSubscription(store: Store, userId: number, feedId: number, change: { title?: string; addTo: string | null; removeFrom: string | null }): Promise<void> {
  const current = await store.subscribedFeed(userId, feedId);
  const patch: { title?: string | null; folder?: string | null } = {};
  if (change.title !== undefined) patch.title = change.title || null;
  if (change.addTo) patch.folder = change.addTo;
  else if (change.removeFrom && current?.folder === change.removeFrom) patch.folder = null;
  if (Object.keys(patch).length) await store.updateSubscription(userId, feedId, patch);
}

/**
 * Subscribes the reader to a feed or to the feed a site names (discovery, the first feed when
 * it names several), then fetches a new feed at once so its items are there on the next sync.
 */
async function subscribeReader(opts: GreaderOptions, userId: number, url: string, folder: string | null): Promise<{ feedId: number; title: string } | { error: string }> {
  if (!opts.pipeline) return { error: 'this server does not fetch feeds' };
  const { subscribe } = await import('../../ingest/subscribe.js');
  const { refreshFeed } = await import('../../ingest/refreshFeed.js');
  try {
    const r = await subscribe(opts.pipeline, url, { readers: [userId], folder, pick: 'first' });
    if (r.created) await refreshFeed(opts.pipeline, r.feed);
    const mine = await opts.store.subscribedFeed(userId, r.feed.id);
    return { feedId: r.feed.id, title: mine ? subscriptionTitle(mine) : r.feed.sourceName };
  } catch (err) {
    const e = asTidingsError(err);
    if (e.code === 'internal') logError(err, 'Google Reader subscribe failed', { user: userId });
    return { error: `${e.code}: ${e.message}`.replace(/\s+/g, ' ') };
  }
}

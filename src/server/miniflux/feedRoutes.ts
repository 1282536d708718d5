import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TidingsError } from '../../model/errors.js';
import { renderOpml } from '../../feed/opml.js';
import { formatIso } from '../../text/dates.js';
import { BODY_LIMITS } from '../httpLimits.js';
import { requesterSignal } from '../requesterSignal.js';
import { logFailure } from '../../log/logger.js';
import { categoriesOf, categoryId, folderOfCategory } from './categories.js';
import { fail, jsonBody, minifluxUser, notFound, pathId, type MinifluxContext } from './context.js';
import { subscriptionTitle } from '../../model/article.js';
import { minifluxFeed } from './feeds.js';

type IdParams = { Params: { id: string } };

/** The reader, their categories and feeds; subscribing, renaming, moving, unsubscribing; OPML in and out. */
export function registerFeedRoutes(app: FastifyInstance, ctx: MinifluxContext): void {
  const { store } = ctx;
  const folders = async (userId: number) => (await store.listSubscriptions(userId)).map((f) => f.folder);
  /** The folder a path's category id names for this reader: null for "All", undefined when none. */
  const folderAt = async (req: FastifyRequest<IdParams>) => {
    const id = pathId(req.params.id);
    return id === null ? undefined : folderOfCategory(minifluxUser(req).id, id, await folders(minifluxUser(req).id));
  };

  /** The folder a body's `category_id` names; absent or "All": none. */
  const categoryFolder = async (userId: number, raw: unknown): Promise<string | null> => {
    if (raw === undefined || raw === null || raw === 0) return null;
    const folder = typeof raw === 'number' && Number.isInteger(raw) ? folderOfCategory(userId, raw, await folders(userId)) : undefined;
    if (folder === undefined) throw new TidingsError('invalid_input', 'This category does not exist or does not belong to this user');
    return folder;
  };

  app.get('/me', async (req) => {
    const u = minifluxUser(req);
    return {
      id: u.id, username: u.name, is_admin: u.isAdmin, theme: 'light_serif', language: 'en_US', timezone: 'UTC',
      entry_sorting_direction: 'desc', entry_sorting_order: 'published_at', entries_per_page: 100, keyboard_shortcuts: true,
      show_reading_time: true, entry_swipe: true, stylesheet: '', display_mode: 'standalone', last_login_at: null,
    };
  });

  app.get<{ Querystring: { counts?: string } }>('/categories', async (req) => {
    const userId = minifluxUser(req).id;
    const subs = await store.listSubscriptions(userId);
    const categories = categoriesOf(userId, subs.map((f) => f.folder));
    if (req.query.counts !== 'true') return categories;
    const unread = new Map((await store.unreadCounts(userId)).map((c) => [c.feedId, c.unread]));
    return categories.map((c) => {
      const feeds = subs.filter((f) => categoryId(userId, f.folder) === c.id);
      return { ...c, feed_count: feeds.length, total_unread: feeds.reduce((n, f) => n + (unread.get(f.id) ?? 0), 0) };
    });
  });

  app.get<IdParams>('/categories/:id/feeds', async (req, reply) => {
    const folder = await folderAt(req);
    if (folder === undefined) return notFound(reply);
    const userId = minifluxUser(req).id;
    return (await store.listSubscriptions(userId)).filter((f) => f.folder === folder).map((f) => minifluxFeed(userId, f));
  });

  app.put<IdParams>('/categories/:id/mark-all-as-read', async (req, reply) => {
    const folder = await folderAt(req);
    if (folder === undefined) return notFound(reply);
    const now = formatIso(ctx.now().getTime());
    await store.markAllRead(minifluxUser(req).id, { folder, upTo: now }, now);
    return reply.code(204).send();
  });

  app.get('/feeds', async (req) => {
    const userId = minifluxUser(req).id;
    return (await store.listSubscriptions(userId)).map((f) => minifluxFeed(userId, f));
  });

  app.get<IdParams>('/feeds/:id', async (req, reply) => {
    const id = pathId(req.params.id);
    const userId = minifluxUser(req).id;
    const feed = id === null ? null : await store.subscribedFeed(userId, id);
    return feed ? minifluxFeed(userId, feed) : notFound(reply);
  });

  app.put<IdParams>('/feeds/:id/mark-all-as-read', async (req, reply) => {
    const id = pathId(req.params.id);
    const userId = minifluxUser(req).id;
    if (id === null || !(await store.subscribedFeed(userId, id))) return notFound(reply);
    const now = formatIso(ctx.now().getTime());
    await store.markAllRead(userId, { feedId: id, upTo: now }, now);
    return reply.code(204).send();
  });

  app.post('/feeds', async (req, reply) => {
    const body = jsonBody(req);
    const url = typeof body.feed_url === 'string' ? body.feed_url.trim() : '';
    if (!url || url.length > 2000) return fail(reply, 400, 'The feed URL is required');
    const folder = await categoryFolder(minifluxUser(req).id, body.category_id);
    if (!ctx.pipeline) return fail(reply, 403, 'This server does not fetch feeds');
    const { subscribe } = await import('../../ingest/subscribe.js');
    const { refreshFeed } = await import('../../ingest/refreshFeed.js');
    // Apps add feeds by the URL a person typed: a site's page names its feeds, and the first is taken.
    const r = await subscribe(ctx.pipeline, url, { readers: [minifluxUser(req).id], folder, pick: 'first' });
    if (r.created) await refreshFeed(ctx.pipeline, (await store.getFeed(r.feed.id))!);
    return reply.code(201).send({ feed_id: r.feed.id });
  });

  app.put<IdParams>('/feeds/:id', async (req, reply) => {
    const id = pathId(req.params.id);
    const userId = minifluxUser(req).id;
    if (id === null || !(await store.subscribedFeed(userId, id))) return notFound(reply);
    const body = jsonBody(req);
    const title = typeof body.title === 'string' ? body.title.trim().slice(0, 200) || null : undefined;
    const folder = body.category_id === undefined ? undefined : await categoryFolder(userId, body.category_id);
    await store.updateSubscription(userId, id, { ...(title !== undefined ? { title } : {}), ...(folder !== undefined ? { folder } : {}) });
    return reply.code(201).send(minifluxFeed(userId, (await store.subscribedFeed(userId, id))!));
  });

  app.delete<IdParams>('/feeds/:id', async (req, reply) => {
    const id = pathId(req.params.id);
    if (id === null || !(await store.unsubscribeUser(minifluxUser(req).id, id))) return notFound(reply);
    return reply.code(204).send();
  });

  app.get('/export', async (req, reply) => {
    const subs = await store.listSubscriptions(minifluxUser(req).id);
    const outlines = subs.map((f) => ({ url: f.url, title: subscriptionTitle(f), siteUrl: f.siteUrl, category: f.folder }));
    return reply.type('text/xml; charset=utf-8').send(renderOpml(outlines));
  });

  app.post('/import', { bodyLimit: BODY_LIMITS.opml }, async (req, reply) => {
    if (!ctx.pipeline) return fail(reply, 403, 'This server does not fetch feeds');
    const { importOpml } = await import('../../ingest/opmlImport.js');
    const userId = minifluxUser(req).id;
    const gone = requesterSignal(req);
    try {
      const r = await importOpml(ctx.pipeline, typeof req.body === 'string' ? req.body : '', { readers: [userId], signal: gone.signal });
      if (r.stopped) logFailure({ code: 'aborted', user: userId }, 'OPML import stopped: the Miniflux client went away');
      return reply.code(201).send({ message: 'Feeds imported successfully', imported: r.feeds.length, added: r.added, skipped: r.skipped.length });
    } finally {
      gone.release();
    }
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ArticleListItem } from '../../model/article.js';
import { TidingsError } from '../../model/errors.js';
import type { ArticleFilter } from '../../store/articleFilter.js';
import { formatIso } from '../../text/dates.js';
import { folderOfCategory } from './categories.js';
import { jsonBody, minifluxUser, notFound, pathId, type MinifluxContext } from './context.js';
import { entrySelection, minifluxEntry, type EntryParams } from './entries.js';
import { EntryTotals } from './entryTotals.js';
import { minifluxFeed, type MinifluxFeed } from './feeds.js';

type Scope = Pick<ArticleFilter, 'feedId' | 'folder'>;

/** Ids one `PUT /v1/entries` may name (the body limit bounds it too). */
const MAX_ENTRY_IDS = 10_000;

/** Entries: listed (all, per feed, per category), one by id, marked read or unread, starred. */
export function registerEntryRoutes(app: FastifyInstance, ctx: MinifluxContext): void {
  const { store } = ctx;
  const totals = new EntryTotals(store, ctx.now);

  /** Each entry's `feed` object, for the feeds in a page (a reader's, so never another's). */
  const feedsOf = async (userId: number, items: ArticleListItem[]) => {
    const feeds = new Map<number, MinifluxFeed>();
    for (const id of new Set(items.map((a) => a.feedId).filter((id): id is number => id != null))) {
      const f = await store.subscribedFeed(userId, id);
      if (f) feeds.set(id, minifluxFeed(userId, f));
    }
    return feeds;
  };

  const entriesOf = async (userId: number, items: ArticleListItem[]) => {
    const feeds = await feedsOf(userId, items);
    return items.flatMap((a) => {
      const feed = a.feedId != null ? feeds.get(a.feedId) : undefined;
      return feed ? [minifluxEntry(userId, a, feed)] : [];
    });
  };

  /** A page of entries and how many match in all; a scope the reader does not have answers 404. */
  const page = async (req: FastifyRequest, reply: FastifyReply, scope: Scope | undefined, s = entrySelection(req.query as EntryParams)) => {
    if (!scope) return notFound(reply);
    const userId = minifluxUser(req).id;
    const filter: ArticleFilter & { userId: number } = { ...s.filter, ...scope, userId };
    const { items, total } = await totals.page(filter, s, () => store.listArticles({ ...filter, limit: s.limit, offset: s.offset, order: s.order, content: true }));
    return { total, entries: await entriesOf(userId, items) };
  };

  const feedScope = async (userId: number, raw: string | number): Promise<Scope | undefined> => {
    const id = typeof raw === 'number' ? raw : pathId(raw);
    return id !== null && (await store.subscribedFeed(userId, id)) ? { feedId: id } : undefined;
  };
  const categoryScope = async (userId: number, raw: string | number): Promise<Scope | undefined> => {
    const id = typeof raw === 'number' ? raw : pathId(raw);
    if (id === null) return undefined;
    const folder = folderOfCategory(userId, id, (await store.listSubscriptions(userId)).map((f) => f.folder));
    return folder === undefined ? undefined : { folder };
  };

  app.get('/entries', async (req, reply) => {
    const userId = minifluxUser(req).id;
    const s = entrySelection(req.query as EntryParams);
    const byFeed = s.feedId === undefined ? {} : await feedScope(userId, s.feedId);
    const byCategory = s.categoryId === undefined ? {} : await categoryScope(userId, s.categoryId);
    return page(req, reply, byFeed && byCategory ? { ...byFeed, ...byCategory } : undefined, s);
  });

  app.get<{ Params: { id: string } }>('/feeds/:id/entries', async (req, reply) => page(req, reply, await feedScope(minifluxUser(req).id, req.params.id)));
  app.get<{ Params: { id: string } }>('/categories/:id/entries', async (req, reply) => page(req, reply, await categoryScope(minifluxUser(req).id, req.params.id)));

  /** One entry the reader can see (through the feed named, when one is), else null. */
  const oneEntry = async (userId: number, rawId: string, feedId?: number) => {
    const id = pathId(rawId);
    if (id === null) return null;
    const [item] = await store.listArticles({ userId, ids: [id], limit: 1, content: true, ...(feedId !== undefined ? { feedId } : {}) });
    return item ? ((await entriesOf(userId, [item]))[0] ?? null) : null;
  };

  app.get<{ Params: { id: string } }>('/entries/:id', async (req, reply) => (await oneEntry(minifluxUser(req).id, req.params.id)) ?? notFound(reply));
  app.get<{ Params: { id: string; entryId: string } }>('/feeds/:id/entries/:entryId', async (req, reply) => {
    const userId = minifluxUser(req).id;
    const scope = await feedScope(userId, req.params.id);
    return (scope && (await oneEntry(userId, req.params.entryId, scope.feedId))) || notFound(reply);
  });

  app.put('/entries', async (req, reply) => {
    const body = jsonBody(req);
    const ids = body.entry_ids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_ENTRY_IDS || !ids.every((id) => Number.isInteger(id) && id > 0 && id < 2 ** 31)) {
      throw new TidingsError('invalid_input', 'entry_ids must be a list of entry ids');
    }
    if (body.status !== 'read' && body.status !== 'unread' && body.status !== 'removed') throw new TidingsError('invalid_input', 'Invalid entry status');
    // Tidings removes nothing a reader follows: a removed entry is one they are done with.
    await store.setArticleStates(minifluxUser(req).id, ids as number[], { read: body.status !== 'unread' }, formatIso(ctx.now().getTime()));
    return reply.code(204).send();
  });

  const toggleStar = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const userId = minifluxUser(req).id;
    const id = pathId(req.params.id);
    const [item] = id === null ? [] : await store.listArticles({ userId, ids: [id], limit: 1 });
    if (!item) return notFound(reply);
    await store.setArticleState(userId, item.id, { starred: !item.starred }, formatIso(ctx.now().getTime()));
    return reply.code(204).send();
  };
  app.put('/entries/:id/bookmark', toggleStar);
  // The newer name of the same toggle.
  app.put('/entries/:id/star', toggleStar);
}

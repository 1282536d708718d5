import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { ArticleNeighbour } from '../model/article.js';
import { listQuery, type ListContext } from './ui/components/sidebar.js';
import { listPaneRows } from './ui/views/article.js';
import { errorPage } from './ui/views/error.js';
import { setFlash } from './flash.js';
import { listContextOf, parseId } from './listContext.js';

/**
 * An article's neighbours in the list it was opened from, found when a reader asks for
 * them and not on every opening: walking them cost more than half of an opening's SQL
 * (two walks of 10 and 20 rows, each row checked against the reader's subscriptions).
 * - `/articles/ID/next` and `/prev` (the buttons, keys j/k) answer 303 to the neighbour,
 *   or back to the list, with a word, at its end;
 * - `/articles/ID/list` is the list pane's rows, which app.js asks for where the pane shows.
 * Each keeps the list's query (`?feed=1&show=unread`).
 */
export function registerArticleNeighbourRoutes(app: FastifyInstance, opts: { store: Store }): void {
  const { store } = opts;

  app.get<{ Params: { id: string; side: string }; Querystring: Record<string, string | undefined> }>('/articles/:id/:side(next|prev)', async (req, reply) => {
    // Signed in first, before any store query (the global hook already sends others to sign in).
    if (!req.session) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such article.'));
    const at = await openedFor(store, req.session.user.id, req.params.id);
    if (!at) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such article.'));
    const context = listContextOf(req.query);
    const query = listQuery(context);
    // Next is further down the list (older), previous further up (newer), as the river reads.
    const side = req.params.side === 'next' ? 'older' : 'newer';
    const [neighbour] = await neighboursOf(store, req.session.user.id, at, context, side, 1);
    if (neighbour) return reply.redirect(`/articles/${neighbour.id}${query}`, 303);
    await setFlash(store, req, { kind: 'ok', message: side === 'older' ? 'That was the last article in this list.' : 'That was the first article in this list.' });
    return reply.redirect(`/${query}`, 303);
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/articles/:id/list', async (req, reply) => {
    // Signed in first, before any store query (the global hook already sends others to sign in).
    if (!req.session) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such article.'));
    const at = await openedFor(store, req.session.user.id, req.params.id);
    if (!at) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such article.'));
    const context = listContextOf(req.query);
    const [newer, older] = await Promise.all([
      neighboursOf(store, req.session.user.id, at, context, 'newer', NEIGHBOURS),
      neighboursOf(store, req.session.user.id, at, context, 'older', NEIGHBOURS * 2),
    ]);
    reply.type('text/html; charset=utf-8');
    return listPaneRows(at, newer, older, listQuery(context));
  });
}

/** Articles shown before the open one in the list pane; twice as many after it. */
const NEIGHBOURS = 10;

/** The article's place in the reader's lists (null when they cannot see it), where its list is walked from. */
async function openedFor(store: Store, userId: number, rawId: string) {
  const id = parseId(rawId);
  return id === undefined ? null : store.neighbourPosition(userId, id);
}

function neighboursOf(store: Store, userId: number, a: { id: number; publishedAt: string }, c: ListContext, side: 'newer' | 'older', limit: number): Promise<ArticleNeighbour[]> {
  const list = { show: c.show, ...(c.feed !== undefined ? { feedId: c.feed } : {}), ...(c.folder !== undefined ? { folder: c.folder } : {}), ...(c.entity !== undefined ? { entity: c.entity } : {}) };
  return store.listNeighbours({ userId, list, at: { publishedAt: a.publishedAt, id: a.id }, side, limit });
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Store } from '../store/store.js';
import type { Pipeline } from '../ingest/pipeline.js';
import { TidingsError, type ErrorCode } from '../model/errors.js';
import { describeRefreshNow, refreshNow, type RefreshNowReport } from '../ingest/recheckOnDemand.js';
import { errorPage } from './ui/views/error.js';
import { errorFlash, setFlash, type Flash } from './flash.js';
import { logError } from '../log/loggedError.js';
import { parseId } from './listContext.js';

/** How long "Refresh now" waits for its answer before the work carries on alone (its result then waits as a flash). */
export const REFRESH_NOW_CAP_MS = 20_000;

/** What reading an article's page again found, for a person or an API client. */
export interface RecheckOutcome {
  updated: boolean;
  /** Versions of the article stored now (1 when the publisher never edited it). */
  revisions: number;
}

/**
 * The article's page read again now ("Check for updates"). Throws `not_found` for an article
 * the reader cannot see and the fetch's own error when the page cannot be read.
 */
export async function recheckForReader(store: Store, pipeline: Pipeline | undefined, userId: number, articleId: number): Promise<RecheckOutcome> {
  if (!(await store.articleVisibleTo(userId, articleId))) throw new TidingsError('not_found', 'no such article');
  if (!pipeline) throw new TidingsError('server_running', 'this server does not fetch pages');
  const { recheckArticle } = await import('../ingest/recheckArticles.js');
  const r = await recheckArticle(pipeline, articleId);
  if (r.error) throw r.error;
  return { updated: r.changed > 0, revisions: (await store.listRevisions(articleId)).length };
}

export function recheckFlash(o: RecheckOutcome): Flash {
  return o.updated ? { kind: 'ok', message: `Updated: revision ${o.revisions}` } : { kind: 'ok', message: 'No change' };
}

/** "Check for updates" on the article page and "Refresh now" on the Feeds page (session and CSRF checked by auth.ts). */
export function registerRecheckRoutes(app: FastifyInstance, opts: { store: Store; pipeline?: Pipeline }): void {
  const { store, pipeline } = opts;

  app.post<{ Params: { id: string } }>('/articles/:id/recheck', async (req, reply) => {
    const id = parseId(req.params.id);
    if (!req.session || id === undefined) return reply.code(400).send('bad request');
    try {
      await setFlash(store, req, recheckFlash(await recheckForReader(store, pipeline, req.session.user.id, id)));
    } catch (err) {
      if ((err as TidingsError).code === 'not_found') return notFound(reply, 'No such article.');
      await setFlash(store, req, errorFlash(err));
    }
    return reply.redirect(`/articles/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/feeds/:id/refresh', async (req, reply) => {
    const id = parseId(req.params.id);
    if (!req.session || id === undefined || !pipeline) return reply.code(400).send('bad request');
    const feed = await store.subscribedFeed(req.session.user.id, id);
    if (!feed) return notFound(reply, 'No such feed.');
    const work = refreshNow(pipeline, feed).then(refreshFlash, (err: unknown) => errorFlash(logError(err, 'refresh now failed', { feed: id })));
    const late = Symbol('late');
    const first = await Promise.race([work, new Promise<typeof late>((resolve) => setTimeout(resolve, REFRESH_NOW_CAP_MS, late).unref())]);
    if (first === late) {
      // The answer is late: the work carries on and leaves its result for the reader's next page.
      void work.then((f) => setFlash(store, req, f)).catch((err: unknown) => logError(err, 'saving the result of refresh now failed', { feed: id }));
      await setFlash(store, req, { kind: 'ok', message: 'Still refreshing: the result shows here when it is done.' });
    } else await setFlash(store, req, first);
    return reply.redirect('/feeds', 303);
  });
}

/** "Refreshed: 3 new, 1 updated, 0 errors", or the feed's failure in words with the same counts. */
function refreshFlash(r: RefreshNowReport): Flash {
  const counts = describeRefreshNow(r);
  if (!r.errorCode) return { kind: 'ok', message: `Refreshed: ${counts}` };
  const f = errorFlash(new TidingsError(r.errorCode as ErrorCode, r.error ?? ''));
  return { ...f, message: `${f.message} (${counts})` };
}

function notFound(reply: FastifyReply, message: string) {
  return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, message));
}

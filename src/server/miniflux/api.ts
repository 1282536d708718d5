import type { FastifyInstance } from 'fastify';
import type { User } from '../../model/article.js';
import { asTidingsError } from '../../model/errors.js';
import { logError } from '../../log/loggedError.js';
import type { ClientAuth } from '../clientAuth.js';
import { minifluxSignIn } from './credentials.js';
import { fail, notFound, type MinifluxContext } from './context.js';
import { registerEntryRoutes } from './entryRoutes.js';
import { registerFeedRoutes } from './feedRoutes.js';

/**
 * The Miniflux API v1 (the part feed-reader apps use), under /v1. Clients sign in with the
 * reader's name and an API token (Basic) or the token alone (X-Auth-Token), never the web
 * password. Another reader's feed, entry or category answers exactly as one that does not
 * exist. Errors are `{"error_message": "..."}`, as Miniflux sends them.
 */
declare module 'fastify' {
  interface FastifyRequest {
    minifluxUser: User | null;
  }
}

const STATUS: Partial<Record<string, number>> = { not_found: 404, unauthorized: 401, forbidden: 403, conflict: 409, throttled: 429, internal: 500 };

export async function minifluxApi(app: FastifyInstance, opts: MinifluxContext & { clientAuth: ClientAuth }): Promise<void> {
  app.decorateRequest('minifluxUser', null);

  // Before the body is read: without valid credentials nothing else runs.
  app.addHook('onRequest', async (req, reply) => {
    const attempt = await minifluxSignIn(req, opts.clientAuth);
    if (attempt?.throttled) {
      reply.header('retry-after', String(attempt.retryAfterSeconds));
      return fail(reply, 429, 'Too many failed attempts; try again later');
    }
    if (!attempt?.value) return fail(reply, 401, 'Access Unauthorized');
    req.minifluxUser = attempt.value;
  });

  // Bodies are kept as text; each route reads JSON (or OPML) itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return fail(reply, err.statusCode, err.message);
    const e = asTidingsError(err);
    const status = STATUS[e.code] ?? 400;
    if (status === 500) logError(err, 'Miniflux API request failed', { url: req.url.split('?')[0], user: req.minifluxUser?.id });
    return fail(reply, status, status === 500 ? 'Internal error' : e.message);
  });
  app.setNotFoundHandler((_req, reply) => notFound(reply));

  registerFeedRoutes(app, opts);
  registerEntryRoutes(app, opts);
}

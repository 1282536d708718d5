import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import { subscriptionTitle, type User } from '../../model/article.js';
import type { Pipeline } from '../../ingest/pipeline.js';
import { asTidingsError } from '../../model/errors.js';
import { secretHash } from '../../accounts/tokens.js';
import { formatIso, searchBound } from '../../text/dates.js';
import { MAX_ENTITY_KEY } from '../../text/entityKey.js';
import { readingParts } from '../../render/readingFormat.js';
import { searchHitJson } from '../../render/searchHitJson.js';
import { renderOpml } from '../../feed/opml.js';
import { openApiDocument } from './openapi.js';
import { requesterSignal } from '../requesterSignal.js';
import { logFailure } from '../../log/logger.js';
import { BODY_LIMITS } from '../httpLimits.js';
import { feedRulesFor, saveFeedRules } from '../feedRulesRoutes.js';
import { recheckFlash, recheckForReader } from '../recheckRoutes.js';

/**
 * REST API v1: JSON over HTTP for what the web app does, authenticated by bearer tokens
 * (`tidings tokens add`). Every route answers for the token's user only: another user's
 * article or subscription is "not found", exactly as if it did not exist.
 * Errors: `{"error": {"code": "...", "message": "..."}}` with stable codes.
 */
declare module 'fastify' {
  interface FastifyRequest {
    apiUser: User | null;
  }
}

const STATUS: Record<string, number> = {
  unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, invalid_input: 400, invalid_selector: 400, usage: 400, multiple_feeds: 409, invalid_date: 400, invalid_opml: 400, server_running: 503,
  blocked_address: 422, not_a_feed: 422, no_feed_found: 422, invalid_url: 422, unsupported_scheme: 422,
  timeout: 502, network_error: 502, dns_error: 502, http_error: 502, too_large: 502, too_many_redirects: 502, rate_limited: 502,
};

/** Why a search date was refused, the same words on the web and in the API. */
export const DATE_HELP = 'from and to take a calendar day (YYYY-MM-DD) or an ISO 8601 time with its zone (2026-03-02T08:00:00Z)';

/** `entity=`: a name as the story page shows it; matched by its normalised key. */
const entitySchema = { type: 'string', minLength: 1, maxLength: MAX_ENTITY_KEY };

/** A folded page's items, each with its story as the reader sees it (absent: not in one yet). */
async function withStories<T extends { id: number }>(store: Store, userId: number, page: T[]) {
  const stories = await store.storyCoverageOf(userId, page.map((a) => a.id));
  return page.map((a) => {
    const s = stories.get(a.id);
    return s ? { ...a, story: { id: s.storyId, articles: s.articles, sources: s.sources, copies: s.copies, alsoIn: s.alsoIn } } : a;
  });
}

function fail(reply: FastifyReply, code: string, message: string, extra: Record<string, unknown> = {}) {
  return reply.code(STATUS[code] ?? 500).send({ error: { code, message, ...extra } });
}

/** A feed the reader does not follow answers exactly as a feed that does not exist. */
const notFollowed = (reply: FastifyReply) => fail(reply, 'not_found', 'no such feed');

const cursorRe = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)_(\d+)$/;

export async function apiV1(app: FastifyInstance, opts: { store: Store; now: () => Date; pipeline?: Pipeline }): Promise<void> {
  const { store, now } = opts;
  app.decorateRequest('apiUser', null);

  app.setErrorHandler((err: { validation?: unknown; message: string; statusCode?: number }, _req, reply) => {
    if (err.validation) return fail(reply, 'invalid_input', err.message);
    const e = asTidingsError(err);
    return fail(reply, e.code === 'internal' && err.statusCode && err.statusCode < 500 ? 'invalid_input' : e.code, e.code === 'internal' ? 'internal error' : e.message);
  });
  app.setNotFoundHandler((_req, reply) => fail(reply, 'not_found', 'no such endpoint'));

  // onRequest, before the body is read and validated: without a token every route answers 401.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.split('?')[0] === '/api/v1/openapi.json') return;
    const m = /^Bearer\s+([\w-]{20,200})$/.exec(req.headers.authorization ?? '');
    const user = m ? await store.userByApiToken(secretHash(m[1]!), formatIso(now().getTime())) : null;
    if (!user) return fail(reply, 'unauthorized', 'a valid API token is needed: Authorization: Bearer <token>');
    req.apiUser = user;
  });

  const user = (req: FastifyRequest) => req.apiUser!;
  const idParam = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

  app.get('/openapi.json', async () => openApiDocument());

  app.get('/me', async (req) => ({ id: user(req).id, name: user(req).name, isAdmin: user(req).isAdmin }));

  app.get('/feeds', async (req) => {
    const subs = await store.listSubscriptions(user(req).id);
    return subs.map((f) => ({
      id: f.id, url: f.url, siteUrl: f.siteUrl, source: f.sourceName, section: f.section, folder: f.folder, status: f.lastStatus, health: f.health,
      lastFetchedAt: f.lastFetchedAt, errorCode: f.lastErrorCode, error: f.lastError, failingSince: f.failingSince, nextCheckAt: f.nextCheckAt, itemsPerDay: f.itemsPerDay, activity: f.activity,
    }));
  });

  app.post<{ Body: { url: string; folder?: string; pick?: number } }>(
    '/feeds',
    { schema: { body: { type: 'object', properties: { url: { type: 'string', minLength: 1, maxLength: 2000 }, folder: { type: 'string', maxLength: 200 }, pick: { type: 'integer', minimum: 1 } }, required: ['url'], additionalProperties: false } } },
    async (req, reply) => {
      if (!opts.pipeline) return fail(reply, 'forbidden', 'this server does not fetch feeds');
      const { subscribe, MultipleFeedsError } = await import('../../ingest/subscribe.js');
      try {
        const r = await subscribe(opts.pipeline, req.body.url, { readers: [user(req).id], folder: req.body.folder ?? null, ...(req.body.pick ? { pick: req.body.pick } : {}) });
        return reply.code(r.created ? 201 : 200).send({ id: r.feed.id, url: r.feed.url, source: r.feed.sourceName, section: r.feed.section });
      } catch (err) {
        if (err instanceof MultipleFeedsError) return fail(reply, 'multiple_feeds', err.message, { choices: err.choices });
        throw err;
      }
    },
  );

  app.patch<{ Params: { id: number }; Body: { title?: string | null; folder?: string | null } }>(
    '/feeds/:id',
    {
      schema: {
        params: idParam,
        body: { type: 'object', properties: { title: { type: ['string', 'null'], maxLength: 200 }, folder: { type: ['string', 'null'], maxLength: 200 } }, additionalProperties: false, minProperties: 1 },
      },
    },
    async (req, reply) => {
      const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : v.trim() || null);
      const ok = await store.updateSubscription(user(req).id, req.params.id, { title: blankToNull(req.body.title), folder: blankToNull(req.body.folder) });
      if (!ok) return fail(reply, 'not_found', 'no such subscription');
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: number } }>('/feeds/:id/rules', { schema: { params: idParam } }, async (req) => feedRulesFor(store, user(req), req.params.id));

  // The schema only bounds the body's size; the selectors' own caps answer `invalid_selector`.
  const selectorList = { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 2000 } } as const;
  app.put<{ Params: { id: number }; Body: { keep?: string[]; remove?: string[] } }>(
    '/feeds/:id/rules',
    { schema: { params: idParam, body: { type: 'object', properties: { keep: selectorList, remove: selectorList }, additionalProperties: false } } },
    async (req) => saveFeedRules(store, user(req), req.params.id, req.body, now()),
  );

  app.get('/folders', async (req) => {
    const subs = await store.listSubscriptions(user(req).id);
    return [...new Set(subs.map((f) => f.folder).filter((f): f is string => !!f))].sort().map((name) => ({ name, feeds: subs.filter((f) => f.folder === name).map((f) => f.id) }));
  });

  app.delete<{ Params: { id: number } }>('/feeds/:id', { schema: { params: idParam } }, async (req, reply) => {
    if (!(await store.unsubscribeUser(user(req).id, req.params.id))) return fail(reply, 'not_found', 'no such subscription');
    return reply.code(204).send();
  });

  app.get<{ Querystring: { feed?: number; show?: 'all' | 'unread' | 'starred'; before?: string; limit?: number; fold?: 'stories' | 'none'; entity?: string } }>(
    '/articles',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            feed: { type: 'integer', minimum: 1 }, show: { type: 'string', enum: ['all', 'unread', 'starred'] }, before: { type: 'string', pattern: cursorRe.source },
            limit: { type: 'integer', minimum: 1, maximum: 200 }, fold: { type: 'string', enum: ['stories', 'none'] }, entity: entitySchema,
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (req.query.feed && !(await store.subscribedFeed(user(req).id, req.query.feed))) return notFollowed(reply);
      const limit = req.query.limit ?? 50;
      const m = req.query.before ? cursorRe.exec(req.query.before) : null;
      // Unfolded unless asked: a client that lists every article keeps getting every article.
      const fold = req.query.fold === 'stories';
      const rows = await store.listArticles({
        userId: user(req).id,
        show: req.query.show ?? 'all',
        limit: limit + 1,
        fold,
        ...(req.query.feed ? { feedId: req.query.feed } : {}),
        ...(req.query.entity ? { entity: req.query.entity } : {}),
        ...(m ? { before: { publishedAt: m[1]!, id: Number(m[2]) } } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const articles = fold ? await withStories(store, user(req).id, page) : page;
      return { articles, next: rows.length > limit && last ? `${last.published}_${last.id}` : null };
    },
  );

  app.get<{ Params: { id: number } }>('/articles/:id', { schema: { params: idParam } }, async (req, reply) => {
    const id = req.params.id;
    if (!(await store.articleVisibleTo(user(req).id, id))) return fail(reply, 'not_found', 'no such article');
    const a = (await store.getArticle(id))!;
    const p = readingParts(a, { now: now(), timeZone: 'UTC' });
    const revisions = await store.listRevisions(id);
    return {
      id: a.id, title: p.title, url: p.url, source: p.source, section: p.section, byline: a.byline, published: p.createdAt, updated: p.updatedAt,
      text: p.body, html: a.html, images: a.images, revisions: revisions.map((r, i) => ({ number: i + 1, seenAt: r.seenAt, reason: r.reason })),
    };
  });

  app.put<{ Params: { id: number }; Body: { read?: boolean; starred?: boolean } }>(
    '/articles/:id/state',
    { schema: { params: idParam, body: { type: 'object', properties: { read: { type: 'boolean' }, starred: { type: 'boolean' } }, additionalProperties: false, minProperties: 1 } } },
    async (req, reply) => {
      if (!(await store.articleVisibleTo(user(req).id, req.params.id))) return fail(reply, 'not_found', 'no such article');
      await store.setArticleState(user(req).id, req.params.id, req.body, formatIso(now().getTime()));
      return reply.code(204).send();
    },
  );

  // The page read again now: 200 with what it found, or the fetch's error (502 and its code).
  app.post<{ Params: { id: number } }>('/articles/:id/recheck', { schema: { params: idParam } }, async (req) => {
    const o = await recheckForReader(store, opts.pipeline, user(req).id, req.params.id);
    return { updated: o.updated, revisions: o.revisions, message: recheckFlash(o).message };
  });

  app.post<{ Body: { upTo: string; feed?: number } }>(
    '/articles/read',
    { schema: { body: { type: 'object', properties: { upTo: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$' }, feed: { type: 'integer', minimum: 1 } }, required: ['upTo'], additionalProperties: false } } },
    async (req) => ({ marked: await store.markAllRead(user(req).id, { upTo: req.body.upTo, ...(req.body.feed ? { feedId: req.body.feed } : {}) }, formatIso(now().getTime())) }),
  );

  app.get<{ Querystring: { q: string; limit?: number; feed?: number; folder?: string; source?: number; from?: string; to?: string; show?: 'all' | 'unread' | 'starred'; entity?: string } }>(
    '/search',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 500 }, limit: { type: 'integer', minimum: 1, maximum: 200 }, feed: { type: 'integer', minimum: 1 },
            folder: { type: 'string', maxLength: 200 }, source: { type: 'integer', minimum: 1 }, show: { type: 'string', enum: ['all', 'unread', 'starred'] }, entity: entitySchema,
            // Checked in the handler, so a wrong date is answered as `invalid_date` with why.
            from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 },
          },
          required: ['q'],
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const from = q.from ? searchBound(q.from, false) : undefined;
      const to = q.to ? searchBound(q.to, true) : undefined;
      if (from === null || to === null) return fail(reply, 'invalid_date', DATE_HELP);
      if (q.feed && !(await store.subscribedFeed(user(req).id, q.feed))) return notFollowed(reply);
      const hits = await store.searchArticles({
        text: q.q, limit: q.limit ?? 50, userId: user(req).id, show: q.show ?? 'all',
        ...(q.feed ? { feedId: q.feed } : {}), ...(q.folder ? { folder: q.folder } : {}), ...(q.source ? { sourceId: q.source } : {}), ...(q.entity ? { entity: q.entity } : {}),
        ...(from ? { from } : {}), ...(to ? { to } : {}),
      });
      return hits.map(searchHitJson);
    },
  );

  app.get<{ Querystring: { before?: string; limit?: number } }>(
    '/stories',
    { schema: { querystring: { type: 'object', properties: { before: { type: 'string', pattern: cursorRe.source }, limit: { type: 'integer', minimum: 1, maximum: 200 } }, additionalProperties: false } } },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const m = req.query.before ? cursorRe.exec(req.query.before) : null;
      const rows = await store.listStories({ userId: user(req).id, limit: limit + 1, ...(m ? { before: { lastSeen: m[1]!, id: Number(m[2]) } } : {}) });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { stories: page, next: rows.length > limit && last ? `${last.lastSeen}_${last.id}` : null };
    },
  );

  app.get<{ Params: { id: number } }>('/stories/:id', { schema: { params: idParam } }, async (req, reply) => {
    const detail = await store.storyDetail(user(req).id, req.params.id);
    if (!detail) return fail(reply, 'not_found', 'no such story');
    const { storyPageData } = await import('../../stories/storyReport.js');
    return storyPageData(detail.story, detail.articles);
  });

  // OPML arrives as the raw body of the request.
  app.addContentTypeParser(['text/x-opml', 'application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: BODY_LIMITS.opml }, (_req, body, done) => done(null, body));
  app.post<{ Body: string }>('/opml', async (req, reply) => {
    if (!opts.pipeline) return fail(reply, 'forbidden', 'this server does not fetch feeds');
    if (typeof req.body !== 'string') return fail(reply, 'invalid_input', 'send the OPML document as the body (Content-Type: text/x-opml)');
    const { importOpml } = await import('../../ingest/opmlImport.js');
    const gone = requesterSignal(req);
    try {
      const r = await importOpml(opts.pipeline, req.body, { readers: [user(req).id], signal: gone.signal });
      if (r.stopped) logFailure({ code: 'aborted', user: user(req).id }, 'OPML import stopped: the API client went away');
      return { subscribed: r.feeds.length, added: r.added, skipped: r.skipped, overLimit: r.overLimit, limit: r.limit };
    } finally {
      gone.release();
    }
  });

  app.get('/opml', async (req, reply) => {
    const subs = await store.listSubscriptions(user(req).id);
    return reply
      .type('text/x-opml; charset=utf-8')
      .send(renderOpml(subs.map((f) => ({ url: f.url, title: subscriptionTitle(f), siteUrl: f.siteUrl, category: f.folder }))));
  });
}


import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import type { User } from '../../model/article.js';
import { secretHash } from '../../accounts/tokens.js';
import { OUT_FORMATS, outItem, viewTagId, type OutFeed, type OutFormat, type OutOrigin } from '../../render/feedsOut/outFeed.js';
import { renderOutFeed } from '../../render/feedsOut/renderOutFeed.js';
import { subscriptionTitle } from '../../model/article.js';
import { NAMED_VIEWS, UNNAMED_VIEWS, type ResolvedView, type Subscription, type ViewResolver } from './views.js';
import { isSyndicationSecret } from './syndicationSecret.js';

export interface FeedsOutOptions {
  store: Store;
  /** TIDINGS_PUBLIC_URL: links and ids are built from it, else from the request's host. */
  publicUrl: string | null;
  /** More named views (`story` once stories exist), beside `folder` and `feed`. */
  namedViews?: Record<string, ViewResolver>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The reader whose feeds-out secret the path holds. */
    feedsReader: User | null;
  }
}

const DEFAULT_ITEMS = 50;
const MAX_ITEMS = 200;

type FeedRequest = FastifyRequest<{ Params: { secret: string; kind?: string; file?: string; '*'?: string }; Querystring: Record<string, string | undefined> }>;

/**
 * Feeds out: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of a reader's views, at
 * `/syndication/<secret>/<view>.<rss|atom|json>` and `/syndication/<secret>/<kind>/<name>.<format>`.
 * The secret is the reader's (Account page); an unknown or revoked one, another reader's
 * feed or folder, and a view that does not exist all answer the site's plain 404.
 */
export async function feedsOutRoutes(app: FastifyInstance, opts: FeedsOutOptions): Promise<void> {
  const named = { ...NAMED_VIEWS, ...opts.namedViews };
  app.decorateRequest('feedsReader', null);
  // The secret is checked first, before anything of the request is looked at.
  app.addHook('onRequest', async (req, reply) => {
    const secret = (req.params as { secret?: string }).secret ?? '';
    req.feedsReader = isSyndicationSecret(secret) ? await opts.store.userBySyndicationSecret(secretHash(secret)) : null;
    if (!req.feedsReader) {
      reply.callNotFound();
      return reply;
    }
  });
  app.get('/:secret/:file', (req: FeedRequest, reply) => answer(req, reply, UNNAMED_VIEWS, (file) => file.view));
  // A wildcard, not a parameter: a folder's name may be long or hold a slash.
  app.get('/:secret/:kind/*', (req: FeedRequest, reply) => answer(req, reply, named, () => req.params.kind!));

  async function answer(req: FeedRequest, reply: FastifyReply, views: Record<string, ViewResolver>, viewName: (file: { view: string }) => string) {
    const file = viewFile(req.params.file ?? req.params['*'] ?? '');
    const resolve = file && Object.hasOwn(views, viewName(file)) ? views[viewName(file)] : undefined;
    const user = req.feedsReader!;
    if (!resolve || !file) return reply.callNotFound();
    const subscriptions = await opts.store.listSubscriptions(user.id);
    const view = await resolve(opts.store, { userId: user.id, subscriptions, name: req.params.kind ? file.view : null, query: req.query, limit: itemCount(req.query.n) });
    if (!view) return reply.callNotFound();
    const { contentType, body } = renderOutFeed(file.format, outFeed(view, subscriptions, site(opts.publicUrl, req), req.url));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    // Feed readers poll: an unchanged view costs them a 304, never the body again.
    reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (matchesEtag(req.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type(contentType).send(body);
  }
}

/** `river.atom` → the view and the format; null for anything else. */
function viewFile(file: string): { view: string; format: OutFormat } | null {
  const dot = file.lastIndexOf('.');
  const format = file.slice(dot + 1) as OutFormat;
  if (dot <= 0 || !OUT_FORMATS.includes(format)) return null;
  return { view: file.slice(0, dot), format };
}

function itemCount(n: string | undefined): number {
  const wanted = n && /^\d{1,6}$/.test(n) ? Number(n) : DEFAULT_ITEMS;
  return Math.min(MAX_ITEMS, Math.max(1, wanted));
}

/** If-None-Match holds a list of tags (weak ones compare equal by their value) or `*`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

interface Site {
  base: string;
  /** The host name ids are minted under (a tag URI's authority). */
  authority: string;
}

/** Where this instance is seen from: the configured public URL, else the host the request named. */
function site(publicUrl: string | null, req: FastifyRequest): Site {
  const host = req.headers.host ?? '';
  // regex-safe: at most 260 characters, and the colon splits the two runs (no overlap to backtrack on).
  const base = publicUrl ?? (host.length <= 260 && /^[\w.-]+(?::\d+)?$/.test(host) ? `${req.protocol}://${host}` : 'http://localhost');
  let authority = 'localhost';
  try {
    authority = new URL(base).hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '') || 'localhost';
  } catch {
    // A public URL that does not parse still serves its text as the base; ids fall back to localhost.
  }
  return { base, authority };
}

function outFeed(view: ResolvedView, subscriptions: readonly Subscription[], s: Site, requestUrl: string): OutFeed {
  const origins = new Map<number, OutOrigin>(subscriptions.map((f) => [f.id, { title: subscriptionTitle(f), feedUrl: f.url, siteUrl: f.siteUrl }]));
  return {
    id: viewTagId(s.authority, view.key),
    title: `Tidings: ${view.title}`,
    description: view.description,
    homeUrl: `${s.base}${view.homePath}`,
    selfUrl: `${s.base}${requestUrl}`,
    items: view.items.map((a) => outItem(a, s.authority, a.feedId != null ? origins.get(a.feedId) ?? null : null)),
  };
}

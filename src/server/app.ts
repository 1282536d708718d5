import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { OpenedArticle, Store } from '../store/store.js';
import type { TidingsConfig } from '../config.js';
import type { SchedulerStatus } from '../ingest/feedScheduler.js';
import type { WorkerStatus } from '../ingest/jobHandlers.js';
import type { JobQueue } from '../jobs/jobQueue.js';
import { riverPage } from './ui/views/river.js';
import { articleBody, articlePage, type ArticleStory } from './ui/views/article.js';
import { ArticleBodies } from './ui/articleBodies.js';
import { storyPage } from './ui/views/story.js';
import { errorPage } from './ui/views/error.js';
import { feedsPage } from './ui/views/feeds.js';
import { searchPage } from './ui/views/search.js';
import { accountPage } from './ui/views/account.js';
import { onboardingPage } from './ui/views/onboarding.js';
import { pageChrome } from './ui/pageChrome.js';
import { assetNamed, assetOfOldName } from './ui/assets.js';
import { newSecret, secretHash } from '../accounts/tokens.js';
import type { Pipeline } from '../ingest/pipeline.js';
import { webSubRoutes } from './webSubRoutes.js';
import { registerRecheckRoutes } from './recheckRoutes.js';
import { registerArticleNeighbourRoutes } from './articleNeighbourRoutes.js';
import { entityParam, listContextOf, parseId } from './listContext.js';
import { onboardingFor, registerOnboardingRoutes } from './onboardingRoutes.js';
import { errorFlash, setFlash } from './flash.js';
import formbody from '@fastify/formbody';
import { registerAuth, safeNext } from './auth.js';
import { proxyImages, proxyKey, registerImageProxy } from './imageProxy.js';
import { apiV1 } from './api/v1.js';
import { formatIso, searchBound } from '../text/dates.js';
import { DATE_HELP } from './api/v1.js';
import { SERVICE_WORKER } from './ui/serviceWorker.js';
import { requesterSignal } from './requesterSignal.js';
import { logFailure } from '../log/logger.js';
import { logError } from '../log/loggedError.js';
import { SignInThrottle } from '../accounts/signInThrottle.js';
import { ClientAuth } from './clientAuth.js';
import { minifluxApi } from './miniflux/api.js';
import { minifluxPath } from './miniflux/paths.js';
import { feverApi } from './fever/feverApi.js';
import { greaderApi } from './greader/greaderApi.js';
import { requestAdmission } from './requestAdmission.js';
import { feedsOutRoutes } from './syndication/feedsOutRoutes.js';
import { storyView } from './syndication/storyView.js';
import { feedsOutState, registerFeedsOutAccount, secretShownHere } from './syndication/syndicationSecret.js';

/** Requests that start in one event-loop turn (a river page is ~1.6 ms of CPU). */
const ADMITTED_PER_TURN = 4;
import { BODY_LIMITS, DEFAULT_HTTP_LIMITS, guardConnections, serverOptions } from './httpLimits.js';
import { registerMonitoring, watchEventLoop } from './monitoring.js';
import { logger } from '../log/logger.js';
import { frameSources } from '../html/iframeHosts.js';
import { acceptsGzip, registerPageCache } from './pageCache.js';

const cspFor = (imageProxy: boolean) => [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  // The service worker fetches pages of this site for offline reading.
  "connect-src 'self'",
  "manifest-src 'self'",
  "style-src 'self'",
  imageProxy ? "img-src 'self' data:" : 'img-src https: http: data:',
  'media-src https: http:',
  `frame-src ${frameSources()}`,
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The web app: server-rendered pages over the store. Knows nothing of fetching. */
export function buildApp(opts: {
  store: Store;
  config: TidingsConfig;
  scheduler?: { status: SchedulerStatus } | null;
  /** This process's workers, when it runs any (shown on /healthz). */
  workers?: WorkerStatus | null;
  /** The job queue, read for the failures of the reader's feeds' jobs on the Feeds page. */
  jobs?: Pick<JobQueue, 'feedFailures' | 'send'> | null;
  /** With a pipeline the app also takes WebSub pushes. */
  pipeline?: Pipeline;
  now?: () => Date;
  /** One throttle for every way to sign in; tests pass their own. */
  signInThrottle?: SignInThrottle;
}): FastifyInstance {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...opts.config.httpLimits };
  // The process's own logger; requests are logged by registerMonitoring (5xx and slow ones only).
  const app = Fastify({
    loggerInstance: logger() as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    rewriteUrl: (req) => minifluxPath(req.url ?? '/'),
    ...serverOptions(limits),
  });
  guardConnections(app.server, limits);
  // First hook of all: new connections get in every few milliseconds (requestAdmission.ts).
  const admit = requestAdmission(ADMITTED_PER_TURN);
  app.addHook('onRequest', (_req, _reply, done) => {
    const wait = admit();
    if (wait) void wait.then(() => done());
    else done();
  });
  // Admitted requests, not those still waiting to get in, share their reads.
  shareReadsPerRequest(app, opts.store);
  const now = opts.now ?? (() => new Date());
  const tz = opts.config.timeZone;
  const imageProxy = opts.config.imageProxy && !!opts.pipeline;
  const csp = cspFor(imageProxy);
  if (imageProxy) registerImageProxy(app, { store: opts.store, fetcher: opts.pipeline!.fetcher });
  void app.register(formbody, { bodyLimit: BODY_LIMITS.default });
  // Behind a TLS proxy the request looks like http: the public URL says what browsers see.
  const secureCookies = opts.config.publicUrl?.startsWith('https:') ?? false;
  const signInThrottle = opts.signInThrottle ?? new SignInThrottle();
  registerAuth(app, { store: opts.store, now, throttle: signInThrottle, secureCookies });
  // Client protocols (Google Reader, Fever, Miniflux) sign in through this, on the same throttle.
  const clientAuth = new ClientAuth(opts.store, signInThrottle, now);
  registerMonitoring(app, { store: opts.store, metrics: opts.config.metrics, now });
  const chromeFor = pageChrome(opts.store, imageProxy);
  const bodyOf = articleBodies(opts.store, tz);
  const readerFeeds = (userId: number) => feedsWithJobFailures(opts.store, opts.jobs ?? null, userId);
  // After auth, before the headers below: a cached page answers only a checked reader.
  registerPageCache(app, { store: opts.store, now });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Pages and API answers are someone's own; assets set their own caching.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  // Hashed names are immutable; the old plain names send browsers to the current ones.
  app.get<{ Params: { name: string } }>('/static/:name', async (req, reply) => {
    const asset = assetNamed(req.params.name);
    if (!asset) {
      const moved = assetOfOldName(req.params.name);
      if (moved) return reply.header('cache-control', 'no-cache').redirect(moved.href, 302);
      if (req.params.name === 'icon.svg') return iconSvg(reply);
      return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'Not found.'));
    }
    reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').header('vary', 'accept-encoding');
    if (acceptsGzip(req.headers['accept-encoding'])) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  });

  app.get('/sw.js', async (_req, reply) => {
    // Browsers check for a new worker on navigation; no-cache keeps that check cheap and current.
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache');
    return SERVICE_WORKER;
  });

  app.get('/manifest.webmanifest', async (_req, reply) => {
    reply.type('application/manifest+json');
    return { name: 'Tidings', short_name: 'Tidings', start_url: '/', display: 'standalone', background_color: '#fdfdfb', theme_color: '#0b5cad', icons: [{ src: '/static/icon.svg', sizes: 'any', type: 'image/svg+xml' }] };
  });


  app.get<{ Querystring: { feed?: string; before?: string; show?: string; folder?: string; entity?: string } }>('/', async (req, reply) => {
    // The river reads its list as an article opened from it does, so both name the same list.
    const { feed: feedId, folder: listFolder, show, entity } = listContextOf(req.query);
    if (req.query.feed !== undefined && feedId === undefined) return reply.code(400).type('text/html; charset=utf-8').send(errorPage(400, 'feed must be a number'));
    const before = parseCursor(req.query.before);
    // A feed the reader does not follow answers exactly as one that does not exist.
    const feed = feedId === undefined ? null : req.session ? await opts.store.subscribedFeed(req.session.user.id, feedId) : await opts.store.getFeed(feedId);
    if (feedId !== undefined && !feed) return reply.code(404).type('text/html').send(errorPage(404, 'No such feed.'));
    const pageSize = 50;
    const userId = req.session?.user.id;
    // Folding is a reader's setting; without a reader the river is every article, as before.
    const fold = userId !== undefined && (await opts.store.foldsStories(userId));
    const items = await opts.store.listArticles({
      limit: pageSize + 1,
      fold,
      ...(feedId !== undefined ? { feedId } : {}),
      ...(before ? { before } : {}),
      ...(entity !== undefined ? { entity } : {}),
      ...(userId !== undefined ? { userId, show } : {}),
      ...(userId !== undefined && listFolder !== undefined ? { folder: listFolder } : {}),
    });
    const page = items.slice(0, pageSize);
    const last = page[page.length - 1];
    const nextCursor = items.length > pageSize && last ? `${encodeURIComponent(last.published)}_${last.id}` : null;
    reply.type('text/html; charset=utf-8');
    const folder = listFolder ?? null;
    const [feedSecret, chrome] = await Promise.all([secretShownHere(opts.store, req), chromeFor(req, { feed: feedId, folder: listFolder, show })]);
    if (chrome.session && chrome.sidebar?.feeds.length === 0 && feedId === undefined && !folder && !before) {
      // A reader who follows nothing yet is shown what they could follow instead of an empty river.
      const offer = await onboardingFor(opts.store, chrome.session.user.id, !!opts.pipeline);
      if (offer) return onboardingPage({ instanceFeeds: offer.feeds, starter: offer.starter, chrome: { ...chrome, session: chrome.session } });
    }
    const stories = userId === undefined ? undefined : await opts.store.storyCoverageOf(userId, page.map((a) => a.id));
    return riverPage(page, { now: now(), timeZone: tz, nextCursor, feed, show, folder, feedSecret, chrome, fold, ...(entity !== undefined ? { entity } : {}), ...(stories ? { stories } : {}) });
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/articles/:id', async (req, reply) => {
    const id = parseId(req.params.id);
    const reader = req.session?.user.id;
    const opened = id !== undefined ? await opts.store.openedArticle(reader, id) : null;
    if (!opened) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such article.'));
    const article = opened.article;
    // Opening an article marks it read, as in every feed reader.
    // A page saved ahead for reading offline is not a page read.
    // Nor is coming back from this page's own buttons (`seen=0`): Mark unread must stay unread.
    const marksRead = reader !== undefined && req.headers['x-tidings-prefetch'] !== '1' && req.query.seen !== '0';
    // Already read: no write. It keeps the first read time, as Mark all read does, and an
    // unchanged store lets the page cache keep this answer without asking the version again.
    if (marksRead && !opened.state?.read) await opts.store.setArticleState(reader, article.id, { read: true }, formatIso(now().getTime()));
    const state = opened.state && { ...opened.state, read: opened.state.read || marksRead };
    reply.type('text/html; charset=utf-8');
    const context = listContextOf(req.query);
    // Before the page's other parts: the first use makes the key, and the chrome signs with it too.
    const key = imageProxy ? await proxyKey(opts.store) : null;
    const [body, chrome, story] = await Promise.all([
      bodyOf(opened, key),
      chromeFor(req, context),
      reader !== undefined && opened.storyId !== null ? storyOfArticle(opts.store, reader, article.id, opened.storyId) : null,
    ]);
    return articlePage(article, { now: now(), timeZone: tz, body, chrome, context, story, state });
  });

  app.get<{ Params: { id: string } }>('/stories/:id', async (req, reply) => {
    const id = parseId(req.params.id);
    // Without a reader, or with one who sees none of its articles, a story does not exist.
    const detail = req.session && id !== undefined ? await opts.store.storyDetail(req.session.user.id, id) : null;
    if (!detail) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such story.'));
    const [{ storyReport }, chrome] = await Promise.all([import('../stories/storyReport.js'), chromeFor(req)]);
    reply.type('text/html; charset=utf-8');
    return storyPage(detail.story, storyReport(detail.articles), { now: now(), timeZone: tz, chrome });
  });

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/articles/:id/state', async (req, reply) => {
    const id = parseId(req.params.id);
    if (id === undefined || !req.session) return reply.code(400).send('bad request');
    const b = req.body ?? {};
    const state: { read?: boolean; starred?: boolean } = {};
    if (b.read === '1' || b.read === '0') state.read = b.read === '1';
    if (b.starred === '1' || b.starred === '0') state.starred = b.starred === '1';
    if (await opts.store.articleVisibleTo(req.session.user.id, id)) await opts.store.setArticleState(req.session.user.id, id, state, formatIso(now().getTime()));
    return reply.redirect(safeNext(b.next), 303);
  });

  app.post<{ Body: Record<string, string | undefined> }>('/read-all', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    const b = req.body ?? {};
    const upTo = b.upTo && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(b.upTo) ? b.upTo : formatIso(now().getTime());
    const feedId = parseId(b.feed);
    const folder = b.folder?.trim().slice(0, 200) || undefined;
    const entity = entityParam(b.entity);
    const scope = { upTo, ...(feedId !== undefined ? { feedId } : {}), ...(folder ? { folder } : {}), ...(entity !== undefined ? { entity } : {}) };
    await opts.store.markAllRead(req.session.user.id, scope, formatIso(now().getTime()));
    return reply.redirect(safeNext(b.next), 303);
  });

  // The river's fold toggle and the Account page's setting both land here; kept per reader.
  app.post<{ Body: Record<string, string | undefined> }>('/account/fold', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    const on = req.body?.fold;
    if (on !== '1' && on !== '0') return reply.code(400).type('text/html; charset=utf-8').send(errorPage(400, 'fold must be 1 or 0'));
    await opts.store.setFoldsStories(req.session.user.id, on === '1');
    return reply.redirect(safeNext(req.body?.next), 303);
  });

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/feeds/:id/edit', async (req, reply) => {
    const id = parseId(req.params.id);
    if (!req.session || id === undefined) return reply.code(400).send('bad request');
    const clean = (v: string | undefined) => (v === undefined ? undefined : v.trim().slice(0, 200) || null);
    const changed = await opts.store.updateSubscription(req.session.user.id, id, { title: clean(req.body?.title), folder: clean(req.body?.folder) });
    if (!changed) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such feed.'));
    return reply.redirect('/feeds', 303);
  });

  app.post<{ Params: { id: string } }>('/feeds/:id/unsubscribe', async (req, reply) => {
    const id = parseId(req.params.id);
    if (!req.session || id === undefined) return reply.code(400).send('bad request');
    await opts.store.unsubscribeUser(req.session.user.id, id);
    return reply.redirect('/feeds', 303);
  });

  registerArticleNeighbourRoutes(app, { store: opts.store });
  registerRecheckRoutes(app, { store: opts.store, ...(opts.pipeline ? { pipeline: opts.pipeline } : {}) });
  registerOnboardingRoutes(app, { store: opts.store, jobs: opts.jobs ?? null, now, ...(opts.pipeline ? { pipeline: opts.pipeline } : {}) });

  app.post<{ Body: Record<string, string | undefined> }>('/feeds/import', { bodyLimit: BODY_LIMITS.opml }, async (req, reply) => {
    const pipeline = opts.pipeline;
    if (!req.session || !pipeline) return reply.code(400).send('bad request');
    const { importOpml, describeImport, saveImportOutcome } = await import('../ingest/opmlImport.js');
    const opml = req.body?.opml ?? '';
    if (opts.jobs) {
      // A worker imports it (any process, on PostgreSQL); the Feeds page shows how it went.
      try {
        const { parseOpml } = await import('../feed/opml.js');
        parseOpml(opml);
        await saveImportOutcome(pipeline, req.session.user.id, { state: 'queued', at: formatIso(now().getTime()), summary: null, skipped: [], error: null });
        await opts.jobs.send('import-opml', { userId: req.session.user.id, opml });
        return reply.redirect('/feeds', 303);
      } catch (err) {
        await setFlash(opts.store, req, errorFlash(err));
        return reply.redirect('/feeds', 303);
      }
    }
    const gone = requesterSignal(req);
    try {
      const r = await importOpml(pipeline, opml, { readers: [req.session.user.id], signal: gone.signal });
      if (r.stopped) logFailure({ code: 'aborted', user: req.session.user.id }, 'OPML import stopped: the browser went away');
      // The report is shown on this answer: a redirect's URL could not hold the list of skipped feeds.
      reply.type('text/html; charset=utf-8');
      return feedsPage(await readerFeeds(req.session.user.id), {
        now: now(), timeZone: tz, chrome: await chromeFor(req), canSubscribe: true, note: describeImport(r, 20),
      });
    } catch (err) {
      await setFlash(opts.store, req, errorFlash(err));
      return reply.redirect('/feeds', 303);
    } finally {
      gone.release();
    }
  });

  app.get('/feeds/export.opml', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    const subs = await opts.store.listSubscriptions(req.session.user.id);
    const { renderOpml } = await import('../feed/opml.js');
    return reply
      .type('text/x-opml; charset=utf-8')
      .header('content-disposition', 'attachment; filename="tidings-subscriptions.opml"')
      .send(renderOpml(subs.map((f) => ({ url: f.url, title: f.section ? `${f.sourceName} (${f.section})` : f.title ?? f.sourceName, siteUrl: f.siteUrl, category: f.folder }))));
  });

  app.get('/account', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    reply.type('text/html; charset=utf-8');
    return accountPage({ session: req.session, tokens: await opts.store.listApiTokens(req.session.user.id), newToken: null, fever: { setAt: await opts.store.feverKeySetAt(req.session.user.id) }, feedsOut: await feedsOutState(opts.store, req) , foldStories: await opts.store.foldsStories(req.session.user.id) });
  });

  app.post<{ Body: Record<string, string | undefined> }>('/account/tokens', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    const name = (req.body?.name ?? '').trim().slice(0, 100) || 'API client';
    const token = newSecret();
    await opts.store.createApiToken({ userId: req.session.user.id, tokenHash: secretHash(token), name, now: formatIso(now().getTime()) });
    // Shown once, on this response only; the page is not cached.
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return accountPage({ session: req.session, tokens: await opts.store.listApiTokens(req.session.user.id), newToken: { name, token }, fever: { setAt: await opts.store.feverKeySetAt(req.session.user.id) }, feedsOut: await feedsOutState(opts.store, req) , foldStories: await opts.store.foldsStories(req.session.user.id) });
  });

  app.post<{ Body: Record<string, string | undefined> }>('/account/tokens/revoke', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    await opts.store.revokeApiToken(req.session.user.id, req.body?.id ?? '');
    return reply.redirect('/account', 303);
  });

  app.get<{ Querystring: { q?: string; feed?: string; from?: string; to?: string; show?: string; folder?: string; source?: string } }>('/search', async (req, reply) => {
    const q = (req.query.q ?? '').slice(0, 500).trim();
    // An empty field is no bound; a wrong one is explained, never searched as if absent.
    const from = req.query.from ? searchBound(req.query.from.slice(0, 40), false) : undefined;
    const to = req.query.to ? searchBound(req.query.to.slice(0, 40), true) : undefined;
    const badDate = from === null || to === null;
    const filters = {
      feed: parseId(req.query.feed),
      from: from ?? undefined,
      to: to ?? undefined,
      show: (req.query.show === 'unread' || req.query.show === 'starred' ? req.query.show : 'all') as 'all' | 'unread' | 'starred',
      folder: req.query.folder?.trim().slice(0, 200) || undefined,
      source: parseId(req.query.source),
    };
    const hits = q && !badDate
      ? await opts.store.searchArticles({
          text: q,
          limit: 50,
          ...(req.session ? { userId: req.session.user.id, show: filters.show, ...(filters.folder ? { folder: filters.folder } : {}) } : {}),
          ...(filters.feed !== undefined ? { feedId: filters.feed } : {}),
          ...(filters.source !== undefined ? { sourceId: filters.source } : {}),
          ...(filters.from ? { from: filters.from } : {}),
          ...(filters.to ? { to: filters.to } : {}),
        })
      : [];
    const feeds = req.session ? await opts.store.listSubscriptions(req.session.user.id) : [];
    reply.type('text/html; charset=utf-8');
    if (badDate) reply.code(400);
    const feedSecret = await secretShownHere(opts.store, req);
    const chrome = await chromeFor(req, { show: filters.show, ...(filters.feed !== undefined ? { feed: filters.feed } : {}), ...(filters.folder ? { folder: filters.folder } : {}) });
    if (badDate) chrome.flash = { kind: 'error', message: `That date is not a calendar day: ${DATE_HELP}.`, code: 'invalid_date' };
    return searchPage(q, hits, { now: now(), timeZone: tz, chrome, feeds, filters: { ...filters, from: req.query.from?.slice(0, 40) ?? '', to: req.query.to?.slice(0, 40) ?? '' }, feedSecret });
  });

  // Messages come from the session only (server/flash.ts): `?error=` and `?note=` are ignored.
  app.get('/feeds', async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    const feeds = req.session ? await readerFeeds(req.session.user.id) : await opts.store.listFeeds();
    const { lastImportOutcome } = await import('../ingest/opmlImport.js');
    const opmlImport = req.session ? await lastImportOutcome(opts.store, req.session.user.id) : null;
    const chrome = await chromeFor(req);
    const typed = chrome.flash?.typed;
    return feedsPage(feeds, { now: now(), timeZone: tz, chrome, opmlImport, canSubscribe: !!opts.pipeline, typed: typed ? { url: typed.url ?? '', folder: typed.folder ?? '' } : null });
  });

  app.post<{ Body: Record<string, string | undefined> }>('/feeds', async (req, reply) => {
    const pipeline = opts.pipeline;
    if (!req.session || !pipeline) return reply.code(400).send('bad request');
    const url = (req.body?.url ?? '').trim();
    const pick = parseId(req.body?.pick);
    const { subscribe, MultipleFeedsError } = await import('../ingest/subscribe.js');
    const { refreshFeed } = await import('../ingest/refreshFeed.js');
    try {
      let r;
      try {
        const folder = req.body?.folder?.trim().slice(0, 100) || null;
        r = await subscribe(pipeline, url, { readers: [req.session.user.id], folder, ...(pick ? { pick } : {}) });
      } catch (err) {
        if (!(err instanceof MultipleFeedsError)) throw err;
        // The site names several feeds: let the reader choose.
        reply.type('text/html; charset=utf-8');
        return feedsPage(await readerFeeds(req.session.user.id), {
          now: now(), timeZone: tz, chrome: await chromeFor(req), canSubscribe: true, choices: { url, folder: req.body?.folder ?? '', feeds: err.choices },
        });
      }
      // A new subscription shows its articles at once instead of at the next scheduled check.
      if (r.created) await refreshFeed(pipeline, (await opts.store.getFeed(r.feed.id))!);
      return reply.redirect(`/?feed=${r.feed.id}`, 303);
    } catch (err) {
      // The form comes back with what was typed, and the failure in words.
      await setFlash(opts.store, req, errorFlash(err, { url: url.slice(0, 2000), folder: (req.body?.folder ?? '').slice(0, 100) }));
      return reply.redirect('/feeds', 303);
    }
  });

  if (opts.pipeline) {
    const pipeline = opts.pipeline;
    void app.register(webSubRoutes, { pipeline, maxBytes: 15 * 1024 * 1024 });
  }
  void app.register(import('./feedRulesRoutes.js'), { store: opts.store, now });
  void app.register(apiV1, { prefix: '/api/v1', store: opts.store, now, ...(opts.pipeline ? { pipeline: opts.pipeline } : {}) });
  // Client protocol routes (issue 10).
  void app.register(minifluxApi, { prefix: '/v1', store: opts.store, now, clientAuth, ...(opts.pipeline ? { pipeline: opts.pipeline } : {}) });
  void app.register(feverApi, { prefix: '/fever', store: opts.store, clientAuth, now });
  // Feeds out answer to the reader's secret in the path, not to a session (auth.ts leaves /syndication/ open).
  void app.register(feedsOutRoutes, { prefix: '/syndication', store: opts.store, publicUrl: opts.config.publicUrl, namedViews: { story: storyView } });
  registerFeedsOutAccount(app, { store: opts.store, now, secureCookies });
  void app.register(greaderApi, { store: opts.store, now, clientAuth, ...(opts.pipeline ? { pipeline: opts.pipeline } : {}) });

  const eventLoopDelay = watchEventLoop(app);
  app.get('/healthz', async () => ({ ok: true, scheduler: opts.scheduler?.status ?? null, workers: opts.workers ?? null, eventLoopDelay: eventLoopDelay() }));

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'Not found.'));
  });
  app.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    reply.code(status).type('text/html; charset=utf-8').send(errorPage(status, status === 500 ? 'Something went wrong.' : 'Bad request.'));
  });
  return app;
}

/**
 * A request's reads share a snapshot with the other requests in progress (on SQLite one
 * lock instead of one per statement: store/sqlite/sharedReads.ts). Let go when the answer
 * is sent or the connection closes, whichever comes first.
 */
function shareReadsPerRequest(app: FastifyInstance, store: Store): void {
  const held = new WeakMap<object, () => void>();
  app.addHook('onRequest', async (req, reply) => {
    const release = store.shareReads();
    held.set(req, release);
    reply.raw.once('close', release);
  });
  app.addHook('onResponse', async (req) => held.get(req)?.());
}

/**
 * The reader's subscriptions, each with the newest failure of a job about it that still
 * stands. Only the reader's own feed ids are asked about, so another reader's jobs never show.
 * A queue that cannot answer costs the page its job column, not the page.
 */
async function feedsWithJobFailures(store: Store, jobs: Pick<JobQueue, 'feedFailures' | 'send'> | null, userId: number) {
  const feeds = await store.listSubscriptions(userId);
  if (!jobs || feeds.length === 0) return feeds;
  const failures = await jobs.feedFailures(feeds.map((f) => f.id)).catch((err: unknown) => {
    logError(err, 'reading job failures for the Feeds page failed', { user: userId });
    return [];
  });
  const byFeed = new Map(failures.map((f) => [f.feedId, f]));
  return feeds.map((f) => ({ ...f, jobFailure: byFeed.get(f.id) ?? null }));
}

/** An opened article's body, rendered once per revision, link out and image proxy key (see ArticleBodies). */
function articleBodies(store: Store, timeZone: string) {
  const bodies = new ArticleBodies();
  return async ({ article, revisionId, revisions }: OpenedArticle, key: string | null): Promise<string> => {
    return bodies.body(article.id, `${revisionId ?? 0} ${key ?? ''} ${article.canonicalUrl}`, article.html, async () => {
      const html = key ? proxyImages(article.html, key) : article.html;
      // What changed needs two revisions; most articles have one.
      const compared = revisions > 1 ? await store.listRevisions(article.id) : [];
      return articleBody({ html, canonicalUrl: article.canonicalUrl }, compared, timeZone);
    });
  };
}

/** The story an article is in, as far as this reader sees it, and the article's own figures. */
async function storyOfArticle(store: Store, userId: number, articleId: number, storyId: number): Promise<ArticleStory | null> {
  const found = await store.articleInStory(userId, storyId, articleId);
  if (!found) return null;
  const { figuresOf, storyReport } = await import('../stories/storyReport.js');
  const entities = storyReport([found.self]).entities.slice(0, ARTICLE_ENTITIES).map((e) => ({ name: e.name, type: e.type }));
  return { id: storyId, articles: found.articles, sources: found.sources, figures: figuresOf(found.self), entities };
}

/** Names an article page links to the river's entity filter. */
const ARTICLE_ENTITIES = 12;

function iconSvg(reply: FastifyReply) {
  reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400');
  return reply.send('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0b5cad"/><path d="M14 22h36M14 32h36M14 42h24" stroke="#fff" stroke-width="5" stroke-linecap="round"/></svg>');
}

/** Keyset cursor `<published ISO>_<id>`: deep pages cost the same as the first. */
function parseCursor(raw: string | undefined): { publishedAt: string; id: number } | undefined {
  if (!raw) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)_(\d+)$/.exec(decodeURIComponent(raw));
  return m ? { publishedAt: m[1]!, id: Number(m[2]) } : undefined;
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import type { Session } from '../../model/article.js';
import { newSecret, secretHash } from '../../accounts/tokens.js';
import { formatIso } from '../../text/dates.js';
import { cookie, FEEDS_COOKIE, parseCookies } from '../auth.js';
import { accountPage } from '../ui/views/account.js';
import { feedLinks, type FeedLink, type FeedsOutState } from '../ui/feedsOut.js';

/**
 * A reader's secret for their feeds out. Only its hash is stored, so the server cannot show
 * it again: the browser that made it (or that was given it back) keeps it in an HttpOnly
 * cookie, and pages link the feeds only while that cookie holds the reader's current secret.
 */
/** Browsers cap a cookie's life at 400 days. */
const COOKIE_SECONDS = 400 * 86400;

/** Our own base64url secrets (accounts/tokens.ts newSecret(32)); anything else costs no query. */
export function isSyndicationSecret(s: string): boolean {
  return /^[\w-]{43}$/.test(s);
}

/** The secret this browser holds for the signed-in reader, when it is still their current one. */
export async function secretShownHere(store: Store, req: FastifyRequest): Promise<string | null> {
  const held = parseCookies(req.headers.cookie)[FEEDS_COOKIE];
  if (!req.session || !held || !isSyndicationSecret(held)) return null;
  const current = await store.syndicationSecret(req.session.user.id);
  return current && current.tokenHash === secretHash(held) ? held : null;
}

/** What the Account page shows of the reader's feeds out. */
export async function feedsOutState(store: Store, req: FastifyRequest, extra: Partial<FeedsOutState> = {}): Promise<FeedsOutState> {
  const current = await store.syndicationSecret(req.session!.user.id);
  const secret = extra.links ? null : await secretShownHere(store, req);
  return {
    createdAt: current?.createdAt ?? null,
    links: secret ? accountLinks(secret) : null,
    ...extra,
  };
}

function accountLinks(secret: string): FeedLink[] {
  return [...feedLinks(secret, { kind: 'river' }, 'All articles'), ...feedLinks(secret, { kind: 'starred' }, 'Starred')];
}

/**
 * Account page actions: make a new secret (the old one stops working at once), turn feeds
 * out off, and give this browser a secret made elsewhere so its pages link the feeds.
 */
export function registerFeedsOutAccount(app: FastifyInstance, opts: { store: Store; now: () => Date; secureCookies: boolean }): void {
  const { store } = opts;
  const setCookie = (req: FastifyRequest, reply: FastifyReply, value: string, seconds: number) =>
    reply.header('set-cookie', cookie(FEEDS_COOKIE, value, seconds, opts.secureCookies || req.protocol === 'https'));
  const page = async (req: FastifyRequest, reply: FastifyReply, state: Partial<FeedsOutState>, code = 200) => {
    const session = req.session as Session;
    reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return accountPage({ session, tokens: await store.listApiTokens(session.user.id), newToken: null, fever: { setAt: await store.feverKeySetAt(session.user.id) }, feedsOut: await feedsOutState(store, req, state) });
  };

  app.post<{ Body: Record<string, string | undefined> }>('/account/feeds', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    if (req.body?.action === 'off') {
      await store.deleteSyndicationSecret(req.session.user.id);
      setCookie(req, reply, '', 0);
      return reply.redirect('/account#feeds', 303);
    }
    const secret = newSecret();
    await store.setSyndicationSecret(req.session.user.id, secretHash(secret), formatIso(opts.now().getTime()));
    setCookie(req, reply, secret, COOKIE_SECONDS);
    return page(req, reply, { links: accountLinks(secret), made: true });
  });

  app.post<{ Body: Record<string, string | undefined> }>('/account/feeds/show', async (req, reply) => {
    if (!req.session) return reply.code(400).send('bad request');
    // The secret alone, or any feed URL that holds it.
    const given = /(?:^|\/syndication\/)([\w-]{43})(?:\/|$)/.exec((req.body?.secret ?? '').trim().slice(0, 2000))?.[1] ?? '';
    const current = await store.syndicationSecret(req.session.user.id);
    if (!current || !isSyndicationSecret(given) || secretHash(given) !== current.tokenHash) return page(req, reply, { error: 'That is not your current feeds secret.' }, 400);
    setCookie(req, reply, given, COOKIE_SECONDS);
    return reply.redirect('/account#feeds', 303);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../model/article.js';
import type { Store } from '../store/store.js';
import { hashPassword, passwordProblem, verifyPassword } from '../accounts/passwords.js';
import { newSecret, secretHash } from '../accounts/tokens.js';
import { feverKeyHash } from '../accounts/feverKey.js';
import { isUserName } from '../accounts/userName.js';
import { clientAddress } from './clientAuth.js';
import type { SignInThrottle } from '../accounts/signInThrottle.js';
import { formatIso } from '../text/dates.js';
import { accountPage } from './ui/views/account.js';
import { authPage } from './ui/views/signIn.js';
import { BODY_LIMITS } from './httpLimits.js';

/**
 * Accounts on the web: sessions in the database (HttpOnly, SameSite=Lax cookie holding a
 * random secret whose hash is stored), CSRF tokens on every state change, sign-in throttling
 * (accounts/signInThrottle.ts), logout that ends the session server-side. The first administrator is created by
 * `tidings users add` or, while no user exists, by the first visit from this machine.
 */
declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

export const SESSION_COOKIE = 'tidings_session';
/** This browser's copy of the reader's feeds-out secret (server/syndication); forgotten at sign-out. */
export const FEEDS_COOKIE = 'tidings_feeds';
const FORM_COOKIE = 'tidings_form';
const SESSION_DAYS = 30;
/** Paths that need no session: assets, health, WebSub callbacks, the doors themselves, and the APIs and feeds out (they sign in on their own). */
const OPEN = [/^\/img$/, /^\/static\//, /^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/websub\//, /^\/login$/, /^\/setup$/, /^\/manifest\.webmanifest$/, /^\/sw\.js$/, /^\/api\//, /^\/v1\//, /^\/fever\/?$/, /^\/syndication\//,
  /^\/accounts\/ClientLogin$/, /^\/reader\//];
/** The paths above as one pattern: asked twice on every request, one test instead of up to sixteen. */
const OPEN_PATH = new RegExp(OPEN.map((re) => `(?:${re.source})`).join('|'));

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) {
      try {
        out[k] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        /* a malformed cookie is no cookie */
      }
    }
  }
  return out;
}

export function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** Only paths on this site: never an absolute URL, protocol-relative or backslash trick. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001f]/.test(next)) return '/';
  return next;
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    // A malformed Origin header names no host, so the same-site check refuses it.
    return null;
  }
}

function isLoopback(req: FastifyRequest): boolean {
  const ip = clientAddress(req);
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/** Answers a throttled attempt: Retry-After for clients, and the wait in words for people. */
function refuseThrottled(reply: FastifyReply, retryAfterSeconds: number): string {
  reply.header('retry-after', String(retryAfterSeconds));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const wait = retryAfterSeconds < 60 ? plural(retryAfterSeconds, 'second') : plural(minutes, 'minute');
  return `Too many failed attempts from your address. Try again in ${wait}.`;
}

export function registerAuth(
  app: FastifyInstance,
  opts: { store: Store; now: () => Date; throttle: SignInThrottle; secureCookies: boolean },
): void {
  const { store, now, throttle } = opts;
  const isOpen = (req: FastifyRequest) => OPEN_PATH.test(pathOf(req.url));
  const cookieFor = (req: FastifyRequest, name: string, value: string, maxAgeSeconds: number) =>
    cookie(name, value, maxAgeSeconds, opts.secureCookies || req.protocol === 'https');
  app.decorateRequest('session', null);

  // Before the body is read: a client without a session cannot make the server parse one.
  app.addHook('onRequest', async (req, reply) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (token) req.session = await store.getSession(secretHash(token), formatIso(now().getTime()));
    if (isOpen(req)) return;
    if (!req.session) {
      if ((await store.countUsers()) === 0) {
        if (isLoopback(req)) return reply.redirect('/setup', 303);
        return reply.code(403).type('text/html; charset=utf-8').send(authPage({ kind: 'closed' }));
      }
      if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      return reply.code(401).type('text/plain; charset=utf-8').send('sign in first');
    }
  });

  app.addHook('preHandler', async (req, reply) => {
    if (isOpen(req) || !req.session) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const body = (req.body ?? {}) as Record<string, unknown>;
      // With Referrer-Policy: no-referrer browsers send "Origin: null" for our own forms;
      // the form token decides then. A real foreign origin is refused outright.
      const origin = req.headers.origin;
      if (origin && origin !== 'null' && originHost(origin) !== req.headers.host) return reply.code(403).send('cross-site request refused');
      if (body._csrf !== req.session.csrfToken) return reply.code(403).send('missing or wrong form token; reload the page');
    }
  });

  const formToken = (req: FastifyRequest, reply: FastifyReply): string => {
    const existing = parseCookies(req.headers.cookie)[FORM_COOKIE];
    const token = existing && existing.length >= 20 ? existing : newSecret(18);
    if (token !== existing) reply.header('set-cookie', cookieFor(req, FORM_COOKIE, token, 3600));
    return token;
  };
  const formTokenOk = (req: FastifyRequest, body: Record<string, unknown>) => {
    const c = parseCookies(req.headers.cookie)[FORM_COOKIE];
    return typeof body._csrf === 'string' && !!c && body._csrf === c;
  };

  const startSession = async (req: FastifyRequest, reply: FastifyReply, userId: number) => {
    const token = newSecret();
    const t = now().getTime();
    await store.createSession({ userId, tokenHash: secretHash(token), csrfToken: newSecret(18), now: formatIso(t), expiresAt: formatIso(t + SESSION_DAYS * 86400_000) });
    reply.header('set-cookie', cookieFor(req, SESSION_COOKIE, token, SESSION_DAYS * 86400));
  };

  app.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => {
    if ((await store.countUsers()) === 0) return reply.redirect('/setup', 303);
    return reply.type('text/html; charset=utf-8').send(authPage({ kind: 'login', csrf: formToken(req, reply), next: safeNext(req.query.next) }));
  });

  app.post('/login', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const page = (error: string, code: number) =>
      reply.code(code).type('text/html; charset=utf-8').send(authPage({ kind: 'login', csrf: formToken(req, reply), next, error, name }));
    if (!formTokenOk(req, body)) return page('The form expired; please sign in again.', 403);
    const r = await throttle.attempt(name, clientAddress(req), async () => {
      const user = name ? await store.getUserByName(name) : null;
      // Verify against a dummy hash for unknown names, so timing does not reveal which names exist.
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      return user && ok ? user : null;
    });
    if (r.throttled) return page(refuseThrottled(reply, r.retryAfterSeconds), 429);
    if (!r.value) return page('Wrong name or password.', 401);
    await startSession(req, reply, r.value.id);
    return reply.redirect(next, 303);
  });

  app.post('/logout', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (token) await store.deleteSession(secretHash(token));
    reply.header('set-cookie', cookieFor(req, SESSION_COOKIE, '', 0));
    reply.header('set-cookie', cookieFor(req, FEEDS_COOKIE, '', 0));
    // Pages kept for offline reading leave with the reader (browsers honour this on https and localhost).
    reply.header('clear-site-data', '"cache", "storage"');
    return reply.redirect('/login', 303);
  });

  /** The account page with the reader's tokens and Fever state, and what just happened. */
  const accountAnswer = async (reply: FastifyReply, session: Session, code: number, outcome: Pick<Parameters<typeof accountPage>[0], 'password'> & { fever?: { error: string } | { done: string } }) => {
    const fever = { setAt: await store.feverKeySetAt(session.user.id), ...(outcome.fever ? { outcome: outcome.fever } : {}) };
    const page = accountPage({ session, tokens: await store.listApiTokens(session.user.id), newToken: null, fever, ...(outcome.password ? { password: outcome.password } : {}) });
    return reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  };
  /** The signed-in reader, when `current` is their sign-in password; wrong guesses count as sign-in failures. */
  const confirmCurrent = (req: FastifyRequest, session: Session, current: string) =>
    throttle.attempt(session.user.name, clientAddress(req), async () => {
      const user = await store.getUserByName(session.user.name);
      return user && (await verifyPassword(current, user.passwordHash)) ? user : null;
    });
  const str = (v: unknown) => (typeof v === 'string' ? v : '');

  // Changing a password asks for the current one, so a borrowed session cannot lock its owner out;
  // wrong guesses count against the same throttle as the sign-in form.
  app.post('/account/password', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const session = req.session;
    if (!session) return reply.code(401).send('sign in first');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const page = (code: number, password: { error: string } | { changed: true; sessionsEnded: number }) => accountAnswer(reply, session, code, { password });
    const r = await confirmCurrent(req, session, str(body.current));
    if (r.throttled) return page(429, { error: refuseThrottled(reply, r.retryAfterSeconds) });
    const user = r.value;
    if (!user) return page(403, { error: 'The current password is wrong.' });
    const next = str(body.password);
    if (next !== str(body.confirm)) return page(400, { error: 'The new password and its repetition differ.' });
    const problem = passwordProblem(next);
    if (problem) return page(400, { error: `Choose another password: ${problem}.` });
    if ((await store.userByFeverKey(feverKeyHash(user.name, next)))?.id === user.id) return page(400, { error: 'Choose another password: that is your Fever password.' });
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const { sessionsEnded } = await store.setPassword(user.id, await hashPassword(next), token ? secretHash(token) : null);
    return page(200, { changed: true, sessionsEnded });
  });

  // A Fever password gives lasting access to the reader's articles, so setting one asks for the
  // sign-in password too (a borrowed session cannot plant one); comparing the two is then a
  // plain string comparison, never a way to test guesses at the sign-in password.
  app.post('/account/fever', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const session = req.session;
    if (!session) return reply.code(401).send('sign in first');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const page = (code: number, fever: { error: string } | { done: string }) => accountAnswer(reply, session, code, { fever });
    const r = await confirmCurrent(req, session, str(body.current));
    if (r.throttled) return page(429, { error: refuseThrottled(reply, r.retryAfterSeconds) });
    if (!r.value) return page(403, { error: 'Your sign-in password is wrong.' });
    const fever = str(body.password);
    const problem = fever === str(body.current) ? 'it must differ from your sign-in password' : fever !== str(body.confirm) ? 'the two entries differ' : passwordProblem(fever);
    if (problem) return page(400, { error: `Choose another Fever password: ${problem}.` });
    await store.setFeverKey({ userId: r.value.id, keyHash: feverKeyHash(r.value.name, fever), userName: r.value.name, now: formatIso(now().getTime()) });
    return page(200, { done: 'Fever password set. Apps signed in with an earlier one must be given this one.' });
  });

  app.post('/account/fever/remove', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const session = req.session;
    if (!session) return reply.code(401).send('sign in first');
    const removed = await store.removeFeverKey(session.user.id);
    return accountAnswer(reply, session, 200, { fever: { done: removed ? 'Fever password removed: apps using it no longer sync.' : 'No Fever password was set.' } });
  });

  app.get('/setup', async (req, reply) => {
    if ((await store.countUsers()) > 0) return reply.redirect('/login', 303);
    if (!isLoopback(req)) return reply.code(403).type('text/html; charset=utf-8').send(authPage({ kind: 'closed' }));
    return reply.type('text/html; charset=utf-8').send(authPage({ kind: 'setup', csrf: formToken(req, reply) }));
  });

  app.post('/setup', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if ((await store.countUsers()) > 0 || !isLoopback(req)) return reply.code(403).type('text/html; charset=utf-8').send(authPage({ kind: 'closed' }));
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const page = (error: string, code: number) => reply.code(code).type('text/html; charset=utf-8').send(authPage({ kind: 'setup', csrf: formToken(req, reply), error, name }));
    if (!formTokenOk(req, body)) return page('The form expired; please try again.', 403);
    if (!isUserName(name)) return page('A name is 1–64 letters, digits, or . _ @ -', 400);
    const problem = passwordProblem(password);
    if (problem) return page(`Choose another password: ${problem}.`, 400);
    const user = await store.createUser({ name, passwordHash: await hashPassword(password), isAdmin: true, now: formatIso(now().getTime()) });
    // No account existed: the feeds the instance follows were the operator's, who this is.
    await store.subscribeToAll(user.id, formatIso(now().getTime()));
    await startSession(req, reply, user.id);
    return reply.redirect('/', 303);
  });
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

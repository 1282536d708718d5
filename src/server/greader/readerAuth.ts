import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../model/article.js';
import { clientAddress, type ClientAuth } from '../clientAuth.js';
import { fieldValue } from './formFields.js';

declare module 'fastify' {
  interface FastifyRequest {
    greaderClient: { user: User; token: string } | null;
  }
}

const GOOGLE_LOGIN = /^GoogleLogin\s+auth=(\S{1,300})\s*$/i;

/**
 * Every route below `/reader/` answers only to a signed-in client. The `Auth` token of
 * ClientLogin is the API token itself (see loginRoutes.ts), checked on every request
 * through the sign-in throttle, so a revoked token stops at once.
 */
export function registerReaderAuth(app: FastifyInstance, clientAuth: ClientAuth): void {
  app.decorateRequest('greaderClient', null);
  app.addHook('onRequest', async (req, reply) => {
    const m = GOOGLE_LOGIN.exec(req.headers.authorization ?? '');
    if (m) return authenticate(req, reply, clientAuth, m[1]!);
    // Liferea posts some forms without the header, its auth token in the `T` field: checked once the form is read.
    if (req.method === 'POST' && /^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return;
    return unauthorized(reply);
  });
  app.addHook('preHandler', async (req, reply) => {
    if (req.greaderClient) return;
    const t = fieldValue(req, 'T')?.trim();
    if (!t) return unauthorized(reply);
    return authenticate(req, reply, clientAuth, t);
  });
}

/** The client's reader (set by the hooks before any handler runs). */
export const readerOf = (req: FastifyRequest): User => req.greaderClient!.user;

/** The token the client signed in with (what `token` hands back as `T`). */
export const tokenOf = (req: FastifyRequest): string => req.greaderClient!.token;

async function authenticate(req: FastifyRequest, reply: FastifyReply, clientAuth: ClientAuth, token: string): Promise<void> {
  const r = await clientAuth.byToken(token, clientAddress(req));
  if (r.throttled) return throttled(reply, r.retryAfterSeconds);
  if (!r.value) return unauthorized(reply);
  req.greaderClient = { user: r.value, token };
}

export function unauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).type('text/plain; charset=utf-8').send('Error=BadAuthentication\n');
}

export function throttled(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply.code(429).header('retry-after', String(retryAfterSeconds)).type('text/plain; charset=utf-8').send('Error=Throttled\n');
}

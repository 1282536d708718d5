import type { FastifyInstance } from 'fastify';
import { clientAddress, type ClientAuth } from '../clientAuth.js';
import { BODY_LIMITS } from '../httpLimits.js';
import { fieldValue } from './formFields.js';
import { throttled, unauthorized } from './readerAuth.js';

/**
 * `POST /accounts/ClientLogin` with `Email` (the user name) and `Passwd` (one of the reader's
 * API tokens, never the web password). The `Auth` it answers is that same API token: the
 * client already holds it, nothing new is stored, and revoking the token on the Account page
 * ends the client's access at once, with no second session to chase.
 */
export async function greaderLogin(app: FastifyInstance, opts: { clientAuth: ClientAuth }): Promise<void> {
  app.post('/accounts/ClientLogin', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const name = (fieldValue(req, 'Email') ?? '').trim().slice(0, 200);
    const token = (fieldValue(req, 'Passwd') ?? '').trim();
    if (!name || !token) return unauthorized(reply);
    const r = await opts.clientAuth.signIn(name, token, clientAddress(req));
    if (r.throttled) return throttled(reply, r.retryAfterSeconds);
    if (!r.value) return unauthorized(reply);
    return reply.type('text/plain; charset=utf-8').send(`SID=${token}\nLSID=${token}\nAuth=${token}\n`);
  });
}

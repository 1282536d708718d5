import type { FastifyRequest } from 'fastify';
import type { Attempt } from '../../accounts/signInThrottle.js';
import type { User } from '../../model/article.js';
import { clientAddress, type ClientAuth } from '../clientAuth.js';

/** What a Miniflux client sends: `X-Auth-Token`, or HTTP Basic with an API token as the password. */
type Credentials = { token: string } | { name: string; token: string };

const BASIC = /^Basic\s+([A-Za-z0-9+/]{1,1400}={0,2})$/i;

function credentialsOf(req: FastifyRequest): Credentials | null {
  const header = req.headers['x-auth-token'];
  const token = Array.isArray(header) ? header[0] : header;
  // Miniflux looks at the token header first, then Basic.
  if (token) return { token: token.trim().slice(0, 300) };
  const m = BASIC.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { name: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}

/** The reader the request signs in as, through the shared client sign-in (throttled); null without credentials. */
export async function minifluxSignIn(req: FastifyRequest, auth: ClientAuth): Promise<Attempt<User> | null> {
  const c = credentialsOf(req);
  if (!c) return null;
  const address = clientAddress(req);
  return 'name' in c ? auth.signIn(c.name, c.token, address) : auth.byToken(c.token, address);
}

import type { FastifyRequest } from 'fastify';
import type { Attempt, SignInThrottle } from '../accounts/signInThrottle.js';
import { secretHash } from '../accounts/tokens.js';
import type { User } from '../model/article.js';
import type { Store } from '../store/store.js';
import { formatIso } from '../text/dates.js';

/** The peer's address: no proxy is trusted, so a client cannot choose it. */
export function clientAddress(req: FastifyRequest): string {
  return req.socket.remoteAddress ?? '';
}

/**
 * How feed-reader apps sign in (Google Reader, Miniflux, Fever): never with the web
 * sign-in password, always with an API token of the reader's (`tidings tokens add`),
 * either as the password beside the user name or alone. Every check goes through the
 * same throttle as the web sign-in, reserved before the token is looked up.
 */
export class ClientAuth {
  constructor(
    private readonly store: Store,
    private readonly throttle: SignInThrottle,
    private readonly now: () => Date,
  ) {}

  /** User name and an API token as the password (Google Reader ClientLogin, Miniflux Basic auth). */
  signIn(name: string, token: string, address: string): Promise<Attempt<User>> {
    return this.throttle.attempt(name, address, async () => {
      const user = await this.tokenOwner(token);
      return user && user.name === name ? user : null;
    });
  }

  /**
   * A token alone (X-Auth-Token, GoogleLogin auth=…). Each wrong guess names a different
   * "account", so the per-address limit is what stops a client guessing tokens.
   */
  async byToken(token: string, address: string): Promise<Attempt<User>> {
    const account = `token:${secretHash(token).slice(0, 12)}`;
    const r = await this.throttle.attempt(account, address, () => this.tokenOwner(token));
    if (!r.throttled) return r;
    // An app sends its token on every request, several at once: its own checks in flight must
    // not hold it back. A valid token still passes (256 random bits cannot be guessed); a guess waits.
    const user = await this.tokenOwner(token);
    return user ? { throttled: false, value: user } : r;
  }

  private async tokenOwner(token: string): Promise<User | null> {
    // A token is our own base64url secret; anything else cannot match and costs no query.
    if (!/^[\w-]{20,200}$/.test(token)) return null;
    return this.store.userByApiToken(secretHash(token), formatIso(this.now().getTime()));
  }
}

import type { FastifyRequest } from 'fastify';
import type { Attempt, SignInThrottle } from '../accounts/signInThrottle.js';
import { secretHash } from '../accounts/tokens.js';
import { normalFeverKey } from '../accounts/feverKey.js';
import type { User } from '../model/article.js';
import type { Store } from '../store/store.js';
import { formatIso } from '../text/dates.js';

/** Fever keys remembered as signed in at most (the set is emptied when full). */
const KNOWN_FEVER_KEYS = 10_000;

/** The peer's address: no proxy is trusted, so a client cannot choose it. */
export function clientAddress(req: FastifyRequest): string {
  return req.socket.remoteAddress ?? '';
}

/**
 * How feed-reader apps sign in (Google Reader, Miniflux, Fever): never with the web
 * sign-in password, always with an API token of the reader's (`tidings tokens add`),
 * either as the password beside the user name or alone. Every check goes through the
 * same throttle as the web sign-in: wrong tokens count as failed sign-ins, and a client
 * over the limits is refused before its token is looked up. Apps sign in on every request,
 * often several at once, so a right token's check holds no place in the throttle.
 */
export class ClientAuth {
  constructor(
    private readonly store: Store,
    private readonly throttle: SignInThrottle,
    private readonly now: () => Date,
  ) {}

  /** Hashes of Fever keys that signed in lately; only decides how a check is throttled (every request still looks its key up). */
  private readonly signedInFeverKeys = new Set<string>();

  /** User name and an API token as the password (Google Reader ClientLogin, Miniflux Basic auth). */
  signIn(name: string, token: string, address: string): Promise<Attempt<User>> {
    return this.throttle.attemptSecret(name, address, async () => {
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
    return this.throttle.attemptSecret(account, address, () => this.tokenOwner(token));
  }

  /**
   * A Fever API key (md5 of `name:Fever password`), alone as a token is: each wrong key
   * names its own "account", so wrong keys run into the per-address limit. A key is only as
   * strong as the password it is made of, so an unknown key is reserved before its lookup
   * (a burst of guesses counts while in flight); one that signed in lately is checked as a
   * token is, so an app's parallel requests do not hold each other back.
   */
  async byFeverKey(rawKey: string, address: string): Promise<Attempt<User>> {
    const key = normalFeverKey(rawKey);
    const hash = secretHash(key ?? rawKey);
    const account = `fever:${hash.slice(0, 12)}`;
    const check = async () => (key ? this.store.userByFeverKey(hash) : null);
    const known = this.signedInFeverKeys.has(hash);
    const r = known ? await this.throttle.attemptSecret(account, address, check) : await this.throttle.attempt(account, address, check);
    if (r.throttled) return r;
    if (!r.value) this.signedInFeverKeys.delete(hash);
    else if (!known) {
      if (this.signedInFeverKeys.size >= KNOWN_FEVER_KEYS) this.signedInFeverKeys.clear();
      this.signedInFeverKeys.add(hash);
    }
    return r;
  }

  private async tokenOwner(token: string): Promise<User | null> {
    // A token is our own base64url secret; anything else cannot match and costs no query.
    if (!/^[\w-]{20,200}$/.test(token)) return null;
    return this.store.userByApiToken(secretHash(token), formatIso(this.now().getTime()));
  }
}

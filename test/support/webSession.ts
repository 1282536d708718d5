import type { Store } from '../../src/store/store.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import { newSecret, secretHash } from '../../src/accounts/tokens.js';
import { SESSION_COOKIE } from '../../src/server/auth.js';

/** A signed-in reader for web tests: a user subscribed to every feed, and a live session, as the login form would leave them. */
export async function signedIn(store: Store, name = 'reader'): Promise<{ cookie: string; csrf: string; userId: number }> {
  const existing = await store.getUserByName(name);
  const user = existing ?? (await store.createUser({ name, passwordHash: await hashPassword('correct horse battery'), isAdmin: false, now: '2026-01-01T00:00:00Z' }));
  await store.subscribeToAll(user.id, '2026-01-01T00:00:00Z');
  const token = newSecret();
  const csrf = newSecret(18);
  await store.createSession({ userId: user.id, tokenHash: secretHash(token), csrfToken: csrf, now: '2026-01-01T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
  return { cookie: `${SESSION_COOKIE}=${token}`, csrf, userId: user.id };
}

/** A reader with an API token, as `tidings users add` and `tidings tokens add` would leave them. */
export async function apiReader(store: Store, name: string, isAdmin = false): Promise<{ id: number; token: string }> {
  const user = await store.createUser({ name, passwordHash: 'x', isAdmin, now: '2026-03-01T00:00:00Z' });
  const token = newSecret();
  await store.createApiToken({ userId: user.id, tokenHash: secretHash(token), name: 'test', now: '2026-03-01T00:00:00Z' });
  return { id: user.id, token };
}

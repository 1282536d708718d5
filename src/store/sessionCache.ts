import type { Session } from '../model/article.js';
import { LruMap } from '../model/lruMap.js';

/**
 * Sessions read recently, so a page does not cost a database read to learn who asks (the
 * lookup was a query per request, 304s included). This process's own changes (sign-out,
 * a new password, a flash message) apply at once; another process's (a second `serve` on
 * PostgreSQL, `tidings users passwd`) within TTL_MS, when the entry is read again.
 */
export const SESSION_TTL_MS = 5000;
const KEPT = 10_000;

interface Entry {
  session: Session;
  readAt: number;
}

export class SessionCache {
  /** Read with peek: an entry expires TTL_MS after it was read from the database, however often it is used. */
  private readonly entries = new LruMap<string, Entry>(KEPT);
  /** Moves on every change: a read that began before one keeps what it read to itself. */
  private generation = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  async read(tokenHash: string, now: string, load: () => Promise<Session | null>): Promise<Session | null> {
    const kept = this.entries.peek(tokenHash);
    if (kept && this.clock() - kept.readAt < SESSION_TTL_MS && Date.parse(kept.session.expiresAt) > Date.parse(now)) return kept.session;
    this.entries.delete(tokenHash);
    const began = this.generation;
    const session = await load();
    // Unknown tokens are not kept: guesses must not fill the cache.
    if (session && began === this.generation) this.keep(tokenHash, session);
    return session;
  }

  setFlash(tokenHash: string, flash: string | null): void {
    this.generation++;
    const kept = this.entries.peek(tokenHash);
    if (!kept) return;
    const session: Session = { ...kept.session };
    if (flash === null) delete session.flash;
    else session.flash = flash;
    kept.session = session;
  }

  forget(tokenHash: string): void {
    this.generation++;
    this.entries.delete(tokenHash);
  }

  /** Every session of a reader but `keep` (a new password ends the others). */
  forgetUser(userId: number, keep: string | null): void {
    this.generation++;
    for (const [hash, e] of this.entries.entries()) if (e.session.user.id === userId && hash !== keep) this.entries.delete(hash);
  }

  private keep(tokenHash: string, session: Session): void {
    this.entries.set(tokenHash, { session, readAt: this.clock() });
  }
}

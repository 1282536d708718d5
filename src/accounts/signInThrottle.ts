import { setTimeout as sleep } from 'node:timers/promises';
import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Password guessing limits shared by every way to sign in (the web form, the password
 * change, and any client protocol). An attempt is reserved before its password is checked,
 * so concurrent guesses count against the limits while they are still in flight.
 *
 * - account + address: a hard limit (the usual "5 wrong, then wait");
 * - address: a hard limit across accounts (one client spraying many names);
 * - account: a soft limit across addresses. An account under attack from many addresses
 *   gets a smaller allowance per address and a delay before each check, but a client
 *   that has not failed on it still gets its attempts: the owner is never locked out.
 *
 * Memory is bounded without a global reset: counters live in two generations (below),
 * and every attempt, refused or not, refreshes its counters, so an active attacker is
 * never the one forgotten.
 */
export interface SignInLimits {
  windowMs: number;
  /** Failed or in-flight attempts per account and address within the window. */
  perAccountAndAddress: number;
  /** The same, while the account is under attack from many addresses. */
  perAccountAndAddressUnderAttack: number;
  /** Per address across all accounts. */
  perAddress: number;
  /** Failures of an account, from anywhere, from which it counts as under attack. */
  accountUnderAttack: number;
  /** Wait before each check while the account is under attack (grows with the failures, up to 4×). */
  delayUnderAttackMs: number;
  /** Counters kept at most; those unused the longest go first. */
  maxKeys: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  windowMs: 15 * 60_000,
  perAccountAndAddress: 5,
  perAccountAndAddressUnderAttack: 2,
  perAddress: 20,
  accountUnderAttack: 10,
  delayUnderAttackMs: 1000,
  maxKeys: 50_000,
};

export interface SignInTicket {
  /** How long to wait before checking the password (the account is under attack). */
  readonly delayMs: number;
  succeeded(): void;
  failed(): void;
}

export type Reservation = { throttled: false; ticket: SignInTicket } | { throttled: true; retryAfterSeconds: number };

export type Attempt<T> = { throttled: false; value: T | null } | { throttled: true; retryAfterSeconds: number };

/** Timestamps kept per counter: more than any limit needs. */
const MAX_KEPT = 64;

class Counter {
  failures: number[] = [];
  inFlight = 0;

  prune(now: number, windowMs: number): void {
    let drop = 0;
    while (drop < this.failures.length && now - this.failures[drop]! >= windowMs) drop++;
    if (drop) this.failures.splice(0, drop);
  }

  load(): number {
    return this.failures.length + this.inFlight;
  }

  /** Milliseconds until one more attempt fits under `limit`; 0 when it fits now. `inFlight: false` counts failures alone. */
  waitMs(limit: number, now: number, windowMs: number, inFlight = true): number {
    const excess = (inFlight ? this.load() : this.failures.length) - limit + 1;
    if (excess <= 0) return 0;
    // Only attempts still in flight stand in the way: they end within seconds.
    if (excess > this.failures.length) return 1000;
    return this.failures[excess - 1]! + windowMs - now;
  }

  fail(now: number): void {
    this.failures.push(now);
    if (this.failures.length > MAX_KEPT) this.failures.shift();
  }
}

/**
 * An LRU in O(1): a counter used is moved to the current generation; when that holds half
 * the cap, it becomes the previous one and the old previous is dropped, except counters
 * of attempts still in flight (their reservations must keep counting).
 */
class CounterStore {
  private current = new Map<string, Counter>();
  private previous = new Map<string, Counter>();
  private readonly half: number;

  constructor(maxKeys: number) {
    this.half = Math.max(1, Math.floor(maxKeys / 2));
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  get(key: string): Counter {
    let c = this.current.get(key);
    if (c) return c;
    c = this.previous.get(key) ?? new Counter();
    this.previous.delete(key);
    if (this.current.size >= this.half) this.rotate();
    this.current.set(key, c);
    return c;
  }

  private rotate(): void {
    const dropped = this.previous;
    this.previous = this.current;
    this.current = new Map();
    for (const [key, c] of dropped) if (c.inFlight > 0) this.current.set(key, c);
  }
}

export class SignInThrottle {
  private readonly limits: SignInLimits;
  private readonly counters: CounterStore;

  constructor(limits: Partial<SignInLimits> = {}, private readonly now: () => number = Date.now) {
    this.limits = { ...DEFAULT_SIGN_IN_LIMITS, ...limits };
    this.counters = new CounterStore(this.limits.maxKeys);
  }

  /** Counters held now (for tests and metrics). */
  get size(): number {
    return this.counters.size;
  }

  reserve(account: string, address: string): Reservation {
    const t = this.now();
    const l = this.limits;
    const { pair, byAddress, byAccount, underAttack, pairLimit } = this.countersOf(account, address, t);
    const wait = Math.max(pair.waitMs(pairLimit, t, l.windowMs), byAddress.waitMs(l.perAddress, t, l.windowMs));
    if (wait > 0) return { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    const held = [pair, byAddress, byAccount];
    for (const c of held) c.inFlight++;
    const pressure = Math.min(4, byAccount.failures.length / l.accountUnderAttack);
    let open = true;
    const settle = (failed: boolean) => {
      if (!open) return;
      open = false;
      const at = this.now();
      for (const c of held) {
        c.inFlight--;
        if (failed) c.fail(at);
      }
      // Success forgets only this client's failures on this account: signing in to one's
      // own account must not reset the address or the account limits.
      if (!failed) pair.failures = [];
    };
    return {
      throttled: false,
      ticket: { delayMs: underAttack ? Math.round(l.delayUnderAttackMs * pressure) : 0, succeeded: () => settle(false), failed: () => settle(true) },
    };
  }

  /**
   * One sign-in attempt: reserve, wait if the account is under attack, check. `check`
   * answers null for a wrong name or password; a check that throws counts as a failure.
   */
  async attempt<T>(account: string, address: string, check: () => Promise<T | null>): Promise<Attempt<T>> {
    const r = this.reserve(account, address);
    if (r.throttled) return r;
    let value: T | null = null;
    try {
      if (r.ticket.delayMs > 0) await sleep(r.ticket.delayMs);
      value = await check();
    } finally {
      if (value === null) r.ticket.failed();
      else r.ticket.succeeded();
    }
    return { throttled: false, value };
  }

  /**
   * One check of a long random secret (an app's API token), on the same counters. A right
   * token is no guess: an app's concurrent requests must not hold each other back, so
   * nothing is reserved and no delay applies; each wrong one counts as a failure, and
   * recorded failures refuse further checks as `attempt` does.
   */
  async attemptSecret<T>(account: string, address: string, check: () => Promise<T | null>): Promise<Attempt<T>> {
    const t = this.now();
    const l = this.limits;
    const { pair, byAddress, pairLimit } = this.countersOf(account, address, t);
    const wait = Math.max(pair.waitMs(pairLimit, t, l.windowMs, false), byAddress.waitMs(l.perAddress, t, l.windowMs, false));
    if (wait > 0) return { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    let value: T | null = null;
    try {
      value = await check();
    } finally {
      // Looked up again: nothing held the counters while the check ran, so they may have moved.
      const at = this.now();
      const after = this.countersOf(account, address, at);
      if (value === null) for (const c of [after.pair, after.byAddress, after.byAccount]) c.fail(at);
      else after.pair.failures = [];
    }
    return { throttled: false, value };
  }

  /** The counters one attempt touches, and the per-pair limit that holds for it now. */
  private countersOf(account: string, address: string, t: number) {
    const who = accountKey(account);
    const from = addressKey(address);
    const byAccount = this.counter(`u:${who}`, t);
    const underAttack = byAccount.failures.length >= this.limits.accountUnderAttack;
    return {
      pair: this.counter(`p:${who}\n${from}`, t),
      byAddress: this.counter(`a:${from}`, t),
      byAccount,
      underAttack,
      pairLimit: underAttack ? this.limits.perAccountAndAddressUnderAttack : this.limits.perAccountAndAddress,
    };
  }

  private counter(key: string, now: number): Counter {
    const c = this.counters.get(key);
    c.prune(now, this.limits.windowMs);
    return c;
  }
}

function accountKey(account: string): string {
  return account.normalize('NFKC').trim().toLowerCase().slice(0, 256);
}

/** IPv4-mapped addresses as IPv4; IPv6 by /64, the block one host usually holds. */
export function addressKey(address: string): string {
  if (isIPv4(address)) return address;
  try {
    const a = ipaddr.process(address);
    if (a.kind() === 'ipv4') return a.toString();
    return `${(a as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
  } catch {
    return address.slice(0, 100);
  }
}

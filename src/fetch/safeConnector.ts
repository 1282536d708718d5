import dns from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';
import { TidingsError } from '../model/errors.js';
import { blockedReason } from './addressPolicy.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
type Answers = string | dns.LookupAddress[] | undefined;

/** A resolver with the shape of dns.lookup (always asked with `all: true`); tests stand in stubs. */
export type Resolver = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: Answers) => void) => void;

/** Which addresses are refused and why: a reason, or null to allow. */
export type AddressPolicy = (address: string) => string | null;

/**
 * DNS lookup that refuses private and special-purpose answers. It runs inside the socket's
 * connect, so the address checked is the address connected to: no gap for DNS rebinding
 * between a check and the connection, and every redirect hop passes through it again.
 * Nothing in it may throw: it runs in a DNS callback, where a throw stops the process.
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = dns.lookup) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    try {
      resolve(hostname, { ...options, all: true }, (err, answers) => answer(policy, hostname, options, err, answers, callback));
    } catch (err) {
      callback(err as NodeJS.ErrnoException, []);
    }
  };
}

function answer(policy: AddressPolicy, hostname: string, options: dns.LookupOptions, err: NodeJS.ErrnoException | null, answers: Answers, callback: LookupCallback): void {
  if (err) return callback(err, []);
  const verdict = judgeAnswers(policy, hostname, answers);
  if (verdict instanceof TidingsError) return callback(verdict, []);
  if (options.all) return callback(null, verdict);
  const first = verdict[0];
  if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
  callback(null, first.address, first.family);
}

/** Every answer must pass: one private address among public ones is how rebinding hides. */
function judgeAnswers(policy: AddressPolicy, hostname: string, answers: Answers): dns.LookupAddress[] | TidingsError {
  try {
    const list = typeof answers === 'string' ? [{ address: answers, family: net.isIP(answers) }] : [...(answers ?? [])];
    for (const a of list) {
      const reason = verdictOf(policy, a.address);
      if (reason) return blockedError(hostname, a.address, reason);
    }
    return list;
  } catch {
    return blockedError(hostname, String(answers), 'unjudgeable');
  }
}

/** The policy's reason, or a refusal when the policy itself fails. */
function verdictOf(policy: AddressPolicy, address: string): string | null {
  try {
    return typeof address === 'string' ? policy(address) : 'unjudgeable';
  } catch {
    return 'unjudgeable';
  }
}

function blockedError(host: string, address: string, reason: string): TidingsError {
  return new TidingsError(
    'blocked_address',
    `refusing to connect to ${host} (${address}): ${reason} address; set TIDINGS_ALLOW_PRIVATE_NETWORKS=true to allow`,
  );
}

export function buildSafeConnector(opts: { connectTimeoutMs: number; allowPrivate: boolean; policy?: AddressPolicy; resolve?: Resolver }): buildConnector.connector {
  const policy = opts.policy ?? blockedReason;
  const base = buildConnector({
    timeout: opts.connectTimeoutMs,
    ...(opts.allowPrivate ? {} : { lookup: guardedLookup(policy, opts.resolve) }),
  } as buildConnector.BuildOptions);
  return (options, callback) => {
    if (!opts.allowPrivate) {
      const host = options.hostname.replace(/^\[|\]$/g, '');
      if (net.isIP(host)) {
        const reason = verdictOf(policy, host);
        if (reason) return callback(blockedError(host, host, reason), null);
      }
    }
    base(options, callback);
  };
}

import dns from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';
import { TidingsError } from '../model/errors.js';
import { blockedReason } from './addressPolicy.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * DNS lookup that refuses private and special-purpose answers. It runs inside the socket's
 * connect, so the address checked is the address connected to: no gap for DNS rebinding
 * between a check and the connection, and every redirect hop passes through it again.
 */
export type AddressPolicy = (address: string) => string | null;

export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => lookupWith(policy, hostname, options, callback);
}

function lookupWith(policy: AddressPolicy, hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as dns.LookupAddress[];
    for (const a of list) {
      const reason = policy(a.address);
      if (reason) {
        return callback(blockedError(hostname, a.address, reason), []);
      }
    }
    if (options.all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

function blockedError(host: string, address: string, reason: string): TidingsError {
  return new TidingsError(
    'blocked_address',
    `refusing to connect to ${host} (${address}): ${reason} address; set TIDINGS_ALLOW_PRIVATE_NETWORKS=true to allow`,
  );
}

export function buildSafeConnector(opts: { connectTimeoutMs: number; allowPrivate: boolean; policy?: AddressPolicy }): buildConnector.connector {
  const policy = opts.policy ?? blockedReason;
  const base = buildConnector({
    timeout: opts.connectTimeoutMs,
    ...(opts.allowPrivate ? {} : { lookup: guardedLookup(policy) }),
  } as buildConnector.BuildOptions);
  return (options, callback) => {
    if (!opts.allowPrivate) {
      const host = options.hostname.replace(/^\[|\]$/g, '');
      if (net.isIP(host)) {
        const reason = policy(host);
        if (reason) return callback(blockedError(host, host, reason), null);
      }
    }
    base(options, callback);
  };
}

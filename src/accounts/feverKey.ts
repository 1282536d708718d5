import { createHash } from 'node:crypto';
import { secretHash } from './tokens.js';

/**
 * The Fever API signs in with one value, `api_key` = lowercase hex md5 of `name:password`,
 * which the client computes itself. The password is a separate Fever password (never the
 * sign-in one); the server keeps only secretHash(key), so a copy of the database holds no
 * working key.
 */
export function feverApiKey(name: string, password: string): string {
  return createHash('md5').update(`${name}:${password}`, 'utf8').digest('hex');
}

/** The key as the client sent it, in the form it is stored under (clients differ in case); null when it cannot be one. */
export function normalFeverKey(raw: string): string | null {
  const key = raw.trim().toLowerCase();
  return /^[0-9a-f]{32}$/.test(key) ? key : null;
}

/** What the store keeps for a reader's Fever password: the hash of the key clients will send. */
export function feverKeyHash(name: string, password: string): string {
  return secretHash(feverApiKey(name, password));
}

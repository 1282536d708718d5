import { createHash, randomBytes } from 'node:crypto';

/** Random secrets handed to a browser or an API client; only their SHA-256 is stored. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { secretHash } from '../accounts/tokens.js';
import { errorSentence } from '../model/errorWords.js';
import { asTidingsError } from '../model/errors.js';
import { logError } from '../log/loggedError.js';
import { parseCookies, SESSION_COOKIE } from './auth.js';

/**
 * The one message the next page shows after a form's redirect ("Updated: revision 2", an
 * error in words). Kept with the session in the database, never in the URL: a link cannot
 * make a page say anything, and a reload does not show it twice.
 */
export interface Flash {
  kind: 'error' | 'ok';
  message: string;
  /** The stable error code, shown in small print. */
  code?: string;
  /** What the reader typed in the form that failed (the subscribe form's URL), to fill it again. */
  typed?: Record<string, string>;
}

const MAX_MESSAGE = 500;

function tokenHashOf(req: FastifyRequest): string | null {
  const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  return token ? secretHash(token) : null;
}

export async function setFlash(store: Store, req: FastifyRequest, flash: Flash): Promise<void> {
  const hash = tokenHashOf(req);
  if (!hash || !req.session) return;
  const kept: Flash = { ...flash, message: flash.message.slice(0, MAX_MESSAGE) };
  await store.setSessionFlash(hash, JSON.stringify(kept));
}

/** The waiting message, cleared as it is read (so it shows once). */
export async function takeFlash(store: Store, req: FastifyRequest): Promise<Flash | null> {
  const raw = req.session?.flash;
  const hash = tokenHashOf(req);
  if (!raw || !hash) return null;
  await store.setSessionFlash(hash, null);
  try {
    return JSON.parse(raw) as Flash;
  } catch (err) {
    logError(err, 'a stored flash message was not JSON', {});
    return null;
  }
}

/** A failure as a reader reads it: the sentence for its code, the code beside it. */
export function errorFlash(err: unknown, typed?: Record<string, string>): Flash {
  const e = asTidingsError(err);
  return { kind: 'error', message: errorSentence(e.code, e.message), code: e.code, ...(typed ? { typed } : {}) };
}

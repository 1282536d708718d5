import { asTidingsError, type TidingsError } from '../model/errors.js';
import { logFailure } from './logger.js';

/** Errors already logged: a failure passed up through several layers is logged where it happened, once. */
const logged = new WeakSet<object>();

/**
 * Logs anything thrown once, with its stable code and the error itself (its stack), and
 * returns it as a TidingsError for the caller's report. The same error met again (by a
 * caller further up) is returned without a second line.
 */
export function logError(err: unknown, message: string, context: Record<string, unknown> = {}): TidingsError {
  const e = asTidingsError(err);
  // A wrapper around an error already logged (re-coded on its way up) is that error.
  const cause = isObject(err) ? (err as { cause?: unknown }).cause : undefined;
  if (logged.has(e) || (isObject(err) && logged.has(err)) || (isObject(cause) && logged.has(cause))) return e;
  logFailure({ ...context, code: e.code, err }, `${message}: ${e.message}`);
  logged.add(e);
  if (isObject(err)) logged.add(err);
  return e;
}

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

import { asTidingsError, type TidingsError } from '../model/errors.js';
import { logFailure } from './logger.js';

/**
 * Logs anything thrown once, with its stable code and the error itself (its stack), and
 * returns it as a TidingsError for the caller's report.
 */
export function logError(err: unknown, message: string, context: Record<string, unknown> = {}): TidingsError {
  const e = asTidingsError(err);
  logFailure({ ...context, code: e.code, err }, `${message}: ${e.message}`);
  return e;
}

import type { Logger } from '../log/logger.js';
import { asTidingsError } from '../model/errors.js';

/**
 * Catches what slips past every other handler in a long-running process (a throw in a
 * callback, a promise nobody awaited), logs it once with its code and stack, and keeps
 * the process running. Returns a function that removes the guard.
 *
 * Why keep serving rather than exit, as Node's documentation advises: what reaches here
 * comes from one request, feed, page or DNS answer, and the durable state is in the
 * database, where every write is a transaction, so there is nothing half-written that a
 * restart would repair. Exiting would hand a kill switch to any publisher or user who
 * finds such a throw, and the scheduler would meet the same feed again after every
 * restart (a crash loop), with no guarantee that a supervisor restarts it at all. The
 * truly fatal conditions (out of memory, a native abort) never reach these handlers, and
 * a failure during start-up happens before the guard is installed, so it still exits.
 */
export function guardAgainstStrayErrors(log: Logger): () => void {
  const onException = (err: unknown, origin: string) => report(log, err, origin);
  const onRejection = (reason: unknown) => report(log, reason, 'unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

function report(log: Logger, err: unknown, origin: string): void {
  try {
    const e = asTidingsError(err);
    log.error({ code: e.code, origin, err }, `contained an error nothing else handled (${origin}): ${e.message}`);
  } catch {
    // Logging itself failed (a closed stream): nothing more can be said, and a throw
    // here would end the process after all.
  }
}

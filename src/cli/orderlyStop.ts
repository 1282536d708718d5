import { logError } from '../log/loggedError.js';
import { TidingsError } from '../model/errors.js';

/** One part of a process to close on SIGTERM/SIGINT, in the order given. */
export interface StopStep {
  name: string;
  run: () => unknown;
  /** How long it may take before it is given up (default 45 s: jobs get 30 s to finish). */
  limitMs?: number;
}

/**
 * Closes a process's parts in order. A part that fails or hangs is logged once with the
 * code `stop_incomplete` and the next part still closes: one stuck part must never leave
 * the process idling after SIGTERM (seen under load: a `serve` that had said "finishing"
 * and then waited forever). True when every part closed in time.
 */
export async function runStopSteps(steps: readonly StopStep[]): Promise<boolean> {
  let clean = true;
  for (const step of steps) {
    const limit = step.limitMs ?? 45_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TidingsError('stop_incomplete', `${step.name} did not close within ${limit} ms`)), limit);
    });
    try {
      await Promise.race([Promise.resolve().then(step.run), late]);
    } catch (err) {
      clean = false;
      logError(new TidingsError('stop_incomplete', `${step.name} failed to close: ${(err as Error).message}`, { cause: err }), 'stopping');
    } finally {
      clearTimeout(timer);
    }
  }
  return clean;
}

/**
 * After the last part closed, a handle left open (a stuck thread or socket) would keep the
 * process alive doing nothing. This timer does not itself hold the process: it fires only
 * when something else does, and ends the process then, with a non-zero status.
 */
export function endIfHeldOpen(ms: number, say: (message: string) => void): void {
  setTimeout(() => {
    say(`still running ${ms} ms after stopping: an open handle holds the process; ending it`);
    process.exit(1);
  }, ms).unref();
}

import { logger } from '../log/logger.js';

/**
 * PostgreSQL's codes for a transaction aborted only because another ran beside it: a
 * deadlock (40P01; two writers taking the same locks in opposite orders: the store's
 * writes, pg-boss creating the same queues from two processes) or a serialization
 * failure (40001). The aborted write left nothing behind, and run again it succeeds.
 * SQLite never raises them. Below the store and the job queue, which both use it.
 */
const CONFLICT_CODES = new Set(['40P01', '40001']);
/** Runs in all; a write that keeps losing is an error after these. */
const ATTEMPTS = 4;
/** The mean wait before the second run, doubled before each next one. */
const BACKOFF_MS = 25;

/**
 * Runs `run` (a whole transaction, or one statement on its own; `write` names it in the
 * log) and runs it again when the database aborted it for a conflict with another
 * transaction, after a short wait jittered so the two writers do not meet again in step. Logged once per write that
 * needed it (code write_conflict_retried). Only for writes on the connection itself: an
 * enclosing transaction is aborted with them and cannot be run again here.
 */
export async function retryingConflicts<T>(write: string, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const sqlstate = conflictCode(err);
      if (!sqlstate || attempt >= ATTEMPTS) throw err;
      if (attempt === 1) logger().warn({ code: 'write_conflict_retried', write, sqlstate }, 'a write aborted by a concurrent one is run again');
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random())));
    }
  }
}

function conflictCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFLICT_CODES.has(code) ? code : null;
}

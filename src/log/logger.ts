import { pino, type Logger } from 'pino';

/**
 * The one structured logger (JSON lines on stderr, pino). It sits below every stage so the
 * fetcher, the pipeline and the server all log the same way. Long-running processes
 * (`serve`, `worker`) log at `info`; one-shot CLI commands report through their own output
 * and stay silent unless TIDINGS_LOG_LEVEL asks for more.
 */
export type { Logger };

let current: Logger = createLogger(process.env.TIDINGS_LOG_LEVEL ?? 'silent');

export function createLogger(level: string, destination: NodeJS.WritableStream | number = 2): Logger {
  const stream = typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}

/** The process-wide logger. */
export function logger(): Logger {
  return current;
}

/** Replaces the process-wide logger (a command choosing its level, a test capturing lines). */
export function setLogger(next: Logger): void {
  current = next;
}

/** Logs a failure once, with its stable code: `{code, msg, ...context}`. */
export function logFailure(context: Record<string, unknown> & { code: string }, message: string): void {
  current.warn(context, message);
}

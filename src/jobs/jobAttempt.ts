import { logFailure } from '../log/logger.js';
import { asTidingsError, TidingsError } from '../model/errors.js';
import type { JobFailure, JobHandler, JobKind, JobPayloads } from './jobQueue.js';

export interface AttemptInfo {
  id: string;
  kind: JobKind;
  singletonKey: string | null;
  feedId: number | null;
  attempt: number;
}

export interface Attempt {
  /** Resolves when the job succeeded; rejects with a TidingsError when it failed or expired. */
  outcome: Promise<void>;
  /** Settles when the handler itself returns, which may be after it expired. */
  settled: Promise<void>;
  abort(reason: TidingsError): void;
}

/**
 * One run of a handler, the same in both engines: it gets a signal that aborts when the
 * attempt expires or the queue is told to stop now, and whatever it throws becomes a
 * TidingsError so its code survives into the failure records.
 */
export function startAttempt<K extends JobKind>(
  handler: JobHandler<K>,
  data: JobPayloads[K],
  info: AttemptInfo,
  expireInMs: number,
): Attempt {
  const controller = new AbortController();
  let expire: (err: TidingsError) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    expire = reject;
  });
  const abort = (reason: TidingsError) => {
    controller.abort(reason);
    expire(reason);
  };
  const timer = setTimeout(() => abort(new TidingsError('timeout', `${info.kind} job ran longer than ${expireInMs} ms`)), expireInMs);
  const run = Promise.resolve()
    .then(() => handler(data, { id: info.id, kind: info.kind, attempt: info.attempt, signal: controller.signal }))
    .finally(() => clearTimeout(timer));
  const outcome = Promise.race([run, expired]).catch((err: unknown) => {
    throw asTidingsError(err);
  });
  return { outcome, settled: run.then(noop, noop), abort };
}

/** Logs a failed attempt once, with its code, and returns the record the stats show. */
export function failureRecord(info: AttemptInfo, err: unknown, final: boolean): JobFailure {
  const error = asTidingsError(err);
  logFailure({ code: error.code, kind: info.kind, jobId: info.id, attempt: info.attempt, final }, `job failed: ${error.message}`);
  return {
    id: info.id,
    kind: info.kind,
    singletonKey: info.singletonKey,
    feedId: info.feedId,
    attempt: info.attempt,
    code: error.code,
    message: error.message,
    at: new Date().toISOString(),
    final,
  };
}

/** pg-boss's jittered exponential back-off, so both engines wait alike. */
export function retryDelayMs(baseSeconds: number, attempt: number): number {
  const step = baseSeconds * 2 ** Math.min(16, attempt - 1);
  return Math.round((step + step * Math.random()) * 1000);
}

/** Waits for `work` at most `ms`; true when the time ran out first. */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  const result = await Promise.race([work.then(() => false), late]);
  clearTimeout(timer);
  return result;
}

/** Sleeps `ms`, or less when the signal aborts (a stopping worker must not wait out a poll). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function noop(): void {}

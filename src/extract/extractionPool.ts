import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { TidingsError, type ErrorCode } from '../model/errors.js';
import { logFailure } from '../log/logger.js';
import type { ExtractedArticle } from './extractArticle.js';
import type { EncodedPage, ExtractionTask } from './extractionWorker.js';
import type { FeedRules } from '../model/feed.js';

/**
 * What a worker module answers: errors cross the thread boundary as data, since a cloned
 * Error would lose its code.
 */
export type WorkerOutcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** How many pages are extracted at once, and the time and heap each one may take. */
export interface ExtractionConfig {
  threads: number;
  timeoutMs: number;
  memoryMb: number;
}

export const DEFAULT_EXTRACTION: ExtractionConfig = { threads: Math.min(2, availableParallelism()), timeoutMs: 10_000, memoryMb: 256 };

/** How far below the main thread the pool's threads run (nice 0 → 10: about a tenth of its CPU weight). */
export const THREAD_NICENESS = 10;

// Compiled next to this file (dist/src/extract/), so it is found from dist/ as from src/.
const WORKER_FILE = new URL('./extractionWorker.js', import.meta.url).href;

/**
 * Extraction off the event loop: each page goes to a worker thread with a time limit and a
 * heap limit. A page over either fails alone with `too_complex`; the worker it ran in is
 * ended and replaced, so the next page starts clean. Threads start on first use and stop
 * when idle or when the pool is closed.
 */
export class ExtractionPool {
  private pool: Piscina<unknown, unknown> | null = null;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly config: ExtractionConfig;

  constructor(config: Partial<ExtractionConfig> = {}) {
    this.config = { ...DEFAULT_EXTRACTION, ...config };
  }

  extract(html: string | EncodedPage, url: string, rules?: FeedRules | null): Promise<ExtractedArticle> {
    return this.runTask<ExtractionTask, ExtractedArticle>(WORKER_FILE, rules ? { html, url, rules } : { html, url });
  }

  /**
   * Another CPU-heavy step over a publisher's document (parsing a large feed), under the
   * same limits (or its own time limit): `filename` is a worker module whose default export
   * answers a WorkerOutcome.
   */
  async runTask<T, R>(filename: string, task: T, timeoutMs = this.config.timeoutMs): Promise<R> {
    // Tasks wait here, not in the pool's queue: the time limit counts from the task's start.
    if (this.running >= this.config.threads) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      const outcome = (await this.run(filename, task, timeoutMs)) as WorkerOutcome<R>;
      if (!outcome.ok) throw new TidingsError(outcome.code, outcome.message);
      return outcome.value;
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Tasks waiting for a free thread. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Lets the pages in flight finish (each within its time limit), then ends the threads. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  private async run(filename: string, task: unknown, timeoutMs: number): Promise<unknown> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      return await this.threads().run(task, { filename, signal: abort.signal });
    } catch (err) {
      throw this.failure(err, abort.signal.aborted ? timeoutMs : null);
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(err: unknown, timedOutAfter: number | null): TidingsError {
    if (timedOutAfter !== null) return new TidingsError('too_complex', `the work took longer than ${timedOutAfter} ms`, { cause: err });
    if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return new TidingsError('too_complex', `the work needed more than ${this.config.memoryMb} MB`, { cause: err });
    }
    return new TidingsError('extract_failed', `worker thread failed: ${(err as Error).message}`, { cause: err });
  }

  private threads(): Piscina<unknown, unknown> {
    if (this.pool) return this.pool;
    const pool = new Piscina<unknown, unknown>({
      filename: WORKER_FILE,
      minThreads: 0,
      maxThreads: this.config.threads,
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: this.config.memoryMb },
      // On Linux each thread has its own nice value: raised, the pool's threads give way to
      // the web server's event loop whenever both want a core, so a burst of pages cannot
      // slow every request. Elsewhere nice() would lower the whole process, so not there.
      niceIncrement: process.platform === 'linux' ? THREAD_NICENESS : 0,
    });
    // A worker lost between pages has no page to fail; without a listener it would end the process.
    pool.on('error', (err: Error) => logFailure({ code: 'internal' }, `extraction worker failed: ${err.message}`));
    this.pool = pool;
    return pool;
  }
}

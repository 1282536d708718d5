/**
 * Every failure Tidings reports carries a stable machine-readable code. The CLI prints
 * `error[code]: message`; the store records the code on the feed or article it concerns.
 */
export type ErrorCode =
  | 'blocked_address'
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'http_error'
  | 'rate_limited'
  | 'network_error'
  | 'dns_error'
  | 'not_a_feed'
  | 'no_feed_found'
  | 'multiple_feeds'
  | 'parse_error'
  | 'extract_failed'
  /** A page or document over a complexity limit (nesting, size, time, memory): it fails alone. */
  | 'too_complex'
  /** Too many attempts (sign-in) from this client or for this account: try again later. */
  | 'throttled'
  /** What was asked needs the PostgreSQL store (separate worker processes). */
  | 'postgres_required'
  /** The story step (clustering, entities, figures) failed; the articles stay queued for the next one. */
  | 'story_failed'
  /** Entities and figures of one article were left empty: its text is over a worker thread's limit. */
  | 'facts_failed'
  /** The facts threads were saturated or failing: articles are grouped without facts for now and asked again later, never on the main thread. */
  | 'facts_deferred'
  /** A stories rebuild's feature thread failed: features are found on the placing thread (the same stories, slower). */
  | 'features_thread_failed'
  /** A running `tidings serve` owns fetching on this database and could not take the work. */
  | 'server_running'
  /** A date (search from/to) that is not a calendar day. */
  | 'invalid_date'
  /** A subscription list that is not well-formed OPML. */
  | 'invalid_opml'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid_input'
  /** A CSS selector of a feed's extraction rules that the page DOM cannot run, or over a cap. */
  | 'invalid_selector'
  /** A part of the process (jobs, server, store) that did not close in time or failed to on SIGTERM. */
  | 'stop_incomplete'
  | 'usage'
  | 'internal';

export class TidingsError extends Error {
  readonly code: ErrorCode;
  readonly status?: number;
  /** Retry-After header of a 429/503 answer, as sent. */
  readonly retryAfter?: string;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; status?: number; retryAfter?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TidingsError';
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}

/** Maps anything thrown to a TidingsError without losing its code when it has one. */
export function asTidingsError(err: unknown): TidingsError {
  if (err instanceof TidingsError) return err;
  const cause = err as { code?: string; message?: string } | undefined;
  const nested = (err as { cause?: unknown } | undefined)?.cause;
  if (nested instanceof TidingsError) return nested;
  const code = cause?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TidingsError('dns_error', cause?.message ?? 'DNS lookup failed', { cause: err });
  if (/TIMEOUT/i.test(code) || code === 'ETIMEDOUT') return new TidingsError('timeout', cause?.message ?? 'timed out', { cause: err });
  if (code.startsWith('E') || code.startsWith('UND_ERR')) return new TidingsError('network_error', cause?.message ?? code, { cause: err });
  return new TidingsError('internal', cause?.message ?? String(err), { cause: err });
}

import type { FetcherConfig } from './fetch/fetcher.js';
import type { ExtractionConfig } from './extract/extractionPool.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RECHECK_SCHEDULE, parseRecheckSchedule, type RecheckStep } from './model/recheckSchedule.js';

/** Settings from the environment (documented in the README); command options override them. */
export interface TidingsConfig {
  dbPath: string;
  databaseUrl: string | undefined;
  /**
   * PostgreSQL connections one process may hold for the store (TIDINGS_DB_POOL_SIZE) and for
   * pg-boss (TIDINGS_JOB_POOL_SIZE). Every serve and worker process holds up to both: keep
   * processes × (both) under the server's max_connections (100 by default).
   */
  databasePoolSize: number;
  timeZone: string;
  fetch: Partial<FetcherConfig>;
  /** Extraction threads and each page's time and heap limits (TIDINGS_EXTRACT_*). */
  extraction: Partial<ExtractionConfig>;
  /** How many article pages one refresh fetches at once (the per-host limit still applies). */
  pageConcurrency: number;
  /** Feeds `tidings refresh` works on at once (TIDINGS_REFRESH_CONCURRENCY). */
  refreshConcurrency: number;
  /** Fetch and extract each new article's page; off, articles keep the feed's own text (TIDINGS_FULL_TEXT). */
  fullText: boolean;
  /** Most items taken from one feed document per refresh. */
  maxItemsPerFeed: number;
  defaultIntervalSeconds: number;
  maxBackoffSeconds: number;
  /** Where hubs can reach this instance (WebSub callbacks); unset disables WebSub. */
  publicUrl: string | null;
  webSubLeaseSeconds: number;
  /** When stored articles are read again for the publisher's edits (TIDINGS_RECHECK_SCHEDULE). */
  recheckSchedule: RecheckStep[];
  /** Serve article images through this server (signed URLs) instead of from publishers. */
  imageProxy: boolean;
  /** Most outlines one OPML import looks at (TIDINGS_OPML_MAX_OUTLINES); the rest are reported, not imported. */
  opmlMaxOutlines: number;
  /** The web server's timeouts and connection cap; unset ones take the defaults. */
  httpLimits: Partial<HttpLimits>;
  /** GET /metrics: off unless TIDINGS_METRICS or a token; with a token, only for `Authorization: Bearer <token>`. */
  metrics: { enabled: boolean; token: string | null };
  /** Background jobs (TIDINGS_WORKER_CONCURRENCY, TIDINGS_JOB_*, TIDINGS_SCHEDULER_*). */
  jobs: JobSettings;
}

/** How processes share the work; unset overrides keep each job kind's own policy. */
export interface JobSettings {
  /** Feed refreshes one process runs at once. */
  concurrency: number;
  /** Overrides every kind's expiry: an attempt running longer counts as dead and is retried. */
  expireSeconds?: number;
  retryDelaySeconds?: number;
  retryLimit?: number;
  /** How often an idle pg-boss worker asks for a job. */
  pollSeconds: number;
  /** pg-boss's own connections (TIDINGS_JOB_POOL_SIZE). */
  poolSize: number;
  /** How often the scheduler looks for due work. */
  tickSeconds: number;
  /** How often a process that does not hold the scheduler lease tries to take it. */
  leaseRetrySeconds: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { db?: string | undefined; databaseUrl?: string | undefined; tz?: string | undefined } = {}): TidingsConfig {
  const int = (name: string, fallback: number) => {
    const v = Number.parseInt(env[name] ?? '', 10);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  const fetch: Partial<FetcherConfig> = {
    allowPrivateNetworks: /^(?:1|true|yes)$/i.test(env.TIDINGS_ALLOW_PRIVATE_NETWORKS ?? ''),
  };
  if (env.TIDINGS_FETCH_TIMEOUT_MS) fetch.totalTimeoutMs = int('TIDINGS_FETCH_TIMEOUT_MS', 60_000);
  if (env.TIDINGS_MAX_BODY_BYTES) fetch.maxBytes = int('TIDINGS_MAX_BODY_BYTES', 15 * 1024 * 1024);
  if (env.TIDINGS_USER_AGENT) fetch.userAgent = env.TIDINGS_USER_AGENT;
  const httpLimits: Partial<HttpLimits> = {};
  if (env.TIDINGS_HTTP_REQUEST_TIMEOUT_MS) httpLimits.requestTimeoutMs = int('TIDINGS_HTTP_REQUEST_TIMEOUT_MS', 30_000);
  if (env.TIDINGS_HTTP_MAX_CONNECTIONS) httpLimits.maxConnections = int('TIDINGS_HTTP_MAX_CONNECTIONS', 1024);
  const extraction: Partial<ExtractionConfig> = {};
  if (env.TIDINGS_EXTRACT_THREADS) extraction.threads = int('TIDINGS_EXTRACT_THREADS', 2);
  if (env.TIDINGS_EXTRACT_TIMEOUT_MS) extraction.timeoutMs = int('TIDINGS_EXTRACT_TIMEOUT_MS', 10_000);
  if (env.TIDINGS_EXTRACT_MEMORY_MB) extraction.memoryMb = int('TIDINGS_EXTRACT_MEMORY_MB', 256);
  return {
    dbPath: overrides.db ?? env.TIDINGS_DB ?? './data/tidings.db',
    databaseUrl: overrides.databaseUrl || env.DATABASE_URL || undefined,
    databasePoolSize: int('TIDINGS_DB_POOL_SIZE', 10),
    timeZone: overrides.tz ?? (env.TZ || 'UTC'),
    fetch,
    extraction,
    pageConcurrency: int('TIDINGS_PAGE_CONCURRENCY', 4),
    refreshConcurrency: int('TIDINGS_REFRESH_CONCURRENCY', 6),
    fullText: !/^(?:0|false|no)$/i.test(env.TIDINGS_FULL_TEXT ?? ''),
    maxItemsPerFeed: int('TIDINGS_MAX_ITEMS_PER_FEED', 200),
    defaultIntervalSeconds: int('TIDINGS_REFRESH_INTERVAL_SECONDS', 30 * 60),
    maxBackoffSeconds: 24 * 3600,
    publicUrl: env.TIDINGS_PUBLIC_URL ? env.TIDINGS_PUBLIC_URL.replace(/\/+$/, '') : null,
    webSubLeaseSeconds: int('TIDINGS_WEBSUB_LEASE_SECONDS', 10 * 86400),
    imageProxy: /^(?:1|true|yes)$/i.test(env.TIDINGS_IMAGE_PROXY ?? ''),
    opmlMaxOutlines: int('TIDINGS_OPML_MAX_OUTLINES', 1000),
    httpLimits,
    metrics: { enabled: !!env.TIDINGS_METRICS_TOKEN || /^(?:1|true|yes)$/i.test(env.TIDINGS_METRICS ?? ''), token: env.TIDINGS_METRICS_TOKEN || null },
    recheckSchedule: env.TIDINGS_RECHECK_SCHEDULE ? parseRecheckSchedule(env.TIDINGS_RECHECK_SCHEDULE) : DEFAULT_RECHECK_SCHEDULE,
    jobs: {
      concurrency: int('TIDINGS_WORKER_CONCURRENCY', 6),
      ...(env.TIDINGS_JOB_EXPIRE_SECONDS ? { expireSeconds: int('TIDINGS_JOB_EXPIRE_SECONDS', 600) } : {}),
      ...(env.TIDINGS_JOB_RETRY_DELAY_SECONDS ? { retryDelaySeconds: int('TIDINGS_JOB_RETRY_DELAY_SECONDS', 30) } : {}),
      ...(env.TIDINGS_JOB_RETRY_LIMIT ? { retryLimit: int('TIDINGS_JOB_RETRY_LIMIT', 3) } : {}),
      pollSeconds: int('TIDINGS_JOB_POLL_SECONDS', 2),
      poolSize: int('TIDINGS_JOB_POOL_SIZE', 10),
      tickSeconds: int('TIDINGS_SCHEDULER_TICK_SECONDS', 15),
      leaseRetrySeconds: int('TIDINGS_SCHEDULER_LEASE_RETRY_SECONDS', 5),
    },
  };
}

/** The web server's timeouts and connection cap (defaults in server/httpLimits.ts). */
export interface HttpLimits {
  /** Whole request, headers and body, from its first byte (TIDINGS_HTTP_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /**
   * A connection with no traffic either way, such as a client that stops reading the
   * answer. Long enough for the slowest handler: subscribing fetches the publisher.
   */
  idleTimeoutMs: number;
  /** An idle keep-alive connection between two requests. */
  keepAliveTimeoutMs: number;
  maxRequestsPerSocket: number;
  /** Open connections at once (TIDINGS_HTTP_MAX_CONNECTIONS); more are refused. */
  maxConnections: number;
}

/** The starter list of world-news feeds that ships with Tidings (from dist/src/config.js or src/config.ts). */
export const STARTER_OPML = path.resolve(path.dirname(fileURLToPath(import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..', 'starter', 'world-news.opml');

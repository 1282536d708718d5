import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { logError } from './loggedError.js';

/**
 * The process's Prometheus instruments, in one registry. It sits below every stage (beside
 * the logger) so the fetcher, the pipeline and the server count into the same place;
 * `GET /metrics` renders it. Job numbers come from whoever runs jobs, at scrape time.
 */
export const metricsRegistry = new Registry();

const registers = [metricsRegistry];
const STAGE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every fetch, by outcome: `ok`, `not_modified`, or the error code it failed with. */
export const fetchesTotal = new Counter({ name: 'tidings_fetches_total', help: 'Fetches of feeds, pages and images by outcome (ok, not_modified or the error code)', labelNames: ['outcome'], registers });

export const parseSeconds = new Histogram({ name: 'tidings_parse_duration_seconds', help: 'Time to parse one feed document', buckets: STAGE_BUCKETS, registers });

export const extractSeconds = new Histogram({ name: 'tidings_extract_duration_seconds', help: 'Time to extract the article of one page', buckets: STAGE_BUCKETS, registers });

export const storeSeconds = new Histogram({
  name: 'tidings_store_write_duration_seconds',
  help: "Time to store one feed refresh or one article's re-check (one transaction)",
  labelNames: ['operation'],
  buckets: STAGE_BUCKETS,
  registers,
});

export const httpSeconds = new Histogram({
  name: 'tidings_http_request_duration_seconds',
  help: 'HTTP requests by route pattern, method and status class',
  labelNames: ['route', 'method', 'status_class'],
  registers,
});

export const oldestOverdueFeedAge = new Gauge({ name: 'tidings_oldest_overdue_feed_age_seconds', help: 'How long the most overdue feed has been waiting for its check (0 when none is due)', registers });

const jobsQueued = new Gauge({ name: 'tidings_jobs_queued', help: 'Jobs waiting to run, by kind', labelNames: ['kind'], registers });
const jobsActive = new Gauge({ name: 'tidings_jobs_active', help: 'Jobs running now, by kind', labelNames: ['kind'], registers });
const jobsFailed = new Gauge({ name: 'tidings_jobs_failed', help: 'Jobs that failed, by kind (as the job engine counts them)', labelNames: ['kind'], registers });

export interface JobStats {
  kind: string;
  queued: number;
  active: number;
  failed: number;
}

export type JobStatsProvider = () => JobStats[] | Promise<JobStats[]>;

let jobStatsProvider: JobStatsProvider | null = null;

/**
 * Whoever runs jobs in this process tells the scrape how many are queued, active and
 * failed. Returns the way to withdraw it (a no-op once another provider took over).
 */
export function setJobStatsProvider(fn: JobStatsProvider): () => void {
  jobStatsProvider = fn;
  return () => {
    if (jobStatsProvider === fn) jobStatsProvider = null;
  };
}

/** Times a synchronous step into a histogram, whether it returns or throws. */
export function measure<T>(histogram: Histogram, fn: () => T): T {
  const end = histogram.startTimer();
  try {
    return fn();
  } finally {
    end();
  }
}

/** Times an asynchronous step into a histogram (with its labels), whether it resolves or rejects. */
export async function measureAsync<T>(histogram: Histogram, labels: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer(labels);
  try {
    return await fn();
  } finally {
    end();
  }
}

let processMetrics = false;

/** CPU, memory, event loop and GC of this process; started only where metrics are served. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The registry as Prometheus text, with the job gauges read now. */
export async function renderMetrics(): Promise<string> {
  await fillJobGauges();
  return metricsRegistry.metrics();
}

export const metricsContentType = metricsRegistry.contentType;

async function fillJobGauges(): Promise<void> {
  for (const g of [jobsQueued, jobsActive, jobsFailed]) g.reset();
  if (!jobStatsProvider) return;
  try {
    for (const s of await jobStatsProvider()) {
      jobsQueued.set({ kind: s.kind }, s.queued);
      jobsActive.set({ kind: s.kind }, s.active);
      jobsFailed.set({ kind: s.kind }, s.failed);
    }
  } catch (err) {
    // The other metrics are still worth serving; the job gauges stay empty this scrape.
    logError(err, 'reading job numbers for /metrics failed');
  }
}

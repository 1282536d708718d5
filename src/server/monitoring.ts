import { createHash, timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import type { TidingsConfig } from '../config.js';
import { TidingsError, asTidingsError } from '../model/errors.js';
import { formatIso } from '../text/dates.js';
import { logError } from '../log/loggedError.js';
import { collectProcessMetrics, httpSeconds, metricsContentType, oldestOverdueFeedAge, renderMetrics } from '../log/metrics.js';

/**
 * What an operator watches: request durations by route, every 5xx logged once with its
 * code, slow requests, `GET /readyz` for load balancers and `GET /metrics` for Prometheus
 * (off unless configured). Request logging stays off otherwise: a reader's every click is
 * not an event.
 */
declare module 'fastify' {
  interface FastifyRequest {
    /** What made this request fail, for the one log line of its 5xx. */
    failure: unknown;
  }
}

const SLOW_REQUEST_MS = 2000;

export function registerMonitoring(app: FastifyInstance, opts: { store: Store; metrics: TidingsConfig['metrics']; now: () => Date }): void {
  app.decorateRequest('failure', null);
  app.addHook('onError', async (req, _reply, err) => {
    req.failure = err;
  });
  app.addHook('onResponse', async (req, reply) => {
    // The pattern, never the raw URL: one series per route, not per article.
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    httpSeconds.observe({ route, method: req.method, status_class: `${Math.floor(status / 100)}xx` }, reply.elapsedTime / 1000);
    const where = { route, method: req.method, status, ms: Math.round(reply.elapsedTime) };
    if (status >= 500) {
      const e = asTidingsError(req.failure ?? new TidingsError('internal', `answered ${status}`));
      req.log.error({ ...where, code: e.code, err: req.failure ?? undefined }, `request failed: ${e.message}`);
    } else if (reply.elapsedTime >= SLOW_REQUEST_MS) {
      req.log.warn(where, 'slow request');
    }
  });

  app.get('/readyz', async (req, reply) => readiness(opts.store, req, reply));

  if (!opts.metrics.enabled) return;
  collectProcessMetrics();
  const expected = opts.metrics.token ? sha256(`Bearer ${opts.metrics.token}`) : null;
  app.get('/metrics', async (req, reply) => {
    // Both sides hashed to one length, so the comparison takes the same time whatever was sent.
    if (expected && !timingSafeEqual(sha256(req.headers.authorization ?? ''), expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain; charset=utf-8').send('metrics need Authorization: Bearer <token>');
    }
    await measureOverdueFeeds(opts.store, opts.now());
    return reply.type(metricsContentType).header('cache-control', 'no-store').send(await renderMetrics());
  });
}

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * How long callbacks have waited for the event loop since the server started: the number
 * that says whether CPU-heavy work (a refresh, a large page) kept readers waiting.
 */
export function watchEventLoop(app: FastifyInstance): () => EventLoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  app.addHook('onClose', async () => histogram.disable());
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return () => ({ p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max) });
}

/** Ready when the database answers and its schema is the one this build expects; 503 names the check that failed. */
async function readiness(store: Store, req: FastifyRequest, reply: FastifyReply) {
  const checks: Record<'database' | 'migrations', string> = { database: 'not checked', migrations: 'not checked' };
  try {
    await store.ping();
    checks.database = 'ok';
    const pending = await store.pendingMigrations();
    checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
    if (pending.length > 0) req.failure = new TidingsError('internal', `not ready: migrations ${pending.join(', ')} not applied`);
  } catch (err) {
    const e = asTidingsError(err);
    checks[checks.database === 'ok' ? 'migrations' : 'database'] = `failed: ${e.code}`;
    req.failure = new TidingsError('internal', `not ready: ${e.message}`, { cause: err });
  }
  const ready = checks.database === 'ok' && checks.migrations === 'ok';
  return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({ ready, checks });
}

async function measureOverdueFeeds(store: Store, now: Date): Promise<void> {
  try {
    const { oldestDueAt } = await store.overdueFeeds(formatIso(now.getTime()));
    oldestOverdueFeedAge.set(oldestDueAt ? Math.max(0, (now.getTime() - Date.parse(oldestDueAt)) / 1000) : 0);
  } catch (err) {
    // Unknown is not zero: NaN tells the dashboard the number is missing.
    logError(err, 'reading overdue feeds for /metrics failed');
    oldestOverdueFeedAge.set(Number.NaN);
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

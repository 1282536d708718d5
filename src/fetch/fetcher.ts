import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { TidingsError, asTidingsError } from '../model/errors.js';
import { logger } from '../log/logger.js';
import { logError } from '../log/loggedError.js';
import { fetchesTotal } from '../log/metrics.js';
import { buildSafeConnector, type AddressPolicy, type Resolver } from './safeConnector.js';
import { HostLimiter } from './hostLimiter.js';
import { decodeBody } from '../text/charset.js';

export interface FetcherConfig {
  allowPrivateNetworks: boolean;
  userAgent: string;
  connectTimeoutMs: number;
  /** Time allowed until the response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence allowed between two body chunks. */
  bodyIdleTimeoutMs: number;
  /**
   * Whole request, redirects and body included: stops a publisher that trickles bytes.
   * Time spent waiting for a per-host slot is not counted (it is reported as queueWaitMs).
   */
  totalTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  perHostConcurrency: number;
  /** Least time between the starts of two requests to one host. */
  perHostSpacingMs: number;
  /** Which addresses are refused and why; the default refuses every non-global address. Tests narrow it. */
  addressPolicy?: AddressPolicy;
  /** Resolves host names when private networks are refused; dns.lookup unless a test stubs it. */
  resolve?: Resolver;
}

export const defaultFetcherConfig: FetcherConfig = {
  allowPrivateNetworks: false,
  userAgent: 'Tidings/0.1 (self-hosted news reader; +https://github.com/tidings-reader/tidings)',
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  bodyIdleTimeoutMs: 20_000,
  totalTimeoutMs: 60_000,
  maxBytes: 15 * 1024 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 2,
  perHostSpacingMs: 250,
};

export interface FetchRequest {
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  signal?: AbortSignal;
  /** A guess that may well fail (discovery trying common feed paths): its failure is logged at debug only. */
  probe?: boolean;
}

export interface FetchResult {
  /** Address after redirects. */
  url: string;
  status: number;
  notModified: boolean;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  headers: Record<string, string>;
  bytes: Buffer;
  /** Time spent waiting for per-host slots (all hops), outside the time limit. */
  queueWaitMs: number;
}

type HopResult = Omit<FetchResult, 'queueWaitMs'> | { redirect: string };

/** The whole-request time limit, spent only while a hop runs, and the queue waits beside it. */
interface TimeBudget {
  spentMs: number;
  queueWaitMs: number;
}

export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';
export const PAGE_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';

/** The one way Tidings talks to the outside: every fetch of a feed or page goes through here. */
export class Fetcher {
  readonly config: FetcherConfig;
  private readonly agent: Agent;
  private readonly limiter: HostLimiter;

  constructor(config: Partial<FetcherConfig> = {}) {
    this.config = { ...defaultFetcherConfig, ...config };
    this.agent = new Agent({
      connect: buildSafeConnector({
        connectTimeoutMs: this.config.connectTimeoutMs,
        allowPrivate: this.config.allowPrivateNetworks,
        ...(this.config.addressPolicy ? { policy: this.config.addressPolicy } : {}),
        ...(this.config.resolve ? { resolve: this.config.resolve } : {}),
      }),
      headersTimeout: this.config.headersTimeoutMs,
      bodyTimeout: this.config.bodyIdleTimeoutMs,
      connections: 64,
    });
    this.limiter = new HostLimiter(this.config.perHostConcurrency, this.config.perHostSpacingMs);
  }

  async fetch(url: string, req: FetchRequest = {}): Promise<FetchResult> {
    const budget: TimeBudget = { spentMs: 0, queueWaitMs: 0 };
    try {
      let current = checkUrl(url);
      for (let hop = 0; ; hop++) {
        const target = current;
        const result = await this.timedHop(target, budget, req.signal, (signal) => this.fetchOnce(target, req, signal, hop === 0));
        if ('redirect' in result) {
          if (hop >= this.config.maxRedirects) {
            throw new TidingsError('too_many_redirects', `more than ${this.config.maxRedirects} redirects from ${url}`);
          }
          current = checkUrl(result.redirect, current);
          continue;
        }
        fetchesTotal.inc({ outcome: result.notModified ? 'not_modified' : 'ok' });
        return { ...result, queueWaitMs: budget.queueWaitMs };
      }
    } catch (err) {
      const e = asTidingsError(err);
      if (req.probe) logger().debug({ url, code: e.code }, `probe failed: ${e.message}`);
      else logError(e, 'fetch failed', { url });
      fetchesTotal.inc({ outcome: e.code });
      throw e;
    }
  }

  /**
   * One hop under the per-host limit. The time limit runs only while the hop runs: a wait
   * behind other requests to a busy host is not this publisher's slowness, and counting it
   * turned redirect loops and queued pages into false timeouts.
   */
  private timedHop<T>(url: URL, budget: TimeBudget, outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.limiter.run(url.host, async (waitedMs) => {
      budget.queueWaitMs += waitedMs;
      if (waitedMs > 0) logger().debug({ host: url.host, queueWaitMs: waitedMs }, 'waited for a per-host slot');
      const remaining = this.config.totalTimeoutMs - budget.spentMs;
      if (remaining <= 0) throw this.timeoutError(url, budget);
      const deadline = AbortSignal.timeout(remaining);
      const started = Date.now();
      try {
        return await work(outer ? AbortSignal.any([outer, deadline]) : deadline);
      } catch (err) {
        const own = err instanceof TidingsError && err.code !== 'network_error' && err.code !== 'timeout';
        throw deadline.aborted && !own ? this.timeoutError(url, budget) : err;
      } finally {
        budget.spentMs += Date.now() - started;
      }
    });
  }

  private timeoutError(url: URL, budget: TimeBudget): TidingsError {
    const waited = budget.queueWaitMs > 0 ? ` (not counting ${budget.queueWaitMs} ms waiting for a free slot)` : '';
    return new TidingsError('timeout', `gave up on ${url.href} after ${this.config.totalTimeoutMs} ms${waited}`);
  }

  private async fetchOnce(
    url: URL,
    req: FetchRequest,
    signal: AbortSignal,
    conditional: boolean,
  ): Promise<HopResult> {
    const headers: Record<string, string> = {
      'user-agent': this.config.userAgent,
      accept: req.accept ?? '*/*',
      'accept-encoding': 'gzip, deflate, br',
    };
    if (conditional && req.etag) headers['if-none-match'] = req.etag;
    if (conditional && req.lastModified) headers['if-modified-since'] = req.lastModified;
    let res;
    try {
      res = await request(url, { dispatcher: this.agent, method: 'GET', headers, signal });
    } catch (err) {
      throw mapUndiciError(err, url);
    }
    const h = flattenHeaders(res.headers);
    const status = res.statusCode;
    if (status >= 300 && status < 400 && status !== 304) {
      await discard(res.body);
      const location = h['location'];
      if (!location) throw new TidingsError('http_error', `HTTP ${status} without Location from ${url}`, { status });
      return { redirect: location };
    }
    if (status === 304) {
      await discard(res.body);
      return { url: url.href, status, notModified: true, contentType: h['content-type'] ?? null, etag: h['etag'] ?? req.etag ?? null, lastModified: h['last-modified'] ?? req.lastModified ?? null, headers: h, bytes: Buffer.alloc(0) };
    }
    if (status === 429 || status === 503) {
      await discard(res.body);
      const retry = h['retry-after'];
      throw new TidingsError('rate_limited', `HTTP ${status} from ${url.host}${retry ? `; retry after ${retry}` : ''}`, { status, ...(retry ? { retryAfter: retry } : {}) });
    }
    if (status < 200 || status >= 300) {
      await discard(res.body);
      throw new TidingsError('http_error', `HTTP ${status} from ${url.href}`, { status });
    }
    const bytes = await this.readBody(res.body, h['content-encoding'], h['content-length'], url);
    return {
      url: url.href,
      status,
      notModified: false,
      contentType: h['content-type'] ?? null,
      etag: h['etag'] ?? null,
      lastModified: h['last-modified'] ?? null,
      headers: h,
      bytes,
    };
  }

  private async readBody(body: Readable, encoding: string | undefined, length: string | undefined, url: URL): Promise<Buffer> {
    const max = this.config.maxBytes;
    const tooLarge = () => new TidingsError('too_large', `body of ${url.href} exceeds ${max} bytes`);
    if (length && Number(length) > max) {
      await discard(body);
      throw tooLarge();
    }
    const decoder = decompressorFor(encoding);
    const stream: Readable = decoder ? body.pipe(decoder) : body;
    if (decoder) body.on('error', (e) => decoder.destroy(e));
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of stream) {
        total += (chunk as Buffer).length;
        if (total > max) throw tooLarge();
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      // Already failing with `err` (thrown below); the body's own late errors add nothing.
      body.on('error', () => {});
      body.destroy();
      decoder?.destroy();
      if (err instanceof TidingsError) throw err;
      throw mapUndiciError(err, url);
    }
    return Buffer.concat(chunks, total);
  }

  /**
   * A form POST (WebSub subscription requests to hubs), under the same address guard,
   * time limits and per-host politeness as every fetch; no redirects are followed.
   */
  async postForm(url: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
    const target = checkUrl(url);
    return this.timedHop(target, { spentMs: 0, queueWaitMs: 0 }, undefined, async (signal) => {
      let res;
      try {
        res = await request(target, {
          dispatcher: this.agent,
          method: 'POST',
          headers: { 'user-agent': this.config.userAgent, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
          signal,
        });
      } catch (err) {
        throw mapUndiciError(err, target);
      }
      const bytes = await this.readBody(res.body, undefined, undefined, target);
      return { status: res.statusCode, body: bytes.toString('utf8').slice(0, 2000) };
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Lets go of a body we will not read without leaving an unhandled 'error' behind. */
async function discard(body: Readable & { dump?: (opts?: { limit: number }) => Promise<void> }): Promise<void> {
  // Best-effort cleanup: the response's status is the outcome; a body we drop may fail as it likes.
  body.on('error', () => {});
  if (body.dump) await body.dump({ limit: 64 * 1024 }).catch(() => {});
  else body.destroy();
}

function decompressorFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === 'gzip' || e === 'x-gzip') return zlib.createGunzip();
  if (e === 'deflate') return zlib.createInflate();
  if (e === 'br') return zlib.createBrotliDecompress();
  return null;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function checkUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    throw new TidingsError('invalid_url', `not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TidingsError('unsupported_scheme', `only http and https are fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    // Credentials in a URL would be sent to whichever host a redirect names.
    url.username = '';
    url.password = '';
  }
  url.hash = '';
  return url;
}

function mapUndiciError(err: unknown, url: URL): TidingsError {
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown };
  if (err instanceof TidingsError) return err;
  if (e.cause instanceof TidingsError) return e.cause;
  switch (e.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TidingsError('timeout', `connecting to ${url.host} timed out`, { cause: err });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TidingsError('timeout', `${url.host} sent no response headers in time`, { cause: err });
    case 'UND_ERR_BODY_TIMEOUT':
      return new TidingsError('timeout', `${url.host} stalled while sending the body`, { cause: err });
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
    case 'ERR__ERROR_FORMAT_PADDING_1':
      return new TidingsError('network_error', `corrupt compressed body from ${url.host}`, { cause: err });
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return new TidingsError('timeout', `request to ${url.host} aborted: ${e.message}`, { cause: err });
  return asTidingsError(err);
}

/** Decodes a fetched body to text using header, BOM and in-document charset declarations. */
export function bodyText(result: Pick<FetchResult, 'bytes' | 'contentType'>): string {
  return decodeBody(result.bytes, result.contentType).text;
}

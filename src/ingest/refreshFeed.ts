import type { Article, FeedWithSource } from '../model/article.js';
import type { ParsedFeed, ParsedItem } from '../model/feed.js';
import { FEED_ACCEPT } from '../fetch/fetcher.js';
import type { ExtractedArticle } from '../extract/extractArticle.js';
import { formatIso } from '../text/dates.js';
import type { ArticleWrite, RefreshWrite } from '../store/store.js';
import type { Pipeline } from './pipeline.js';
import { logError } from '../log/loggedError.js';
import { TidingsError } from '../model/errors.js';
import { measureAsync, parseSeconds, storeSeconds } from '../log/metrics.js';
import { readArticlePage } from './articlePage.js';
import { storyPlacerOf } from './storyPlacer.js';
import { parseFeedDocument } from './feedDocument.js';
import { turnTaker } from './eventLoopTurns.js';
import { buildArticleWrite, feedItemHash, itemUrl } from './articleBuilder.js';
import { canonicalizeUrl, urlKey } from './articleIdentity.js';
import { deriveSourceAndSection } from './sourceNaming.js';
import { PUSH_POLL_FLOOR_SECONDS, ensureWebSub, pushIsFresh } from './webSub.js';
import { significantChange } from './revisionPolicy.js';
import { baseInterval, cacheHints, intervalAfterSuccess, nextCheckAfterFailure, nextCheckAfterSuccess, observedInterval, parseRetryAfter, type PublisherHints } from './pollingPolicy.js';

export interface RefreshReport {
  feedId: number;
  status: 'ok' | 'not_modified' | 'error';
  errorCode?: string;
  error?: string;
  created: number;
  updated: number;
  linked: number;
  unchanged: number;
  /** Items skipped because their article was deleted before. */
  tombstoned: number;
  pagesFailed: number;
  /** Articles stored with their feed's text because their page could not be read now. */
  failedPageIds: number[];
}

/**
 * One feed, once: fetch (conditionally) → parse → tell new from known → fetch and extract
 * the pages that need it → write everything in one transaction. A failure is recorded on
 * the feed and returned, never thrown, so one broken feed cannot stop the others.
 */
export async function refreshFeed(p: Pipeline, feed: FeedWithSource, onProgress?: (done: number, total: number) => void): Promise<RefreshReport> {
  const report = emptyReport(feed.id);
  try {
    const res = await p.fetcher.fetch(feed.url, { etag: feed.etag, lastModified: feed.lastModified, accept: FEED_ACCEPT });
    const fetchedAt = formatIso(p.now().getTime());
    if (res.notModified) {
      const pushing = pushIsFresh(await p.store.getWebSub(feed.id), p.now());
      const wait = intervalAfterSuccess(null, feed.intervalSeconds, { ...cacheHints(res.headers, p.now()), pushFloorSeconds: pushing ? PUSH_POLL_FLOOR_SECONDS : null });
      await storeRefresh(p, {
        feedId: feed.id,
        fetchedAt,
        status: 'not_modified',
        etag: res.etag,
        lastModified: res.lastModified,
        nextCheckAt: formatIso(nextCheckAfterSuccess(p.now(), wait).getTime()),
        articles: [],
        links: [],
      });
      report.status = 'not_modified';
      return report;
    }
    const parsed = await measureAsync(parseSeconds, {}, () => parseFeedDocument(p, res.bytes, { url: res.url, contentType: res.contentType }));
    const write = await planRefresh(p, feed, parsed, fetchedAt, report, onProgress, cacheHints(res.headers, p.now()));
    write.etag = res.etag;
    write.lastModified = res.lastModified;
    await saveAndReport(p, write, report);
    // A hub the feed names: ask it to push. Never a reason for the refresh to fail.
    await ensureWebSub(p, feed, parsed).catch((err) => logError(err, "asking the feed's WebSub hub to push failed", { feed: feed.id }));
    return report;
  } catch (err) {
    return failedRefresh(p, feed, err, report);
  }
}

/**
 * Records a failed refresh on the feed (with its back-off, so it is not retried at once)
 * and reports it. Never throws: the error reported is the refresh's own.
 */
export async function failedRefresh(p: Pipeline, feed: FeedWithSource, err: unknown, report = emptyReport(feed.id)): Promise<RefreshReport> {
  const e = logError(blame(err), 'refresh failed', { feed: feed.id, url: feed.url });
  try {
    const now = p.now();
    const retryAfter = parseRetryAfter(e.retryAfter, now);
    await p.store.recordFeedFailure(feed.id, {
      at: formatIso(now.getTime()),
      code: e.code,
      message: e.message,
      nextCheckAt: formatIso(nextCheckAfterFailure(now, feed.errorCount + 1, feed.intervalSeconds, p.config.maxBackoffSeconds, retryAfter).getTime()),
    });
  } catch (storeErr) {
    logError(storeErr, 'could not record a failed refresh', { feed: feed.id });
  }
  return { ...report, status: 'error', errorCode: e.code, error: e.message };
}

/**
 * What a publisher can cause reaches here as a TidingsError (the fetcher, the parser and
 * the extractor raise nothing else). Anything else is ours, a lost database connection
 * (ECONNRESET from pg's socket) or a bug: 'internal', so the job is retried, and never a
 * network_error recorded against the feed as if its publisher had failed.
 */
function blame(err: unknown): unknown {
  if (err instanceof TidingsError || (err as { cause?: unknown } | null)?.cause instanceof TidingsError) return err;
  return new TidingsError('internal', (err as Error | null)?.message ?? String(err), { cause: err });
}

function storeRefresh(p: Pipeline, write: RefreshWrite) {
  return measureAsync(storeSeconds, { operation: 'refresh' }, () => p.store.saveRefresh({ ...write, writtenAt: formatIso(p.now().getTime()) }));
}

function emptyReport(feedId: number): RefreshReport {
  return { feedId, status: 'ok', created: 0, updated: 0, linked: 0, unchanged: 0, tombstoned: 0, pagesFailed: 0, failedPageIds: [] };
}

async function saveAndReport(p: Pipeline, write: RefreshWrite, report: RefreshReport): Promise<void> {
  const outcome = await storeRefresh(p, write);
  Object.assign(report, {
    created: outcome.created,
    updated: outcome.updated,
    linked: outcome.linked,
    unchanged: report.unchanged + outcome.unchanged,
    tombstoned: report.tombstoned + outcome.tombstoned,
    failedPageIds: outcome.failedPageIds,
  });
  // Stories of what was stored: a follow-up that never throws (its failures wait in the store).
  if (outcome.created || outcome.updated) await storyPlacerOf(p).placePending();
}

/**
 * A feed document a WebSub hub pushed: the same processing as a polled one, but the
 * feed's HTTP validators are left alone (the push is not a response to our GET).
 */
export async function ingestPushedFeed(p: Pipeline, feed: FeedWithSource, body: Uint8Array, contentType: string | null): Promise<RefreshReport> {
  const report = emptyReport(feed.id);
  try {
    const parsed = await measureAsync(parseSeconds, {}, () => parseFeedDocument(p, body, { url: feed.url, contentType }));
    const write = await planRefresh(p, feed, parsed, formatIso(p.now().getTime()), report);
    write.etag = feed.etag;
    write.lastModified = feed.lastModified;
    await saveAndReport(p, write, report);
    return report;
  } catch (err) {
    const e = logError(err, 'a pushed feed document could not be stored', { feed: feed.id });
    return { ...report, status: 'error', errorCode: e.code, error: e.message };
  }
}

async function planRefresh(
  p: Pipeline,
  feed: FeedWithSource,
  parsed: ParsedFeed,
  fetchedAt: string,
  report: RefreshReport,
  onProgress?: (done: number, total: number) => void,
  cache: PublisherHints = {},
): Promise<RefreshWrite> {
  const pushing = pushIsFresh(await p.store.getWebSub(feed.id), p.now());
  const observed = observedInterval(parsed.items.map((i) => i.published ?? i.updated), p.now());
  const intervalSeconds = baseInterval(observed, feed.intervalSeconds);
  const wait = intervalAfterSuccess(observed, feed.intervalSeconds, {
    ...cache,
    ttlMinutes: parsed.ttl,
    syndicationSeconds: parsed.syndication,
    pushFloorSeconds: pushing ? PUSH_POLL_FLOOR_SECONDS : null,
  });
  const write: RefreshWrite = {
    feedId: feed.id,
    fetchedAt,
    status: 'ok',
    etag: null,
    lastModified: null,
    nextCheckAt: formatIso(nextCheckAfterSuccess(p.now(), wait).getTime()),
    intervalSeconds,
    feedTitle: parsed.title,
    siteUrl: parsed.link ?? feed.siteUrl,
    articles: [],
    links: [],
  };
  const items = parsed.items.slice(0, p.config.maxItemsPerFeed);
  const work: Array<{ item: ParsedItem; url: string; reason: ArticleWrite['reason']; known?: Article }> = [];
  const seen = new Set<string>();
  const turn = turnTaker();
  for (const item of items) {
    await turn();
    const url = itemUrl(item);
    if (!url) continue;
    const canonical = canonicalizeUrl(url);
    const linkKey = urlKey(url);
    if (seen.has(linkKey)) continue;
    seen.add(linkKey);
    const keys = { guid: item.id, canonicalUrl: canonical, linkKey, contentHash: '' };
    const known = await p.store.findKnownArticle(feed.id, feed.sourceId, keys);
    if (!known) {
      if (await p.store.isTombstoned(feed.id, keys)) report.tombstoned++;
      else work.push({ item, url, reason: 'first' });
      continue;
    }
    write.links.push({ articleId: known.id, guid: item.id, linkKey });
    if (feedSaysChanged(item, known)) work.push({ item, url, reason: 'feed_update', known });
    else report.unchanged++;
  }

  let done = 0;
  onProgress?.(0, work.length);
  let siteName: string | null = null;
  const rules = p.config.fullText && work.length > 0 ? await p.store.getFeedRules(feed.id) : null;
  const results = await mapLimit(work, p.config.pageConcurrency, async (w) => {
    let extracted: ExtractedArticle | null = null;
    let extractError: string | null = p.config.fullText ? null : FULL_TEXT_OFF;
    let readLater = false;
    if (p.config.fullText) {
      try {
        extracted = await readArticlePage(p, w.url, rules);
        siteName ??= extracted.siteName;
      } catch (err) {
        // Stored on the article, and logged once; a fetch-page job reads it again if that may help.
        const e = logError(err, 'reading an article page failed', { feed: feed.id, url: w.url });
        extractError = `${e.code}: ${e.message}`;
        readLater = PASSING_FAILURES.has(e.code);
        report.pagesFailed++;
      }
    }
    done++;
    onProgress?.(done, work.length);
    const write = buildArticleWrite({ item: w.item, url: w.url, extracted, extractError, seenAt: formatIso(p.now().getTime()), reason: w.reason, recheckSchedule: p.config.recheckSchedule });
    if (readLater) write.extractStatus = 'failed';
    if (w.known) write.significant = significantChange(w.known, write);
    return write;
  });
  write.articles = results;

  if (!feed.sourceOverride || !feed.sectionOverride) {
    const naming = deriveSourceAndSection(parsed.title, siteName, parsed.link ?? feed.siteUrl ?? feed.url);
    if (!feed.sectionOverride && (naming.from === 'site' || feed.section === null)) write.section = naming.section;
    if (!feed.sourceOverride && naming.from === 'site') write.sourceName = { name: naming.source, from: 'site' };
  }
  return write;
}

/**
 * Page failures that may pass (a page not yet published, a server or network down, our own
 * trouble): the article is stored as 'failed' and a fetch-page job reads the page again.
 * A page over a limit or at a refused address would fail the same way every time.
 */
const PASSING_FAILURES = new Set<string>(['timeout', 'http_error', 'rate_limited', 'network_error', 'dns_error', 'internal']);

const FULL_TEXT_OFF = "full text is off (TIDINGS_FULL_TEXT=false): the feed's own text is kept";

/** The feed tells us an item changed: a newer modification date, or different title/content. */
function feedSaysChanged(item: ParsedItem, known: Pick<Article, 'publisherUpdatedAt' | 'publishedAt' | 'feedHash'>): boolean {
  if (known.feedHash && known.feedHash !== feedItemHash(item)) return true;
  if (item.updated) {
    const last = known.publisherUpdatedAt ?? known.publishedAt;
    if (Date.parse(item.updated) > Date.parse(last)) return true;
  }
  return false;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}


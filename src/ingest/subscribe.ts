import type { FeedWithSource } from '../model/article.js';
import type { ParsedFeed } from '../model/feed.js';
import { TidingsError } from '../model/errors.js';
import { FEED_ACCEPT, PAGE_ACCEPT, bodyText, checkUrl } from '../fetch/fetcher.js';
import { parseFeedDocument } from './feedDocument.js';
import { COMMON_FEED_PATHS, discoverFeeds, type DiscoveredFeed } from '../feed/discover.js';
import { decodeHTML } from 'entities';
import { formatIso } from '../text/dates.js';
import type { Pipeline } from './pipeline.js';
import { deriveSourceAndSection } from './sourceNaming.js';

export interface SubscribeOptions {
  /**
   * The readers who subscribe (only they follow the feed). None: the instance itself, before
   * any account exists; the first administrator takes those feeds over.
   */
  readers?: number[];
  /** The readers' folder for the feed. */
  folder?: string | null;
  /** A person's names for the feed: the readers' own (their subscription's title), never other readers'. */
  source?: string | null;
  section?: string | null;
  /** Title from an OPML outline, used when the feed cannot be fetched now. */
  fallbackTitle?: string | null;
  /** Subscribe even when the feed cannot be fetched now (OPML import); the scheduler retries. */
  allowUnreachable?: boolean;
  /** When a site names several feeds: which one (1-based), or 'first'. Unset: ask (multiple_feeds). */
  pick?: number | 'first';
  /** Stops the fetches when the one who asked goes away. */
  signal?: AbortSignal;
}

/** A feed found on a site, verified by fetching and parsing it. */
export interface FeedChoice {
  url: string;
  title: string | null;
  format: string;
  items: number;
}

export interface SubscribeResult {
  feed: FeedWithSource;
  created: boolean;
  /** Other feeds the site named, when a site URL was given. */
  alternatives: FeedChoice[];
  /** Why the feed could not be read now (only with allowUnreachable). */
  pendingError?: TidingsError;
}

/**
 * Subscribes to a feed URL, or to the feed that a site's page names. Fetches once to learn
 * the feed's title and the publisher's name; articles are stored by the next refresh.
 */
export async function subscribe(p: Pipeline, rawUrl: string, opts: SubscribeOptions = {}): Promise<SubscribeResult> {
  const readers = opts.readers ?? [];
  // Names a person gave go to the shared feed and publisher only while no reader exists.
  const r = await findOrAddFeed(p, rawUrl, readers.length ? { ...opts, source: null, section: null, fallbackTitle: null } : opts);
  const title = readerTitle(opts, r);
  const now = formatIso(p.now().getTime());
  for (const id of readers) await p.store.subscribeUser(id, r.feed.id, opts.folder ?? null, now, title);
  return r;
}

/** The readers' own name for the feed, from what they gave: --source/--section, or an OPML title for a feed not reachable now. */
function readerTitle(opts: SubscribeOptions, r: SubscribeResult): string | null {
  if (opts.source || opts.section) {
    const section = opts.section ?? r.feed.section;
    return `${opts.source ?? r.feed.sourceName}${section ? ` (${section})` : ''}`;
  }
  return r.pendingError ? opts.fallbackTitle ?? null : null;
}

async function findOrAddFeed(p: Pipeline, rawUrl: string, opts: SubscribeOptions): Promise<SubscribeResult> {
  const url = checkUrl(rawUrl).href;
  const existing = await p.store.getFeedByUrl(url);
  if (existing) return { feed: existing, created: false, alternatives: [] };
  let feedUrl = url;
  let parsed: ParsedFeed | null = null;
  let siteName: string | null = null;
  let alternatives: FeedChoice[] = [];
  let pendingError: TidingsError | undefined;
  try {
    const res = await p.fetcher.fetch(url, { accept: FEED_ACCEPT, ...signalOf(opts) });
    const text = bodyText(res);
    feedUrl = res.url;
    try {
      parsed = await parseFeedDocument(p, text, { url: res.url });
    } catch (err) {
      if (!(err instanceof TidingsError) || err.code !== 'not_a_feed') throw err;
      const choices = await findFeedsOnPage(p, text, res.url, opts);
      if (choices.length === 0) throw new TidingsError('no_feed_found', `${url} is neither a feed nor a page that names one`);
      let index = 0;
      if (choices.length > 1) {
        if (opts.pick === undefined) throw new MultipleFeedsError(url, choices);
        index = opts.pick === 'first' ? 0 : opts.pick - 1;
        if (index < 0 || index >= choices.length) throw new TidingsError('usage', `--pick takes a number from 1 to ${choices.length}`);
      }
      const chosen = choices[index]!;
      feedUrl = chosen.url;
      parsed = chosen.parsed;
      alternatives = choices.filter((c) => c !== chosen).map(({ parsed: _p, ...c }) => c);
      siteName = pageSiteName(text);
    }
  } catch (err) {
    // An address the policy refuses is never kept: it would be polled, and refused, forever.
    if (!opts.allowUnreachable || !(err instanceof TidingsError) || err.code === 'blocked_address') throw err;
    pendingError = err;
  }
  const known = await p.store.getFeedByUrl(feedUrl);
  if (known) return { feed: known, created: false, alternatives };
  if (parsed && !siteName && parsed.link) siteName = await fetchSiteName(p, parsed.link, opts);
  const naming = deriveSourceAndSection(parsed?.title ?? opts.fallbackTitle ?? null, siteName, parsed?.link ?? feedUrl);
  const { feed, created } = await p.store.addFeed({
    url: feedUrl,
    siteUrl: parsed?.link ?? null,
    title: parsed?.title ?? opts.fallbackTitle ?? null,
    section: opts.section ?? naming.section,
    sourceName: opts.source ?? naming.source,
    sourceNameFrom: opts.source ? 'user' : naming.from,
    sourceHomepage: parsed?.link ?? originOf(feedUrl),
    sourceOverride: opts.source ?? null,
    sectionOverride: opts.section ?? null,
    intervalSeconds: p.config.defaultIntervalSeconds,
    now: formatIso(p.now().getTime()),
  });
  return { feed, created, alternatives, ...(pendingError ? { pendingError } : {}) };
}

/** The site names several feeds: the caller must choose (CLI: --pick N). */
export class MultipleFeedsError extends TidingsError {
  constructor(url: string, readonly choices: FeedChoice[]) {
    super('multiple_feeds', `${url} names ${choices.length} feeds; choose one with --pick N or subscribe to its URL`);
  }
}

/**
 * Every feed a page names (<link rel="alternate">, then feed links in the body), or the
 * common feed paths when it names none; each one fetched and parsed, so only real feeds
 * are offered.
 */
async function findFeedsOnPage(p: Pipeline, html: string, pageUrl: string, opts: SubscribeOptions): Promise<Array<FeedChoice & { parsed: ParsedFeed }>> {
  let candidates: DiscoveredFeed[] = discoverFeeds(html, pageUrl).slice(0, 12);
  // Common paths are guesses, often aliases of one feed: the first that works is the answer.
  const guessing = candidates.length === 0;
  if (guessing) candidates = COMMON_FEED_PATHS.map((path) => ({ url: new URL(path, pageUrl).href, title: null, type: null }));
  const found: Array<FeedChoice & { parsed: ParsedFeed }> = [];
  for (const c of candidates) {
    try {
      const res = await p.fetcher.fetch(c.url, { accept: FEED_ACCEPT, probe: guessing, ...signalOf(opts) });
      if (found.some((f) => f.url === res.url)) continue;
      const parsed = await parseFeedDocument(p, bodyText(res), { url: res.url });
      found.push({ url: res.url, title: c.title ?? parsed.title, format: parsed.format, items: parsed.items.length, parsed });
      if (guessing) break;
    } catch {
      /* not a feed after all: not offered */
    }
  }
  return found;
}

async function fetchSiteName(p: Pipeline, siteUrl: string, opts: SubscribeOptions): Promise<string | null> {
  try {
    const res = await p.fetcher.fetch(siteUrl, { accept: PAGE_ACCEPT, probe: true, ...signalOf(opts) });
    return pageSiteName(bodyText(res));
  } catch {
    return null; // the homepage is a nicety; the feed title still names the source
  }
}

function pageSiteName(html: string): string | null {
  const m = /<meta\b[^>]*\bproperty\s*=\s*["']og:site_name["'][^>]*>/i.exec(html) ?? /<meta\b[^>]*\bname\s*=\s*["']application-name["'][^>]*>/i.exec(html);
  const content = m ? /\bcontent\s*=\s*["']([^"']*)["']/i.exec(m[0])?.[1] : undefined;
  return content ? decodeHTML(content).trim() || null : null;
}

function signalOf(opts: SubscribeOptions): { signal?: AbortSignal } {
  return opts.signal ? { signal: opts.signal } : {};
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin + '/';
  } catch {
    // An address that does not parse has no homepage to name.
    return null;
  }
}

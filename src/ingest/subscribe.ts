import type { FeedWithSource } from '../model/article.js';
import type { ParsedFeed } from '../model/feed.js';
import { TidingsError } from '../model/errors.js';
import { FEED_ACCEPT, PAGE_ACCEPT, bodyText, checkUrl } from '../fetch/fetcher.js';
import { parseFeed } from '../feed/parseFeed.js';
import { COMMON_FEED_PATHS, discoverFeeds, type DiscoveredFeed } from '../feed/discover.js';
import { decodeHTML } from 'entities';
import { formatIso } from '../feed/dates.js';
import type { Pipeline } from './pipeline.js';
import { deriveSourceAndSection } from './sourceNaming.js';

export interface SubscribeOptions {
  source?: string | null;
  section?: string | null;
  /** Title from an OPML outline, used when the feed cannot be fetched now. */
  fallbackTitle?: string | null;
  /** Subscribe even when the feed cannot be fetched now (OPML import); the scheduler retries. */
  allowUnreachable?: boolean;
}

export interface SubscribeResult {
  feed: FeedWithSource;
  created: boolean;
  /** Other feeds the site named, when a site URL was given. */
  alternatives: DiscoveredFeed[];
  /** Why the feed could not be read now (only with allowUnreachable). */
  pendingError?: TidingsError;
}

/**
 * Subscribes to a feed URL, or to the feed that a site's page names. Fetches once to learn
 * the feed's title and the publisher's name; articles are stored by the next refresh.
 */
export async function subscribe(p: Pipeline, rawUrl: string, opts: SubscribeOptions = {}): Promise<SubscribeResult> {
  const url = checkUrl(rawUrl).href;
  const existing = await p.store.getFeedByUrl(url);
  if (existing) return { feed: existing, created: false, alternatives: [] };
  let feedUrl = url;
  let parsed: ParsedFeed | null = null;
  let siteName: string | null = null;
  let alternatives: DiscoveredFeed[] = [];
  let pendingError: TidingsError | undefined;
  try {
    const res = await p.fetcher.fetch(url, { accept: FEED_ACCEPT });
    const text = bodyText(res);
    feedUrl = res.url;
    try {
      parsed = parseFeed(text, { url: res.url });
    } catch (err) {
      if (!(err instanceof TidingsError) || err.code !== 'not_a_feed') throw err;
      const found = await findFeedOnPage(p, text, res.url);
      if (!found) throw new TidingsError('no_feed_found', `${url} is neither a feed nor a page that names one`);
      ({ feedUrl, parsed } = found);
      alternatives = found.candidates.filter((c) => c.url !== feedUrl);
      siteName = pageSiteName(text);
    }
  } catch (err) {
    if (!opts.allowUnreachable || !(err instanceof TidingsError)) throw err;
    pendingError = err;
  }
  const known = await p.store.getFeedByUrl(feedUrl);
  if (known) return { feed: known, created: false, alternatives };
  if (parsed && !siteName && parsed.link) siteName = await fetchSiteName(p, parsed.link);
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

async function findFeedOnPage(p: Pipeline, html: string, pageUrl: string): Promise<{ feedUrl: string; parsed: ParsedFeed; candidates: DiscoveredFeed[] } | null> {
  let candidates = discoverFeeds(html, pageUrl);
  if (candidates.length === 0) candidates = COMMON_FEED_PATHS.map((path) => ({ url: new URL(path, pageUrl).href, title: null, type: null }));
  for (const c of candidates) {
    try {
      const res = await p.fetcher.fetch(c.url, { accept: FEED_ACCEPT });
      return { feedUrl: res.url, parsed: parseFeed(bodyText(res), { url: res.url }), candidates };
    } catch {
      /* try the next candidate */
    }
  }
  return null;
}

async function fetchSiteName(p: Pipeline, siteUrl: string): Promise<string | null> {
  try {
    const res = await p.fetcher.fetch(siteUrl, { accept: PAGE_ACCEPT });
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

function originOf(url: string): string | null {
  try {
    return new URL(url).origin + '/';
  } catch {
    return null;
  }
}

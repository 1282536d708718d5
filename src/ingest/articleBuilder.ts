import { createHash } from 'node:crypto';
import type { ParsedItem } from '../model/feed.js';
import type { ArticleImage } from '../model/article.js';
import type { ArticleWrite } from '../store/store.js';
import type { ExtractedArticle } from '../extract/extractArticle.js';
import { articleText } from '../render/articleText.js';
import { canonicalizeUrl, contentHash, urlKey, wordCount } from './articleIdentity.js';
import { nextRecheck } from './revisionPolicy.js';
import type { RecheckStep } from '../model/recheckSchedule.js';
import { formatIso } from '../text/dates.js';

/** Hash of what the feed itself says about an item: a change here means "look again". */
export function feedItemHash(item: ParsedItem): string {
  return createHash('sha256')
    .update(item.title ?? '')
    .update('\u0000')
    .update(item.content ?? item.summary ?? '')
    .update('\u0000')
    .update(item.updated ?? '')
    .digest('hex')
    .slice(0, 32);
}

export function itemUrl(item: ParsedItem): string | null {
  const link = item.link ?? (item.id && /^https?:\/\//i.test(item.id) ? item.id : null);
  return link && /^https?:\/\//i.test(link) ? link : null;
}

/**
 * One stored version of an article from a feed item and, when the page could be read, what
 * was extracted from it. The page wins for text; the feed wins for title and dates, which
 * publishers keep most accurate there.
 */
export function buildArticleWrite(args: {
  item: ParsedItem;
  url: string;
  extracted: ExtractedArticle | null;
  extractError: string | null;
  seenAt: string;
  reason: ArticleWrite['reason'];
  recheckSchedule?: RecheckStep[];
}): ArticleWrite {
  const { item, extracted, seenAt } = args;
  const feedHtml = item.content ?? item.summary ?? '';
  const useExtracted = extracted !== null && extracted.text.trim().length > 0;
  const html = useExtracted ? extracted.html : feedHtml;
  const text = useExtracted ? extracted.text : articleText(feedHtml);
  const title = item.title ?? extracted?.title ?? firstWords(text) ?? '(untitled)';
  const published = item.published ?? extracted?.published ?? item.updated ?? extracted?.updated ?? seenAt;
  const candidates = [item.updated, extracted?.updated].filter((d): d is string => !!d && Date.parse(d) > Date.parse(published));
  const publisherUpdatedAt = candidates.length ? candidates.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : null;
  const images: ArticleImage[] = useExtracted
    ? extracted.images.map((i) => ({ url: i.url, caption: i.caption, credit: i.credit, position: i.position }))
    : item.media.filter((m) => (m.medium ?? 'image') === 'image').map((m, i) => ({ url: m.url, caption: m.caption, credit: m.credit, position: i }));
  const canonical = canonicalizeUrl(extracted?.url && sameSite(extracted.url, args.url) ? extracted.url : args.url);
  return {
    keys: { guid: item.id, canonicalUrl: canonical, linkKey: urlKey(args.url), contentHash: contentHash(title, text) },
    url: args.url,
    title,
    byline: extracted?.byline ?? (item.authors.map((a) => a.name).filter(Boolean).join(', ') || null),
    publishedAt: published,
    publisherUpdatedAt,
    text,
    html,
    leadImageUrl: extracted?.leadImage?.url ?? images[0]?.url ?? null,
    lang: extracted?.lang ?? null,
    wordCount: wordCount(text),
    feedHash: feedItemHash(item),
    extractStatus: useExtracted ? 'ok' : 'feed_only',
    extractError: useExtracted ? null : args.extractError ?? 'no article text found on the page',
    images,
    seenAt,
    reason: args.reason,
    nextRecheckAt: useExtracted ? isoOrNull(nextRecheck(published, new Date(seenAt), args.recheckSchedule)) : null,
  };
}

function isoOrNull(d: Date | null): string | null {
  return d ? formatIso(d.getTime()) : null;
}

/** A page may only rename itself within its own site; a canonical link elsewhere is ignored. */
function sameSite(a: string, b: string): boolean {
  try {
    const ha = new URL(a).hostname.replace(/^www\./, '');
    const hb = new URL(b).hostname.replace(/^www\./, '');
    return ha === hb || ha.endsWith(`.${hb}`) || hb.endsWith(`.${ha}`);
  } catch {
    // Addresses that do not parse are not the same site.
    return false;
  }
}

function firstWords(text: string): string | null {
  const t = text.split('\n')[0]?.trim();
  if (!t) return null;
  return t.length > 90 ? `${t.slice(0, 87)}…` : t;
}

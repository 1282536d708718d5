import type { Article } from '../model/article.js';
import type { FeedRules, ParsedItem } from '../model/feed.js';
import { PAGE_ACCEPT } from '../fetch/fetcher.js';
import type { ExtractedArticle } from '../extract/extractArticle.js';
import { formatIso } from '../text/dates.js';
import { extractSeconds, measureAsync } from '../log/metrics.js';
import type { Pipeline } from './pipeline.js';
import { storyPlacerOf } from './storyPlacer.js';
import { buildArticleWrite } from './articleBuilder.js';

/**
 * Fetches an article's page and extracts its text with its feed's rules, when it has any;
 * throws (a TidingsError) when either fails.
 */
export async function readArticlePage(p: Pipeline, url: string, rules: FeedRules | null = null): Promise<ExtractedArticle> {
  const page = await p.fetcher.fetch(url, { accept: PAGE_ACCEPT });
  return measureAsync(extractSeconds, {}, () => p.extractor.extract({ bytes: page.bytes, contentType: page.contentType }, page.url, rules));
}

/**
 * A stored article as the feed item it came from, for a page read after the refresh. The
 * headline stays the feed's (page titles carry site suffixes); text and modification date
 * come from the page.
 */
export function storedItem(article: Article, updated: string | null): ParsedItem {
  return {
    id: article.guid,
    title: article.title,
    link: article.url,
    summary: null,
    content: null,
    published: article.publishedAt,
    updated,
    authors: [],
    categories: [],
    enclosures: [],
    media: [],
    comments: null,
  };
}

/**
 * A fetch-page job: the page of an article stored with its feed's text because the page
 * could not be read during the refresh. It throws while the page still cannot be read, so
 * the job tries again with its back-off. A retry after a crash stores nothing twice: an
 * article that has its page text already (or is gone) is left alone. True when stored.
 */
export async function completeArticlePage(p: Pipeline, articleId: number): Promise<boolean> {
  const article = await p.store.getArticle(articleId);
  if (!article || article.extractStatus === 'ok') return false;
  const extracted = await readArticlePage(p, article.url, await p.store.articleFeedRules(articleId));
  const seenAt = formatIso(p.now().getTime());
  const write = buildArticleWrite({ item: storedItem(article, extracted.updated), url: article.url, extracted, extractError: null, seenAt, reason: 'first', recheckSchedule: p.config.recheckSchedule });
  // A page without article text: the feed's text is all there is, and reading it again would find the same.
  if (write.extractStatus !== 'ok') return false;
  const stored = await p.store.completeArticlePage(articleId, write, write.nextRecheckAt ?? null);
  // The full text's entities and figures (the story step never throws).
  if (stored) await storyPlacerOf(p).placePending();
  return stored;
}

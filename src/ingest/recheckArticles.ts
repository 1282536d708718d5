import type { Article } from '../model/article.js';
import { formatIso } from '../text/dates.js';
import type { Pipeline } from './pipeline.js';
import { storyPlacerOf } from './storyPlacer.js';
import type { ArticleWrite } from '../store/store.js';
import { buildArticleWrite } from './articleBuilder.js';
import { nextRecheck, significantChange } from './revisionPolicy.js';
import { logError } from '../log/loggedError.js';
import type { TidingsError } from '../model/errors.js';
import { measureAsync, storeSeconds } from '../log/metrics.js';
import { readArticlePage, storedItem } from './articlePage.js';

export interface RecheckReport {
  checked: number;
  changed: number;
  failed: number;
}

/**
 * Reads the pages of recently published articles again, on the thinning schedule of
 * revisionPolicy, and stores a revision when the publisher changed the text in a way
 * that matters. A page that cannot be read now is tried again at the next step.
 */
export async function recheckArticles(p: Pipeline, limit = 20, onProgress?: (done: number, total: number) => void): Promise<RecheckReport> {
  const due = await p.store.articlesDueForRecheck(formatIso(p.now().getTime()), limit);
  return recheckList(p, due, onProgress);
}

/** These articles' pages read again, a few at a time (config.pageConcurrency). */
export async function recheckList(p: Pipeline, articles: readonly Article[], onProgress?: (done: number, total: number) => void): Promise<RecheckReport> {
  const report: RecheckReport = { checked: 0, changed: 0, failed: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(p.config.pageConcurrency, articles.length) }, async () => {
      while (next < articles.length) {
        const article = articles[next++]!;
        await recheckOne(p, article, report);
        report.checked++;
        onProgress?.(report.checked, articles.length);
      }
    }),
  );
  return report;
}

/**
 * One article's page read again (a recheck-article job); an article deleted since is left
 * alone. A retry after a crash reads the page once more and stores no second revision:
 * the text it finds is no longer a change.
 */
export async function recheckArticle(p: Pipeline, articleId: number): Promise<RecheckReport & { error?: TidingsError }> {
  const report: RecheckReport = { checked: 0, changed: 0, failed: 0 };
  const article = await p.store.getArticle(articleId);
  if (!article) return report;
  const error = await recheckOne(p, article, report);
  report.checked++;
  return error ? { ...report, error } : report;
}

/** Reads one page again and stores what it found; the failure, when reading failed (logged here). */
async function recheckOne(p: Pipeline, article: Article, report: RecheckReport): Promise<TidingsError | null> {
  const seen = p.now();
  const following = nextRecheck(article.publishedAt, seen, p.config.recheckSchedule);
  const nextAt = following ? formatIso(following.getTime()) : null;
  try {
    const extracted = await readArticlePage(p, article.url, await p.store.articleFeedRules(article.id));
    const item = storedItem(article, extracted.updated);
    const write = buildArticleWrite({ item, url: article.url, extracted, extractError: null, seenAt: formatIso(seen.getTime()), reason: 'page_change' });
    write.feedHash = article.feedHash ?? '';
    if (write.extractStatus === 'ok' && significantChange(article, write)) {
      await storeRecheck(p, article.id, write, nextAt);
      await storyPlacerOf(p).placePending();
      report.changed++;
    } else {
      await storeRecheck(p, article.id, null, nextAt);
    }
    return null;
  } catch (err) {
    const e = logError(err, 'rechecking an article page failed', { article: article.id, url: article.url });
    report.failed++;
    await storeRecheck(p, article.id, null, nextAt);
    return e;
  }
}

function storeRecheck(p: Pipeline, articleId: number, write: ArticleWrite | null, nextAt: string | null): Promise<void> {
  return measureAsync(storeSeconds, { operation: 'recheck' }, () => p.store.applyRecheck(articleId, write, nextAt));
}

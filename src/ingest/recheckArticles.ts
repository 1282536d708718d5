import type { Article } from '../model/article.js';
import { formatIso } from '../text/dates.js';
import type { Pipeline } from './pipeline.js';
import { storyPlacerOf } from './storyPlacer.js';
import type { ArticleWrite } from '../store/store.js';
import { buildArticleWrite } from './articleBuilder.js';
import { nextRecheck, significantChange } from './revisionPolicy.js';
import { logError } from '../log/loggedError.js';
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
  const now = p.now();
  const due = await p.store.articlesDueForRecheck(formatIso(now.getTime()), limit);
  const report: RecheckReport = { checked: 0, changed: 0, failed: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(p.config.pageConcurrency, due.length) }, async () => {
      while (next < due.length) {
        const article = due[next++]!;
        await recheckOne(p, article, report);
        report.checked++;
        onProgress?.(report.checked, due.length);
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
export async function recheckArticle(p: Pipeline, articleId: number): Promise<RecheckReport> {
  const report: RecheckReport = { checked: 0, changed: 0, failed: 0 };
  const article = await p.store.getArticle(articleId);
  if (!article) return report;
  await recheckOne(p, article, report);
  report.checked++;
  return report;
}

async function recheckOne(p: Pipeline, article: Article, report: RecheckReport): Promise<void> {
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
  } catch (err) {
    logError(err, 'rechecking an article page failed', { article: article.id, url: article.url });
    report.failed++;
    await storeRecheck(p, article.id, null, nextAt);
  }
}

function storeRecheck(p: Pipeline, articleId: number, write: ArticleWrite | null, nextAt: string | null): Promise<void> {
  return measureAsync(storeSeconds, { operation: 'recheck' }, () => p.store.applyRecheck(articleId, write, nextAt));
}

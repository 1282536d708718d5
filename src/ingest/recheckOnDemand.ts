import type { Article, FeedWithSource } from '../model/article.js';
import { TidingsError } from '../model/errors.js';
import type { RecheckStep } from '../model/recheckSchedule.js';
import { formatIso } from '../text/dates.js';
import type { Pipeline } from './pipeline.js';
import { recheckList, type RecheckReport } from './recheckArticles.js';
import { refreshFeed } from './refreshFeed.js';

/** What `tidings recheck` (and the server on its behalf) reads again now. */
export type RecheckTarget = { articleId: number } | { feedId: number } | { allRecent: true };

/** Most pages one on-demand re-check reads (the rest wait for their schedule). */
const MOST_PAGES = 5000;

/** How far back the schedule reads pages again: articles older than this are left alone. */
export function scheduleSpanSeconds(schedule: readonly RecheckStep[]): number {
  return Math.max(0, ...schedule.map((s) => s.untilAgeSeconds));
}

/** The stored articles a target names; a missing article or feed is `not_found`. */
export async function recheckTargets(p: Pipeline, target: RecheckTarget): Promise<Article[]> {
  if ('articleId' in target) {
    const article = await p.store.getArticle(target.articleId);
    if (!article) throw new TidingsError('not_found', `no article with id ${target.articleId}`);
    return [article];
  }
  const since = formatIso(p.now().getTime() - scheduleSpanSeconds(p.config.recheckSchedule) * 1000);
  if ('feedId' in target) {
    if (!(await p.store.getFeed(target.feedId))) throw new TidingsError('not_found', `no feed with id ${target.feedId}`);
    return p.store.recentArticles({ since, feedId: target.feedId, limit: MOST_PAGES });
  }
  return p.store.recentArticles({ since, limit: MOST_PAGES });
}

/** Reads the target's pages again now, storing a revision for each real edit. */
export async function recheckNow(p: Pipeline, target: RecheckTarget, onProgress?: (done: number, total: number) => void): Promise<RecheckReport> {
  return recheckList(p, await recheckTargets(p, target), onProgress);
}

/** "N checked, M updated, K errors": the same words in the terminal and on a page. */
export function describeRecheck(r: RecheckReport): string {
  return `${r.checked} checked, ${r.changed} updated, ${r.failed} error${r.failed === 1 ? '' : 's'}`;
}

/** What "Refresh now" found: the feed's new articles and the edits of its pages that were due. */
export interface RefreshNowReport {
  created: number;
  updated: number;
  errors: number;
  /** The feed's own failure, when fetching it failed (`code` of the error). */
  errorCode: string | null;
  error: string | null;
}

/** A feed read now, then those of its articles' pages that are due for a re-check. */
export async function refreshNow(p: Pipeline, feed: FeedWithSource): Promise<RefreshNowReport> {
  const r = await refreshFeed(p, feed);
  const due = await p.store.feedArticlesDue(feed.id, formatIso(p.now().getTime()), 200);
  const pages = await recheckList(p, due);
  return {
    created: r.created,
    updated: r.updated + pages.changed,
    errors: (r.status === 'error' ? 1 : 0) + r.pagesFailed + pages.failed,
    errorCode: r.status === 'error' ? r.errorCode ?? 'internal' : null,
    error: r.status === 'error' ? r.error ?? null : null,
  };
}

export function describeRefreshNow(r: RefreshNowReport): string {
  return `${r.created} new, ${r.updated} updated, ${r.errors} error${r.errors === 1 ? '' : 's'}`;
}

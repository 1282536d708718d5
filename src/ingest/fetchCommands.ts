import type { FeedWithSource } from '../model/article.js';
import { TidingsError } from '../model/errors.js';
import type { Pipeline } from './pipeline.js';
import type { RecheckReport } from './recheckArticles.js';
import type { RefreshReport } from './refreshFeed.js';
import type { FeedChoice, SubscribeResult } from './subscribe.js';
import type { OpmlImportReport } from './opmlImport.js';
import type { RecheckTarget } from './recheckOnDemand.js';

/**
 * The work CLI commands do that fetches, as data: run here, or by the running server on the
 * command's behalf (server/commandChannel.ts), with the same results and progress either way.
 */
export type FetchCommand =
  | { kind: 'recheck'; target: RecheckTarget }
  | { kind: 'refresh'; feedId?: number; all?: boolean; recheck: boolean }
  | { kind: 'add'; url: string; readers: number[]; source: string | null; section: string | null; pick?: number }
  | { kind: 'import'; opml: string; readers: number[] };

/** A progress bar's events: how many steps (`total`), then one `tick` per step done. */
export type FetchProgress = { bar: string; total: number } | { bar: string; note: string };

export interface RefreshOutcome {
  /** Feeds refreshed, each report with the feed's name. */
  reports: Array<RefreshReport & { name: string }>;
  recheck: RecheckReport | null;
}

export type FetchResult = RecheckReport | RefreshOutcome | Omit<SubscribeResult, 'pendingError'> | OpmlImportReport;

/** `multiple_feeds` with the feeds to choose from, as it travels between processes. */
export class ChoicesError extends TidingsError {
  constructor(message: string, readonly choices: FeedChoice[]) {
    super('multiple_feeds', message);
  }
}

export async function runFetchCommand(p: Pipeline, c: FetchCommand, progress: (e: FetchProgress) => void = () => {}): Promise<FetchResult> {
  switch (c.kind) {
    case 'recheck':
      return recheck(p, c.target, progress);
    case 'refresh':
      return refresh(p, c, progress);
    case 'add': {
      const { subscribe } = await import('./subscribe.js');
      const r = await subscribe(p, c.url, { readers: c.readers, source: c.source, section: c.section, ...(c.pick ? { pick: c.pick } : {}) });
      return { feed: r.feed, created: r.created, alternatives: r.alternatives };
    }
    case 'import': {
      const { importOpml } = await import('./opmlImport.js');
      return importOpml(p, c.opml, { readers: c.readers, onTotal: (total) => progress({ bar: 'import', total }), onFeed: (note) => progress({ bar: 'import', note }) });
    }
  }
}

async function recheck(p: Pipeline, target: RecheckTarget, progress: (e: FetchProgress) => void): Promise<RecheckReport> {
  const { recheckList } = await import('./recheckArticles.js');
  const { recheckTargets } = await import('./recheckOnDemand.js');
  const articles = await recheckTargets(p, target);
  progress({ bar: 'recheck', total: articles.length });
  return recheckList(p, articles, (done) => progress({ bar: 'recheck', note: `${articles[done - 1]?.title ?? ''}` }));
}

async function refresh(p: Pipeline, c: Extract<FetchCommand, { kind: 'refresh' }>, progress: (e: FetchProgress) => void): Promise<RefreshOutcome> {
  const { refreshFeeds, dueFeeds } = await import('./refreshRunner.js');
  let feeds: FeedWithSource[];
  if (c.feedId !== undefined) {
    const f = await p.store.getFeed(c.feedId);
    if (!f) throw new TidingsError('not_found', `no feed with id ${c.feedId}`);
    feeds = [f];
  } else feeds = c.all ? await p.store.listFeeds() : await dueFeeds(p);
  const name = (f: FeedWithSource) => `${f.sourceName}${f.section ? ` (${f.section})` : ''}`;
  progress({ bar: 'refresh', total: feeds.length });
  const reports = await refreshFeeds(p, feeds, {
    concurrency: p.config.refreshConcurrency,
    onDone: (feed, r) => progress({ bar: 'refresh', note: `${name(feed)}: ${describeRefresh(r)}` }),
  });
  const byId = new Map(feeds.map((f) => [f.id, name(f)]));
  let rechecked: RecheckReport | null = null;
  if (c.recheck && c.feedId === undefined) {
    const { recheckArticles } = await import('./recheckArticles.js');
    let total = -1;
    rechecked = await recheckArticles(p, 500, (done, n) => {
      if (n !== total) progress({ bar: 'recheck', total: (total = n) });
      progress({ bar: 'recheck', note: `${done}/${n}` });
    });
  }
  return { reports: reports.map((r) => ({ ...r, name: byId.get(r.feedId) ?? String(r.feedId) })), recheck: rechecked };
}

export function describeRefresh(r: RefreshReport): string {
  if (r.status === 'error') return `error[${r.errorCode}]`;
  if (r.status === 'not_modified') return 'not modified';
  return `${r.created} new, ${r.updated} updated${r.pagesFailed ? `, ${r.pagesFailed} page(s) failed` : ''}`;
}

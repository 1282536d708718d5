import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withPipeline } from '../context.js';
import { ProgressBar } from '../progressBar.js';
import { TidingsError } from '../../model/errors.js';
import type { RefreshReport } from '../../ingest/refreshFeed.js';

const USAGE = `
Usage: tidings refresh [--feed ID] [--all] [--no-recheck] [--db PATH | --database-url URL]

Fetches every due feed (or the one given, or --all), stores new and changed articles
with their full text, then reads again the pages of recent articles that are due for a
re-check (publishers' edits become revisions), then exits. Progress goes to stderr.
Exit status 1 only when every feed refreshed failed.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, feed: { type: 'string' }, all: { type: 'boolean' }, 'no-recheck': { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const feedId = parsed.values.feed !== undefined ? Number(parsed.values.feed) : undefined;
  if (feedId !== undefined && !Number.isInteger(feedId)) throw usageError('--feed takes a numeric feed id');
  await withPipeline({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (p) => {
    const { refreshFeeds, dueFeeds } = await import('../../ingest/refreshRunner.js');
    let feeds;
    if (feedId !== undefined) {
      const f = await p.store.getFeed(feedId);
      if (!f) throw new TidingsError('not_found', `no feed with id ${feedId}`);
      feeds = [f];
    } else feeds = parsed.values.all ? await p.store.listFeeds() : await dueFeeds(p);
    const recheck = async () => {
      if (parsed.values['no-recheck'] || feedId !== undefined) return;
      const { recheckArticles } = await import('../../ingest/recheckArticles.js');
      const bar = new ProgressBar(0, 'recheck');
      let total = 0;
      const r = await recheckArticles(p, 500, (done, n) => {
        if (n !== total) bar.setTotal((total = n));
        bar.tick(`${done}/${n}`);
      });
      if (r.checked) bar.finish(`re-checked ${r.checked} article page(s): ${r.changed} changed, ${r.failed} unreachable`);
    };
    if (feeds.length === 0) {
      process.stderr.write('no feed is due; use --all to refresh every feed\n');
      await recheck();
      return;
    }
    const bar = new ProgressBar(feeds.length, 'refresh');
    const reports = await refreshFeeds(p, feeds, {
      concurrency: p.config.refreshConcurrency,
      onDone: (feed, r) => bar.tick(`${feed.sourceName}${feed.section ? ` (${feed.section})` : ''}: ${describe(r)}`),
    });
    const sum = (k: 'created' | 'updated' | 'linked') => reports.reduce((n, r) => n + r[k], 0);
    const failed = reports.filter((r) => r.status === 'error');
    bar.finish(`refreshed ${reports.length} feed(s): ${sum('created')} new, ${sum('updated')} updated, ${sum('linked')} linked, ${failed.length} failed`);
    for (const r of failed) process.stderr.write(`  feed ${r.feedId}: error[${r.errorCode}]: ${r.error}\n`);
    await recheck();
    if (failed.length === reports.length) process.exitCode = 1;
  });
}

function describe(r: RefreshReport): string {
  if (r.status === 'error') return `error[${r.errorCode}]`;
  if (r.status === 'not_modified') return 'not modified';
  return `${r.created} new, ${r.updated} updated${r.pagesFailed ? `, ${r.pagesFailed} page(s) failed` : ''}`;
}

import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { runFetch } from '../handover.js';
import { ProgressBars } from '../progressBar.js';
import type { RefreshOutcome } from '../../ingest/fetchCommands.js';

const USAGE = `
Usage: tidings refresh [--feed ID] [--all] [--no-recheck] [--db PATH | --database-url URL]

Fetches every due feed (or the one given, or --all), stores new and changed articles
with their full text, then reads again the pages of recent articles that are due for a
re-check (publishers' edits become revisions), then exits. Progress goes to stderr.
While \`tidings serve\` runs on the same database, the server does the work (with its
settings) and this command shows its progress; see \`tidings recheck\` to read pages
again now. Exit status 1 only when every feed refreshed failed.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, feed: { type: 'string' }, all: { type: 'boolean' }, 'no-recheck': { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const feedId = parsed.values.feed !== undefined ? Number(parsed.values.feed) : undefined;
  if (feedId !== undefined && !Number.isInteger(feedId)) throw usageError('--feed takes a numeric feed id');
  const bars = new ProgressBars();
  const command = { kind: 'refresh' as const, ...(feedId !== undefined ? { feedId } : {}), all: !!parsed.values.all, recheck: !parsed.values['no-recheck'] };
  const r = (await runFetch({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async () => command, bars.on)) as RefreshOutcome;
  const { reports } = r;
  if (reports.length === 0) process.stderr.write('no feed is due; use --all to refresh every feed\n');
  else {
    const sum = (k: 'created' | 'updated' | 'linked') => reports.reduce((n, x) => n + x[k], 0);
    const failed = reports.filter((x) => x.status === 'error');
    bars.get('refresh').finish(`refreshed ${reports.length} feed(s): ${sum('created')} new, ${sum('updated')} updated, ${sum('linked')} linked, ${failed.length} failed`);
    for (const x of failed) process.stderr.write(`  feed ${x.feedId}: error[${x.errorCode}]: ${x.error}\n`);
    if (failed.length === reports.length) process.exitCode = 1;
  }
  if (r.recheck?.checked) bars.get('recheck').finish(`re-checked ${r.recheck.checked} article page(s): ${r.recheck.changed} changed, ${r.recheck.failed} unreachable`);
}

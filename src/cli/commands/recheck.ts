import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { runFetch } from '../handover.js';
import { ProgressBars } from '../progressBar.js';
import { writeOut } from '../batch.js';
import type { RecheckReport } from '../../ingest/recheckArticles.js';
import type { RecheckTarget } from '../../ingest/recheckOnDemand.js';

const USAGE = `
Usage: tidings recheck ID | --feed ID | --all-recent [--json] [--db PATH | --database-url URL]

Reads article pages again now, whatever their schedule, and stores a revision for each
page the publisher changed: one article (ID), the recent articles of one feed
(--feed ID), or every recent article (--all-recent). Recent means within the re-check
schedule (TIDINGS_RECHECK_SCHEDULE, a week by default). Prints "N checked, M updated,
K errors" (--json: the counts as JSON). While \`tidings serve\` runs on the same database
the server does the work, with its settings. Exit status 1 when every page failed.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, feed: { type: 'string' }, 'all-recent': { type: 'boolean' }, json: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const target = recheckTarget(parsed.positionals[0], parsed.values.feed, !!parsed.values['all-recent']);
  const bars = new ProgressBars();
  const r = (await runFetch({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async () => ({ kind: 'recheck', target }), bars.on)) as RecheckReport;
  const { describeRecheck } = await import('../../ingest/recheckOnDemand.js');
  if (parsed.values.json) writeOut(JSON.stringify({ checked: r.checked, updated: r.changed, errors: r.failed }));
  else bars.get('recheck').finish(describeRecheck(r));
  if (r.checked > 0 && r.failed === r.checked) process.exitCode = 1;
}

function recheckTarget(id: string | undefined, feed: string | undefined, allRecent: boolean): RecheckTarget {
  if ([id !== undefined, feed !== undefined, allRecent].filter(Boolean).length !== 1) throw usageError('recheck takes one of: an article ID, --feed ID, --all-recent');
  const number = (v: string, what: string) => {
    if (!/^\d+$/.test(v)) throw usageError(`${what} takes a numeric id`);
    return Number(v);
  };
  if (id !== undefined) return { articleId: number(id, 'recheck') };
  if (feed !== undefined) return { feedId: number(feed, '--feed') };
  return { allRecent: true };
}

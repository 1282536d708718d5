import { parseCommandArgs, usageError } from '../args.js';
import { writeOut } from '../batch.js';
import { ProgressBar } from '../progressBar.js';
import type { TableCount } from '../../store/copyDatabase.js';

const USAGE = `
Usage: tidings db copy --from SOURCE --to TARGET [--batch N]

Copies a whole instance (feeds, articles with every revision and image, tombstones,
accounts with their password hashes, sessions, API tokens, subscriptions, read and
starred state, WebSub leases, settings) into an empty database, keeping every id.
SOURCE and TARGET are each a postgres://… URL or an SQLite file; the target is
migrated first and must hold no rows (error[conflict] otherwise). The source is read
in one snapshot: what changes after the copy starts is not copied, so stop the instance
before switching to the copy. Rows go in batches of N (default 1000), all in one
transaction, so a failed copy leaves the target empty. Afterwards the rows of every
table are counted on both sides and printed; a difference fails with error[conflict].
`;

export async function run(args: string[]): Promise<void> {
  const options = { from: { type: 'string' }, to: { type: 'string' }, batch: { type: 'string' } } as const;
  const parsed = parseCommandArgs(args, options, USAGE);
  if (!parsed) return;
  const { from, to } = parsed.values;
  if (parsed.positionals[0] !== 'copy' || parsed.positionals.length > 1) throw usageError('use: tidings db copy --from SOURCE --to TARGET');
  if (!from || !to) throw usageError('tidings db copy needs --from SOURCE and --to TARGET');
  const batch = Number(parsed.values.batch ?? 1000);
  if (!Number.isInteger(batch) || batch < 1) throw usageError('--batch takes a whole number of rows, at least 1');
  const { openCopyEnd, copyDatabase, checkCounts } = await import('../../store/copyDatabase.js');
  const source = await openCopyEnd(from, 'source');
  try {
    const target = await openCopyEnd(to, 'target');
    try {
      const bar = new ProgressBar(0, 'copy');
      const counts = await copyDatabase(source, target, { start: (n) => bar.setTotal(n), batch: (t, done, total) => bar.tick(`${t} ${done}/${total}`) }, batch);
      bar.finish(`copied ${counts.reduce((n, c) => n + c.copied, 0)} rows in ${counts.length} tables`);
      writeOut(countTable(counts));
      checkCounts(counts);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

function countTable(counts: TableCount[]): string {
  const rows = [['table', 'source rows', 'copied rows'], ...counts.map((c) => [c.table, String(c.source), String(c.copied)])];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return rows.map(([t, s, c]) => `${t!.padEnd(width)}  ${s!.padStart(11)}  ${c!.padStart(11)}`).join('\n');
}

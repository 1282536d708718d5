import type { FeedWithSource } from '../../model/article.js';
import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { TidingsError } from '../../model/errors.js';
import { formatIso } from '../../text/dates.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { terminalLine } from '../../render/terminalText.js';

const USAGE = `
Usage: tidings feeds [--json] [--db PATH | --database-url URL]
       tidings feeds rules ID [--keep SEL]... [--remove SEL]... [--clear] [--json]

Lists feeds with their source, section, last fetch, status and last error.
\`feeds rules\` shows or sets a feed's own extraction rules: CSS selectors of the
article (--keep) and of page furniture (--remove), over the built-in site rules.
Options given replace that list; --clear empties both first. They apply from the
next page read (refresh, recheck, fetch-page jobs).
`;

export async function run(args: string[]): Promise<void> {
  if (args[0] === 'rules') return runRules(args.slice(1));
  const parsed = parseCommandArgs(args, { ...DB_OPTION, json: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    const feeds = await store.listFeeds();
    if (parsed.values.json) {
      writeOut(
        JSON.stringify(
          feeds.map((f) => ({
            id: f.id, url: f.url, source: f.sourceName, section: f.section, title: f.title, siteUrl: f.siteUrl,
            lastFetchedAt: f.lastFetchedAt, status: f.lastStatus, health: f.health, errorCode: f.lastErrorCode, lastError: f.lastError,
            intervalSeconds: f.intervalSeconds,
            errorCount: f.errorCount, failingSince: f.failingSince, nextCheckAt: f.nextCheckAt,
          })),
        ),
      );
      return;
    }
    if (feeds.length === 0) {
      writeOut('no feeds yet: tidings add URL');
      return;
    }
    const rows = feeds.map((f) => [
      String(f.id),
      terminalLine(f.section ? `${f.sourceName} (${f.section})` : f.sourceName),
      shortTime(f.lastFetchedAt) ?? 'never',
      status(f),
      f.lastErrorCode ? terminalLine(`${f.lastErrorCode}: ${f.lastError ?? ''}`).slice(0, 80) : '',
    ]);
    const head = ['ID', 'SOURCE (SECTION)', 'LAST FETCH', 'STATUS', 'LAST ERROR'];
    const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ').trimEnd();
    writeOut([fmt(head), ...rows.map(fmt)].join('\n'));
  });
}

/** `FAILING ×7 since 2026-11-24 10:05`: how long the current run of failures has lasted. */
function status(f: FeedWithSource): string {
  const since = shortTime(f.failingSince);
  if (f.health === 'failing') return `FAILING ×${f.errorCount}${since ? ` since ${since}` : ''}`;
  return f.lastStatus === 'error' && since ? `error since ${since}` : f.lastStatus;
}

function shortTime(iso: string | null): string | null {
  return iso?.replace('T', ' ').replace('Z', '') ?? null;
}

async function runRules(args: string[]): Promise<void> {
  const options = { ...DB_OPTION, json: { type: 'boolean' }, clear: { type: 'boolean' }, keep: { type: 'string', multiple: true }, remove: { type: 'string', multiple: true } } as const;
  const parsed = parseCommandArgs(args, options, USAGE);
  if (!parsed) return;
  const id = Number(parsed.positionals[0]);
  if (parsed.positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw usageError('feeds rules takes one feed id');
  const values = parsed.values as typeof parsed.values & { keep?: string[]; remove?: string[] };
  const { validFeedRules } = await import('../../extract/feedRules.js');
  await withStore({ db: values.db, databaseUrl: values['database-url'] }, async (store) => {
    if (!(await store.getFeed(id))) throw new TidingsError('not_found', `no feed ${id}`);
    let rules = (await store.getFeedRules(id)) ?? { keep: [], remove: [] };
    const changing = values.clear || values.keep || values.remove;
    if (changing) {
      const base = values.clear ? { keep: [], remove: [] } : rules;
      rules = validFeedRules({ keep: values.keep ?? base.keep, remove: values.remove ?? base.remove });
      // The operator at the command line: no reader set them.
      await store.setFeedRules(id, rules, { userId: null, now: formatIso(Date.now()) });
    }
    if (values.json) return writeOut(JSON.stringify({ feed: id, ...rules }));
    const list = (name: string, sels: string[]) => (sels.length ? sels.map((s) => `${name} ${terminalLine(s)}`) : [`${name} (none)`]);
    writeOut([...list('keep', rules.keep), ...list('remove', rules.remove)].join('\n'));
  });
}

import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { terminalLine } from '../../render/terminalText.js';

const USAGE = `
Usage: tidings list [--feed ID] [--limit N] [--json] [--db PATH | --database-url URL] [--tz ZONE] [--now ISO]

Newest articles first. --json prints [{id, title, url, source, section, published, updated}].
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, feed: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, tz: { type: 'string' }, now: { type: 'string' } }, USAGE);
  if (!parsed) return;
  const limit = parsed.values.limit ? Number(parsed.values.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw usageError('--limit takes a whole number from 1 to 100000');
  const feedId = parsed.values.feed !== undefined ? Number(parsed.values.feed) : undefined;
  if (feedId !== undefined && !Number.isInteger(feedId)) throw usageError('--feed takes a numeric feed id');
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'], tz: parsed.values.tz }, async (store, config) => {
    const items = await store.listArticles({ limit, ...(feedId !== undefined ? { feedId } : {}) });
    if (parsed.values.json) {
      writeOut(JSON.stringify(items.map(({ id, title, url, source, section, published, updated }) => ({ id, title, url, source, section, published, updated }))));
      return;
    }
    const { formatLocalTime, relativeAge } = await import('../../render/time.js');
    const { parseNow } = await import('./show.js');
    const now = parseNow(parsed.values.now);
    const lines = items.map((a) => `${String(a.id).padStart(6)}  ${formatLocalTime(a.published, config.timeZone)}  ${terminalLine(a.source)}${a.section ? ` (${terminalLine(a.section)})` : ''} · ${relativeAge(a.updated, now)}\n        ${terminalLine(a.title)}`);
    writeOut(lines.length ? lines.join('\n') : 'no articles yet: tidings refresh');
  });
}

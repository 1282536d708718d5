import { DB_OPTION, parseCommandArgs } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { terminalLine } from '../../render/terminalText.js';

const USAGE = `
Usage: tidings feeds [--json] [--db PATH | --database-url URL]

Lists feeds with their source, section, last fetch, status and last error.
`;

export async function run(args: string[]): Promise<void> {
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
            errorCount: f.errorCount, nextCheckAt: f.nextCheckAt,
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
      f.lastFetchedAt?.replace('T', ' ').replace('Z', '') ?? 'never',
      f.health === 'failing' ? `FAILING ×${f.errorCount}` : f.lastStatus,
      f.lastErrorCode ? terminalLine(`${f.lastErrorCode}: ${f.lastError ?? ''}`).slice(0, 80) : '',
    ]);
    const head = ['ID', 'SOURCE (SECTION)', 'LAST FETCH', 'STATUS', 'LAST ERROR'];
    const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ').trimEnd();
    writeOut([fmt(head), ...rows.map(fmt)].join('\n'));
  });
}

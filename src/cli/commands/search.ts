import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { formatIso } from '../../text/dates.js';
import { terminalLine } from '../../render/terminalText.js';
import { markHit, type MarkedHit } from '../../render/searchHighlight.js';
import type { SearchHit } from '../../model/article.js';

const USAGE = `
Usage: tidings search QUERY [--feed ID] [--from DATE] [--to DATE] [--limit N] [--json] [--db PATH | --database-url URL]

Full-text search over titles and article text, best matches first. Every word must
match; "quoted words" match as a phrase; word* matches as a prefix. --from/--to limit
the publication date (ISO dates, --to exclusive).
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(
    args,
    { ...DB_OPTION, feed: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  );
  if (!parsed) return;
  const text = parsed.positionals.join(' ').trim();
  if (!text) throw usageError('search needs a QUERY');
  const limit = parsed.values.limit ? Number(parsed.values.limit) : 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError('--limit takes a whole number from 1 to 1000');
  const date = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw usageError(`--${name} takes an ISO date`);
    return formatIso(t);
  };
  const feedId = parsed.values.feed !== undefined ? Number(parsed.values.feed) : undefined;
  if (feedId !== undefined && !Number.isInteger(feedId)) throw usageError('--feed takes a numeric feed id');
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    const from = date(parsed.values.from, 'from');
    const to = date(parsed.values.to, 'to');
    const hits = await store.searchArticles({ text, limit, ...(feedId !== undefined ? { feedId } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) });
    if (parsed.values.json) {
      const { searchHitJson } = await import('../../render/searchHitJson.js');
      writeOut(JSON.stringify(hits.map(searchHitJson)));
      return;
    }
    const tty = !!process.stdout.isTTY;
    const [start, end] = tty ? ['\u001b[1;33m', '\u001b[0m'] : ['«', '»'];
    // The match markers are control characters too: clean the text between them, then mark.
    const mark = (s: string) => s.split('\u0002').map((part) => part.split('\u0003').map(terminalLine).join(end)).join(start);
    if (hits.length === 0) {
      writeOut('no matches');
      return;
    }
    const line = (h: SearchHit, m: MarkedHit) =>
      `${String(h.id).padStart(6)}  ${mark(m.titleMarked)}\n        ${terminalLine(h.source)}${h.section ? ` (${terminalLine(h.section)})` : ''} · ${h.published.slice(0, 10)}\n        ${mark(m.snippetMarked)}`;
    writeOut(hits.map((h) => line(h, markHit(h))).join('\n'));
  });
}

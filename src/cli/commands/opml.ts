import fs from 'node:fs';
import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { runFetch } from '../handover.js';
import type { OpmlImportReport } from '../../ingest/opmlImport.js';
import { writeOut } from '../batch.js';
import { ProgressBars } from '../progressBar.js';
import { TidingsError } from '../../model/errors.js';
import { READER_HELP, READER_OPTIONS, chooseReaders } from '../readers.js';

const IMPORT_USAGE = `
Usage: tidings import FILE.opml [--user NAME | --all-users] [--db PATH | --database-url URL]

Subscribes to the feeds of an OPML file, at most TIDINGS_OPML_MAX_OUTLINES (default
1000) outlines; the rest are reported and not imported. Each outline must be an http(s)
URL that the address policy allows and that answers as a feed now: any other is skipped
(nothing stored) and listed with its error code, as is every outline without a feed
address; a file that is not well-formed OPML is refused (error[invalid_opml]). While
\`tidings serve\` runs on the same database, the server imports it (with its settings).
${READER_HELP}
`;
const EXPORT_USAGE = `
Usage: tidings export [--db PATH | --database-url URL]

Prints every subscription as OPML 2.0 on standard output.
`;

export async function runImport(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, ...READER_OPTIONS }, IMPORT_USAGE);
  if (!parsed) return;
  const file = parsed.positionals[0];
  if (!file) throw usageError('import needs an OPML FILE');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TidingsError('not_found', `cannot read ${file}: ${(err as Error).message}`);
  }
  const bars = new ProgressBars();
  const label = { text: '' };
  const r = (await runFetch({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    const readers = await chooseReaders(store, { user: parsed.values.user, allUsers: parsed.values['all-users'] });
    label.text = readers.label;
    return { kind: 'import', opml: text, readers: readers.ids };
  }, bars.on)) as OpmlImportReport;
  const skipped = r.skipped.map((s) => `skipped ${s.url}: error[${s.code}] ${s.message}`);
  if (r.overLimit) skipped.push(`skipped ${r.overLimit} outline(s) over the limit of ${r.limit} (TIDINGS_OPML_MAX_OUTLINES)`);
  bars.get('import').finish([...skipped, `imported ${r.added} new feed(s), ${r.existing} already known, ${r.skipped.length + r.overLimit} skipped, for ${label.text}`].join('\n'));
}

export async function runExport(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION }, EXPORT_USAGE);
  if (!parsed) return;
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    const { renderOpml } = await import('../../feed/opml.js');
    const { subscriptionTitle } = await import('../../model/article.js');
    const feeds = await store.listFeeds();
    writeOut(renderOpml(feeds.map((f) => ({ url: f.url, title: subscriptionTitle(f), siteUrl: f.siteUrl }))));
  });
}

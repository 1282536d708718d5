import fs from 'node:fs';
import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withPipeline, withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { ProgressBar } from '../progressBar.js';
import { TidingsError } from '../../model/errors.js';
import { READER_HELP, READER_OPTIONS, chooseReaders } from '../readers.js';

const IMPORT_USAGE = `
Usage: tidings import FILE.opml [--user NAME | --all-users] [--db PATH | --database-url URL]

Subscribes to the feeds of an OPML file, at most TIDINGS_OPML_MAX_OUTLINES (default
1000) outlines; the rest are reported and not imported. Each outline must be an http(s)
URL that the address policy allows and that answers as a feed now: any other is skipped
(nothing stored) and listed with its error code.
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
  await withPipeline({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (p) => {
    const { importOpml } = await import('../../ingest/opmlImport.js');
    const readers = await chooseReaders(p.store, { user: parsed.values.user, allUsers: parsed.values['all-users'] });
    const bar = new ProgressBar(0, 'import');
    const r = await importOpml(p, text, { readers: readers.ids, onTotal: (n) => bar.setTotal(n), onFeed: (note) => bar.tick(note) });
    const skipped = r.skipped.map((s) => `skipped ${s.url}: error[${s.code}] ${s.message}`);
    if (r.overLimit) skipped.push(`skipped ${r.overLimit} outline(s) over the limit of ${r.limit} (TIDINGS_OPML_MAX_OUTLINES)`);
    bar.finish([...skipped, `imported ${r.added} new feed(s), ${r.existing} already known, ${r.skipped.length + r.overLimit} skipped, for ${readers.label}`].join('\n'));
  });
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

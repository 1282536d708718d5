import fs from 'node:fs';
import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withPipeline, withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { ProgressBar } from '../progressBar.js';
import { TidingsError } from '../../model/errors.js';

const IMPORT_USAGE = `
Usage: tidings import FILE.opml [--db PATH | --database-url URL]

Subscribes to every feed of an OPML file. A feed that cannot be fetched now is still
subscribed; its error shows in \`tidings feeds\` and the scheduler keeps trying.
`;
const EXPORT_USAGE = `
Usage: tidings export [--db PATH | --database-url URL]

Prints every subscription as OPML 2.0 on standard output.
`;

export async function runImport(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION }, IMPORT_USAGE);
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
    const bar = new ProgressBar(0, 'import');
    const r = await importOpml(p, text, { onTotal: (n) => bar.setTotal(n), onFeed: (note) => bar.tick(note) });
    bar.finish(`imported ${r.added} new feed(s), ${r.existing} already subscribed, ${r.failed} not reachable now`);
  });
}

export async function runExport(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION }, EXPORT_USAGE);
  if (!parsed) return;
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    const { renderOpml } = await import('../../feed/opml.js');
    const feeds = await store.listFeeds();
    writeOut(renderOpml(feeds.map((f) => ({ url: f.url, title: f.section ? `${f.sourceName} (${f.section})` : f.title ?? f.sourceName, siteUrl: f.siteUrl }))));
  });
}

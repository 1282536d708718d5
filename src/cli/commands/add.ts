import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withPipeline } from '../context.js';
import { writeOut } from '../batch.js';

const USAGE = `
Usage: tidings add URL [--source NAME] [--section NAME] [--pick N] [--json] [--db PATH | --database-url URL]

Subscribes to a feed, or to the feed a site's page names (<link rel="alternate">, feed
links in the page, or common paths such as /feed and /rss.xml). When the site names
several feeds, lists them and exits with error[multiple_feeds]: run again with --pick N.
Fetches the feed once to learn its title and publisher, then prints the feed's id.
--source / --section name the publisher and section instead of deriving them.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, source: { type: 'string' }, section: { type: 'string' }, pick: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const url = parsed.positionals[0];
  if (!url) throw usageError('add needs a URL');
  const pick = parsed.values.pick === undefined ? undefined : Number(parsed.values.pick);
  if (pick !== undefined && (!Number.isInteger(pick) || pick < 1)) throw usageError('--pick takes a number from the list, starting at 1');
  await withPipeline({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (p) => {
    const { subscribe, MultipleFeedsError } = await import('../../ingest/subscribe.js');
    let r;
    try {
      r = await subscribe(p, url, { source: parsed.values.source ?? null, section: parsed.values.section ?? null, ...(pick ? { pick } : {}) });
    } catch (err) {
      if (err instanceof MultipleFeedsError) {
        if (parsed.values.json) writeOut(JSON.stringify({ choices: err.choices }));
        else writeOut(err.choices.map((c, i) => `${i + 1}  ${c.title ?? '(untitled)'}  ${c.url}  (${c.format}, ${c.items} items)`).join('\n'));
      }
      throw err;
    }
    if (parsed.values.json) {
      writeOut(JSON.stringify({ id: r.feed.id, url: r.feed.url, source: r.feed.sourceName, section: r.feed.section, created: r.created, alternatives: r.alternatives }));
      return;
    }
    writeOut(String(r.feed.id));
    const name = r.feed.section ? `${r.feed.sourceName} (${r.feed.section})` : r.feed.sourceName;
    process.stderr.write(`${r.created ? 'subscribed to' : 'already subscribed to'} ${name} — ${r.feed.url}\n`);
    if (r.alternatives.length) {
      process.stderr.write(`the page names ${r.alternatives.length} more feed(s):\n${r.alternatives.map((a) => `  ${a.url}${a.title ? `  ${a.title}` : ''}`).join('\n')}\n`);
    }
  });
}

import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { runFetch } from '../handover.js';
import type { FeedChoice, SubscribeResult } from '../../ingest/subscribe.js';
import { writeOut } from '../batch.js';
import { READER_HELP, READER_OPTIONS, chooseReaders } from '../readers.js';
import { terminalLine } from '../../render/terminalText.js';

const USAGE = `
Usage: tidings add URL [--user NAME | --all-users] [--source NAME] [--section NAME] [--pick N] [--json] [--db PATH | --database-url URL]

Subscribes to a feed, or to the feed a site's page names (<link rel="alternate">, feed
links in the page, or common paths such as /feed and /rss.xml). When the site names
several feeds, lists them and exits with error[multiple_feeds]: run again with --pick N.
Fetches the feed once to learn its title and publisher, then prints the feed's id.
--source / --section name the publisher and section for the subscribing readers only
(their own name for the feed); other readers keep the publisher's names. Before any
account exists they name the feed for the instance. While \`tidings serve\` runs on the
same database, the server fetches the feed (with its settings).
${READER_HELP}
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, ...READER_OPTIONS, source: { type: 'string' }, section: { type: 'string' }, pick: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const url = parsed.positionals[0];
  if (!url) throw usageError('add needs a URL');
  const pick = parsed.values.pick === undefined ? undefined : Number(parsed.values.pick);
  if (pick !== undefined && (!Number.isInteger(pick) || pick < 1)) throw usageError('--pick takes a number from the list, starting at 1');
  const label = { text: '' };
  let r: Omit<SubscribeResult, 'pendingError'>;
  try {
    r = (await runFetch({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
      const readers = await chooseReaders(store, { user: parsed.values.user, allUsers: parsed.values['all-users'] });
      label.text = readers.label;
      return { kind: 'add', url, readers: readers.ids, source: parsed.values.source ?? null, section: parsed.values.section ?? null, ...(pick ? { pick } : {}) };
    }, () => {})) as Omit<SubscribeResult, 'pendingError'>;
  } catch (err) {
    const choices = (err as { choices?: FeedChoice[] }).choices;
    if (choices) {
      if (parsed.values.json) writeOut(JSON.stringify({ choices }));
      else writeOut(choices.map((c, i) => `${i + 1}  ${terminalLine(c.title ?? '(untitled)')}  ${terminalLine(c.url)}  (${c.format}, ${c.items} items)`).join('\n'));
    }
    throw err;
  }
  if (parsed.values.json) {
    writeOut(JSON.stringify({ id: r.feed.id, url: r.feed.url, source: r.feed.sourceName, section: r.feed.section, created: r.created, alternatives: r.alternatives }));
    return;
  }
  writeOut(String(r.feed.id));
  const name = terminalLine(r.feed.section ? `${r.feed.sourceName} (${r.feed.section})` : r.feed.sourceName);
  process.stderr.write(`${label.text} ${r.created ? 'subscribed to' : 'follows'} ${name} — ${terminalLine(r.feed.url)}\n`);
  if (r.alternatives.length) {
    const lines = r.alternatives.map((a) => terminalLine(`  ${a.url}${a.title ? `  ${a.title}` : ''}`));
    process.stderr.write(`the page names ${r.alternatives.length} more feed(s):\n${lines.join('\n')}\n`);
  }
}

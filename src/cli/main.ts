import { TidingsError, asTidingsError } from '../model/errors.js';
import { terminalText } from '../render/terminalText.js';

/**
 * `tidings` entry point. Each command lives in its own module and is imported only when
 * run, so `tidings parse` does not load the web server or the database driver.
 */
interface CommandModule {
  run(args: string[]): Promise<void>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: 'web app, scheduler and workers in one process (--no-workers: web and scheduler)', load: () => import('./commands/serve.js') },
  worker: { summary: 'run refresh jobs only (PostgreSQL; any number, on any machine)', load: () => import('./commands/worker.js') },
  jobs: { summary: 'background jobs: queued, active and failed by kind, last failures', load: () => import('./commands/jobs.js') },
  add: { summary: 'subscribe to a feed or to the feed a site names', load: () => import('./commands/add.js') },
  import: { summary: 'subscribe to the feeds of an OPML file', load: () => import('./commands/opml.js').then((m) => ({ run: m.runImport })) },
  export: { summary: 'print subscriptions as OPML', load: () => import('./commands/opml.js').then((m) => ({ run: m.runExport })) },
  refresh: { summary: 'fetch due feeds (or one) and store new articles', load: () => import('./commands/refresh.js') },
  recheck: { summary: 'read article pages again now (ID, --feed ID, --all-recent); edits become revisions', load: () => import('./commands/recheck.js') },
  feeds: { summary: 'list feeds with their status', load: () => import('./commands/feeds.js') },
  list: { summary: 'newest articles first', load: () => import('./commands/list.js') },
  show: { summary: 'one article in the reading format', load: () => import('./commands/show.js') },
  users: { summary: 'accounts: users add NAME, users list', load: () => import('./commands/users.js') },
  tokens: { summary: 'API tokens: tokens add USER NAME', load: () => import('./commands/tokens.js') },
  search: { summary: 'full-text search over titles and text', load: () => import('./commands/search.js') },
  diff: { summary: 'word-level diff between two versions of an article', load: () => import('./commands/diff.js') },
  migrate: { summary: 'bring the database schema up to date (and nothing else)', load: () => import('./commands/migrate.js') },
  db: { summary: 'db copy: move a whole instance to another database', load: () => import('./commands/db.js') },
  delete: { summary: 'delete an article for good (it never comes back)', load: () => import('./commands/delete.js') },
  parse: { summary: 'parse one feed document (JSON)', load: () => import('./commands/parse.js') },
  stories: { summary: 'stories [show ID | rebuild | cluster FILE.jsonl]: stories across outlets (cluster: no database, JSON lines)', load: () => import('./commands/stories.js') },
  figures: { summary: 'figures of an article with who they are attributed to (JSON)', load: () => import('./commands/figures.js') },
  entities: { summary: 'people, places and organisations of an article with offsets (JSON)', load: () => import('./commands/entities.js') },
  extract: { summary: 'extract one article page (JSON)', load: () => import('./commands/extract.js') },
};

export function usageText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: tidings <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `tidings <command> --help` for the options of one command.',
    'Environment: TIDINGS_DB (SQLite file, default ./data/tidings.db), TZ,',
    '             DATABASE_URL=postgres://… (PostgreSQL instead of the SQLite file),',
    '             TIDINGS_ALLOW_PRIVATE_NETWORKS=true (allow fetching private addresses).',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usageText());
    if (!name) process.exitCode = 2;
    return;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write('tidings 0.1.0\n');
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`error[usage]: unknown command "${name}"\n\n${usageText()}`);
    process.exitCode = 2;
    return;
  }
  try {
    const mod = await command.load();
    await mod.run(rest);
  } catch (err) {
    reportError(err);
  }
}

export function reportError(err: unknown): void {
  const e = err instanceof TidingsError ? err : isUsageError(err) ? new TidingsError('usage', (err as Error).message) : asTidingsError(err);
  process.stderr.write(`error[${e.code}]: ${terminalText(e.message)}\n`);
  if (e.code === 'internal' && process.env.TIDINGS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = e.code === 'usage' ? 2 : 1;
}

function isUsageError(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return code.startsWith('ERR_PARSE_ARGS');
}

import { DB_OPTION, parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';

const USAGE = `
Usage: tidings migrate [--db PATH | --database-url URL]

Brings the database's schema up to date and prints the migrations it applied. Every
command also does this when it opens the database; run it alone before starting many
processes on a new version. On PostgreSQL an advisory lock lets one process migrate at a time.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION }, USAGE);
  if (!parsed) return;
  const config = loadConfig(process.env, { db: parsed.values.db, databaseUrl: parsed.values['database-url'] });
  const { migrateStore } = await import('../../store/openStore.js');
  const applied = await migrateStore({ dbPath: config.dbPath, databaseUrl: config.databaseUrl });
  process.stdout.write(applied.length ? applied.map((name) => `applied ${name}\n`).join('') : 'schema is up to date\n');
}

import type { Store } from './store.js';

/** Picks the store from configuration: PostgreSQL when DATABASE_URL names it, else the SQLite file. */
export async function openStore(opts: { dbPath: string; databaseUrl?: string | undefined }): Promise<Store> {
  if (opts.databaseUrl && /^postgres(?:ql)?:\/\//.test(opts.databaseUrl)) {
    const { TidingsError } = await import('../model/errors.js');
    throw new TidingsError('usage', 'PostgreSQL is not supported yet in this build; unset DATABASE_URL to use the SQLite file');
  }
  const { openSqliteStore } = await import('./sqlite/openSqlite.js');
  return openSqliteStore(opts.dbPath);
}

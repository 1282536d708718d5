import type { Store } from './store.js';

export interface StoreLocation {
  dbPath: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL only: connections in the store's pool. */
  poolSize?: number | undefined;
}

/** Picks the store from configuration: PostgreSQL when DATABASE_URL names it, else the SQLite file. */
export async function openStore(opts: StoreLocation): Promise<Store> {
  if (isPostgresUrl(opts.databaseUrl)) {
    const { openPostgresStore } = await import('./postgres/openPostgres.js');
    return openPostgresStore(opts.databaseUrl, opts.poolSize);
  }
  const { openSqliteStore } = await import('./sqlite/openSqlite.js');
  return openSqliteStore(opts.dbPath);
}

/** Brings the chosen database's schema up to date; returns the migrations applied now. */
export async function migrateStore(opts: StoreLocation): Promise<string[]> {
  if (isPostgresUrl(opts.databaseUrl)) {
    const { migratePostgresUrl } = await import('./postgres/openPostgres.js');
    return migratePostgresUrl(opts.databaseUrl);
  }
  const { migrateSqliteFile } = await import('./sqlite/openSqlite.js');
  return migrateSqliteFile(opts.dbPath);
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(?:ql)?:\/\//.test(url);
}

import { Kysely, PostgresDialect, sql } from 'kysely';
import { TidingsError } from '../../model/errors.js';
import type { Database } from '../schema.js';
import { KyselyStore } from '../kyselyStore.js';
import { migrateToLatest, pendingMigrations } from '../migrate.js';
import { createPool } from './connection.js';
import { postgresDialect } from './postgresDialect.js';
import { postgresMigrations } from './migrations.js';

/** Any fixed number shared by every Tidings process: the key of the migration advisory lock. */
const MIGRATION_LOCK = 7_241_019_001;

/** Opens the PostgreSQL store on a pool and brings its schema up to date first. */
export async function openPostgresStore(url: string, poolSize?: number): Promise<KyselyStore> {
  const db = connect(url, poolSize);
  try {
    await migratePostgres(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const pending = async () => {
    const schema = await sql<{ name: string }>`select current_schema() as name`.execute(db);
    return pendingMigrations(db, postgresMigrations, schema.rows[0]!.name);
  };
  return new KyselyStore(db, postgresDialect, undefined, pending);
}

/** `tidings migrate` on PostgreSQL: the migrations it applied. */
export async function migratePostgresUrl(url: string): Promise<string[]> {
  const db = connect(url);
  try {
    return await migratePostgres(db);
  } finally {
    await db.destroy();
  }
}

function connect(url: string, poolSize?: number): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(url, poolSize) }) });
}

/**
 * Runs the pending migrations, holding an advisory lock for the whole run: of several
 * processes starting at once, one migrates and the others wait, then find nothing to do.
 * Returns the names of the migrations this call applied.
 */
export async function migratePostgres(db: Kysely<Database>): Promise<string[]> {
  try {
    return await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
      try {
        const schema = await sql<{ name: string }>`select current_schema() as name`.execute(conn);
        return await migrateToLatest(conn, postgresMigrations, schema.rows[0]!.name);
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
      }
    });
  } catch (err) {
    if (err instanceof TidingsError) throw err;
    throw new TidingsError('network_error', `PostgreSQL: ${(err as Error).message || (err as { code?: string }).code || String(err)}`, { cause: err });
  }
}

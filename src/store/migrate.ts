import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { TidingsError } from '../model/errors.js';
import type { Database } from './schema.js';

/**
 * Applies a dialect's pending migrations in order (Kysely's Migrator records the applied
 * versions) and returns the names of those this call applied. `schema` names where the
 * version tables are, when the database has schemas (else Kysely looks in all of them).
 */
export async function migrateToLatest(db: Kysely<Database>, migrations: Record<string, Migration>, schema?: string): Promise<string[]> {
  const { error, results } = await migrator(db, migrations, schema).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new TidingsError('internal', `database migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of the migrations not yet applied (`/readyz` answers 503 while there are any). */
export async function pendingMigrations(db: Kysely<Database>, migrations: Record<string, Migration>, schema?: string): Promise<string[]> {
  const all = await migrator(db, migrations, schema).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

function migrator(db: Kysely<Database>, migrations: Record<string, Migration>, schema?: string): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const tables = { migrationTableName: 'schema_migration', migrationLockTableName: 'schema_migration_lock' };
  return new Migrator({ db, provider, ...tables, ...(schema ? { migrationTableSchema: schema } : {}) });
}

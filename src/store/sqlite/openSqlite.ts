import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from '../schema.js';
import { KyselyStore } from '../kyselyStore.js';
import { migrateToLatest, pendingMigrations } from '../migrate.js';
import { sqliteMigrations } from './migrations.js';
import { sqliteDialect } from './sqliteDialect.js';
import { LruMap } from '../../model/lruMap.js';
import { SharedReads } from './sharedReads.js';

/** Opens (creating folder and file on first use) and migrates the embedded SQLite store. */
export async function openSqliteStore(file: string): Promise<KyselyStore> {
  const { db, sqlite, reads } = connect(file);
  await migrateToLatest(db, sqliteMigrations);
  const pending = () => pendingMigrations(db, sqliteMigrations);
  return new KyselyStore(db, sqliteDialect, undefined, pending, changeStampOf(sqlite, reads), () => reads.hold());
}

/** `tidings migrate` on the SQLite file: the migrations it applied. */
export async function migrateSqliteFile(file: string): Promise<string[]> {
  const { db } = connect(file);
  try {
    return await migrateToLatest(db, sqliteMigrations);
  } finally {
    await db.destroy();
  }
}

function connect(file: string): { db: Kysely<Database>; sqlite: BetterSqlite3.Database; reads: SharedReads } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const reads = new SharedReads(sqlite);
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, 500, reads) }) }), sqlite, reads };
}

/**
 * Moves on every write the connection can see: its own (total_changes, rows written by
 * this connection, triggers included; a memory read) and any other connection's or
 * process's commit (data_version). Cheaper than the reader-version query it stands in for.
 */
function changeStampOf(sqlite: BetterSqlite3.Database, reads: SharedReads): () => string {
  const own = sqlite.prepare('select total_changes()').pluck();
  const others = sqlite.prepare('pragma data_version').pluck();
  return () => {
    // data_version takes the read lock too: asked in the turn's shared snapshot, as the version is.
    reads.before('pragma data_version', true);
    return `${own.get() as number}.${others.get() as number}`;
  };
}

/**
 * Kysely prepares every query anew, and better-sqlite3 compiles the SQL on each prepare:
 * a quarter of a refresh's CPU went there. The store asks the same few shapes over and
 * over, so compiled statements are kept (the most recently used ones, a bounded number).
 * Safe because Kysely runs each statement to completion (the store never streams a query).
 */
export function withStatementCache(db: BetterSqlite3.Database, max = 500, reads = new SharedReads(db)): SqliteDatabase {
  const cache = new LruMap<string, BetterSqlite3.Statement>(max);
  return {
    close: () => {
      reads.end();
      db.close();
    },
    // Kysely runs each statement at once after preparing it: the transaction is settled here.
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) cache.set(sql, (statement = db.prepare(sql)));
      reads.before(sql, statement.readonly);
      return statement as unknown as SqliteStatement;
    },
  };
}

import crypto from 'node:crypto';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { KyselyStore } from '../../src/store/kyselyStore.js';
import { openPostgresStore } from '../../src/store/postgres/openPostgres.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqlite.js';
import { tempDir } from './cli.js';

/**
 * The store the integration suites run on: a fresh SQLite file by default, a fresh
 * PostgreSQL database (dropped afterwards) under TIDINGS_TEST_STORE=postgres
 * (`npm run test:postgres`).
 */
export const storeTarget: 'sqlite' | 'postgres' = process.env.TIDINGS_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The server's maintenance database, where test databases are created and dropped from. */
export const postgresAdminUrl = process.env.TIDINGS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** An empty database of the current target, as `tidings` options. */
export interface TestDatabase {
  /** `--db FILE` or `--database-url URL`. */
  args: string[];
  /** What openStore takes. */
  location: { dbPath: string; databaseUrl?: string };
  /** Rows in a table, counted beside the store. */
  count(table: string): Promise<number>;
  /** One SQL statement run beside the store (no parameters: tests pass literals); rows when it returns any. */
  query(text: string): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

export interface TestStore extends TestDatabase {
  store: KyselyStore;
  /** Closes the store, then drops the database. */
  close(): Promise<void>;
}

export async function freshDatabase(target = storeTarget): Promise<TestDatabase> {
  return target === 'postgres' ? freshPostgresDatabase() : freshSqliteFile();
}

export async function openTestStore(target = storeTarget): Promise<TestStore> {
  const db = await freshDatabase(target);
  const store = target === 'postgres' ? await openPostgresStore(db.location.databaseUrl!) : await openSqliteStore(db.location.dbPath);
  return {
    ...db,
    store,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}

function freshSqliteFile(): TestDatabase {
  const dbPath = path.join(tempDir(), 'tidings.db');
  return {
    args: ['--db', dbPath],
    location: { dbPath },
    async count(table) {
      const db = new BetterSqlite3(dbPath, { readonly: true });
      try {
        return (db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
    async query(text) {
      const db = new BetterSqlite3(dbPath);
      try {
        const stmt = db.prepare(text);
        if (stmt.reader) return stmt.all() as Array<Record<string, unknown>>;
        stmt.run();
        return [];
      } finally {
        db.close();
      }
    },
    async drop() {},
  };
}

/**
 * One PostgreSQL database per test file (a process), dropped when the file ends; in it,
 * one schema per store. A closed store's schema is emptied and handed to the next one, so a
 * file pays for creating and migrating a database once, not per test.
 */
let fileDatabase: Promise<string> | undefined;
const spareSchemas: string[] = [];
let schemas = 0;

async function freshPostgresDatabase(): Promise<TestDatabase> {
  const base = await (fileDatabase ??= createFileDatabase());
  let schema = spareSchemas.pop();
  if (!schema) {
    schema = `store_${++schemas}`;
    await onDatabase(base, (c) => c.query(`create schema ${schema}`));
  }
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  const databaseUrl = url.toString();
  return {
    args: ['--database-url', databaseUrl],
    location: { dbPath: '', databaseUrl },
    count: async (table) => onDatabase(base, async (c) => Number((await c.query(`select count(*) n from ${schema}."${table}"`)).rows[0].n)),
    query: async (text) => onDatabase(databaseUrl, async (c) => (await c.query(text)).rows),
    drop: async () => {
      await onDatabase(base, (c) => emptySchema(c, schema));
      spareSchemas.push(schema);
    },
  };
}

async function createFileDatabase(): Promise<string> {
  const name = `tidings_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await onDatabase(postgresAdminUrl, (c) => c.query(`create database ${name}`));
  process.once('beforeExit', () => void onDatabase(postgresAdminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  // Shared by the schemas; the migration finds it there (see postgres/migrations.ts).
  await onDatabase(url.toString(), (c) => c.query('create extension if not exists unaccent'));
  return url.toString();
}

async function emptySchema(c: pg.Client, schema: string): Promise<void> {
  const tables = await c.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = $1 and tablename not like 'schema_migration%'`, [schema]);
  if (tables.rows.length === 0) return;
  await c.query(`truncate ${tables.rows.map((t) => `${schema}."${t.name}"`).join(', ')} restart identity cascade`);
}

async function onDatabase<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let reachable: Promise<boolean> | undefined;

/** Whether the test PostgreSQL server answers (tests that need it say "skipped" otherwise). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= onDatabase(postgresAdminUrl, (c) => c.query('select 1')).then(() => true, () => false);
  return reachable;
}


/** Whether the client's statement is waiting for a lock another transaction holds (PostgreSQL). */
export async function waitsForLock(database: TestDatabase, c: pg.Client): Promise<boolean> {
  const pid = (c as unknown as { processID: number }).processID;
  const rows = await database.query(`select wait_event_type from pg_stat_activity where pid = ${pid}`);
  return rows[0]?.wait_event_type === 'Lock';
}

/**
 * N connections of their own to a PostgreSQL database, for tests that interleave
 * transactions by hand (a pool would hand one connection to two sides). The caller ends them.
 */
export async function connectedClients(url: string | undefined, n: number): Promise<pg.Client[]> {
  if (!url) throw new Error('connectedClients needs a PostgreSQL database (a SQLite test store has no URL)');
  const clients: pg.Client[] = [];
  for (let i = 0; i < n; i++) {
    const c = new pg.Client({ connectionString: url });
    clients.push(c);
    await c.connect();
  }
  return clients;
}

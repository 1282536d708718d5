import fs from 'node:fs';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { TidingsError } from '../model/errors.js';
import type { KyselyStore } from './kyselyStore.js';
import { isPostgresUrl } from './openStore.js';
import type { Database } from './schema.js';

/**
 * Tables the target's own triggers fill as the rows they derive from arrive (the unread
 * counts): copying them too would count twice.
 */
const DERIVED_TABLES = ['subscription_unread'] as const;
type CopiedTable = Exclude<keyof Database, (typeof DERIVED_TABLES)[number]>;

/**
 * Every table of the schema, parents before the tables that reference them, with the
 * columns that order it for keyset batches. Typed over `Database`, so a table added to
 * schema.ts does not compile until it is copied; the copy also refuses a database holding a
 * table this does not name.
 */
const TABLE_KEYS: { readonly [T in CopiedTable]: ReadonlyArray<keyof Database[T] & string> } = {
  source: ['id'],
  feed: ['id'],
  article: ['id'],
  article_feed: ['article_id', 'feed_id'],
  revision: ['id'],
  image: ['id'],
  tombstone: ['id'],
  websub: ['feed_id'],
  setting: ['key'],
  user: ['id'],
  session: ['token_hash'],
  api_token: ['token_hash'],
  fever_key: ['user_id'],
  syndication_secret: ['user_id'],
  subscription: ['user_id', 'feed_id'],
  article_state: ['user_id', 'article_id'],
  story: ['id'],
  article_story: ['article_id'],
  article_facts: ['article_id'],
  article_entity: ['article_id', 'entity_key', 'type'],
  story_pending: ['article_id'],
  feed_rule: ['feed_id'],
  // Copied like any row; a copied lease is stale (its heartbeat stops) and is ignored.
  server_lease: ['server_id'],
};

export const COPIED_TABLES = Object.keys(TABLE_KEYS) as CopiedTable[];

/** Every table, counted on both sides after the copy: derived ones must come out as many too. */
const COUNTED_TABLES: ReadonlyArray<keyof Database> = [...COPIED_TABLES, ...DERIVED_TABLES];

/** Bound values in one statement: under SQLite's limit (32,766) and PostgreSQL's (65,535). */
const MAX_PARAMETERS = 30_000;

/** Kysely's migration bookkeeping: each database keeps its own. */
const MIGRATION_TABLES = /^schema_migration/;

/** What differs per database when a whole database is read or written. */
export interface CopyDialect {
  /** The tables holding data and their columns (not ones the database derives, like search indexes). */
  listTables(db: Kysely<Database>): Promise<Map<string, string[]>>;
  /** What goes between `insert into t (cols)` and `values`, so rows keep their ids. */
  keepIds: RawBuilder<unknown>;
  /** The highest id each table has ever given out (deleted rows included), by table. */
  idMarks(db: Kysely<Database>, tables: string[]): Promise<Map<string, number>>;
  /** Makes each table's next new row get an id past its mark and past every copied id. */
  continueIds(db: Kysely<Database>, marks: Map<string, number>): Promise<void>;
}

/** One side of a copy: an open, migrated database and what its dialect does differently. */
export interface CopyEnd {
  db: Kysely<Database>;
  dialect: CopyDialect;
  close(): Promise<void>;
}

export interface TableCount {
  table: string;
  source: number;
  copied: number;
}

export interface CopyProgress {
  /** Called once before copying, with the batches to come. */
  start(batches: number): void;
  batch(table: string, copied: number, total: number): void;
}

/** Opens `--from`/`--to` (migrated): a postgres:// URL, or an SQLite file (which, as a source, must exist). */
export async function openCopyEnd(location: string, role: 'source' | 'target'): Promise<CopyEnd> {
  if (isPostgresUrl(location)) {
    const [{ openPostgresStore }, { postgresCopyDialect }] = await Promise.all([import('./postgres/openPostgres.js'), import('./postgres/postgresCopy.js')]);
    return copyEnd(await openPostgresStore(location), postgresCopyDialect);
  }
  if (role === 'source' && !fs.existsSync(location)) throw new TidingsError('not_found', `no SQLite database at ${location}`);
  const [{ openSqliteStore }, { sqliteCopyDialect }] = await Promise.all([import('./sqlite/openSqlite.js'), import('./sqlite/sqliteCopy.js')]);
  return copyEnd(await openSqliteStore(location), sqliteCopyDialect);
}

function copyEnd(store: KyselyStore, dialect: CopyDialect): CopyEnd {
  return { db: store.kysely(), dialect, close: () => store.close() };
}

/**
 * Copies every row of `from` into the empty database `to`, keeping ids, in batches of
 * `batchSize` read in key order. The source is read in one snapshot (a repeatable-read
 * transaction; on SQLite, a read transaction), so an instance still running is copied as
 * it was at the start. All of it is written in one transaction, so a copy that fails
 * leaves the target empty and can simply be run again. Values need no conversion here:
 * both drivers take and give times as ISO 8601 text (PostgreSQL parses it into
 * timestamptz) and ids and flags as numbers. Search indexes are the target's own: its
 * triggers or generated column fill them as rows arrive. Returns the rows of the snapshot
 * and of the committed copy, table by table; checkCounts says whether they agree.
 */
export async function copyDatabase(from: CopyEnd, to: CopyEnd, progress?: CopyProgress, batchSize = 1000): Promise<TableCount[]> {
  const columns = await matchingColumns(from, to);
  const totals = await from.db.transaction().setIsolationLevel('repeatable read').execute(async (snapshot) => {
    const rows = new Map<string, number>();
    for (const table of COUNTED_TABLES) rows.set(table, await countRows(snapshot, table));
    progress?.start(COPIED_TABLES.reduce((n, t) => n + Math.ceil(rows.get(t)! / batchSize), 0));
    const marks = await from.dialect.idMarks(snapshot, identityTables());
    await to.db.transaction().execute(async (trx) => {
      await refuseNonEmpty(trx);
      for (const table of COPIED_TABLES) {
        const plan = { table, columns: columns.get(table)!, batchSize };
        await copyTable(snapshot, trx, to.dialect, plan, (copied) => progress?.batch(table, copied, rows.get(table)!));
      }
      await to.dialect.continueIds(trx, marks);
    });
    return rows;
  });
  const counts: TableCount[] = [];
  for (const table of COUNTED_TABLES) counts.push({ table, source: totals.get(table)!, copied: await countRows(to.db, table) });
  return counts;
}

/** Fails with `conflict` when a table's copy does not hold as many rows as its source. */
export function checkCounts(counts: TableCount[]): void {
  const wrong = counts.filter((c) => c.source !== c.copied);
  if (wrong.length === 0) return;
  const list = wrong.map((c) => `${c.table} ${c.source} rows in the source, ${c.copied} copied`).join('; ');
  throw new TidingsError('conflict', `the copy does not match its source: ${list}`);
}

interface TablePlan {
  table: CopiedTable;
  columns: string[];
  batchSize: number;
}

async function copyTable(from: Kysely<Database>, to: Kysely<Database>, dialect: CopyDialect, plan: TablePlan, onBatch: (copied: number) => void): Promise<void> {
  const key = TABLE_KEYS[plan.table] as readonly string[];
  let after: unknown[] | null = null;
  let copied = 0;
  for (;;) {
    const rows: Array<Record<string, unknown>> = await readBatch(from, plan, key, after);
    if (rows.length === 0) return;
    const perInsert = Math.max(1, Math.floor(MAX_PARAMETERS / plan.columns.length));
    for (let i = 0; i < rows.length; i += perInsert) await insertRows(to, dialect, plan, rows.slice(i, i + perInsert));
    copied += rows.length;
    onBatch(copied);
    const last = rows[rows.length - 1]!;
    after = key.map((k) => last[k]);
  }
}

async function insertRows(db: Kysely<Database>, dialect: CopyDialect, plan: TablePlan, rows: Array<Record<string, unknown>>): Promise<void> {
  await sql`insert into ${sql.table(plan.table)} (${sql.join(plan.columns.map((c) => sql.ref(c)))}) ${dialect.keepIds}
    values ${sql.join(rows.map((r) => sql`(${sql.join(plan.columns.map((c) => r[c]))})`))}`.execute(db);
}

async function readBatch(db: Kysely<Database>, plan: TablePlan, key: readonly string[], after: unknown[] | null): Promise<Array<Record<string, unknown>>> {
  const keyRefs = sql.join(key.map((k) => sql.ref(k)));
  // Row values compare column by column, in both databases: (a, b) > (x, y).
  const where = after ? sql`where (${keyRefs}) > (${sql.join(after)})` : sql``;
  const result = await sql<Record<string, unknown>>`select ${sql.join(plan.columns.map((c) => sql.ref(c)))} from ${sql.table(plan.table)}
    ${where} order by ${keyRefs} limit ${plan.batchSize}`.execute(db);
  return result.rows;
}

/**
 * The columns to copy, table by table: both databases must hold exactly the tables this
 * module copies, with the same columns, or nothing is copied (a table it does not know
 * would otherwise be left behind without a word).
 */
async function matchingColumns(from: CopyEnd, to: CopyEnd): Promise<Map<string, string[]>> {
  const source = await dataTables(from);
  const target = await dataTables(to);
  for (const [side, tables] of [['source', source], ['target', target]] as const) {
    const unknown = [...tables.keys()].filter((t) => !(t in TABLE_KEYS));
    const missing = COPIED_TABLES.filter((t) => !tables.has(t));
    if (unknown.length || missing.length) {
      throw new TidingsError('internal', `the ${side} database has tables the copy does not know (${unknown.join(', ') || 'none'}) or lacks ones it copies (${missing.join(', ') || 'none'})`);
    }
  }
  for (const table of COPIED_TABLES) {
    const a = [...source.get(table)!].sort().join(', ');
    const b = [...target.get(table)!].sort().join(', ');
    if (a !== b) throw new TidingsError('internal', `table ${table} has columns (${a}) in the source but (${b}) in the target`);
  }
  return source;
}

async function dataTables(end: CopyEnd): Promise<Map<string, string[]>> {
  const tables = await end.dialect.listTables(end.db);
  for (const name of [...tables.keys()]) if (MIGRATION_TABLES.test(name) || (DERIVED_TABLES as readonly string[]).includes(name)) tables.delete(name);
  return tables;
}

async function refuseNonEmpty(db: Kysely<Database>): Promise<void> {
  const filled: string[] = [];
  for (const table of COPIED_TABLES) {
    const row = await sql`select 1 from ${sql.table(table)} limit 1`.execute(db);
    if (row.rows.length) filled.push(table);
  }
  if (filled.length) throw new TidingsError('conflict', `the target database is not empty (rows in ${filled.join(', ')}): copy only into a new database`);
}

async function countRows(db: Kysely<Database>, table: string): Promise<number> {
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(result.rows[0]!.n);
}

/** Tables whose key is a generated id, the ones whose id sequence must continue after the copy. */
function identityTables(): string[] {
  return COPIED_TABLES.filter((t) => TABLE_KEYS[t].length === 1 && TABLE_KEYS[t][0] === 'id');
}

/** Rows of (table, column), in column order, as a map of each table's columns. */
export function groupColumns(rows: Array<{ table_name: string; column_name: string }>): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const r of rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r.column_name]);
  return tables;
}

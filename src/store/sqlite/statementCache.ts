import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew; preparing the river's query costs about
 * as much as running it. Statements are kept by their SQL text, most recently used last,
 * and the oldest dropped past `max`, so queries built with varying text cannot grow it.
 * Sharing a statement is safe: the driver runs one query at a time on its one connection.
 */
export function cachedStatements(db: SqliteDatabase, max = 256): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = statements.get(sql);
      if (stmt) statements.delete(sql);
      else stmt = db.prepare(sql);
      statements.set(sql, stmt);
      if (statements.size > max) statements.delete(statements.keys().next().value!);
      return stmt;
    },
  };
}

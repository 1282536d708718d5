import { sql } from 'kysely';
import { groupColumns, type CopyDialect } from '../copyDatabase.js';

/** What `tidings db copy` does differently on PostgreSQL. */
export const postgresCopyDialect: CopyDialect = {
  async listTables(db) {
    // Generated columns (the search tsvector) are the database's to fill, never copied.
    const rows = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and is_generated = 'NEVER'
      order by table_name, ordinal_position`.execute(db);
    return groupColumns(rows.rows);
  },
  // Ids are `generated always as identity`: PostgreSQL takes given ones only when told to.
  keepIds: sql`overriding system value`,
  async idMarks(db, tables) {
    const marks = new Map<string, number>();
    for (const table of tables) {
      const row = await sql<{ mark: number | null }>`
        select pg_sequence_last_value(pg_get_serial_sequence(${quoted(table)}, 'id')) as mark`.execute(db);
      marks.set(table, Number(row.rows[0]?.mark ?? 0));
    }
    return marks;
  },
  async continueIds(db, marks) {
    for (const [table, mark] of marks) {
      // setval(seq, n, true): the next id is n + 1; (seq, 1, false): it is 1, for a table never used.
      await sql`select setval(pg_get_serial_sequence(${quoted(table)}, 'id'), greatest(m.top, 1), m.top > 0)
        from (select greatest(coalesce(max(id), 0), ${mark}) as top from ${sql.table(table)}) m`.execute(db);
    }
  },
};

/** pg_get_serial_sequence reads its first argument as an identifier: "user" needs its quotes. */
function quoted(table: string): string {
  return `"${table.replace(/"/g, '""')}"`;
}

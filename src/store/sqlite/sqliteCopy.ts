import { sql } from 'kysely';
import { groupColumns, type CopyDialect } from '../copyDatabase.js';

/** What `tidings db copy` does differently on SQLite. */
export const sqliteCopyDialect: CopyDialect = {
  async listTables(db) {
    // The FTS5 indexes (article_fts, article_prefix_fts and their shadow tables) are rebuilt
    // by the target's own triggers as articles arrive; sqlite_* tables are SQLite's bookkeeping.
    const rows = await sql<{ table_name: string; column_name: string }>`
      select m.name as table_name, c.name as column_name from sqlite_master m, pragma_table_info(m.name) c
      where m.type = 'table' and m.name not like 'sqlite\\_%' escape '\\' and m.name not like 'article\\_fts%' escape '\\' and m.name not like 'article\\_prefix\\_fts%' escape '\\'
      order by m.name, c.cid`.execute(db);
    return groupColumns(rows.rows);
  },
  // An INTEGER PRIMARY KEY takes the id it is given.
  keepIds: sql``,
  async idMarks(db, tables) {
    const rows = await sql<{ name: string; seq: number }>`select name, seq from sqlite_sequence`.execute(db);
    const seqs = new Map(rows.rows.map((r) => [r.name, r.seq]));
    return new Map(tables.map((t) => [t, seqs.get(t) ?? 0]));
  },
  async continueIds(db, marks) {
    // AUTOINCREMENT never reuses an id below sqlite_sequence's: raise it to the source's mark.
    for (const [table, mark] of marks) {
      await sql`update sqlite_sequence set seq = max(seq, ${mark}) where name = ${table}`.execute(db);
      await sql`insert into sqlite_sequence (name, seq) select ${table}, ${mark} where not exists (select 1 from sqlite_sequence where name = ${table})`.execute(db);
    }
  },
};

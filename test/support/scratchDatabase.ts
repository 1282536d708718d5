import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use; TIDINGS_TEST_POSTGRES points elsewhere. */
export const postgresServerUrl = process.env.TIDINGS_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432';

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, dropped after; null when no PostgreSQL answers, so
 * the file can skip its PostgreSQL tests and say so.
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase | null> {
  const admin = new pg.Client({ connectionString: `${postgresServerUrl}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    await admin.end().catch(() => undefined);
    return null;
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `${postgresServerUrl}/${name}`,
    name,
    async drop() {
      const client = new pg.Client({ connectionString: `${postgresServerUrl}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

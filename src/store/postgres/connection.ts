import pg from 'pg';
import { formatIso } from '../../text/dates.js';
import { logger } from '../../log/logger.js';

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ) as (value: string) => Date;

/**
 * The store is written against ISO 8601 UTC text times and number ids (what SQLite keeps):
 * timestamptz comes back in formatIso's shape (milliseconds only when there are some) and
 * bigint ids as numbers (they stay far below 2^53). Set on this pool only, so other users of
 * `pg` in the process (the job queue) keep the driver's defaults.
 */
const storeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === TIMESTAMPTZ) return isoFromPostgres;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export function isoFromPostgres(value: string): string {
  const ms = parseTimestamptz(value).getTime();
  return ms % 1000 === 0 ? formatIso(ms) : new Date(ms).toISOString();
}

/** A pool on DATABASE_URL whose dropped idle connections are logged, not fatal. */
export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: storeTypes });
  // A connection ended by the server while idle (restart, pg_terminate_backend) is replaced on next use.
  pool.on('error', (err) => logger().warn({ code: 'network_error', err: err.message }, 'PostgreSQL connection lost'));
  return pool;
}

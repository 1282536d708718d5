import type { Db } from './schema.js';

/**
 * Running `tidings serve` processes, one row each, kept alive by a heartbeat. CLI commands
 * that fetch read them to hand their work to the server (cli/handover.ts).
 */
/** How often a running server renews its lease; a lease LEASE_MISSED_BEATS beats old is dead. */
export const HEARTBEAT_MS = 10_000;
export const LEASE_MISSED_BEATS = 3;

export interface ServerLease {
  id: string;
  pid: number;
  host: string;
  /** Where the server answers browsers, as it printed it (http://127.0.0.1:8080). */
  address: string;
  /** Loopback port of the server's command channel (server/commandChannel.ts). */
  commandPort: number;
  /** What a CLI command sends to be obeyed; anyone who can read this database could do the work anyway. */
  secret: string;
  startedAt: string;
  heartbeatAt: string;
}

export async function saveServerLease(db: Db, l: ServerLease): Promise<void> {
  const row = { server_id: l.id, pid: l.pid, host: l.host, address: l.address, command_port: l.commandPort, secret: l.secret, started_at: l.startedAt, heartbeat_at: l.heartbeatAt };
  await db.insertInto('server_lease').values(row).onConflict((oc) => oc.column('server_id').doUpdateSet({ heartbeat_at: l.heartbeatAt, address: l.address })).execute();
}

export async function removeServerLease(db: Db, id: string): Promise<void> {
  await db.deleteFrom('server_lease').where('server_id', '=', id).execute();
}

/** Leases whose heartbeat is at or after `since`, freshest first. */
export async function liveServerLeases(db: Db, since: string): Promise<ServerLease[]> {
  const rows = await db.selectFrom('server_lease').selectAll().where('heartbeat_at', '>=', since).orderBy('heartbeat_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.server_id, pid: Number(r.pid), host: r.host, address: r.address, commandPort: Number(r.command_port), secret: r.secret, startedAt: r.started_at, heartbeatAt: r.heartbeat_at,
  }));
}

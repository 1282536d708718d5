import { createHash } from 'node:crypto';
import pg from 'pg';
import { logFailure, logger } from '../log/logger.js';

/**
 * Who decides what is due: exactly one process across all machines. Work itself is
 * shared through the job queue; only the deciding is leased.
 */
export interface SchedulerLease {
  /** True while this process holds the lease. */
  readonly held: boolean;
  /** Starts trying to take the lease; `onChange` hears every gain and loss. */
  start(onChange?: (held: boolean) => void): Promise<void>;
  /** Gives the lease up (another process takes it at its next try). */
  stop(): Promise<void>;
}

/** On one machine with SQLite the local process is the only candidate. */
export class LocalLease implements SchedulerLease {
  held = false;
  private onChange: ((held: boolean) => void) | undefined;

  async start(onChange?: (held: boolean) => void): Promise<void> {
    this.onChange = onChange;
    this.held = true;
    onChange?.(true);
  }

  async stop(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    this.onChange?.(false);
  }
}

export interface AdvisoryLeaseOptions {
  connectionString: string;
  /** Names the lock; processes with the same name compete for it. */
  name?: string;
  /** How often a candidate tries, and how often the holder checks its connection. */
  retryMs?: number;
}

/**
 * The lease as a PostgreSQL session-level advisory lock on a connection of its own. The
 * server releases the lock the moment that session ends, so a holder that dies (or whose
 * connection is cut) loses it at once, and a candidate, trying every few seconds, takes it
 * over. The holder notices a lost connection by the client's 'error'/'end' events or, when
 * the network is silent, by a failing check query, and stops acting as the scheduler.
 */
export class AdvisoryLease implements SchedulerLease {
  held = false;
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private onChange: ((held: boolean) => void) | undefined;
  private stopped = false;
  private readonly key: string;

  constructor(private readonly options: AdvisoryLeaseOptions) {
    this.key = lockKey(options.name ?? 'tidings.scheduler');
  }

  async start(onChange?: (held: boolean) => void): Promise<void> {
    this.onChange = onChange;
    this.stopped = false;
    await this.attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    this.setHeld(false);
    // Ending the session releases the lock; no unlock query is needed.
    await client?.end().catch(() => undefined);
  }

  private async attempt(): Promise<void> {
    try {
      const client = this.client ?? (await this.connect());
      if (this.held) await client.query('SELECT 1');
      else {
        const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.key]);
        if (this.client === client) this.setHeld(result.rows[0]?.locked === true);
      }
    } catch (err) {
      this.lose(err as Error);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.attempt(), this.options.retryMs ?? 5000);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: 'tidings-scheduler-lease',
      keepAlive: true,
    });
    client.on('error', (err) => this.lose(err, client));
    client.on('end', () => this.lose(new Error('connection ended'), client));
    this.client = client;
    await client.connect();
    return client;
  }

  /** Forgets a broken session; the next attempt opens a fresh one. */
  private lose(err: Error, client = this.client): void {
    if (client !== this.client || this.stopped) return;
    this.client = null;
    client?.end().catch(() => undefined);
    if (this.held) logFailure({ code: 'network_error', err: err.message }, 'scheduler lease lost');
    this.setHeld(false);
  }

  private setHeld(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    if (held) logger().info({ lease: 'scheduler' }, 'scheduler lease taken');
    this.onChange?.(held);
  }
}

/** A stable 64-bit lock number from a name, so it never needs to be kept in sync by hand. */
export function lockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

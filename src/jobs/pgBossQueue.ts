import { setMaxListeners } from 'node:events';
import PgBoss from 'pg-boss';
import { logFailure } from '../log/logger.js';
import { TidingsError } from '../model/errors.js';
import { retryingConflicts } from '../retry/conflictRetry.js';
import { failureRecord, pause, settleWithin, startAttempt, type Attempt, type AttemptInfo } from './jobAttempt.js';
import {
  defaultJobPolicies,
  emptyKindStats,
  feedOfJob,
  isSingletonKind,
  jobKinds,
  singletonKey,
  type JobFailure,
  type JobHandler,
  type JobKind,
  type JobPayloads,
  type JobPolicy,
  type JobQueue,
  type JobStats,
  type KindStats,
  type StopOptions,
  type WorkOptions,
} from './jobQueue.js';

export interface PgBossQueueOptions {
  connectionString: string;
  /** pg-boss keeps its tables in this schema of the same database. */
  schema?: string;
  policies?: Partial<Record<JobKind, JobPolicy>>;
  /** How often an idle worker asks for a job. */
  pollingIntervalSeconds?: number;
  /** How often expired jobs (their worker died) are failed and so retried. */
  maintenanceIntervalSeconds?: number;
  /** Connections in pg-boss's pool. */
  maxConnections?: number;
  onFailure?: (failure: JobFailure) => void;
  /**
   * Only reads (stats, failures): it neither sets the queues' policies (those of the
   * processes doing the work stand) nor runs maintenance. For `tidings jobs`.
   */
  observeOnly?: boolean;
}

/** The columns of a claimed job our loop needs. */
interface FetchedJob<T> {
  id: string;
  data: T;
  singletonKey: string | null;
  retryCount: number;
  retryLimit: number;
  expireInSeconds: number;
}

const stateColumns: Record<string, keyof KindStats> = {
  created: 'queued',
  retry: 'retrying',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

/**
 * Jobs in PostgreSQL through pg-boss 10, shared by every process on the same database.
 * Keyed kinds use the 'stately' queue policy: its unique index allows one queued and one
 * active job per key, so a feed is never refreshed twice at once and repeated sends
 * collapse ('singleton' only bounds the active ones and lets sends pile up behind).
 *
 * The fetch loop is ours rather than boss.work(): work() completes and fails jobs without
 * awaiting, so a dropped connection at that moment is an unhandled rejection that ends the
 * process, and it cannot hand jobs back on stop with their handlers aborted.
 */
export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly policies: Record<JobKind, JobPolicy>;
  private readonly inFlight = new Map<string, { kind: JobKind; attempt: Attempt }>();
  private readonly loops: Promise<void>[] = [];
  private readonly stopping = new AbortController();
  private readonly fetchSql: string;
  private fetchFailing = false;

  constructor(private readonly options: PgBossQueueOptions) {
    this.policies = { ...defaultJobPolicies, ...options.policies };
    this.fetchSql = claimNextJobSql(this.schema);
    // Every idle slot of every kind waits on this signal at once (pause()): dozens, on purpose.
    setMaxListeners(0, this.stopping.signal);
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema ?? 'pgboss',
      max: options.maxConnections ?? 10,
      application_name: 'tidings-jobs',
      schedule: false,
      supervise: !options.observeOnly,
      migrate: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    });
    this.boss.on('error', (err: Error & { code?: string }) => {
      logFailure({ code: 'network_error', cause: err.code, err: err.message }, 'job queue database error');
    });
  }

  async start(): Promise<void> {
    await this.boss.start();
    if (this.options.observeOnly) return;
    for (const kind of jobKinds) {
      const settings: PgBoss.Queue = {
        name: kind,
        policy: isSingletonKind(kind) ? 'stately' : 'standard',
        retryLimit: this.policies[kind].retryLimit,
        retryDelay: this.policies[kind].retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: this.policies[kind].expireInSeconds,
      };
      // Processes starting together create the same queues: their DDL can deadlock, and
      // the loser just tries again (both steps are idempotent).
      await retryingConflicts('createQueue', async () => {
        await this.boss.createQueue(kind, settings);
        // An existing queue keeps its old settings otherwise.
        await this.boss.updateQueue(kind, settings);
      });
    }
  }

  async send<K extends JobKind>(kind: K, data: JobPayloads[K]): Promise<string | null> {
    const key = singletonKey(kind, data);
    return acrossReconnect(() => this.boss.send(kind, data, key === undefined ? {} : { singletonKey: key }), 2);
  }

  async work<K extends JobKind>(kind: K, options: WorkOptions, handler: JobHandler<K>): Promise<void> {
    for (let slot = 0; slot < Math.max(1, options.concurrency); slot++) this.loops.push(this.loop(kind, handler));
  }

  async stats(): Promise<JobStats> {
    const rows = await this.sql<{ name: JobKind; state: string; size: string }>(
      `SELECT name, state, count(*) AS size FROM ${this.schema}.job WHERE name = ANY($1) GROUP BY name, state`,
      [jobKinds],
    );
    const byKind = new Map(jobKinds.map((kind) => [kind, emptyKindStats(kind)]));
    for (const row of rows) {
      const column = stateColumns[row.state];
      if (column) (byKind.get(row.name)![column] as number) += Number(row.size);
    }
    return { kinds: [...byKind.values()], lastFailures: await this.listFailures(10) };
  }

  /** Failed attempts still on record: jobs waiting for a retry, and jobs out of retries. */
  async listFailures(limit = 20): Promise<JobFailure[]> {
    const rows = await this.sql<FailureRow>(
      `SELECT * FROM (
         SELECT ${failureColumns} FROM ${this.schema}.job WHERE name = ANY($1) AND state IN ('retry', 'failed')
         UNION ALL
         SELECT ${failureColumns} FROM ${this.schema}.archive WHERE name = ANY($1) AND state = 'failed'
       ) f ORDER BY at DESC NULLS LAST LIMIT $2`,
      [jobKinds, limit],
    );
    return rows.map(toFailure);
  }

  /**
   * Looks in the job table only: pg-boss archives a failed job after 12 hours, and by then
   * the Feeds page has long shown it (the archive is the history `tidings jobs` lists).
   */
  async feedFailures(feedIds: readonly number[]): Promise<JobFailure[]> {
    if (feedIds.length === 0) return [];
    const rows = await this.sql<FailureRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (data->>'feedId') ${failureColumns} FROM ${this.schema}.job j
         WHERE name = ANY($1) AND state IN ('retry', 'failed') AND data->>'feedId' = ANY($2::text[])
           AND NOT EXISTS (
             SELECT 1 FROM ${this.schema}.job c
             WHERE c.name = j.name AND c.singleton_key = j.singleton_key AND c.state = 'completed'
               AND c.completed_on > coalesce(j.completed_on, j.started_on))
         ORDER BY data->>'feedId', at DESC NULLS LAST
       ) f ORDER BY at DESC NULLS LAST`,
      [jobKinds, feedIds.map(String)],
    );
    return rows.map(toFailure);
  }

  async stop(options: StopOptions = {}): Promise<void> {
    this.stopping.abort();
    const finished = Promise.all(this.loops);
    const late = await settleWithin(finished, options.timeoutMs ?? 30_000);
    if (late) {
      // Hand back: abort the handlers and fail their jobs, so another worker retries them.
      for (const { attempt } of this.inFlight.values()) attempt.abort(new TidingsError('internal', 'worker stopped: job handed back'));
      await settleWithin(finished, 5000);
    }
    await this.boss.stop({ graceful: false, close: true, wait: true });
  }

  private get schema(): string {
    return this.options.schema ?? 'pgboss';
  }

  private async sql<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await acrossReconnect(() => this.boss.getDb().executeSql(text, values), 2)).rows as T[];
  }

  /** One slot of a worker: fetch a job, run it, report it; poll when there is none. */
  private async loop<K extends JobKind>(kind: K, handler: JobHandler<K>): Promise<void> {
    const pollMs = (this.options.pollingIntervalSeconds ?? 2) * 1000;
    while (!this.stopping.signal.aborted) {
      const job = await this.fetch(kind);
      if (job) await this.runJob(kind, handler, job as FetchedJob<JobPayloads[K]>);
      else await pause(pollMs, this.stopping.signal);
    }
  }

  /**
   * pg-boss's own fetch takes the oldest waiting job even when its key is busy; the
   * unique index then rejects it and the whole queue stalls behind that one feed until
   * its refresh ends. This is the same claim, skipping jobs whose key has one running.
   * The index still decides: two workers racing for one key get a unique violation,
   * which here just means "nothing for you this time".
   */
  private async fetch(kind: JobKind): Promise<FetchedJob<unknown> | undefined> {
    try {
      const [job] = await this.sql<FetchedJob<unknown>>(this.fetchSql, [kind]);
      this.fetchFailing = false;
      return job;
    } catch (err) {
      const error = err as Error & { code?: string };
      if (error.code !== '23505' && !this.fetchFailing) {
        logFailure({ code: 'network_error', kind, cause: error.code }, `job queue unreachable: ${error.message}`);
      }
      this.fetchFailing = error.code !== '23505';
      return undefined;
    }
  }

  private async runJob<K extends JobKind>(kind: K, handler: JobHandler<K>, job: FetchedJob<JobPayloads[K]>): Promise<void> {
    const info: AttemptInfo = { id: job.id, kind, singletonKey: job.singletonKey, feedId: feedOfJob(job.data), attempt: job.retryCount + 1 };
    const attempt = startAttempt(handler, job.data, info, expiryMs(job.expireInSeconds));
    this.inFlight.set(job.id, { kind, attempt });
    try {
      await attempt.outcome;
      await this.report(info, () => this.boss.complete(kind, job.id));
    } catch (err) {
      const failure = failureRecord(info, err, job.retryCount >= job.retryLimit);
      this.options.onFailure?.(failure);
      const output = { code: failure.code, message: failure.message };
      await this.report(info, () => this.boss.fail(kind, job.id, output));
    } finally {
      // A handler that ignores its signal keeps its slot until it returns.
      await attempt.settled;
      this.inFlight.delete(job.id);
    }
  }

  /**
   * Records a job's end. If even a fresh connection cannot, the job stays active until it
   * expires and runs again; handlers are idempotent for this.
   */
  private async report(info: AttemptInfo, write: () => Promise<unknown>): Promise<void> {
    try {
      await acrossReconnect(write, 3);
    } catch (err) {
      logFailure({ code: 'network_error', kind: info.kind, jobId: info.id }, `job result not recorded: ${(err as Error).message}`);
    }
  }
}

/**
 * Runs a query again when it failed only because its pooled connection had been cut
 * (a server restart, pg_terminate_backend): the pool drops that connection and the next
 * try gets a fresh one.
 */
async function acrossReconnect<T>(query: () => Promise<T>, tries: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await query();
    } catch (err) {
      if (attempt >= tries || !isLostConnection(err)) throw err;
      await pause(250 * attempt);
    }
  }
}

function isLostConnection(err: unknown): boolean {
  const { code, message } = err as { code?: string; message?: string };
  return /^(57P0[1-3]|08\d\d\d|ECONNRESET|EPIPE|ECONNREFUSED)$/.test(code ?? '') || /Connection terminated/i.test(message ?? '');
}

const failureColumns = `id, name, singleton_key, data->'feedId' AS feed_id, retry_count, state, output, coalesce(completed_on, started_on) AS at`;

interface FailureRow {
  id: string;
  name: JobKind;
  singleton_key: string | null;
  feed_id: unknown;
  retry_count: number;
  state: string;
  output: { code?: string; message?: string; value?: { message?: string } } | null;
  at: Date | null;
}

function toFailure(row: FailureRow): JobFailure {
  // pg-boss writes its own outputs (no code) when it expires a job whose worker died.
  const message = row.output?.message ?? row.output?.value?.message ?? 'unknown failure';
  const code = row.output?.code ?? (/timeout/i.test(message) ? 'timeout' : 'internal');
  return {
    id: row.id,
    kind: row.name,
    singletonKey: row.singleton_key,
    feedId: feedOfJob({ feedId: row.feed_id }),
    attempt: row.retry_count + 1,
    code,
    message,
    at: (row.at ?? new Date(0)).toISOString(),
    final: row.state === 'failed',
  };
}

/** Our own abort comes a little before pg-boss's expiry, so the failure carries our code. */
function expiryMs(expireInSeconds: number): number {
  return expireInSeconds * 1000 - Math.min(2000, expireInSeconds * 100);
}

/**
 * pg-boss 10's fetchNextJob (batch of one), plus: not while a job of the same key runs.
 * The busy-key probe is shaped like pg-boss's unique index job_i3 so it can use it.
 */
function claimNextJobSql(schema: string): string {
  return `
    WITH next AS (
      SELECT id FROM ${schema}.job j
      WHERE name = $1 AND state < 'active' AND start_after < now()
        AND (singleton_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM ${schema}.job a
          WHERE a.name = $1 AND a.state = 'active' AND a.policy = 'stately'
            AND COALESCE(a.singleton_key, '') = j.singleton_key))
      ORDER BY priority DESC, created_on, id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE ${schema}.job j SET
      state = 'active',
      started_on = now(),
      retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END
    FROM next
    WHERE j.name = $1 AND j.id = next.id
    RETURNING j.id, j.data, j.singleton_key AS "singletonKey", j.retry_count AS "retryCount",
      j.retry_limit AS "retryLimit", EXTRACT(epoch FROM j.expire_in)::int AS "expireInSeconds"`;
}

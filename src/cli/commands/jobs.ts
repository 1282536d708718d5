import { DB_OPTION, parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';
import { terminalLine } from '../../render/terminalText.js';
import type { JobStats } from '../../jobs/jobQueue.js';

const USAGE = `
Usage: tidings jobs [--json] [--limit N] [--database-url URL]

Background jobs on the PostgreSQL job queue: how many of each kind are queued, waiting
for a retry, running, done and failed for good, then the last failed attempts with
their error codes. On SQLite the jobs live inside the \`tidings serve\` process (its
/metrics shows them) and this prints nothing to count.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, json: { type: 'boolean' }, limit: { type: 'string' } }, USAGE);
  if (!parsed) return;
  const config = loadConfig(process.env, { db: parsed.values.db, databaseUrl: parsed.values['database-url'] });
  const limit = Math.max(1, Math.min(1000, Number(parsed.values.limit ?? 10) || 10));
  const stats = config.databaseUrl ? await postgresStats(config, limit) : null;
  if (parsed.values.json) {
    const body = { store: config.databaseUrl ? 'postgres' : 'sqlite', kinds: stats?.kinds ?? [], lastFailures: stats?.lastFailures ?? [] };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (!stats) {
    process.stdout.write('SQLite: jobs run inside `tidings serve` and are not kept between processes; its /metrics shows them.\n');
    return;
  }
  process.stdout.write(table(stats));
}

async function postgresStats(config: ReturnType<typeof loadConfig>, limit: number): Promise<JobStats> {
  const { PgBossQueue } = await import('../../jobs/pgBossQueue.js');
  const queue = new PgBossQueue({ connectionString: config.databaseUrl!, maxConnections: 2, observeOnly: true });
  await queue.start();
  try {
    return { kinds: (await queue.stats()).kinds, lastFailures: await queue.listFailures(limit) };
  } finally {
    await queue.stop({ timeoutMs: 0 });
  }
}

function table(stats: JobStats): string {
  const head = ['kind', 'queued', 'retrying', 'active', 'completed', 'failed'];
  const rows = stats.kinds.map((k) => [k.kind, k.queued, k.retrying, k.active, k.completed, k.failed].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line), ''];
  if (stats.lastFailures.length === 0) out.push('no failed jobs');
  else {
    out.push('last failures (newest first):');
    for (const f of stats.lastFailures) {
      const state = f.final ? 'failed for good' : 'will retry';
      out.push(`  ${f.at}  ${f.kind} ${f.singletonKey ?? f.id}  attempt ${f.attempt}, ${state}: error[${f.code}]: ${terminalLine(f.message).slice(0, 160)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

import { DB_OPTION, concurrencyOption, parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';

const USAGE = `
Usage: tidings worker [--concurrency N] [--database-url URL]

Runs jobs (feed refreshes, page re-checks, WebSub renewals, OPML imports) that the
scheduler of a \`tidings serve\` process sends, and nothing else: no web server, no
scheduler. Start any number of them, on any machine pointed at the same PostgreSQL
database (DATABASE_URL); they share the work and never refresh one feed twice at once.
--concurrency N (default TIDINGS_WORKER_CONCURRENCY, 6) refreshes at once.
SIGTERM / Ctrl-C stop it cleanly: jobs in flight finish, or after 30 s are handed back
for another worker to retry.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, concurrency: { type: 'string' } }, USAGE);
  if (!parsed) return;
  const config = loadConfig(process.env, { db: parsed.values.db, databaseUrl: parsed.values['database-url'] });
  const concurrency = concurrencyOption(parsed.values.concurrency, config.jobs.concurrency);
  const { requirePostgres, startJobRuntime } = await import('../jobRuntime.js');
  requirePostgres(config, 'tidings worker');
  const { openStore } = await import('../../store/openStore.js');
  const { createPipeline, closePipeline } = await import('../../ingest/pipeline.js');
  const { createLogger, setLogger } = await import('../../log/logger.js');
  const { guardAgainstStrayErrors } = await import('../strayErrorGuard.js');
  const logger = createLogger(process.env.TIDINGS_LOG_LEVEL ?? 'info');
  setLogger(logger);
  const store = await openStore({ dbPath: config.dbPath, databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
  const pipeline = createPipeline(store, config);
  logger.info({ store: 'postgres', concurrency, allowPrivateNetworks: !!config.fetch.allowPrivateNetworks }, 'start-up settings');
  // No single feed, page or DNS answer may stop a worker.
  const unguard = guardAgainstStrayErrors(logger);
  const jobs = await startJobRuntime(pipeline, config, {
    scheduler: false,
    workers: true,
    concurrency,
    onReport: (feed, r) => {
      if (r.status !== 'error') logger.info({ feed: feed.id, status: r.status, created: r.created, updated: r.updated }, 'refreshed');
    },
  });
  logger.info({ concurrency }, 'worker ready');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info(`${signal}: finishing jobs in flight (or handing them back), then stopping`);
      void (async () => {
        const { runStopSteps, endIfHeldOpen } = await import('../orderlyStop.js');
        const clean = await runStopSteps([
          { name: 'the jobs', run: () => jobs.stop() },
          { name: 'the pipeline', run: () => closePipeline(pipeline) },
          { name: 'the store', run: () => store.close() },
        ]);
        unguard();
        if (!clean) process.exitCode = 1;
        logger.info(clean ? 'stopped' : 'stopped, not cleanly');
        endIfHeldOpen(10_000, (m) => logger.warn(m));
        resolve();
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

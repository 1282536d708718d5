import path from 'node:path';
import fs from 'node:fs';
import { DB_OPTION, concurrencyOption, parseCommandArgs, usageError } from '../args.js';
import { STARTER_OPML, loadConfig, type TidingsConfig } from '../../config.js';

const USAGE = `
Usage: tidings serve [--port N] [--host H] [--db PATH | --database-url URL] [--starter]
                     [--no-workers] [--no-scheduler] [--concurrency N]

Runs the web app, the refresh scheduler and its workers in one process
(default http://127.0.0.1:8080). --starter subscribes, on the very first run only, to
the starter list of world-news feeds. On PostgreSQL, --no-workers leaves the refreshing
to \`tidings worker\` processes (on any machine with the same DATABASE_URL), and the
scheduler runs in one process at a time across all machines. SIGTERM / Ctrl-C stop it
gracefully: refreshes in flight finish their writes first.
`;

export { STARTER_OPML } from '../../config.js';

/** What an operator needs to know about this process's configuration; never a secret (no token, no database URL). */
function startupSettings(config: TidingsConfig, serve: { host: string; port: number; scheduler: boolean; workers: number }) {
  return {
    store: config.databaseUrl ? 'postgres' : 'sqlite',
    ...(config.databaseUrl ? {} : { dbPath: path.resolve(config.dbPath) }),
    host: serve.host,
    port: serve.port,
    scheduler: serve.scheduler,
    workers: serve.workers,
    refreshIntervalSeconds: config.defaultIntervalSeconds,
    allowPrivateNetworks: !!config.fetch.allowPrivateNetworks,
    imageProxy: config.imageProxy,
    webSub: config.publicUrl !== null,
    metrics: config.metrics.enabled ? (config.metrics.token ? 'on, token required' : 'on') : 'off',
  };
}

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(
    args,
    {
      ...DB_OPTION,
      port: { type: 'string' },
      host: { type: 'string' },
      starter: { type: 'boolean' },
      'no-scheduler': { type: 'boolean' },
      'no-workers': { type: 'boolean' },
      concurrency: { type: 'string' },
      tz: { type: 'string' },
    },
    USAGE,
  );
  if (!parsed) return;
  const port = parsed.values.port !== undefined ? Number(parsed.values.port) : Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port takes a port number');
  const host = parsed.values.host ?? process.env.TIDINGS_HOST ?? '127.0.0.1';
  const config = loadConfig(process.env, { db: parsed.values.db, databaseUrl: parsed.values['database-url'], tz: parsed.values.tz });
  const concurrency = concurrencyOption(parsed.values.concurrency, config.jobs.concurrency);
  const { requirePostgres, startJobRuntime } = await import('../jobRuntime.js');
  const scheduling = !parsed.values['no-scheduler'];
  // On SQLite the scheduler's jobs live in this process: without workers nobody runs them.
  if (scheduling && parsed.values['no-workers']) requirePostgres(config, 'tidings serve --no-workers');
  const working = !parsed.values['no-workers'] && (scheduling || !!config.databaseUrl);
  const { openStore } = await import('../../store/openStore.js');
  const { createPipeline, closePipeline } = await import('../../ingest/pipeline.js');
  const { buildApp } = await import('../../server/app.js');
  const { createLogger, setLogger } = await import('../../log/logger.js');
  const { guardAgainstStrayErrors } = await import('../strayErrorGuard.js');
  const logger = createLogger(process.env.TIDINGS_LOG_LEVEL ?? 'info');
  setLogger(logger);
  const log = (msg: string) => logger.info(msg);
  const store = await openStore({ dbPath: config.dbPath, databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
  const pipeline = createPipeline(store, config);

  if (parsed.values.starter && !(await store.getSetting('starter_imported'))) {
    // Mark first: a crash during the import must not subscribe the user again next start.
    await store.setSetting('starter_imported', new Date().toISOString());
    if ((await store.listFeeds()).length === 0 && fs.existsSync(STARTER_OPML)) {
      const { importOpml } = await import('../../ingest/opmlImport.js');
      log('first run: subscribing to the starter world-news feeds');
      // The starter list ships with Tidings: an offline first run keeps its feeds, which show their errors on /feeds.
      const r = await importOpml(pipeline, fs.readFileSync(STARTER_OPML, 'utf8'), { keepUnreachable: true });
      log(`starter feeds: ${r.added} subscribed, ${r.skipped.length} skipped`);
    }
  }

  logger.info(startupSettings(config, { host, port, scheduler: scheduling, workers: working ? concurrency : 0 }), 'start-up settings');
  // Before the scheduler's first tick: the schedule and fetch settings in effect apply to what is stored.
  const { applySettingChanges } = await import('../../ingest/settingChanges.js');
  await applySettingChanges(pipeline);
  // From here on, no single feed, page, DNS answer or request may stop the process.
  const unguard = guardAgainstStrayErrors(logger);
  const jobs =
    scheduling || working
      ? await startJobRuntime(pipeline, config, {
          scheduler: scheduling,
          workers: working,
          concurrency,
          // A failure was logged once where it happened (the fetcher, refreshFeed), with its code.
          onReport: (feed, r) => {
            if (r.status !== 'error') logger.info({ feed: feed.id, status: r.status, created: r.created, updated: r.updated }, 'refreshed');
          },
        })
      : null;
  const app = buildApp({ store, config, scheduler: jobs?.scheduler ?? null, workers: jobs?.workers ?? null, jobs: jobs?.queue ?? null, pipeline });
  try {
    await app.listen({ port, host });
  } catch (err) {
    // Nothing may keep a process that cannot serve alive (the queue's timers, its pool).
    await jobs?.stop(1000);
    await closePipeline(pipeline);
    await store.close();
    unguard();
    throw err;
  }
  const address = app.server.address();
  const shown = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : String(address);
  // From now on CLI commands that fetch hand their work to this process (cli/handover.ts).
  const { startCommandChannel } = await import('../../server/commandChannel.js');
  const channel = await startCommandChannel({ store, pipeline, address: shown });
  // Said once the process is whole (the command channel up): a stop asked for after this line is a clean one.
  log(`Tidings is serving on ${shown} (database ${config.databaseUrl ? 'PostgreSQL' : path.resolve(config.dbPath)})`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: finishing refreshes in flight, then stopping`);
      void (async () => {
        const { runStopSteps, endIfHeldOpen } = await import('../orderlyStop.js');
        const clean = await runStopSteps([
          { name: 'the command channel', run: () => channel.stop() },
          { name: 'the jobs', run: () => jobs?.stop() },
          { name: 'the web server', run: () => app.close() },
          { name: 'the pipeline', run: () => closePipeline(pipeline) },
          { name: 'the store', run: () => store.close() },
        ]);
        unguard();
        if (!clean) process.exitCode = 1;
        log(clean ? 'stopped' : 'stopped, not cleanly');
        endIfHeldOpen(10_000, log);
        resolve();
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

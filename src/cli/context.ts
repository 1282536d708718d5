import { loadConfig, type TidingsConfig } from '../config.js';
import type { Store } from '../store/store.js';
import type { Pipeline } from '../ingest/pipeline.js';

/** Opens what a data command needs and closes it afterwards, whatever happens. */
export async function withPipeline<T>(opts: { db?: string | undefined; databaseUrl?: string | undefined; tz?: string | undefined }, fn: (p: Pipeline, config: TidingsConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, opts);
  const { openStore } = await import('../store/openStore.js');
  const { createPipeline, closePipeline } = await import('../ingest/pipeline.js');
  const store = await openStore({ dbPath: config.dbPath, databaseUrl: config.databaseUrl });
  const pipeline = createPipeline(store, config);
  try {
    return await fn(pipeline, config);
  } finally {
    await closePipeline(pipeline);
    await store.close();
  }
}

export async function withStore<T>(opts: { db?: string | undefined; databaseUrl?: string | undefined; tz?: string | undefined }, fn: (store: Store, config: TidingsConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, opts);
  const { openStore } = await import('../store/openStore.js');
  const store = await openStore({ dbPath: config.dbPath, databaseUrl: config.databaseUrl });
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

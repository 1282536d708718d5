import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { FetcherConfig } from '../../src/fetch/fetcher.js';
import { closePipeline, createPipeline, type Pipeline } from '../../src/ingest/pipeline.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqlite.js';
import type { KyselyStore } from '../../src/store/kyselyStore.js';
import { tempDir } from './cli.js';

export interface TestPipeline {
  p: Pipeline;
  store: KyselyStore;
  dbPath: string;
  close(): Promise<void>;
}

/** A real pipeline on a fresh SQLite file; the fetcher may reach 127.0.0.1 unless told otherwise. */
export async function testPipeline(fetch: Partial<FetcherConfig> = {}, now?: () => Date): Promise<TestPipeline> {
  const dbPath = path.join(tempDir(), 'tidings.db');
  const config = loadConfig({}, { db: dbPath });
  config.fetch = { allowPrivateNetworks: true, totalTimeoutMs: 5000, perHostSpacingMs: 0, ...fetch };
  const store = await openSqliteStore(dbPath);
  const p = createPipeline(store, config, now);
  return {
    p,
    store,
    dbPath,
    async close() {
      await closePipeline(p);
      await store.close();
    },
  };
}

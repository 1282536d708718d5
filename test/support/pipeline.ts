import { loadConfig } from '../../src/config.js';
import type { FetcherConfig } from '../../src/fetch/fetcher.js';
import { closePipeline, createPipeline, type Pipeline } from '../../src/ingest/pipeline.js';
import { openTestStore, type TestStore } from './stores.js';

export interface TestPipeline extends TestStore {
  p: Pipeline;
}

/** A real pipeline on a fresh store of the test target; the fetcher may reach 127.0.0.1 unless told otherwise. */
export async function testPipeline(fetch: Partial<FetcherConfig> = {}, now?: () => Date): Promise<TestPipeline> {
  const ts = await openTestStore();
  const config = loadConfig({}, { db: ts.location.dbPath, databaseUrl: ts.location.databaseUrl });
  config.fetch = { allowPrivateNetworks: true, totalTimeoutMs: 5000, perHostSpacingMs: 0, ...fetch };
  // A busy test machine must not turn an ordinary page into too_complex; limits have their own tests.
  config.extraction = { timeoutMs: 60_000, ...config.extraction };
  const p = createPipeline(ts.store, config, now);
  return {
    ...ts,
    p,
    async close() {
      await closePipeline(p);
      await ts.close();
    },
  };
}

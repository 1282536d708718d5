import type { TidingsConfig } from '../config.js';
import { Fetcher } from '../fetch/fetcher.js';
import type { Store } from '../store/store.js';

/** What every ingest step needs: the store, the one safe fetcher, settings and a clock. */
export interface Pipeline {
  store: Store;
  fetcher: Fetcher;
  config: TidingsConfig;
  now(): Date;
}

export function createPipeline(store: Store, config: TidingsConfig, now: () => Date = () => new Date()): Pipeline {
  return { store, fetcher: new Fetcher(config.fetch), config, now };
}

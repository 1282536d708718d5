import type { TidingsConfig } from '../config.js';
import { Fetcher } from '../fetch/fetcher.js';
import { ExtractionPool } from '../extract/extractionPool.js';
import type { Store } from '../store/store.js';
import type { StoryPlacer } from './storyPlacer.js';

/** What every ingest step needs: the store, the one safe fetcher, the extraction threads, settings and a clock. */
export interface Pipeline {
  store: Store;
  fetcher: Fetcher;
  extractor: ExtractionPool;
  /**
   * Threads of their own for the story step's entities and figures: a thread that loaded the
   * tagger holds it, and page extraction keeps its memory limit for pages.
   */
  factsPool?: ExtractionPool;
  config: TidingsConfig;
  now(): Date;
  /** This process's story step (storyPlacer.ts), made at first use. */
  stories?: StoryPlacer;
}

export function createPipeline(store: Store, config: TidingsConfig, now: () => Date = () => new Date()): Pipeline {
  return { store, fetcher: new Fetcher(config.fetch), extractor: new ExtractionPool(config.extraction), factsPool: factsPoolOf(config.extraction), config, now };
}

/** The one thread entities and figures are found in, with room for the tagger (512 MB at least). */
export function factsPoolOf(extraction: TidingsConfig['extraction'] = {}): ExtractionPool {
  return new ExtractionPool({ ...extraction, threads: 1, memoryMb: Math.max(512, extraction.memoryMb ?? 0) });
}

/** Ends the fetcher's connections and the extraction and facts threads (the store is closed by its owner). */
export async function closePipeline(p: Pipeline): Promise<void> {
  await Promise.all([p.fetcher.close(), p.extractor.close(), p.factsPool?.close()]);
}

import { Worker } from 'node:worker_threads';
import { HASHES } from './minhash.js';
import type { FeatureReply, FeatureRequest } from './featureWorker.js';
import type { ArticleFeatures, StoryArticle } from './storyState.js';

// Compiled next to this file, so it is found from dist/ as from src/.
const FEATURE_WORKER = new URL('./featureWorker.js', import.meta.url);

/**
 * Article features (`featuresOf`) found in a worker thread, a batch at a time, while the
 * placing thread places the batch before: a rebuild on two cores places and featurises
 * at once. Placement itself stays on one thread, in order (each placement depends on all
 * before it); the features depend on no placement, so they are the same values wherever
 * they are found, and the stories the same.
 */
export class FeatureThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (f: ArticleFeatures[]) => void; reject: (e: Error) => void }>();
  private batches = 0;
  private failed: Error | null = null;

  constructor(private readonly titleWeight: number) {
    this.worker = new Worker(FEATURE_WORKER);
    this.worker.on('message', (reply: FeatureReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the feature thread exited (code ${code})`)));
  }

  /** The features of `articles`, in their order. */
  featurise(articles: readonly StoryArticle[]): Promise<ArticleFeatures[]> {
    if (this.failed) return Promise.reject(this.failed);
    const batch = ++this.batches;
    const request: FeatureRequest = { batch, titleWeight: this.titleWeight, articles: articles.map((a) => ({ title: a.title, text: a.text ?? null, published: a.published ?? null })) };
    return new Promise((resolve, reject) => {
      this.waiting.set(batch, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the feature thread was closed');
    await this.worker.terminate();
  }

  private settle(reply: FeatureReply): void {
    const w = this.waiting.get(reply.batch);
    this.waiting.delete(reply.batch);
    w?.resolve(reply.features.map((f, i) => ({ counts: f.counts, when: f.when, published: f.published, signature: f.signed ? reply.signatures.subarray(i * HASHES, (i + 1) * HASHES) : null })));
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

import { parentPort } from 'node:worker_threads';
import { HASHES } from './minhash.js';
import { featuresOf, type StoryArticle } from './storyState.js';

/**
 * The thread of `FeatureThread`: the features of each batch of articles it is sent, in
 * order. The batch's signatures go back side by side in one array (moved, not copied):
 * one buffer per batch rather than one small typed array per article.
 */
export interface FeatureRequest {
  batch: number;
  titleWeight: number;
  articles: Pick<StoryArticle, 'title' | 'text' | 'published'>[];
}

export interface FeatureReply {
  batch: number;
  features: { counts: Map<string, { tf: number; kind: 'word' | 'name' | 'number' }>; when: Map<string, number>; published: number | null; signed: boolean }[];
  signatures: Uint32Array<ArrayBuffer>;
}

export function featureReply(request: FeatureRequest): FeatureReply {
  const signatures = new Uint32Array(request.articles.length * HASHES);
  const features = request.articles.map((a, i) => {
    const f = featuresOf({ id: '', ...a }, request.titleWeight, signatures.subarray(i * HASHES, (i + 1) * HASHES));
    return { counts: f.counts, when: f.when, published: f.published, signed: f.signature !== null };
  });
  return { batch: request.batch, features, signatures };
}

parentPort?.on('message', (request: FeatureRequest) => {
  const reply = featureReply(request);
  parentPort!.postMessage(reply, [reply.signatures.buffer]);
});

import { createStoryState, placeArticle, mergePass, storyOf, type StoryOptions } from '../../src/stories/storyState.js';
import { clusterScore, type ClusterScore } from './clusterScore.js';
import type { GoldArticle } from './datasets.js';

export function clusterItems(items: GoldArticle[], options: Partial<StoryOptions>): ClusterScore {
  const state = createStoryState(options);
  for (const it of items) placeArticle(state, it.article);
  mergePass(state);
  return clusterScore(
    items.map((it) => storyOf(state, it.article.id)!),
    items.map((it) => it.gold),
  );
}

/**
 * Short-article thresholds only act on headlines (UCI) and full-text ones only on full
 * texts (ECB+), so each grid is searched on the tuning half of the set it acts on.
 */
export const SHORT_GRID: Partial<StoryOptions>[] = [0.1, 0.15].flatMap((joinThresholdShort) =>
  [0.25, 0.3].map((mergeThresholdShort) => ({ joinThresholdShort, mergeThresholdShort })),
);
export const LONG_GRID: Partial<StoryOptions>[] = [0.25, 0.3, 0.35].flatMap((joinThreshold) => [0.5, 0.6].map((neighbourThreshold) => ({ joinThreshold, neighbourThreshold })));

export function tune(items: GoldArticle[], grid: Partial<StoryOptions>[]): { options: Partial<StoryOptions>; f1: number } {
  const tuning = items.filter((i) => i.half === 'tune');
  let best = { options: {} as Partial<StoryOptions>, f1: -1 };
  for (const options of grid) {
    const f1 = clusterItems(tuning, options).pairF1;
    if (f1 > best.f1) best = { options, f1 };
  }
  return best;
}

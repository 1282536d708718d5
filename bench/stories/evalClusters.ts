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

const HOUR = 3600_000;

/**
 * Short-article thresholds only act on headlines (UCI) and full-text ones only on full
 * texts (ECB+), so each grid is searched on the tuning half of the set it acts on. The
 * activity window is searched on UCI, the only set with times, over values a reader
 * could live with (6 h to 2 days); ECB+ has no times, so it has no say in it.
 */
export const SHORT_GRID: Partial<StoryOptions>[] = [0.1, 0.15].flatMap((joinThresholdShort) =>
  [6, 24, 48].flatMap((h) => [1, 2].map((number) => ({ joinThresholdShort, windowMs: h * HOUR, number }))),
);
export const LONG_GRID: Partial<StoryOptions>[] = [0.3, 0.35, 0.4].flatMap((joinThreshold) =>
  [0, 0.5].flatMap((nameShare) => [0, 0.2, 0.3, 0.4].map((whenShare) => ({ joinThreshold, nameShare, whenShare }))),
);

/**
 * The grid point with the best pairwise F1 on one half (`on`: the tuning half, or the test
 * half for the check in the other direction), on top of `base`.
 */
export function tune(items: GoldArticle[], grid: Partial<StoryOptions>[], base: Partial<StoryOptions> = {}, on: GoldArticle['half'] = 'tune'): { options: Partial<StoryOptions>; f1: number } {
  const tuning = items.filter((i) => i.half === on);
  let best = { options: {} as Partial<StoryOptions>, f1: -1 };
  for (const options of grid) {
    const f1 = clusterItems(tuning, { ...base, ...options }).pairF1;
    if (f1 > best.f1) best = { options, f1 };
  }
  return best;
}

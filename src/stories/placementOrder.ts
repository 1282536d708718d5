import { createStoryState, placeArticle, storyOf, type ArticleFeatures, type StoryArticle, type StoryOptions, type StoryState } from './storyState.js';

/**
 * Placement as a store needs it: the same stories as placeArticle, with what each step's
 * share of the periodic pass changed, to be applied to stored placements. Same input
 * order, same results as `tidings stories cluster`.
 */
export interface PlacingState {
  state: StoryState;
}

export interface PlacedArticle {
  /** The article's story after this step's merges. */
  story: string;
  copyOf: string | null;
  /** Stories folded into others by this step's share of the pass, in order. */
  merges: { from: string; into: string }[];
  /** Articles moved out of a story that drifted into a new story `into`, by the same share. */
  splits: { from: string; into: string; articles: string[] }[];
}

/** A store keeps every placement: the state forgets articles and stories long out of the window. */
export function createPlacingState(options: Partial<StoryOptions> = {}): PlacingState {
  return { state: createStoryState(options, { forget: true }) };
}

/** `features`: the article's, when found ahead (see `FeatureThread`); else found here. */
export function placeInOrder(s: PlacingState, article: StoryArticle, features?: ArticleFeatures): PlacedArticle {
  const p = placeArticle(s.state, article, features);
  return { story: storyOf(s.state, article.id) ?? p.story, copyOf: p.copyOf ?? null, merges: p.regrouped?.merges ?? [], splits: p.regrouped?.splits ?? [] };
}

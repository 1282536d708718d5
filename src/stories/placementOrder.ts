import { DEFAULT_STORY_OPTIONS, createStoryState, mergePass, placeArticle, splitPass, storyOf, type StoryArticle, type StoryOptions, type StoryState } from './storyState.js';

/**
 * Placement as a store needs it: the same stories as placeArticle with its own periodic
 * merge and split passes (every `mergeEvery` articles), but the passes are run here so their
 * regroupings are returned to be applied to stored placements. Same input order, same results as
 * `tidings stories cluster`.
 */
export interface PlacingState {
  state: StoryState;
  mergeEvery: number;
}

export interface PlacedArticle {
  /** The article's story after this step's merges. */
  story: string;
  copyOf: string | null;
  /** Stories folded into others by the pass this placement triggered, in order. */
  merges: { from: string; into: string }[];
  /** Articles moved out of a story that drifted into a new story `into`, by the same pass. */
  splits: { from: string; into: string; articles: string[] }[];
}

export function createPlacingState(options: Partial<StoryOptions> = {}): PlacingState {
  const mergeEvery = options.mergeEvery ?? DEFAULT_STORY_OPTIONS.mergeEvery;
  // Infinity: placeArticle never runs the pass itself (n % Infinity is n, never 0).
  return { state: createStoryState({ ...options, mergeEvery: Infinity }), mergeEvery };
}

export function placeInOrder(s: PlacingState, article: StoryArticle): PlacedArticle {
  const p = placeArticle(s.state, article);
  const due = s.state.placed % s.mergeEvery === 0;
  // The order placeArticle's own pass keeps: merges first, then splits.
  const merges = due ? mergePass(s.state) : [];
  const splits = due ? splitPass(s.state) : [];
  return { story: storyOf(s.state, article.id) ?? p.story, copyOf: p.copyOf ?? null, merges, splits };
}

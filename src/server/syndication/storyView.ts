import type { ResolvedView, ViewResolver } from './views.js';

/**
 * A story as a feed out: `/syndication/<secret>/story/<id>.<format>`, its articles the
 * reader can see, newest first, so a reader can follow one event in any feed reader.
 */
export const storyView: ViewResolver = async (store, r): Promise<ResolvedView | null> => {
  const id = r.name && /^\d{1,15}$/.test(r.name) ? Number(r.name) : undefined;
  const detail = id === undefined ? null : await store.storyDetail(r.userId, id);
  if (!detail) return null;
  const ids = detail.articles.map((a) => a.id);
  const items = await store.listArticles({ userId: r.userId, ids, limit: Math.min(r.limit, ids.length), content: true });
  return {
    key: `story/${id}`, title: `Story: ${detail.story.title}`, description: `Articles of ${detail.story.sources} sources about ${detail.story.title}`,
    homePath: `/stories/${id}`, items,
  };
};

import { subscriptionTitle, type ArticleListItem, type FeedWithSource } from '../../model/article.js';
import type { ArticleQuery, Store } from '../../store/store.js';

/** A reader's subscription as the views see it. */
export type Subscription = FeedWithSource & { folder: string | null; customTitle: string | null };

/** What a feed-out view is asked for: whose, which one (a folder's or feed's name), its query, how many items. */
export interface ViewRequest {
  userId: number;
  subscriptions: readonly Subscription[];
  name: string | null;
  query: Record<string, string | undefined>;
  limit: number;
}

/** A view's articles with their bodies, and how to name it; `homePath` is the web page of the same view. */
export interface ResolvedView {
  key: string;
  title: string;
  description: string;
  homePath: string;
  items: ArticleListItem[];
}

/** `null` when the view does not exist for this reader: answered exactly like no route. */
export type ViewResolver = (store: Store, req: ViewRequest) => Promise<ResolvedView | null>;

/** Views without a name: `/syndication/<secret>/<view>.<format>`. */
export const UNNAMED_VIEWS: Record<string, ViewResolver> = {
  river: async (store, r) => ({
    key: 'river', title: 'All articles', description: 'Every article of your subscriptions', homePath: '/',
    items: await listed(store, r, {}),
  }),
  starred: async (store, r) => ({
    key: 'starred', title: 'Starred', description: 'Your starred articles', homePath: '/?show=starred',
    items: await listed(store, r, { show: 'starred' }),
  }),
  search: searchView,
};

/** Views of one named thing: `/syndication/<secret>/<kind>/<name>.<format>`. Stories register here (`story`) when they exist. */
export const NAMED_VIEWS: Record<string, ViewResolver> = {
  folder: async (store, r) => {
    const folder = r.name!;
    if (!r.subscriptions.some((s) => s.folder === folder)) return null;
    return {
      key: `folder/${folder}`, title: `Folder: ${folder}`, description: `Articles of the feeds in your folder ${folder}`, homePath: `/?folder=${encodeURIComponent(folder)}`,
      items: await listed(store, r, { folder }),
    };
  },
  feed: async (store, r) => {
    const id = idParam(r.name!);
    const feed = id === undefined ? undefined : r.subscriptions.find((s) => s.id === id);
    if (!feed) return null;
    const title = subscriptionTitle(feed);
    return { key: `feed/${feed.id}`, title, description: `Articles of ${title}`, homePath: `/?feed=${feed.id}`, items: await listed(store, r, { feedId: feed.id }) };
  },
};

function listed(store: Store, r: ViewRequest, filter: Pick<ArticleQuery, 'show' | 'folder' | 'feedId'>): Promise<ArticleListItem[]> {
  return store.listArticles({ userId: r.userId, limit: r.limit, content: true, ...filter });
}

/**
 * A saved search: `q` in the web search's syntax (words, "phrases", prefix*), with its
 * `show`, `folder` and `feed` filters; best matches first, as the search page lists them.
 */
async function searchView(store: Store, r: ViewRequest): Promise<ResolvedView | null> {
  const q = (r.query.q ?? '').slice(0, 500).trim();
  if (!q) return null;
  const show = r.query.show === 'unread' || r.query.show === 'starred' ? r.query.show : 'all';
  const folder = r.query.folder?.trim().slice(0, 200) || undefined;
  const feedId = idParam(r.query.feed);
  const sourceId = idParam(r.query.source);
  if (feedId !== undefined && !r.subscriptions.some((s) => s.id === feedId)) return null;
  const hits = await store.searchArticles({
    text: q, limit: r.limit, userId: r.userId, show,
    ...(folder ? { folder } : {}), ...(feedId !== undefined ? { feedId } : {}), ...(sourceId !== undefined ? { sourceId } : {}),
  });
  const bodies = await store.listArticles({ userId: r.userId, ids: hits.map((h) => h.id), limit: hits.length || 1, content: true });
  const byId = new Map(bodies.map((a) => [a.id, a]));
  const params = new URLSearchParams({ q, ...(show !== 'all' ? { show } : {}), ...(folder ? { folder } : {}), ...(feedId !== undefined ? { feed: String(feedId) } : {}), ...(sourceId !== undefined ? { source: String(sourceId) } : {}) });
  return {
    key: `search?${params}`, title: `Search: ${q}`, description: `Articles matching ${q}`, homePath: `/search?${params}`,
    items: hits.map((h) => byId.get(h.id)).filter((a): a is ArticleListItem => !!a),
  };
}

function idParam(v: string | undefined): number | undefined {
  return v && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

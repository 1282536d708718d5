import { sql, type Kysely } from 'kysely';
import type { Article, ArticleNeighbour, ArticleView, FeedWithSource, Revision, Session, SidebarFeed, User, WebSubSubscription } from '../model/article.js';
import type { Database } from './schema.js';
import type { StoreDialect } from './dialect.js';
import * as articles from './articles.js';
import { countArticles, listArticleRefs, listArticles, listNeighbours, neighbourPosition, type NeighbourPosition, type NeighbourQuery } from './articleList.js';
import * as feeds from './feeds.js';
import * as feedRules from './feedRules.js';
import type { FeedRules } from '../model/feed.js';
import * as readers from './readers.js';
import { SessionCache } from './sessionCache.js';
import { LruMap } from '../model/lruMap.js';
import { searchArticles } from './search.js';
import * as stories from './stories.js';
import * as subscriptions from './subscriptions.js';
import * as webSub from './webSub.js';
import type { ArticleInStory, PlacedInput, StoryCoverage, StoryDetail, StoryInput, StoryPageQuery, StorySummary, StoryTransaction } from './stories.js';
import * as recheckPlans from './recheckPlans.js';
import * as serverLeases from './serverLeases.js';
import type { ServerLease } from './serverLeases.js';
import type { ArticleKeys, ArticleListItem, ArticleQuery, ArticleRef, ArticleWrite, FeedFailure, NewFeed, OpenedArticle, RefreshOutcome, RefreshWrite, SearchHit, SearchQuery, Store } from './store.js';
import { openedArticle } from './openedArticle.js';
import { retryingConflicts } from '../retry/conflictRetry.js';
import { logger } from '../log/logger.js';

const NOTHING_HELD = (): void => {};

/** The setting where the rolling recount of unread counts stopped (a subscription key as JSON). */
const UNREAD_RECOUNT_AFTER = 'unread_recount_after';

type SubscribedFeed = FeedWithSource & { folder: string | null; customTitle: string | null };

/**
 * The Store written once in Kysely's query builder, one module per aggregate (feeds,
 * articles, readers, subscriptions, search, WebSub); this class only hands each call to its
 * module. Dialect folders (`sqlite/`, `postgres/`) open the connection, run their migrations
 * and fill in the StoreDialect (full-text search and the few expressions that differ).
 */
export class KyselyStore implements Store {
  /** Sessions read in the last seconds (sessionCache.ts); this store's own writes update it. */
  private readonly sessions = new SessionCache();

  constructor(
    protected readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
    private readonly onClose: () => Promise<void> = async () => db.destroy(),
    /** Migration bookkeeping is the dialect folder's, asked through this. */
    private readonly listPendingMigrations: () => Promise<string[]> = async () => [],
    /**
     * Where the database can say cheaply whether anything was written since it was last
     * asked (by this connection or any other process), a value that moves on every write;
     * null where it cannot, and every reader version is read from the tables.
     */
    private readonly changeStamp: (() => string) | null = null,
    /** Where reads can share a snapshot while requests are answered (SQLite: sharedReads.ts). */
    private readonly holdReads: (() => () => void) | null = null,
  ) {}

  shareReads(): () => void {
    return this.holdReads?.() ?? NOTHING_HELD;
  }

  /** Reader versions with the change stamp they were read under: unchanged while it stands. */
  private readonly versions = new LruMap<number, { stamp: string; version: string }>(10_000);

  async close(): Promise<void> {
    await this.onClose();
  }

  /** The connection itself, for whole-database tools (`tidings db copy`); domain queries stay in the store. */
  kysely(): Kysely<Database> {
    return this.db;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  pendingMigrations(): Promise<string[]> {
    return this.listPendingMigrations();
  }

  async getSetting(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('setting').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.insertInto('setting').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  // feeds and sources
  addFeed(f: NewFeed): Promise<{ feed: FeedWithSource; created: boolean }> {
    return feeds.addFeed(this.db, f);
  }
  getFeed(id: number): Promise<FeedWithSource | null> {
    return feeds.getFeed(this.db, id);
  }
  getFeedByUrl(url: string): Promise<FeedWithSource | null> {
    return feeds.getFeedByUrl(this.db, url);
  }
  listFeeds(): Promise<FeedWithSource[]> {
    return feeds.listFeeds(this.db);
  }
  dueFeeds(now: string, limit: number): Promise<FeedWithSource[]> {
    return feeds.dueFeeds(this.db, now, limit);
  }
  overdueFeeds(now: string): Promise<{ count: number; oldestDueAt: string | null }> {
    return feeds.overdueFeeds(this.db, now);
  }
  recordFeedFailure(feedId: number, failure: FeedFailure): Promise<void> {
    return feeds.recordFeedFailure(this.db, feedId, failure);
  }

  getFeedRules(feedId: number): Promise<FeedRules | null> {
    return feedRules.getFeedRules(this.db, feedId);
  }
  setFeedRules(feedId: number, rules: FeedRules, by: { userId: number | null; now: string }): Promise<void> {
    return feedRules.setFeedRules(this.db, feedId, rules, by);
  }
  articleFeedRules(articleId: number): Promise<FeedRules | null> {
    return feedRules.articleFeedRules(this.db, articleId);
  }
  feedSubscriberCount(feedId: number): Promise<number> {
    return feedRules.feedSubscriberCount(this.db, feedId);
  }

  // articles
  findKnownArticle(feedId: number, sourceId: number, keys: ArticleKeys): Promise<Article | null> {
    return articles.findKnownArticle(this.db, feedId, sourceId, keys);
  }
  saveRefresh(w: RefreshWrite): Promise<RefreshOutcome> {
    return retryingConflicts('saveRefresh', () => articles.saveRefresh(this.db, this.dialect, w));
  }
  isTombstoned(feedId: number, keys: ArticleKeys): Promise<boolean> {
    return articles.isTombstoned(this.db, feedId, keys);
  }
  deleteArticle(id: number, reason: string, at: string): Promise<boolean> {
    return retryingConflicts('deleteArticle', () => articles.deleteArticle(this.db, id, reason, at));
  }
  recentArticles(q: { since: string; feedId?: number; limit: number }): Promise<Article[]> {
    return recheckPlans.recentArticles(this.db, q);
  }
  feedArticlesDue(feedId: number, now: string, limit: number): Promise<Article[]> {
    return recheckPlans.feedArticlesDue(this.db, feedId, now, limit);
  }
  replanRechecks(since: string, plan: (publishedAt: string) => string | null): Promise<number> {
    return recheckPlans.replanRechecks(this.db, since, plan);
  }
  retryFeedsFailedWith(codes: readonly string[], now: string): Promise<number[]> {
    return feeds.retryFeedsFailedWith(this.db, codes, now);
  }
  saveServerLease(lease: ServerLease): Promise<void> {
    return serverLeases.saveServerLease(this.db, lease);
  }
  removeServerLease(id: string): Promise<void> {
    return serverLeases.removeServerLease(this.db, id);
  }
  liveServerLeases(since: string): Promise<ServerLease[]> {
    return serverLeases.liveServerLeases(this.db, since);
  }
  articlesDueForRecheck(now: string, limit: number): Promise<Article[]> {
    return articles.articlesDueForRecheck(this.db, now, limit);
  }
  applyRecheck(articleId: number, write: ArticleWrite | null, nextRecheckAt: string | null): Promise<void> {
    return articles.applyRecheck(this.db, articleId, write, nextRecheckAt);
  }

  completeArticlePage(articleId: number, write: ArticleWrite, nextRecheckAt: string | null): Promise<boolean> {
    return articles.completeArticlePage(this.db, articleId, write, nextRecheckAt);
  }
  getArticle(id: number): Promise<ArticleView | null> {
    return articles.getArticle(this.db, id);
  }
  openedArticle(userId: number | undefined, id: number): Promise<OpenedArticle | null> {
    return openedArticle(this.db, userId, id);
  }
  listRevisions(articleId: number): Promise<Revision[]> {
    return articles.listRevisions(this.db, articleId);
  }
  listArticles(q: ArticleQuery): Promise<ArticleListItem[]> {
    return listArticles(this.db, q);
  }
  listNeighbours(q: NeighbourQuery): Promise<ArticleNeighbour[]> {
    return listNeighbours(this.db, q);
  }
  neighbourPosition(userId: number, id: number): Promise<NeighbourPosition | null> {
    return neighbourPosition(this.db, userId, id);
  }
  listArticleRefs(q: ArticleQuery): Promise<ArticleRef[]> {
    return listArticleRefs(this.db, q);
  }
  countArticles(q: Omit<ArticleQuery, 'limit'>): Promise<number> {
    return countArticles(this.db, q);
  }
  searchArticles(q: SearchQuery): Promise<SearchHit[]> {
    return searchArticles(this.db, this.dialect, q);
  }

  // WebSub
  getWebSub(feedId: number): Promise<WebSubSubscription | null> {
    return webSub.getWebSub(this.db, feedId);
  }
  getWebSubByToken(token: string): Promise<WebSubSubscription | null> {
    return webSub.getWebSubByToken(this.db, token);
  }
  saveWebSub(w: WebSubSubscription): Promise<void> {
    return webSub.saveWebSub(this.db, w);
  }
  webSubsToRenew(expiringBefore: string, requestedBefore: string): Promise<WebSubSubscription[]> {
    return webSub.webSubsToRenew(this.db, expiringBefore, requestedBefore);
  }

  // readers: users, sessions, API tokens
  countUsers(): Promise<number> {
    return readers.countUsers(this.db);
  }
  createUser(u: { name: string; passwordHash: string; isAdmin: boolean; now: string }): Promise<User> {
    return readers.createUser(this.db, u);
  }
  getUserByName(name: string): Promise<(User & { passwordHash: string }) | null> {
    return readers.getUserByName(this.db, name);
  }
  listUsers(): Promise<User[]> {
    return readers.listUsers(this.db);
  }
  createSession(s: { userId: number; tokenHash: string; csrfToken: string; now: string; expiresAt: string }): Promise<void> {
    return readers.createSession(this.db, s);
  }
  async readerVersion(userId: number): Promise<string> {
    if (!this.changeStamp) return readers.readerVersion(this.db, userId);
    // Read before the version: a write while it is read moves the stamp, so it is read again next time.
    const stamp = this.changeStamp();
    const kept = this.versions.get(userId);
    if (kept?.stamp === stamp) return kept.version;
    const version = await readers.readerVersion(this.db, userId);
    this.versions.set(userId, { stamp, version });
    return version;
  }
  getSession(tokenHash: string, now: string): Promise<Session | null> {
    return this.sessions.read(tokenHash, now, () => readers.getSession(this.db, tokenHash, now));
  }
  async setSessionFlash(tokenHash: string, flash: string | null): Promise<void> {
    await readers.setSessionFlash(this.db, tokenHash, flash);
    this.sessions.setFlash(tokenHash, flash);
  }
  async deleteSession(tokenHash: string): Promise<void> {
    // Before and after: no request answers as this session once sign-out has begun.
    this.sessions.forget(tokenHash);
    await readers.deleteSession(this.db, tokenHash);
    this.sessions.forget(tokenHash);
  }
  async setPassword(userId: number, passwordHash: string, keepSession: string | null): Promise<{ sessionsEnded: number }> {
    this.sessions.forgetUser(userId, keepSession);
    const ended = await readers.setPassword(this.db, userId, passwordHash, keepSession);
    this.sessions.forgetUser(userId, keepSession);
    return ended;
  }
  createApiToken(t: { userId: number; tokenHash: string; name: string; now: string }): Promise<void> {
    return readers.createApiToken(this.db, t);
  }
  listApiTokens(userId: number): Promise<Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>> {
    return readers.listApiTokens(this.db, userId);
  }
  revokeApiToken(userId: number, id: string): Promise<boolean> {
    return readers.revokeApiToken(this.db, userId, id);
  }
  userByApiToken(tokenHash: string, now: string): Promise<User | null> {
    return readers.userByApiToken(this.db, tokenHash, now);
  }
  setFeverKey(key: { userId: number; keyHash: string; userName: string; now: string }): Promise<void> {
    return readers.setFeverKey(this.db, key);
  }
  removeFeverKey(userId: number): Promise<boolean> {
    return readers.removeFeverKey(this.db, userId);
  }
  feverKeySetAt(userId: number): Promise<string | null> {
    return readers.feverKeySetAt(this.db, userId);
  }
  userByFeverKey(keyHash: string): Promise<User | null> {
    return readers.userByFeverKey(this.db, keyHash);
  }
  setSyndicationSecret(userId: number, tokenHash: string, now: string): Promise<void> {
    return readers.setSyndicationSecret(this.db, userId, tokenHash, now);
  }
  deleteSyndicationSecret(userId: number): Promise<boolean> {
    return readers.deleteSyndicationSecret(this.db, userId);
  }
  syndicationSecret(userId: number): Promise<{ tokenHash: string; createdAt: string } | null> {
    return readers.syndicationSecret(this.db, userId);
  }
  userBySyndicationSecret(tokenHash: string): Promise<User | null> {
    return readers.userBySyndicationSecret(this.db, tokenHash);
  }

  // subscriptions and read state
  subscribeUser(userId: number, feedId: number, folder: string | null, now: string, title: string | null = null): Promise<void> {
    return retryingConflicts('subscribeUser', () => subscriptions.subscribeUser(this.db, userId, feedId, folder, now, title));
  }
  subscribeToAll(userId: number, now: string): Promise<void> {
    return retryingConflicts('subscribeToAll', () => subscriptions.subscribeToAll(this.db, userId, now));
  }
  unsubscribeUser(userId: number, feedId: number): Promise<boolean> {
    return retryingConflicts('unsubscribeUser', () => subscriptions.unsubscribeUser(this.db, userId, feedId));
  }
  updateSubscription(userId: number, feedId: number, change: { title?: string | null; folder?: string | null }): Promise<boolean> {
    return subscriptions.updateSubscription(this.db, userId, feedId, change);
  }
  subscribedFeed(userId: number, feedId: number): Promise<SubscribedFeed | null> {
    return subscriptions.subscribedFeed(this.db, userId, feedId);
  }
  listSubscriptions(userId: number): Promise<Array<SubscribedFeed & { itemsPerDay: number; activity: number[] }>> {
    return subscriptions.listSubscriptions(this.db, this.dialect, userId);
  }
  unfollowedFeeds(userId: number, limit: number): Promise<Array<{ id: number; title: string; siteUrl: string | null }>> {
    return subscriptions.unfollowedFeeds(this.db, userId, limit);
  }
  articleVisibleTo(userId: number, articleId: number): Promise<boolean> {
    return subscriptions.articleVisibleTo(this.db, userId, articleId);
  }
  setArticleState(userId: number, articleId: number, state: { read?: boolean; starred?: boolean }, now: string): Promise<void> {
    return retryingConflicts('setArticleState', () => subscriptions.setArticleState(this.db, userId, articleId, state, now));
  }
  setArticleStates(userId: number, ids: readonly number[], state: { read?: boolean; starred?: boolean }, now: string): Promise<number> {
    return retryingConflicts('setArticleStates', () => subscriptions.setArticleStates(this.db, userId, ids, state, now));
  }
  unreadCounts(userId: number): Promise<Array<{ feedId: number; unread: number; newest: string }>> {
    return subscriptions.unreadCounts(this.db, userId);
  }
  sidebarFeeds(userId: number): Promise<SidebarFeed[]> {
    return subscriptions.sidebarFeeds(this.db, userId);
  }
  async recountUnread(limit: number): Promise<{ checked: number; repaired: number }> {
    const raw = await this.getSetting(UNREAD_RECOUNT_AFTER);
    const after = raw ? (JSON.parse(raw) as subscriptions.SubscriptionKey) : null;
    const { checked, repaired, next } = await retryingConflicts('recountUnread', () => subscriptions.recountUnreadSlice(this.db, this.dialect, after, limit));
    await this.setSetting(UNREAD_RECOUNT_AFTER, next ? JSON.stringify(next) : '');
    if (repaired) logger().warn({ code: 'unread_count_repaired', subscriptions: repaired, checked }, 'kept unread counts that had drifted were recounted');
    return { checked, repaired };
  }
  unreadReadSince(userId: number, since: string): Promise<number> {
    return retryingConflicts('unreadReadSince', () => subscriptions.unreadReadSince(this.db, userId, since));
  }
  markAllRead(userId: number, opts: { feedId?: number; folder?: string | null; entity?: string; upTo: string }, now: string): Promise<number> {
    return retryingConflicts('markAllRead', () => subscriptions.markAllRead(this.db, userId, opts, now));
  }

  async dueFeedIds(now: string, limit: number): Promise<number[]> {
    const due = await this.db
      .selectFrom('feed')
      .select('id')
      .where((eb) => eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)]))
      .orderBy('next_check_at', (ob) => ob.asc().nullsFirst())
      .orderBy('id')
      .limit(limit)
      .execute();
    return due.map((f) => f.id);
  }

  async claimFeeds(ids: number[], now: string, until: string): Promise<number[]> {
    if (ids.length === 0) return [];
    const claimed = await this.db
      .updateTable('feed')
      .set({ next_check_at: until })
      .where('id', 'in', ids)
      .where((eb) => eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)]))
      .returning('id')
      .execute();
    return claimed.map((f) => f.id);
  }

  async releaseClaims(untils: readonly string[], now: string): Promise<number[]> {
    if (untils.length === 0) return [];
    const released = await this.db
      .updateTable('feed')
      .set({ next_check_at: now })
      .where('next_check_at', 'in', [...untils])
      .where('next_check_at', '>', now)
      .returning('id')
      .execute();
    return released.map((f) => f.id);
  }


  // stories
  pendingStoryInputs(limit: number, now = new Date().toISOString()): Promise<StoryInput[]> {
    return stories.pendingStoryInputs(this.db, limit, now);
  }
  storyInputsAfter(afterId: number, limit: number): Promise<StoryInput[]> {
    return stories.storyInputsAfter(this.db, afterId, limit);
  }
  countArticlesForStories(): Promise<number> {
    return stories.countArticlesForStories(this.db);
  }
  lastStorySeq(): Promise<number> {
    return stories.lastStorySeq(this.db);
  }
  placementsAfter(q: { afterSeq: number; since?: string; limit: number }): Promise<PlacedInput[]> {
    return stories.placementsAfter(this.db, q);
  }
  newestPlacedTime(): Promise<string | null> {
    return stories.newestPlacedTime(this.db);
  }
  withStoryLock<T>(fn: (tx: StoryTransaction) => Promise<T>): Promise<T> {
    return stories.withStoryLock(this.db, this.dialect, fn);
  }
  storyEpoch(): Promise<string> {
    return stories.storyEpoch(this.db);
  }
  clearStories(epoch: string): Promise<void> {
    return stories.clearStories(this.db, this.dialect, epoch);
  }
  listStories(q: StoryPageQuery): Promise<StorySummary[]> {
    return stories.listStories(this.db, q);
  }
  storyDetail(userId: number | undefined, storyId: number): Promise<StoryDetail | null> {
    return stories.storyDetail(this.db, userId, storyId);
  }
  articleInStory(userId: number, storyId: number, articleId: number): Promise<ArticleInStory | null> {
    return stories.articleInStory(this.db, userId, storyId, articleId);
  }
  storyIdsOf(articleIds: readonly number[]): Promise<Map<number, number>> {
    return stories.storyIdsOf(this.db, articleIds);
  }
  storyCoverageOf(userId: number | undefined, articleIds: readonly number[]): Promise<Map<number, StoryCoverage>> {
    return stories.storyCoverageOf(this.db, userId, articleIds);
  }
  pendingStoryCount(): Promise<number> {
    return stories.pendingStoryCount(this.db);
  }
  reindexEntitiesAfter(afterId: number, limit: number): Promise<number | null> {
    return stories.reindexEntitiesAfter(this.db, afterId, limit);
  }
  foldsStories(userId: number): Promise<boolean> {
    return readers.foldsStories(this.db, userId);
  }
  setFoldsStories(userId: number, on: boolean): Promise<void> {
    return readers.setFoldsStories(this.db, userId, on);
  }
}

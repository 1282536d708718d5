import type { ArticleFilter } from './articleFilter.js';
import type { NeighbourPosition, NeighbourQuery } from './articleList.js';
import type { Article, ArticleImage, ArticleView, ArticleWithSource, FeedWithSource, Revision, Session, SidebarFeed, User, WebSubSubscription } from '../model/article.js';
import type { ArticleListItem, ArticleNeighbour, SearchHit } from '../model/article.js';
import type { FeedRules } from '../model/feed.js';

import type { ArticleFactsWrite, ArticleInStory, PlacedInput, StoryBatch, StoryCoverage, StoryDetail, StoryInput, StoryPageQuery, StorySummary, StoryTransaction } from './stories.js';

export type { ArticleFactsWrite, PlacedInput, StoryBatch, StoryCoverage, StoryDetail, StoryInput, StoryPageQuery, StorySummary, StoryTransaction };
import type { ServerLease } from './serverLeases.js';

export type { ArticleListItem, SearchHit, ServerLease };

/**
 * The one storage interface. Callers never see SQL or a dialect: SQLite (one machine) and
 * PostgreSQL (many machines) fill it alike.
 */
export interface Store {
  close(): Promise<void>;
  /** Throws unless the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  /** Migrations this build knows that the database has not applied (empty when current). */
  pendingMigrations(): Promise<string[]>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  /** Subscribes to a feed; returns the existing one when the URL is known. */
  addFeed(feed: NewFeed): Promise<{ feed: FeedWithSource; created: boolean }>;
  getFeed(id: number): Promise<FeedWithSource | null>;
  getFeedByUrl(url: string): Promise<FeedWithSource | null>;
  listFeeds(): Promise<FeedWithSource[]>;
  /** Feeds whose next check is due at `now` (never-checked first). */
  dueFeeds(now: string, limit: number): Promise<FeedWithSource[]>;
  recordFeedFailure(feedId: number, failure: FeedFailure): Promise<void>;
  /** A feed's own extraction rules, or null when it has none. */
  getFeedRules(feedId: number): Promise<FeedRules | null>;
  /** Replaces a feed's rules (both lists empty: removes them), noting who and when. */
  setFeedRules(feedId: number, rules: FeedRules, by: { userId: number | null; now: string }): Promise<void>;
  /** The rules to read an article's page with: of the first feed carrying it that has any. */
  articleFeedRules(articleId: number): Promise<FeedRules | null>;
  /** Readers subscribed to a feed (who may set its rules depends on it). */
  feedSubscriberCount(feedId: number): Promise<number>;
  /** How many feeds are due at `now`, and since when the most overdue one is (a never-checked feed since it was added). */
  overdueFeeds(now: string): Promise<{ count: number; oldestDueAt: string | null }>;

  /** The stored article an incoming item is, if any: by the feed's GUID, then canonical URL, then content hash. */
  findKnownArticle(feedId: number, sourceId: number, keys: ArticleKeys): Promise<Article | null>;
  /** An article a person deleted (or retention removed) must not come back through any feed. */
  isTombstoned(feedId: number, keys: ArticleKeys): Promise<boolean>;
  /** Deletes an article and leaves a tombstone for its URL and GUIDs. */
  deleteArticle(id: number, reason: string, at: string): Promise<boolean>;
  /** All writes of one feed refresh, in one transaction. */
  saveRefresh(write: RefreshWrite): Promise<RefreshOutcome>;

  getWebSub(feedId: number): Promise<WebSubSubscription | null>;
  getWebSubByToken(token: string): Promise<WebSubSubscription | null>;
  saveWebSub(sub: WebSubSubscription): Promise<void>;
  /** Active subscriptions whose lease ends before `expiringBefore`, and requests unanswered since `requestedBefore`. */
  webSubsToRenew(expiringBefore: string, requestedBefore: string): Promise<WebSubSubscription[]>;

  /** Articles whose page is due to be read again, oldest due first. */
  articlesDueForRecheck(now: string, limit: number): Promise<Article[]>;
  /** The outcome of reading an article's page again: a new version (or none) and the next re-check, in one transaction. */
  applyRecheck(articleId: number, write: ArticleWrite | null, nextRecheckAt: string | null): Promise<void>;
  /**
   * The page text of an article whose page could not be read when it was stored: it takes
   * the place of the feed's text in the article and in its newest revision (the publisher
   * changed nothing, so no revision is added). False, storing nothing, when the article is
   * gone or already has its page text (a retry after a crash).
   */
  completeArticlePage(articleId: number, write: ArticleWrite, nextRecheckAt: string | null): Promise<boolean>;

  /** Articles published at or after `since` (of one feed, when given), newest first: what `tidings recheck` reads again. */
  recentArticles(q: { since: string; feedId?: number; limit: number }): Promise<Article[]>;
  /** Of one feed's articles, those whose page is due to be read again at `now` ("Refresh now"). */
  feedArticlesDue(feedId: number, now: string, limit: number): Promise<Article[]>;
  /** Every stored next re-check set again by `plan` (a changed schedule); articles published before `since` get none. */
  replanRechecks(since: string, plan: (publishedAt: string) => string | null): Promise<number>;
  /** Feeds whose last refresh failed with one of `codes`, made due at `now` with no back-off; their ids. */
  retryFeedsFailedWith(codes: readonly string[], now: string): Promise<number[]>;

  /** Registers (or renews the heartbeat of) a running server. */
  saveServerLease(lease: ServerLease): Promise<void>;
  removeServerLease(id: string): Promise<void>;
  /** Servers whose heartbeat is at or after `since`, freshest first. */
  liveServerLeases(since: string): Promise<ServerLease[]>;

  // accounts
  countUsers(): Promise<number>;
  /** Fails with code `conflict` when the name is taken. */
  createUser(user: { name: string; passwordHash: string; isAdmin: boolean; now: string }): Promise<User>;
  getUserByName(name: string): Promise<(User & { passwordHash: string }) | null>;
  listUsers(): Promise<User[]>;
  createSession(session: { userId: number; tokenHash: string; csrfToken: string; now: string; expiresAt: string }): Promise<void>;
  /** The live session with this token hash, or null when unknown or expired. */
  getSession(tokenHash: string, now: string): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /**
   * Lets reads share one snapshot (within an event-loop turn, never across a write) until
   * the returned release is called: the server holds it while it answers a request.
   */
  shareReads(): () => void;
  /** Changes whenever the reader's pages could: `<articles>:<reader's state>` (readers.ts). */
  readerVersion(userId: number): Promise<string>;
  /** The message the session's next page shows (null clears it). */
  setSessionFlash(tokenHash: string, flash: string | null): Promise<void>;
  /** A new password hash; every session of the user ends but `keepSession` (the one that asked), in one transaction. */
  setPassword(userId: number, passwordHash: string, keepSession: string | null): Promise<{ sessionsEnded: number }>;
  /**
   * A user's subscription to a feed (shared feeds, per-user lists). `title` is the reader's own
   * name for it (null keeps the one they gave before).
   */
  subscribeUser(userId: number, feedId: number, folder: string | null, now: string, title?: string | null): Promise<void>;
  /**
   * Subscribes a user to every feed. Only for the first account: feeds added before any account
   * existed (`tidings add` on a fresh instance, the starter list) were added by the operator,
   * who is that first administrator; later feeds belong to the readers who add them.
   */
  subscribeToAll(userId: number, now: string): Promise<void>;
  unsubscribeUser(userId: number, feedId: number): Promise<boolean>;
  /** A reader's own name and folder for a feed they subscribe to (null clears). */
  updateSubscription(userId: number, feedId: number, change: { title?: string | null; folder?: string | null }): Promise<boolean>;
  /** One feed as the reader who follows it sees it; null when they do not follow it (as if it did not exist). */
  subscribedFeed(userId: number, feedId: number): Promise<(FeedWithSource & { folder: string | null; customTitle: string | null }) | null>;
  /** The feeds a user subscribes to, with their folder, and new articles per UTC day over the last ACTIVITY_DAYS days (oldest first). */
  listSubscriptions(userId: number): Promise<Array<FeedWithSource & { folder: string | null; customTitle: string | null; itemsPerDay: number; activity: number[] }>>;
  /** The instance's feeds the user does not follow, by name (a newcomer's choices). */
  unfollowedFeeds(userId: number, limit: number): Promise<Array<{ id: number; title: string; siteUrl: string | null }>>;
  /** Whether the article reached the user through one of their subscriptions. */
  articleVisibleTo(userId: number, articleId: number): Promise<boolean>;
  createApiToken(token: { userId: number; tokenHash: string; name: string; now: string }): Promise<void>;
  /** A user's API tokens: name, dates and a short public id (the start of the hash). */
  listApiTokens(userId: number): Promise<Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>>;
  revokeApiToken(userId: number, id: string): Promise<boolean>;
  /** The user an API token belongs to (and notes its use), or null. */
  userByApiToken(tokenHash: string, now: string): Promise<User | null>;
  /**
   * A reader's Fever API key, as its hash (accounts/feverKey.ts), bound to their name now:
   * the key is md5 of `name:password`, so after a rename the old key no longer signs in.
   */
  setFeverKey(key: { userId: number; keyHash: string; userName: string; now: string }): Promise<void>;
  removeFeverKey(userId: number): Promise<boolean>;
  /** When the reader's Fever key was set, or null without one. */
  feverKeySetAt(userId: number): Promise<string | null>;
  userByFeverKey(keyHash: string): Promise<User | null>;
  /** A reader's secret for their feeds out (its hash); a new one replaces the old, which stops working at once. */
  setSyndicationSecret(userId: number, tokenHash: string, now: string): Promise<void>;
  /** Turns a reader's feeds out off; false when they had none. */
  deleteSyndicationSecret(userId: number): Promise<boolean>;
  syndicationSecret(userId: number): Promise<{ tokenHash: string; createdAt: string } | null>;
  /** The reader whose feeds-out secret has this hash, or null. */
  userBySyndicationSecret(tokenHash: string): Promise<User | null>;
  /** Read / starred marks of one user; null leaves a mark as it is. */
  setArticleState(userId: number, articleId: number, state: { read?: boolean; starred?: boolean }, now: string): Promise<void>;
  /** Marks as read every article of the user's subscriptions (or one feed's, or one folder's: null is the feeds in no folder) published at or before `upTo`. */
  markAllRead(userId: number, opts: { feedId?: number; folder?: string | null; entity?: string; upTo: string }, now: string): Promise<number>;

  listArticles(query: ArticleQuery): Promise<ArticleListItem[]>;
  /** The articles either side of one in the list it was opened from, nearest first. */
  listNeighbours(query: NeighbourQuery): Promise<ArticleNeighbour[]>;
  /** The open article's row and sort key, from which listNeighbours walks; null when the reader cannot see it. */
  neighbourPosition(userId: number, id: number): Promise<NeighbourPosition | null>;
  /** The same selection as listArticles, ids and times only (no page-sized cap of its own). */
  listArticleRefs(query: ArticleQuery): Promise<ArticleRef[]>;
  countArticles(query: Omit<ArticleQuery, 'limit' | 'offset' | 'order' | 'content' | 'before'>): Promise<number>;
  /** Per subscribed feed: unread articles and the newest one's time (feeds with none are left out). */
  unreadCounts(userId: number): Promise<Array<{ feedId: number; unread: number; newest: string }>>;
  /** The reader's feeds as the sidebar lists them: folder, then name; with unread counts. */
  sidebarFeeds(userId: number): Promise<SidebarFeed[]>;
  /**
   * Recounts the kept unread counts of the next `limit` subscriptions, carrying on where
   * the last call stopped (round and round), and repairs any that drifted (logged as
   * unread_count_repaired). Returns how many were checked and repaired.
   */
  recountUnread(limit: number): Promise<{ checked: number; repaired: number }>;
  /**
   * Marks many articles at once; ids the reader cannot see are skipped (never an error,
   * so one stale id does not fail a client's batch). Returns how many rows it wrote.
   */
  setArticleStates(userId: number, ids: readonly number[], state: { read?: boolean; starred?: boolean }, now: string): Promise<number>;
  /** Marks unread again what the reader read at or after `since` (Fever's "unread recently read"); returns how many. */
  unreadReadSince(userId: number, since: string): Promise<number>;
  /** Full-text search over title and text, best matches first, with the words to highlight. */
  searchArticles(query: SearchQuery): Promise<SearchHit[]>;
  getArticle(id: number): Promise<ArticleView | null>;
  /**
   * An article as its page opens it, in one lookup: with a reader, only if they can see it,
   * with their marks; its story and newest revision (null when none).
   */
  openedArticle(userId: number | undefined, id: number): Promise<OpenedArticle | null>;
  listRevisions(articleId: number): Promise<Revision[]>;

  /** Ids of the feeds due at `now` (never-checked first), for the scheduler to send. */
  dueFeedIds(now: string, limit: number): Promise<number[]>;
  /**
   * Moves the next check of these feeds to `until` (past their job's lifetime) so no tick
   * sends them again; only those still due, so a refresh that already finished keeps the
   * next check it chose. Called after the jobs are sent: a scheduler that dies in between
   * leaves the feeds due (a second send is dropped or refreshes once more), never stuck.
   */
  claimFeeds(ids: number[], now: string, until: string): Promise<number[]>;
  /**
   * Makes due at `now` the feeds still claimed until one of `untils` (their refresh never
   * ran: the process holding the jobs died). Returns their ids.
   */
  releaseClaims(untils: readonly string[], now: string): Promise<number[]>;

  // stories (results of src/stories, computed by ingest/storyPlacer.ts)
  /**
   * Articles waiting for the story step (stored with the article, so none is lost), oldest
   * first; those whose facts are asked again later only once due at `now` (ISO 8601).
   */
  pendingStoryInputs(limit: number, now?: string): Promise<StoryInput[]>;
  /** Every article after this id, in id (arrival) order: what a rebuild replays. */
  storyInputsAfter(afterId: number, limit: number): Promise<StoryInput[]>;
  countArticlesForStories(): Promise<number>;
  lastStorySeq(): Promise<number>;
  /** Stored placements in placement order after `afterSeq` (with `since`: of articles published since). */
  placementsAfter(q: { afterSeq: number; since?: string; limit: number }): Promise<PlacedInput[]>;
  newestPlacedTime(): Promise<string | null>;
  /** Runs `fn` in one transaction holding the story lock: processes placing at once take turns. */
  withStoryLock<T>(fn: (tx: StoryTransaction) => Promise<T>): Promise<T>;
  storyEpoch(): Promise<string>;
  /** Forgets placements and stories (entities and figures stay) and starts epoch `epoch`, before a rebuild. */
  clearStories(epoch: string): Promise<void>;
  /** Stories, most recently active first; with a reader, those they can see, counted over what they see. */
  listStories(q: StoryPageQuery): Promise<StorySummary[]>;
  /** A story page in one call; null when the reader sees none of its articles. */
  storyDetail(userId: number | undefined, storyId: number): Promise<StoryDetail | null>;
  /** How much of an article's story the reader sees, and the article with its facts (null when they do not see it there). */
  articleInStory(userId: number, storyId: number, articleId: number): Promise<ArticleInStory | null>;
  /** The story of each placed article among these (the river folds by it). */
  storyIdsOf(articleIds: readonly number[]): Promise<Map<number, number>>;
  /** Per article among these: its story and the articles and sources of it this reader sees (one query). */
  storyCoverageOf(userId: number | undefined, articleIds: readonly number[]): Promise<Map<number, StoryCoverage>>;
  pendingStoryCount(): Promise<number>;
  /** Fills the entity index from stored facts that have none, after this article id, a page at a time; the last id done, null when none was left. */
  reindexEntitiesAfter(afterId: number, limit: number): Promise<number | null>;
  /** Whether this reader's river folds stories (on unless they turned it off). */
  foldsStories(userId: number): Promise<boolean>;
  /** Turns folding on or off for the reader; their cached pages change with it. */
  setFoldsStories(userId: number, on: boolean): Promise<void>;
}

export interface NewFeed {
  url: string;
  siteUrl: string | null;
  title: string | null;
  section: string | null;
  sourceName: string;
  /** 'site' when the name came from the publisher's page, 'feed' from the feed title, 'user' from --source. */
  sourceNameFrom: 'site' | 'feed' | 'user';
  sourceHomepage: string | null;
  sourceOverride: string | null;
  sectionOverride: string | null;
  intervalSeconds: number;
  now: string;
}

export interface FeedFailure {
  at: string;
  code: string;
  message: string;
  nextCheckAt: string;
}

export interface ArticleKeys {
  guid: string | null;
  canonicalUrl: string;
  /** URL key (model/identity.ts) of the link the feed gave, which may differ from the canonical URL. */
  linkKey: string;
  contentHash: string;
}

export interface ArticleWrite {
  keys: ArticleKeys;
  url: string;
  title: string;
  byline: string | null;
  publishedAt: string;
  publisherUpdatedAt: string | null;
  text: string;
  html: string;
  leadImageUrl: string | null;
  lang: string | null;
  wordCount: number;
  feedHash: string;
  extractStatus: Article['extractStatus'];
  extractError: string | null;
  images: ArticleImage[];
  seenAt: string;
  reason: Revision['reason'];
  /** When to read the page again for edits (set for new articles). */
  nextRecheckAt?: string | null;
  /** False when the text changed only in ways that do not make a revision (see revisionPolicy). */
  significant?: boolean;
}

export interface RefreshWrite {
  feedId: number;
  fetchedAt: string;
  status: 'ok' | 'not_modified';
  etag: string | null;
  lastModified: string | null;
  nextCheckAt: string;
  /**
   * When the write is made. A feed made due after this refresh fetched (a new round, "Refresh
   * now", a late write of a job that had expired and run again) stays due: the fetch predates
   * what was asked for.
   */
  writtenAt?: string;
  /** The feed's new polling interval, when this refresh learnt one. */
  intervalSeconds?: number;
  feedTitle?: string | null;
  siteUrl?: string | null;
  section?: string | null;
  /** A better source name learnt during this refresh (from the publisher's page). */
  sourceName?: { name: string; from: 'site' | 'feed' } | null;
  articles: ArticleWrite[];
  /** Items already stored that this feed now also carries. */
  links: Array<{ articleId: number; guid: string | null; linkKey: string | null }>;
}

export interface RefreshOutcome {
  created: number;
  /** Items not stored because their article was deleted before (tombstone). */
  tombstoned: number;
  updated: number;
  linked: number;
  unchanged: number;
  articleIds: number[];
  /** Articles stored by this refresh whose page could not be read (extractStatus 'failed'). */
  failedPageIds: number[];
}

export interface ArticleQuery extends Omit<ArticleFilter, 'articleId' | 'upTo' | 'sourceId'> {
  limit: number;
  /** Rows to skip first (offset paging, as the Miniflux API asks); prefer `before`. */
  offset?: number;
  /** Newest first by publication time (default), oldest first, or by id. */
  order?: ArticleOrder;
  /** Also the body HTML, the byline and the feed each article came through (client protocols). */
  content?: boolean;
  /** One entry per story: its newest article that passes the filter (see articleList.ts). */
  fold?: boolean;
}

export interface OpenedArticle {
  article: ArticleWithSource;
  /** The reader's marks; null without a reader. */
  state: { read: boolean; starred: boolean } | null;
  storyId: number | null;
  revisionId: number | null;
  /** How many revisions it has (the page compares the last two). */
  revisions: number;
}

export type ArticleOrder = 'newest' | 'oldest' | 'id-asc' | 'id-desc';

/** An article's id and time, for id-only listings (Google Reader item ids, Fever unread ids). */
export interface ArticleRef {
  id: number;
  published: string;
}

export interface SearchQuery {
  /** What the reader typed: words (all must match), "quoted phrases", prefix*. */
  text: string;
  feedId?: number;
  /** Only articles that reached this user through their subscriptions. */
  userId?: number;
  /** With userId: only the user's unread or starred articles. */
  show?: 'all' | 'unread' | 'starred';
  /** With userId: only feeds the user filed in this folder. */
  folder?: string;
  /** Only this publisher's articles. */
  sourceId?: number;
  /** Only articles naming this entity (ArticleFilter.entity). */
  entity?: string;
  /** Only articles published at or after / before these times. */
  from?: string;
  to?: string;
  limit: number;
  offset?: number;
}

/** Days of history in a subscription's activity (the feeds page draws them). */
export const ACTIVITY_DAYS = 30;

import type { Generated, Kysely, Transaction } from 'kysely';

/** Table shapes as Kysely sees them; the same for every dialect. Times are ISO 8601 UTC text. */
export interface SourceTable {
  id: Generated<number>;
  name: string;
  homepage: string | null;
  /** Lower-case host of the homepage: feeds of one publisher share a source. */
  host: string | null;
  /** How the name was found: 'site' (og:site_name), 'feed' (feed title), 'user'. */
  name_from: string;
  created_at: string;
}

export interface FeedTable {
  id: Generated<number>;
  source_id: number;
  url: string;
  site_url: string | null;
  title: string | null;
  section: string | null;
  source_override: string | null;
  section_override: string | null;
  etag: string | null;
  last_modified: string | null;
  last_fetched_at: string | null;
  last_status: string;
  last_error_code: string | null;
  last_error: string | null;
  error_count: number;
  next_check_at: string | null;
  interval_seconds: number;
  created_at: string;
  failing_since: string | null;
}

export interface ArticleTable {
  id: Generated<number>;
  source_id: number;
  guid: string | null;
  url: string;
  canonical_url: string;
  title: string;
  byline: string | null;
  published_at: string;
  publisher_updated_at: string | null;
  changed_at: string | null;
  first_seen_at: string;
  text: string;
  html: string;
  lead_image_url: string | null;
  lang: string | null;
  word_count: number;
  content_hash: string;
  feed_hash: string | null;
  extract_status: string;
  extract_error: string | null;
  url_key: string | null;
  next_recheck_at: string | null;
}

export interface ArticleFeedTable {
  article_id: number;
  feed_id: number;
  guid: string | null;
  /** URL key of the link this feed gave for the article (may differ from the page's canonical). */
  link_key: string | null;
  first_seen_at: string;
}

export interface TombstoneTable {
  id: Generated<number>;
  url_key: string | null;
  feed_id: number | null;
  guid: string | null;
  reason: string;
  created_at: string;
}

export interface RevisionTable {
  id: Generated<number>;
  article_id: number;
  seen_at: string;
  reason: string;
  title: string;
  text: string;
  html: string;
  content_hash: string;
}

export interface ImageTable {
  id: Generated<number>;
  article_id: number;
  position: number;
  url: string;
  caption: string | null;
  credit: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface WebSubTable {
  feed_id: number;
  hub: string;
  topic: string;
  secret: string;
  callback_token: string;
  /** pending (asked the hub) | active (hub verified) | denied | failed */
  state: string;
  lease_seconds: number | null;
  expires_at: string | null;
  requested_at: string;
  last_push_at: string | null;
  last_error: string | null;
}

export interface UserTable {
  id: Generated<number>;
  name: string;
  password_hash: string;
  is_admin: number;
  created_at: string;
  /** Changes of the reader's read, starred and subscriptions, counted by triggers (the page cache's version). */
  state_version: Generated<number>;
  /** 1: the river folds a story into one entry (the default); 0: every article. */
  fold_stories: Generated<number>;
}

export interface SessionTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  /** JSON of the message the next page shows (server/flash.ts), then cleared. */
  flash: string | null;
}

/** A running `tidings serve` (store/serverLeases.ts). */
export interface ServerLeaseTable {
  /** Not `id`: copies give integer `id` keys a sequence (store/copyDatabase.ts). */
  server_id: string;
  pid: number;
  host: string;
  address: string;
  command_port: number;
  secret: string;
  started_at: string;
  heartbeat_at: string;
}

export interface ApiTokenTable {
  token_hash: string;
  user_id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** A reader's Fever API key (md5 of `name:Fever password`), kept only as its hash, for the name it was made with. */
export interface FeverKeyTable {
  user_id: number;
  key_hash: string;
  user_name: string;
  created_at: string;
}

/** A reader's secret for their feeds out (syndication): only its SHA-256, one per reader. */
export interface SyndicationSecretTable {
  user_id: number;
  token_hash: string;
  created_at: string;
}

export interface SubscriptionTable {
  user_id: number;
  feed_id: number;
  folder: string | null;
  title: string | null;
  created_at: string;
}

/** Kept by database triggers (migrations: unread counts): never written by the store itself. */
export interface SubscriptionUnreadTable {
  user_id: number;
  feed_id: number;
  unread: number;
}

/** A feed's own extraction rules (CSS selectors, JSON arrays), and who set them last. */
export interface FeedRuleTable {
  feed_id: number;
  keep_selectors: string;
  remove_selectors: string;
  updated_by: number | null;
  updated_at: string;
}

export interface ArticleStateTable {
  user_id: number;
  article_id: number;
  read_at: string | null;
  starred_at: string | null;
}

/** A story: articles of several outlets about one event; its id is its first article's. */
export interface StoryTable {
  id: number;
  /** The earliest article's headline. */
  title: string;
  first_seen_at: string;
  last_seen_at: string;
  article_count: number;
  source_count: number;
  copy_count: number;
}

/** Where an article was placed: its story, the article it is a wire copy of, and the placement order. */
export interface ArticleStoryTable {
  article_id: number;
  story_id: number;
  copy_of: number | null;
  seq: number;
}

/** An article's entities and figures (JSON arrays), for the text with this content hash. */
export interface ArticleFactsTable {
  article_id: number;
  content_hash: string;
  entities: string;
  figures: string;
}

/** One entity an article names, by its normalised key (text/entityKey.ts), for the entity filter. */
export interface ArticleEntityTable {
  article_id: number;
  entity_key: string;
  /** The name as the article first writes it. */
  name: string;
  type: string;
}

/**
 * Articles waiting for the story step: 'place' (new), 'facts' (text changed), or
 * 'facts_later' (placed, its facts asked again from `queued_at` on: the facts threads were
 * busy or failing).
 */
export interface StoryPendingTable {
  article_id: number;
  kind: 'place' | 'facts' | 'facts_later';
  queued_at: string;
}

export interface Database {
  source: SourceTable;
  feed: FeedTable;
  article: ArticleTable;
  article_feed: ArticleFeedTable;
  revision: RevisionTable;
  image: ImageTable;
  setting: SettingTable;
  tombstone: TombstoneTable;
  websub: WebSubTable;
  user: UserTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  fever_key: FeverKeyTable;
  syndication_secret: SyndicationSecretTable;
  subscription: SubscriptionTable;
  subscription_unread: SubscriptionUnreadTable;
  article_state: ArticleStateTable;
  story: StoryTable;
  article_story: ArticleStoryTable;
  article_facts: ArticleFactsTable;
  article_entity: ArticleEntityTable;
  story_pending: StoryPendingTable;
  feed_rule: FeedRuleTable;
  server_lease: ServerLeaseTable;
}

/** A connection or an open transaction: the store's functions run on either. */
export type Db = Kysely<Database> | Transaction<Database>;

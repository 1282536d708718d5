import { subscriptionTitle, type FeedWithSource } from '../../model/article.js';
import { categoryOf, type MinifluxCategory } from './categories.js';

/** A feed as one reader follows it: their folder and their own name for it. */
export type ReaderFeed = FeedWithSource & { folder: string | null; customTitle: string | null };

export interface MinifluxFeed {
  id: number;
  user_id: number;
  feed_url: string;
  site_url: string;
  title: string;
  checked_at: string;
  next_check_at: string;
  etag_header: string;
  last_modified_header: string;
  parsing_error_message: string;
  parsing_error_count: number;
  scraper_rules: string;
  rewrite_rules: string;
  blocklist_rules: string;
  keeplist_rules: string;
  user_agent: string;
  crawler: boolean;
  disabled: boolean;
  ignore_http_cache: boolean;
  fetch_via_proxy: boolean;
  hide_globally: boolean;
  category: MinifluxCategory;
  icon: null;
}

/** Strings and numbers Miniflux never leaves null (clients read them without checks). */
export function minifluxFeed(userId: number, f: ReaderFeed): MinifluxFeed {
  return {
    id: f.id,
    user_id: userId,
    feed_url: f.url,
    site_url: f.siteUrl ?? f.url,
    title: subscriptionTitle(f),
    checked_at: f.lastFetchedAt ?? f.createdAt,
    next_check_at: f.nextCheckAt ?? f.createdAt,
    etag_header: '',
    last_modified_header: '',
    parsing_error_message: f.lastError ?? '',
    parsing_error_count: f.errorCount,
    scraper_rules: '',
    rewrite_rules: '',
    blocklist_rules: '',
    keeplist_rules: '',
    user_agent: '',
    // Tidings reads every article's page for its full text.
    crawler: true,
    disabled: false,
    ignore_http_cache: false,
    fetch_via_proxy: false,
    hide_globally: false,
    category: categoryOf(userId, f.folder),
    icon: null,
  };
}

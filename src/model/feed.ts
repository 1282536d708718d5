/** The one model every feed format is adapted to (see ../../shared/spec/cli-json.md). */
export type FeedFormat = 'rss20' | 'rss10' | 'rss09x' | 'atom10' | 'atom03' | 'json10' | 'json11';

export interface Person { name: string | null; email: string | null; url: string | null }
export interface Enclosure { url: string; type: string | null; length: number | null }
export interface MediaObject {
  url: string;
  type: string | null;
  medium: string | null;
  caption: string | null;
  credit: string | null;
}

export interface ParsedItem {
  id: string | null;
  title: string | null;
  link: string | null;
  summary: string | null;
  content: string | null;
  published: string | null;
  updated: string | null;
  authors: Person[];
  categories: string[];
  enclosures: Enclosure[];
  media: MediaObject[];
  comments: string | null;
}

export interface ParsedFeed {
  format: FeedFormat;
  bozo: boolean;
  bozoReason?: string;
  title: string | null;
  link: string | null;
  selfUrl: string | null;
  hubs: string[];
  description: string | null;
  language: string | null;
  updated: string | null;
  published: string | null;
  authors: Person[];
  image: { url: string; title: string | null; link: string | null } | null;
  categories: string[];
  generator: string | null;
  rights: string | null;
  ttl: number | null;
  /** Seconds between updates from <sy:updatePeriod>/<sy:updateFrequency>, when given. */
  syndication: number | null;
  items: ParsedItem[];
}

/**
 * A feed's own extraction rules, set by a person: CSS selectors of page furniture to drop
 * (`remove`) and of the article itself (`keep`). They take precedence over site rules.
 */
export interface FeedRules {
  keep: string[];
  remove: string[];
}

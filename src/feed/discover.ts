import { Parser } from 'htmlparser2';
import { collapseWhitespace } from '../text/whitespace.js';

/** Feeds a web page names: `<link rel="alternate">` of every feed type, then feed-looking links in the body. */
export interface DiscoveredFeed {
  url: string;
  title: string | null;
  type: string | null;
}

const FEED_TYPES = /^(?:application\/(?:rss|atom|rdf|feed)\+(?:xml|json)|application\/(?:rss|atom|rdf)|application\/json|text\/xml|application\/xml)$/i;
const FEED_HREF = /(?:\/feed\/?$|\/rss\/?$|\/atom\/?$|\.rss$|\.atom$|\/rss\.xml$|\/atom\.xml$|\/feed\.xml$|\/index\.xml$|\/feed\.json$|[?&]feed=(?:rss|atom))/i;

export function discoverFeeds(html: string, pageUrl: string): DiscoveredFeed[] {
  const found: DiscoveredFeed[] = [];
  const bodyLinks: DiscoveredFeed[] = [];
  let base = pageUrl;
  const add = (list: DiscoveredFeed[], href: string | undefined, title: string | null, type: string | null) => {
    if (!href) return;
    let url: string;
    try {
      url = new URL(href.trim(), base).href;
    } catch {
      // A link that does not resolve to a URL is not a feed candidate.
      return;
    }
    if (!/^https?:/.test(url)) return;
    if (found.some((f) => f.url === url) || list.some((f) => f.url === url)) return;
    list.push({ url, title, type });
  };
  let anchor: { href: string; text: string } | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && attrs.href) {
          try {
            base = new URL(attrs.href, pageUrl).href;
          } catch {
            /* ignore a broken base */
          }
        }
        if (name === 'link') {
          const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
          const type = (attrs.type ?? '').trim();
          if (rel.includes('alternate') && FEED_TYPES.test(type) && !/oembed/i.test(attrs.href ?? '') && (type !== 'application/json' || /feed/i.test(attrs.href ?? ''))) {
            add(found, attrs.href, attrs.title?.trim() || null, type);
          }
        }
        if (name === 'a' && attrs.href && FEED_HREF.test(attrs.href.split('#')[0]!)) anchor = { href: attrs.href, text: '' };
      },
      ontext(t) {
        if (anchor) anchor.text += t;
      },
      onclosetag(name) {
        if (name === 'a' && anchor) {
          add(bodyLinks, anchor.href, collapseWhitespace(anchor.text) || null, null);
          anchor = null;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return [...found, ...bodyLinks];
}

/** Paths where sites commonly keep their feed, tried when a page names none. */
export const COMMON_FEED_PATHS = ['/feed', '/rss', '/feed.xml', '/rss.xml', '/atom.xml', '/index.xml', '/feed.json'];

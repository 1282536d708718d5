/** The feed parsers compared in `npm run bench`, each reduced to "text in, item count out". */
import { parseFeed } from '../src/feed/parseFeed.js';
import { useShortPath } from '../src/html/sanitizeHtml.js';

export type FeedParser = { name: string; parse: (text: string) => Promise<number> | number };

export async function feedParsers(): Promise<FeedParser[]> {
  const RssParser = (await import('rss-parser')).default;
  const feedsmith = await import('feedsmith');
  const rowan = await import('@rowanmanning/feed-parser');
  const rss = new RssParser();
  return [
    { name: 'tidings', parse: (t) => parseFeed(t, { url: 'http://bench.test/feed' }).items.length },
    // The same parse, then every item's summary and content read, so all HTML is sanitized.
    { name: 'tidings + all HTML sanitized', parse: (t) => sanitizedItems(t) },
    {
      // As above with the sanitizer's short path for small snippets off: every piece through the tokenizer.
      name: 'tidings + all HTML sanitized, tokenizer only',
      parse: (t) => {
        useShortPath(false);
        try {
          return sanitizedItems(t);
        } finally {
          useShortPath(true);
        }
      },
    },
    { name: 'rss-parser', parse: async (t) => (await rss.parseString(t)).items.length },
    {
      name: 'feedsmith',
      parse: (t) => {
        const feed = (feedsmith.parseFeed(t) as { feed: { items?: unknown[]; entries?: unknown[] } }).feed;
        return (feed.items ?? feed.entries ?? []).length;
      },
    },
    { name: '@rowanmanning/feed-parser', parse: (t) => rowan.parseFeed(t).items.length },
  ];
}

function sanitizedItems(text: string): number {
  const items = parseFeed(text, { url: 'http://bench.test/feed' }).items;
  let n = 0;
  for (const i of items) n += (i.summary?.length ?? 0) + (i.content?.length ?? 0) >= 0 ? 1 : 0;
  return n;
}

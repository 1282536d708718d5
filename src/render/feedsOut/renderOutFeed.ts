import { renderAtom } from './atom.js';
import { renderJsonFeed } from './jsonFeed.js';
import type { OutFeed, OutFormat } from './outFeed.js';
import { renderRss } from './rss.js';

const WRITERS: Record<OutFormat, { contentType: string; render: (feed: OutFeed) => string }> = {
  rss: { contentType: 'application/rss+xml; charset=utf-8', render: renderRss },
  atom: { contentType: 'application/atom+xml; charset=utf-8', render: renderAtom },
  json: { contentType: 'application/feed+json; charset=utf-8', render: renderJsonFeed },
};

/** The feed as a document of the format, with the media type to serve it under. */
export function renderOutFeed(format: OutFormat, feed: OutFeed): { contentType: string; body: string } {
  const w = WRITERS[format];
  return { contentType: w.contentType, body: w.render(feed) };
}

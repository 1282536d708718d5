import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { articlePage, rssFeed, type PublisherServer } from './publisherServer.js';
import type { TestPipeline } from './pipeline.js';
import { repoRoot } from './cli.js';
import { subscribe } from '../../src/ingest/subscribe.js';
import { refreshFeeds } from '../../src/ingest/refreshRunner.js';

/**
 * The stories fixture (test/fixtures/stories-outlets): five outlets covering three events,
 * one wire copy reprinted by two of them and one figure reported differently.
 */
interface FixtureArticle {
  slug: string;
  event: string;
  title: string;
  published: string;
  paragraphs: string[];
}
interface Outlet {
  slug: string;
  name: string;
  articles: FixtureArticle[];
}

export const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'stories-outlets', 'outlets.json'), 'utf8')) as { outlets: Outlet[] };

/** Five outlets on one local publisher: a feed and article pages each. */
export function publish(server: PublisherServer): void {
  for (const [i, o] of fixture.outlets.entries()) {
    // A home page on a host of its own (nothing listens there): five outlets, five sources.
    const home = `http://127.0.0.${i + 2}:${new URL(server.origin).port}/`;
    const items = o.articles.map((a) => ({ title: a.title, link: server.url(`/${o.slug}/${a.slug}`), pubDate: new Date(a.published).toUTCString(), description: a.paragraphs[0] }));
    server.set(`/${o.slug}/feed.xml`, { type: 'application/rss+xml', body: rssFeed({ title: o.name, link: home, items }) });
    for (const a of o.articles) {
      const bodyHtml = a.paragraphs.map((p) => `<p>${p}</p>`).join('\n');
      server.set(`/${o.slug}/${a.slug}`, { body: articlePage({ title: a.title, siteName: o.name, published: a.published, bodyHtml }) });
    }
  }
}

export async function ingestOutlets(tp: TestPipeline, server: PublisherServer, userId: number): Promise<void> {
  const feeds = [];
  for (const o of fixture.outlets) feeds.push((await subscribe(tp.p, server.url(`/${o.slug}/feed.xml`), { readers: [userId] })).feed);
  // One at a time: the order articles arrive in is the order they are placed in.
  const reports = await refreshFeeds(tp.p, await Promise.all(feeds.map(async (f) => (await tp.store.getFeed(f.id))!)), { concurrency: 1 });
  assert.ok(reports.every((r) => r.status === 'ok'), JSON.stringify(reports));
}


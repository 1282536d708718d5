import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';
import { buildApp } from '../src/server/app.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';

/** The first river page a reader opens, with everything it loads, stays small on a slow phone line. */
const BUDGET_BYTES = 50 * 1024;

test('the first river page (50 articles, sidebar) is under 50 KB of HTML, CSS and JS, gzipped', async (t) => {
  const publisher = await new PublisherServer().start();
  const tp = await testPipeline();
  t.after(async () => {
    await tp.close();
    await publisher.stop();
  });
  const words = 'The harbour board met on Friday to agree the plan for the quay and the ferry timetable. ';
  for (const slug of ['a', 'b', 'c']) {
    const items = Array.from({ length: 20 }, (_, i) => ({ title: `Feed ${slug} story ${i + 1}: a headline of a usual length for a news site`, link: publisher.url(`/${slug}/${i + 1}`), pubDate: new Date(Date.UTC(2026, 2, 1, i, slug.charCodeAt(0))).toUTCString(), description: `<p>${words.repeat(6)}</p><img src="${publisher.url(`/${slug}/${i}.jpg`)}">` }));
    publisher.set(`/${slug}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: `Feed ${slug}`, link: publisher.url(`/${slug}/`), items }) });
    items.forEach((it, i) => publisher.set(`/${slug}/${i + 1}`, { body: articlePage({ title: it.title, siteName: `Feed ${slug}`, bodyHtml: `<p>${words.repeat(6)}</p>` }) }));
    const r = await subscribe(tp.p, publisher.url(`/${slug}.xml`), { readers: [] });
    await refreshFeed(tp.p, (await tp.store.getFeed(r.feed.id))!);
  }
  const web = await signedIn(tp.store);
  // Sixty articles of the same words are one story: unfolded, the page holds fifty of them.
  await tp.store.setFoldsStories(web.userId, false);
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const river = await app.inject({ method: 'GET', url: '/', headers: { cookie: web.cookie } });
  assert.equal(river.statusCode, 200);
  assert.equal(river.body.match(/<li class="(?:un)?read"/g)?.length, 50, 'a full first page');
  const assets = [...river.body.matchAll(/(?:src|href)="(\/static\/app\.[0-9a-f]+\.(?:css|js))"/g)].map((m) => m[1]!);
  assert.equal(assets.length, 2, 'one stylesheet and one script');
  let total = gzipSync(river.body).length;
  const sizes = [`html ${total}`];
  for (const url of assets) {
    const r = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    total += r.rawPayload.length;
    sizes.push(`${url.slice(-3)} ${r.rawPayload.length}`);
  }
  t.diagnostic(`first river page, gzip: ${sizes.join(', ')}; total ${total} bytes`);
  assert.ok(total < BUDGET_BYTES, `${total} bytes gzip (${sizes.join(', ')})`);
});

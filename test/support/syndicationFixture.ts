import type { FastifyInstance } from 'fastify';
import { PublisherServer, articlePage, rssFeed } from './publisherServer.js';
import { testPipeline, type TestPipeline } from './pipeline.js';
import { storeTarget } from './stores.js';
import { subscribe } from '../../src/ingest/subscribe.js';
import { refreshFeed } from '../../src/ingest/refreshFeed.js';
import { buildApp } from '../../src/server/app.js';
import { newSecret, secretHash } from '../../src/accounts/tokens.js';

/** A title no feed should trip over: CDATA's end, markup, an ampersand, quotes. */
export const HOSTILE_TITLE = 'Quay ]]> <script>alert(1)</script> & "the" \'tide\'';
/** What the store adds to it (control characters XML forbids, and U+FFFE). */
export const CONTROL_CHARS = '\u0001\u000b\ufffe';

/**
 * Two publishers' feeds read through the real pipeline, and two readers: ada follows
 * Harbour (folder "News") and Valley; bob follows Valley only. Each has a feeds-out secret.
 */
export interface SyndicationFixture {
  server: PublisherServer;
  tp: TestPipeline;
  app: FastifyInstance;
  ada: { id: number; secret: string };
  bob: { id: number; secret: string };
  harbour: number;
  valley: number;
  close(): Promise<void>;
}

const NOW = '2026-03-10T00:00:00Z';

export async function syndicationFixture(config: { publicUrl?: string } = {}): Promise<SyndicationFixture> {
  const server = await new PublisherServer().start();
  const tp = await testPipeline();
  const harbour = await addFeed(server, tp, '/h', 'Harbour', [
    { day: 1, title: 'Quay ]]> & "the" tide', body: '<p>The lighthouse keeper wrote ]]&gt; and &lt;script&gt;alert(2)&lt;/script&gt; in the log of the evening ferry crossing.</p><script>alert(3)</script>' },
    { day: 2, title: 'Harbour board meets', body: '<p>The harbour board met on Friday to agree the plan for the quay and the lighthouse.</p>' },
    { day: 3, title: 'Harbour dredging starts', body: '<p>Dredging of the harbour mouth starts next week, the board said on Monday.</p>' },
  ]);
  const valley = await addFeed(server, tp, '/v', 'Valley', [
    { day: 4, title: 'Valley orchard harvest', body: '<p>The valley orchards expect a large harvest of apples and pears this autumn.</p>' },
  ]);
  // Characters no XML document may hold, as a careless publisher's title could carry them.
  const chars = storeTarget === 'postgres' ? `chr(1) || chr(11) || chr(65534)` : `char(1, 11, 65534)`;
  await tp.query(`update article set title = title || ${chars} where title like 'Harbour board%'`);
  // Ingestion strips markup from titles; a title that still holds some must stay text too.
  await tp.query(`update article set title = '${HOSTILE_TITLE.replace(/'/g, "''")}' where title like 'Quay%'`);
  // One publisher (one host), two sections of it.
  await tp.query(`update feed set section_override = 'Harbour desk' where url like '%/h.xml'`);
  const ada = await reader(tp, 'ada');
  const bob = await reader(tp, 'bob');
  await tp.store.subscribeUser(ada.id, harbour, 'News', NOW);
  await tp.store.subscribeUser(ada.id, valley, null, NOW);
  await tp.store.subscribeUser(bob.id, valley, null, NOW);
  if (config.publicUrl) tp.p.config.publicUrl = config.publicUrl;
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  return {
    server, tp, app, ada, bob, harbour, valley,
    async close() {
      await app.close();
      await tp.close();
      await server.stop();
    },
  };
}

async function addFeed(server: PublisherServer, tp: TestPipeline, path: string, name: string, items: Array<{ day: number; title: string; body: string }>): Promise<number> {
  const entries = items.map((i) => ({ title: i.title, link: server.url(`${path}/${i.day}`), pubDate: new Date(Date.UTC(2026, 2, i.day, 8)).toUTCString() }));
  server.set(`${path}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: name, link: server.url(path), items: entries }) });
  for (const i of items) {
    const figure = `<figure><img src="${server.url(`/img/${i.day}.jpg`)}" alt=""><figcaption>The ${name.toLowerCase()} at dawn, day ${i.day}</figcaption></figure>`;
    server.set(`${path}/${i.day}`, { body: articlePage({ title: escapeHtml(i.title), siteName: `${name} Press`, bodyHtml: `${i.body}${figure}<p>${'More of the story follows in the paper tomorrow morning, with an account of the whole day. '.repeat(6)}</p>` }) });
  }
  const { feed } = await subscribe(tp.p, server.url(`${path}.xml`), { readers: [] });
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  return feed.id;
}

async function reader(tp: TestPipeline, name: string): Promise<{ id: number; secret: string }> {
  const user = await tp.store.createUser({ name, passwordHash: 'x', isAdmin: false, now: NOW });
  const secret = newSecret();
  await tp.store.setSyndicationSecret(user.id, secretHash(secret), NOW);
  return { id: user.id, secret };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

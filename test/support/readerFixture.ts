import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { PublisherServer, articlePage, rssFeed } from './publisherServer.js';
import { testPipeline, type TestPipeline } from './pipeline.js';
import { buildApp } from '../../src/server/app.js';
import { newSecret, secretHash } from '../../src/accounts/tokens.js';
import { subscribe } from '../../src/ingest/subscribe.js';
import { refreshFeed } from '../../src/ingest/refreshFeed.js';

/** A reader's account on a fixture server: name, user id and an API token (the app password). */
export interface FixtureReader {
  name: string;
  id: number;
  token: string;
}

/** A request the server answered, as the fixture saw it (what a client actually sent). */
export interface SeenRequest {
  method: string;
  /** The path as routed (a Miniflux client's `//v1/…` is folded to `/v1/…`). */
  url: string;
  /** The path exactly as the client sent it. */
  sentUrl: string;
  status: number;
  authorized: boolean;
  body: unknown;
}

export interface ReaderFixture {
  url: string;
  tp: TestPipeline;
  app: FastifyInstance;
  publisher: PublisherServer;
  ada: FixtureReader;
  bob: FixtureReader;
  feeds: { quay: number; hill: number; bobs: number };
  requests: SeenRequest[];
  close(): Promise<void>;
}

export const FIXTURE_ITEMS = { quay: 3, hill: 2, bobs: 2 };

/** What the server holds as unread for ada, per feed. */
export async function adaUnread(f: ReaderFixture): Promise<Map<number, number>> {
  return new Map((await f.tp.store.unreadCounts(f.ada.id)).map((c) => [c.feedId, c.unread]));
}

/** The requests a client sent, one a line, bodies included except a sign-in's (it holds the password). */
export function requestLog(requests: SeenRequest[]): string {
  return requests.map((r) => `${r.status} ${r.method} ${r.sentUrl} ${r.body !== undefined && !r.url.includes('ClientLogin') ? JSON.stringify(r.body) : ''}`.trimEnd()).join('\n');
}

/** A local publisher and a real pipeline on a fresh store of the test target: where server suites start. */
export interface PublishedPipeline {
  publisher: PublisherServer;
  tp: TestPipeline;
  close(): Promise<void>;
}

export async function publishedPipeline(): Promise<PublishedPipeline> {
  const publisher = await new PublisherServer().start();
  const tp = await testPipeline();
  return {
    publisher, tp,
    async close() {
      await tp.close();
      await publisher.stop();
    },
  };
}

/** The same, served by Tidings on 127.0.0.1 (with the pipeline: it fetches what readers subscribe to). */
export interface ServedReader extends PublishedPipeline {
  app: FastifyInstance;
  url: string;
}

/**
 * `setUp` fills the publisher and the store (feeds, readers) before the server starts;
 * `onApp` adds hooks to the app before it listens.
 */
export async function servedReader(
  setUp: (publisher: PublisherServer, tp: TestPipeline) => Promise<void> = async () => {},
  onApp: (app: FastifyInstance) => void = () => {},
): Promise<ServedReader> {
  const published = await publishedPipeline();
  const { publisher, tp } = published;
  await setUp(publisher, tp);
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  onApp(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    publisher, tp, app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    async close() {
      await app.close();
      await published.close();
    },
  };
}

/**
 * A Tidings server on 127.0.0.1 with feeds from a local publisher, for real clients:
 * `ada` follows two feeds (one in the folder "Coast"), `bob` follows a third that ada
 * must never see. Articles carry a figure with its caption.
 */
export async function readerFixture(): Promise<ReaderFixture> {
  let readers: Pick<ReaderFixture, 'ada' | 'bob' | 'feeds'> | undefined;
  const requests: SeenRequest[] = [];
  const served = await servedReader(
    async (publisher, tp) => {
      readers = await fixtureReaders(publisher, tp);
    },
    (app) => app.addHook('onResponse', async (req, reply) => {
      requests.push({ method: req.method, url: req.url, sentUrl: req.originalUrl, status: reply.statusCode, authorized: !!req.headers.authorization, body: req.body });
    }),
  );
  return { ...served, ...readers!, requests };
}

/** ada's and bob's accounts and feeds, with their articles fetched. */
async function fixtureReaders(publisher: PublisherServer, tp: TestPipeline): Promise<Pick<ReaderFixture, 'ada' | 'bob' | 'feeds'>> {
  const publish = (slug: string, title: string, count: number, day: number) => {
    const body = (n: number) =>
      `<p>${title} story ${n}: ${'the keeper reported calm seas and a late ferry on the evening crossing. '.repeat(4)}</p><figure><img src="${publisher.url(`/${slug}/${n}.jpg`)}" alt=""><figcaption>The ${slug} harbour at dawn, photographed by the keeper</figcaption></figure><p>${'More on the tides and the wind through the afternoon. '.repeat(3)}</p>`;
    // The feed carries the full text too, so a page that cannot be read in time (a busy machine) changes nothing.
    const items = Array.from({ length: count }, (_, i) => ({ title: `${title} story ${i + 1}`, link: publisher.url(`/${slug}/${i + 1}`), pubDate: `Mon, ${String(day + i).padStart(2, '0')} Mar 2026 08:00:00 GMT`, description: body(i + 1) }));
    publisher.set(`/${slug}.xml`, { type: 'application/rss+xml', body: rssFeed({ title: `${title} News`, link: publisher.url(`/${slug}/`), items }) });
    items.forEach((it, i) => publisher.set(`/${slug}/${i + 1}`, { body: articlePage({ title: it.title, siteName: `${title} News`, bodyHtml: body(i + 1) }) }));
    return publisher.url(`/${slug}.xml`);
  };
  const reader = async (name: string): Promise<FixtureReader> => {
    const u = await tp.store.createUser({ name, passwordHash: 'x', isAdmin: false, now: '2026-03-01T00:00:00Z' });
    const token = newSecret();
    await tp.store.createApiToken({ userId: u.id, tokenHash: secretHash(token), name: 'app', now: '2026-03-01T00:00:00Z' });
    return { name, id: u.id, token };
  };
  const ada = await reader('ada');
  const bob = await reader('bob');
  const follow = async (url: string, who: FixtureReader, folder: string | null) => {
    const r = await subscribe(tp.p, url, { readers: [who.id], folder });
    await refreshFeed(tp.p, r.feed);
    return r.feed.id;
  };
  const feeds = {
    quay: await follow(publish('quay', 'Quay', FIXTURE_ITEMS.quay, 2), ada, 'Coast'),
    hill: await follow(publish('hill', 'Hill', FIXTURE_ITEMS.hill, 10), ada, null),
    bobs: await follow(publish('moor', 'Moor', FIXTURE_ITEMS.bobs, 20), bob, null),
  };
  return { ada, bob, feeds };
}

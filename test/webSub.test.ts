import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PublisherServer, articlePage } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { subscribe } from '../src/ingest/subscribe.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { renewWebSubs, signatureValid } from '../src/ingest/webSub.js';
import { buildApp } from '../src/server/app.js';
import type { FastifyInstance } from 'fastify';

/** A WebSub hub on 127.0.0.1: takes subscriptions, verifies intent at the callback, pushes signed content. */
class LocalHub {
  server!: http.Server;
  url = '';
  requests: Array<Record<string, string>> = [];
  verified: Array<{ ok: boolean; challenge: string; answer: string }> = [];
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        this.requests.push(form);
        res.writeHead(202);
        res.end();
        void this.verify(form);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }
  private async verify(form: Record<string, string>): Promise<void> {
    const challenge = `challenge-${this.requests.length}`;
    const q = new URLSearchParams({ 'hub.mode': form['hub.mode']!, 'hub.topic': form['hub.topic']!, 'hub.challenge': challenge, 'hub.lease_seconds': '3600' });
    const res = await fetch(`${form['hub.callback']}?${q}`);
    const answer = await res.text();
    this.verified.push({ ok: res.status === 200 && answer === challenge, challenge, answer });
  }
  async push(callback: string, secret: string | null, body: string, algo = 'sha256'): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/rss+xml' };
    if (secret) headers['x-hub-signature'] = `${algo}=${createHmac(algo, secret).update(body).digest('hex')}`;
    const res = await fetch(callback, { method: 'POST', headers, body });
    await res.arrayBuffer();
    return res.status;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

let publisher: PublisherServer;
let hub: LocalHub;
let tp: TestPipeline;
let app: FastifyInstance;
let clock = new Date('2026-02-01T10:00:00Z');

const feedXml = (items: Array<{ title: string; path: string; date?: string }>) => `<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Push News</title><link>${publisher.url('/')}</link>
<atom:link rel="hub" href="${hub.url}"/><atom:link rel="self" href="${publisher.url('/push.xml')}"/>
${items.map((i) => `<item><title>${i.title}</title><link>${publisher.url(i.path)}</link><guid>${i.path}</guid><pubDate>${i.date ?? 'Sun, 01 Feb 2026 09:00:00 GMT'}</pubDate></item>`).join('\n')}
</channel></rss>`;
const page = (t: string) => articlePage({ title: t, siteName: 'Push News', bodyHtml: `<p>${t}: ${'the ferry timetable changes again on Monday, the operator said in a statement. '.repeat(4)}</p>` });

before(async () => {
  publisher = await new PublisherServer().start();
  hub = await new LocalHub().start();
  tp = await testPipeline({}, () => clock);
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  await app.listen({ port: 0, host: '127.0.0.1' });
  tp.p.config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  publisher.set('/push.xml', { type: 'application/rss+xml', body: feedXml([{ title: 'First', path: '/a/1' }]) });
  publisher.set('/a/1', { body: page('First') });
  publisher.set('/a/2', { body: page('Second') });
});
after(async () => {
  await app.close();
  await tp.close();
  await hub.stop();
  await publisher.stop();
});

async function waitFor(pred: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a feed that names a hub is subscribed, the hub verifies intent, signed pushes are ingested', async () => {
  const { feed } = await subscribe(tp.p, publisher.url('/push.xml'));
  await refreshFeed(tp.p, (await tp.store.getFeed(feed.id))!);
  assert.equal(hub.requests.length, 1);
  const req = hub.requests[0]!;
  assert.equal(req['hub.mode'], 'subscribe');
  assert.equal(req['hub.topic'], publisher.url('/push.xml'));
  assert.match(req['hub.callback']!, /^http:\/\/127\.0\.0\.1:\d+\/websub\/[\w-]+$/);
  assert.ok(req['hub.secret']!.length >= 32);
  await waitFor(() => hub.verified.length === 1);
  assert.deepEqual(hub.verified[0], { ok: true, challenge: 'challenge-1', answer: 'challenge-1' });
  const sub = (await tp.store.getWebSub(feed.id))!;
  assert.equal(sub.state, 'active');
  assert.equal(sub.expiresAt, '2026-02-01T11:00:00Z', 'lease from the hub');

  // a push signed with the secret brings the new article in through the same processor
  const pushed = feedXml([{ title: 'Second', path: '/a/2' }, { title: 'First', path: '/a/1' }]);
  assert.equal(await hub.push(req['hub.callback']!, req['hub.secret']!, pushed), 202);
  const titles = (await tp.store.listArticles({ limit: 10, feedId: feed.id })).map((a) => a.title).sort();
  assert.deepEqual(titles, ['First', 'Second']);
  const second = (await tp.store.listArticles({ limit: 10, feedId: feed.id })).find((a) => a.title === 'Second')!;
  assert.match((await tp.store.getArticle(second.id))!.text, /ferry timetable/, 'full text fetched for pushed items');
  assert.ok((await tp.store.getWebSub(feed.id))!.lastPushAt);

  // forged, unsigned and wrongly signed pushes are acknowledged and ignored
  publisher.set('/a/3', { body: page('Forged') });
  const forged = feedXml([{ title: 'Forged', path: '/a/3' }]);
  assert.equal(await hub.push(req['hub.callback']!, 'not-the-secret', forged), 202);
  assert.equal(await hub.push(req['hub.callback']!, null, forged), 202);
  assert.equal((await tp.store.listArticles({ limit: 10, feedId: feed.id })).length, 2);
  // an unknown callback is refused
  const unknown = await fetch(`${tp.p.config.publicUrl}/websub/nope?hub.mode=subscribe&hub.topic=x&hub.challenge=c`);
  assert.equal(unknown.status, 404);
});

test('polling slows down while the hub pushes and resumes when it falls silent; leases are renewed', async () => {
  const [feed] = await tp.store.listFeeds();
  clock = new Date('2026-02-01T10:30:00Z');
  await refreshFeed(tp.p, (await tp.store.getFeed(feed!.id))!);
  let next = Date.parse((await tp.store.getFeed(feed!.id))!.nextCheckAt!) - clock.getTime();
  assert.ok(next >= 6 * 3600_000 * 0.95, `with a live hub the next poll is hours away (${next / 3600_000} h)`);

  clock = new Date('2026-02-03T10:30:00Z'); // two days without a push
  const hourly = (h: number) => new Date(clock.getTime() - h * 3600_000).toUTCString();
  publisher.set('/push.xml', {
    type: 'application/rss+xml',
    body: feedXml([{ title: 'Fourth', path: '/a/2', date: hourly(0.5) }, { title: 'Third', path: '/a/1', date: hourly(1.5) }, { title: 'Second', path: '/a/2', date: hourly(2.5) }]),
  });
  await refreshFeed(tp.p, (await tp.store.getFeed(feed!.id))!);
  next = Date.parse((await tp.store.getFeed(feed!.id))!.nextCheckAt!) - clock.getTime();
  assert.ok(next < 6 * 3600_000 * 0.95, `a silent hub means polling at the feed's own pace again (${next / 3600_000} h)`);

  // the lease (1 h, from the hub) has run out: renewal asks the hub again
  const before = hub.requests.length;
  assert.equal(await renewWebSubs(tp.p), 1);
  assert.equal(hub.requests.length, before + 1);
  assert.equal(hub.requests.at(-1)!['hub.mode'], 'subscribe');
  await waitFor(() => hub.verified.length === before + 1);
  assert.equal((await tp.store.getWebSub(feed!.id))!.expiresAt, '2026-02-03T11:30:00Z');
});

test('signatures: sha1 and sha256 accepted, anything else refused, compared in constant time', () => {
  const body = Buffer.from('<rss/>');
  const sig = (a: string, k: string) => `${a}=${createHmac(a, k).update(body).digest('hex')}`;
  assert.ok(signatureValid('k', body, sig('sha1', 'k')));
  assert.ok(signatureValid('k', body, sig('sha256', 'k')));
  assert.ok(!signatureValid('k', body, sig('sha256', 'other')));
  assert.ok(!signatureValid('k', body, 'md5=abc'));
  assert.ok(!signatureValid('k', body, undefined));
  assert.ok(!signatureValid('k', body, 'sha256=zz'));
});

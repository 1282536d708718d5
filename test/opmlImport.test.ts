import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublisherServer, rssFeed } from './support/publisherServer.js';
import { testPipeline, type TestPipeline } from './support/pipeline.js';
import { buildApp } from '../src/server/app.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { SESSION_COOKIE } from '../src/server/auth.js';
import type { FastifyInstance } from 'fastify';
import { startJobRuntime } from '../src/cli/jobRuntime.js';
import { testJobPolicies } from './support/jobEffects.js';
import { waitFor } from './support/waitFor.js';

/** OPML import: a cap on outlines, each checked before it is stored, a report, and no work for a requester who left. */
let server: PublisherServer;

const opmlOf = (urls: string[]) =>
  `<?xml version="1.0"?><opml version="2.0"><body>${urls.map((u, i) => `<outline type="rss" text="Feed ${i}" xmlUrl="${u.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`).join('\n')}</body></opml>`;

async function apiUser(tp: TestPipeline, name: string): Promise<{ id: number; token: string; cookie: string; csrf: string }> {
  const user = await tp.store.createUser({ name, passwordHash: 'x', isAdmin: true, now: '2026-03-01T00:00:00Z' });
  const token = newSecret();
  await tp.store.createApiToken({ userId: user.id, tokenHash: secretHash(token), name: 't', now: '2026-03-01T00:00:00Z' });
  const session = newSecret();
  const csrf = newSecret(18);
  await tp.store.createSession({ userId: user.id, tokenHash: secretHash(session), csrfToken: csrf, now: '2026-03-01T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
  return { id: user.id, token, cookie: `${SESSION_COOKIE}=${session}`, csrf };
}

before(async () => {
  server = await new PublisherServer().start();
});
after(async () => {
  await server.stop();
});

test('2,000 outlines: the first 1,000 are looked at, blocked and malformed ones are reported and never stored', async () => {
  const tp = await testPipeline({ allowPrivateNetworks: false });
  const app: FastifyInstance = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  try {
    const me = await apiUser(tp, 'ada');
    const local = server.url('/feed.xml').replace('127.0.0.1', 'localhost');
    const odd = ['ftp://files.example/feed', 'javascript:alert(1)', 'http://[::ffff:127.0.0.1]/x', 'http://0x7f.1/feed', local];
    const internal = Array.from({ length: 2000 - odd.length }, (_, i) => `http://10.${(i >> 8) & 255}.${i & 255}.1/feed.xml`);
    const res = await app.inject({ method: 'POST', url: '/api/v1/opml', headers: { authorization: `Bearer ${me.token}`, 'content-type': 'text/x-opml' }, payload: opmlOf([...odd, ...internal]) });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json() as { subscribed: number; overLimit: number; limit: number; skipped: Array<{ url: string; code: string }> };
    assert.equal(report.subscribed, 0);
    assert.equal(report.limit, 1000);
    assert.equal(report.overLimit, 1000);
    assert.equal(report.skipped.length, 1000);
    const code = (url: string) => report.skipped.find((s) => s.url === url)?.code;
    assert.equal(code('ftp://files.example/feed'), 'unsupported_scheme');
    assert.equal(code('javascript:alert(1)'), 'unsupported_scheme');
    assert.equal(code('http://[::ffff:127.0.0.1]/x'), 'blocked_address');
    assert.equal(code('http://0x7f.1/feed'), 'blocked_address');
    assert.equal(code(local), 'blocked_address', 'a name that resolves to a private address');
    assert.equal(code(internal[0]!), 'blocked_address');
    assert.deepEqual(await tp.store.listFeeds(), [], 'nothing stored, so nothing polled');
    assert.equal(server.count('/feed.xml'), 0);
  } finally {
    await app.close();
    await tp.close();
  }
});

test('the web import shows what it skipped and why', async () => {
  server.set('/ok.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Fine', link: server.url('/ok'), items: [] }) });
  const tp = await testPipeline();
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  try {
    const me = await apiUser(tp, 'bea');
    const opml = opmlOf([server.url('/ok.xml'), server.url('/missing.xml'), 'gopher://old.example/']);
    const res = await app.inject({
      method: 'POST', url: '/feeds/import', headers: { cookie: me.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: me.csrf, opml }).toString(),
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /imported 1 feed\(s\)/);
    assert.match(res.body, /skipped 2: /);
    assert.match(res.body, /missing\.xml \(http_error\)/);
    assert.match(res.body, /gopher:\/\/old\.example\/ \(unsupported_scheme\)/);
    assert.deepEqual((await tp.store.listFeeds()).map((f) => f.url), [server.url('/ok.xml')]);
  } finally {
    await app.close();
    await tp.close();
  }
});

test('the web import runs as an import-opml job; the Feeds page shows what was added, what was skipped and why', async () => {
  server.set('/job-ok.xml', { type: 'application/rss+xml', body: rssFeed({ title: 'Fine by job', link: server.url('/ok'), items: [] }) });
  const tp = await testPipeline();
  const config = { ...tp.p.config, jobs: { ...tp.p.config.jobs, pollSeconds: 0.5 } };
  const jobs = await startJobRuntime(tp.p, config, { scheduler: false, workers: true, concurrency: 1, policies: testJobPolicies });
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p, jobs: jobs.queue });
  try {
    const me = await apiUser(tp, 'cid');
    const other = await apiUser(tp, 'dee');
    const post = (opml: string) =>
      app.inject({
        method: 'POST', url: '/feeds/import', headers: { cookie: me.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: me.csrf, opml }).toString(),
      });
    const garbage = await post('not an opml document');
    assert.equal(garbage.statusCode, 303);
    assert.equal(garbage.headers.location, '/feeds', 'the error travels in the session, not the URL');
    const refused = (await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: me.cookie } })).body;
    assert.match(refused, /not a well-formed OPML subscription list\.\s*<small class="code">\(?invalid_opml\)?</, 'a document that does not parse is refused at once, in words');
    const res = await post(opmlOf([server.url('/job-ok.xml'), server.url('/job-missing.xml'), 'gopher://old.example/']));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/feeds');
    const feedsPage = async (cookie: string) => (await app.inject({ method: 'GET', url: '/feeds', headers: { cookie } })).body;
    await waitFor('the import job to finish', async () => /OPML import finished/.test(await feedsPage(me.cookie)));
    const page = await feedsPage(me.cookie);
    assert.match(page, /OPML import finished <time[^>]*>[^<]+<\/time>: imported 1 feed\(s\) \(1 new\); skipped 2\./);
    assert.match(page, /<li>http:\/\/127\.0\.0\.1:\d+\/job-missing\.xml: the site answered with an error <small class="code">http_error<\/small> HTTP 404/);
    assert.match(page, /<li>gopher:\/\/old\.example\/: only http and https addresses can be fetched <small class="code">unsupported_scheme<\/small>/);
    assert.deepEqual((await tp.store.listSubscriptions(me.id)).map((f) => f.url), [server.url('/job-ok.xml')]);
    assert.doesNotMatch(await feedsPage(other.cookie), /OPML import/, "another reader's import is not shown");
  } finally {
    await app.close();
    await jobs.stop(1000);
    await tp.close();
  }
});

test('an API import stops when its client disconnects', async () => {
  let seen = 0;
  let firstSeen: () => void = () => {};
  const first = new Promise<void>((resolve) => (firstSeen = resolve));
  for (let i = 0; i < 40; i++) {
    server.set(`/slow/${i}.xml`, (_req, res) => {
      seen++;
      firstSeen();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(rssFeed({ title: `Slow ${i}`, link: server.url('/nowhere'), items: [] }));
      }, 50);
    });
  }
  const tp = await testPipeline();
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  try {
    const me = await apiUser(tp, 'cy');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const body = opmlOf(Array.from({ length: 40 }, (_, i) => server.url(`/slow/${i}.xml`)));
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/api/v1/opml', headers: { authorization: `Bearer ${me.token}`, 'content-type': 'text/x-opml' } });
    req.on('error', () => {});
    req.end(body);
    await first;
    req.destroy();
    // Long enough for the old behaviour (finish all 40 regardless) to be plainly visible.
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(seen <= 4, `feeds fetched after the client left: ${seen}`);
    assert.ok((await tp.store.listFeeds()).length <= 4);
  } finally {
    await app.close();
    await tp.close();
  }
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { PublisherServer, articlePage, rssFeed } from './support/publisherServer.js';
import { testPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';
import { tempDir, tidingsBin } from './support/cli.js';
import { createLogger, logger, setLogger } from '../src/log/logger.js';
import { buildApp } from '../src/server/app.js';
import { refreshFeed } from '../src/ingest/refreshFeed.js';
import { recheckArticles } from '../src/ingest/recheckArticles.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';

type Line = Record<string, unknown> & { level: number; msg: string };

let publisher: PublisherServer;
before(async () => {
  publisher = await new PublisherServer().start();
});
after(async () => {
  await publisher.stop();
});

/** Every JSON line the process-wide logger writes during the test, at info and above. */
function captureLog(t: { after: (fn: () => void) => void }): Line[] {
  const lines: Line[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(JSON.parse(String(chunk)) as Line);
      done();
    },
  });
  const previous = logger();
  setLogger(createLogger('info', sink));
  t.after(() => setLogger(previous));
  return lines;
}

const atLeast = (lines: Line[], level: number) => lines.filter((l) => l.level >= level);

test('a 5xx is logged exactly once, at error, with its code and route pattern, through the Fastify logger', async (t) => {
  const lines = captureLog(t);
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const { cookie } = await signedIn(tp.store);
  const token = newSecret();
  const user = (await tp.store.getUserByName('reader'))!;
  await tp.store.createApiToken({ userId: user.id, tokenHash: secretHash(token), name: 'test', now: '2026-01-01T00:00:00Z' });
  tp.store.listSubscriptions = async () => {
    throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
  };

  const page = await app.inject({ url: '/feeds?note=x', headers: { cookie } });
  assert.equal(page.statusCode, 500);
  const api = await app.inject({ url: '/api/v1/feeds', headers: { authorization: `Bearer ${token}` } });
  assert.equal(api.statusCode, 500);

  const errors = atLeast(lines, 50);
  assert.equal(errors.length, 2, JSON.stringify(lines));
  assert.deepEqual(
    errors.map((l) => ({ code: l.code, route: l.route, status: l.status, method: l.method })),
    [
      { code: 'internal', route: '/feeds', status: 500, method: 'GET' },
      { code: 'internal', route: '/api/v1/feeds', status: 500, method: 'GET' },
    ],
  );
  for (const l of errors) {
    assert.match(l.msg, /disk I\/O error/);
    assert.ok(l.reqId, 'logged through the request logger Fastify was given');
  }
  assert.equal(atLeast(lines, 40).length, 2, 'nothing else warned');
  assert.equal(lines.filter((l) => /incoming request|request completed/.test(l.msg)).length, 0, 'ordinary requests are not logged');
});

test('a failed fetch is logged once with its code, whether a feed, a page or a re-check failed', async (t) => {
  const lines = captureLog(t);
  let clock = Date.now();
  const tp = await testPipeline({}, () => new Date(clock));
  t.after(() => tp.close());
  const add = (url: string) =>
    tp.store.addFeed({ url, siteUrl: null, title: 'F', section: null, sourceName: 'F', sourceNameFrom: 'feed', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now: new Date(clock).toISOString() });

  publisher.set('/broken.xml', { status: 500, body: 'oops' });
  const broken = await add(publisher.url('/broken.xml'));
  const failed = await refreshFeed(tp.p, broken.feed);
  assert.equal(failed.errorCode, 'http_error');
  const feedLines = atLeast(lines, 40);
  assert.equal(feedLines.length, 1, JSON.stringify(lines));
  assert.equal(feedLines[0]!.code, 'http_error');
  assert.equal(feedLines[0]!.url, publisher.url('/broken.xml'));

  publisher.set('/pages.xml', {
    type: 'application/rss+xml',
    body: rssFeed({
      title: 'Pages',
      link: publisher.url('/'),
      items: ['missing', 'later'].map((slug) => ({ title: `Page ${slug}`, link: publisher.url(`/${slug}`), pubDate: new Date(clock).toUTCString() })),
    }),
  });
  publisher.set('/later', { body: articlePage({ title: 'Page later', siteName: 'Pages', bodyHtml: `<p>${'The ferry left on time and the harbour was calm all evening long. '.repeat(6)}</p>` }) });
  const pages = await add(publisher.url('/pages.xml'));
  const r = await refreshFeed(tp.p, pages.feed);
  assert.equal(r.status, 'ok');
  assert.equal(r.pagesFailed, 1);
  const pageLines = atLeast(lines, 40).slice(1);
  assert.equal(pageLines.length, 1, JSON.stringify(pageLines));
  assert.deepEqual([pageLines[0]!.code, pageLines[0]!.url], ['http_error', publisher.url('/missing')]);

  publisher.set('/later', { status: 500, body: 'oops' });
  clock += 3 * 3600_000;
  assert.equal((await recheckArticles(tp.p)).failed, 1);
  const recheckLines = atLeast(lines, 40).slice(2);
  assert.equal(recheckLines.length, 1, JSON.stringify(recheckLines));
  assert.deepEqual([recheckLines[0]!.code, recheckLines[0]!.url], ['http_error', publisher.url('/later')]);
});

test('tidings serve logs its start-up settings once at info, without secrets', async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, [tidingsBin, 'serve', '--port', '0', '--no-scheduler', '--db', path.join(dir, 't.db')], {
    env: { ...process.env, TIDINGS_METRICS_TOKEN: 'very-secret-scrape-token', TIDINGS_REFRESH_INTERVAL_SECONDS: '900', TIDINGS_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('Tidings is serving')) resolve();
    });
    child.on('exit', () => reject(new Error(`serve exited early:\n${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  const settings = lines.filter((l) => l.msg === 'start-up settings');
  assert.equal(settings.length, 1, stderr);
  const s = settings[0]!;
  assert.equal(s.level, 30);
  assert.deepEqual(
    { store: s.store, port: s.port, scheduler: s.scheduler, refreshIntervalSeconds: s.refreshIntervalSeconds, allowPrivateNetworks: s.allowPrivateNetworks, metrics: s.metrics },
    { store: 'sqlite', port: 0, scheduler: false, refreshIntervalSeconds: 900, allowPrivateNetworks: false, metrics: 'on, token required' },
  );
  assert.doesNotMatch(stderr, /very-secret-scrape-token/);
});

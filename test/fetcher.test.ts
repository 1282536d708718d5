import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { Fetcher, bodyText } from '../src/fetch/fetcher.js';
import { blockedReason } from '../src/fetch/addressPolicy.js';
import { TidingsError } from '../src/model/errors.js';
import { PublisherServer } from './support/publisherServer.js';

let publisher: PublisherServer;
let internal: http.Server;
let internalUrl: string;
let internalHits = 0;

before(async () => {
  publisher = await new PublisherServer().start();
  // An "internal service" on another loopback address: the place an SSRF would reach.
  internal = http.createServer((_req, res) => {
    internalHits++;
    res.end('secret');
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.2', r));
  internalUrl = `http://127.0.0.2:${(internal.address() as AddressInfo).port}/admin`;
});
after(async () => {
  await publisher.stop();
  internal.closeAllConnections();
  await new Promise<void>((r) => internal.close(() => r()));
});

/** In these tests 127.0.0.1 stands for the public internet; every other address keeps the real policy. */
const publicLoopback = (address: string) => (address === '127.0.0.1' ? null : blockedReason(address));

async function rejectsWith(p: Promise<unknown>, code: string): Promise<TidingsError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TidingsError, `expected a TidingsError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected error[${code}]`);
}

test('address policy refuses every private and special form, including IPv6 wrappers of IPv4', () => {
  const blocked = [
    '127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:0001::1', '2002:c0a8:0101::1', '::127.0.0.1',
  ];
  for (const a of blocked) assert.notEqual(blockedReason(a), null, `${a} must be blocked`);
  for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) assert.equal(blockedReason(a), null, `${a} must be allowed`);
});

test('loopback is refused by default, with code blocked_address', async (t) => {
  const f = new Fetcher({});
  t.after(() => f.close());
  publisher.set('/ok', { body: 'fine' });
  await rejectsWith(f.fetch(publisher.url('/ok')), 'blocked_address');
  await rejectsWith(f.fetch(`http://localhost:${new URL(publisher.origin).port}/ok`), 'blocked_address');
});

test('a redirect to a private address is refused at connect time', async (t) => {
  const f = new Fetcher({ addressPolicy: publicLoopback });
  t.after(() => f.close());
  publisher.set('/go', (_req, res) => {
    res.writeHead(302, { location: internalUrl });
    res.end();
  });
  publisher.set('/ok', { body: 'fine' });
  assert.equal(bodyText(await f.fetch(publisher.url('/ok'))), 'fine', 'the public host itself is reachable');
  const err = await rejectsWith(f.fetch(publisher.url('/go')), 'blocked_address');
  assert.match(err.message, /127\.0\.0\.2/);
  assert.equal(internalHits, 0, 'the internal service never saw a request');
  publisher.set('/go6', (_req, res) => {
    res.writeHead(301, { location: `http://[::ffff:127.0.0.2]:${new URL(internalUrl).port}/` });
    res.end();
  });
  await rejectsWith(f.fetch(publisher.url('/go6')), 'blocked_address');
});

test('private networks can be allowed by configuration', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true });
  t.after(() => f.close());
  assert.equal(bodyText(await f.fetch(internalUrl)), 'secret');
});

test('follows at most 5 redirects and refuses non-http schemes', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true });
  t.after(() => f.close());
  for (let i = 0; i < 7; i++) {
    publisher.set(`/r${i}`, (_req, res) => {
      res.writeHead(302, { location: `/r${i + 1}` });
      res.end();
    });
  }
  publisher.set('/r5', { body: 'landed' });
  const ok = await f.fetch(publisher.url('/r0'));
  assert.equal(bodyText(ok), 'landed');
  assert.equal(new URL(ok.url).pathname, '/r5');
  publisher.set('/r5', (_req, res) => {
    res.writeHead(302, { location: '/r6' });
    res.end();
  });
  await rejectsWith(f.fetch(publisher.url('/r0')), 'too_many_redirects');
  publisher.set('/file', (_req, res) => {
    res.writeHead(302, { location: 'file:///etc/passwd' });
    res.end();
  });
  await rejectsWith(f.fetch(publisher.url('/file')), 'unsupported_scheme');
  await rejectsWith(f.fetch('ftp://example.com/feed'), 'unsupported_scheme');
  await rejectsWith(f.fetch('not a url'), 'invalid_url');
});

test('decompresses gzip, deflate and br, and caps the decompressed size', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true, maxBytes: 100_000 });
  t.after(() => f.close());
  const text = 'Ünïcödé news '.repeat(100);
  for (const [enc, fn] of [['gzip', zlib.gzipSync], ['deflate', zlib.deflateSync], ['br', zlib.brotliCompressSync]] as const) {
    publisher.set(`/z/${enc}`, { type: 'text/plain; charset=utf-8', body: fn(Buffer.from(text)), headers: { 'content-encoding': enc } });
    assert.equal(bodyText(await f.fetch(publisher.url(`/z/${enc}`))), text, enc);
  }
  publisher.set('/z/bomb', { type: 'text/plain', body: zlib.gzipSync(Buffer.alloc(5_000_000)), headers: { 'content-encoding': 'gzip' } });
  await rejectsWith(f.fetch(publisher.url('/z/bomb')), 'too_large');
  publisher.set('/z/declared', { type: 'text/plain', body: 'x', headers: { 'content-length': '1' } });
  assert.equal(bodyText(await f.fetch(publisher.url('/z/declared'))), 'x');
});

test('conditional GET sends the validators back and reports 304', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true });
  t.after(() => f.close());
  let seen: http.IncomingHttpHeaders = {};
  publisher.set('/cond', (req, res) => {
    seen = req.headers;
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304);
      return res.end();
    }
    res.writeHead(200, { etag: '"v1"', 'last-modified': 'Fri, 20 Nov 2026 07:00:00 GMT', 'content-type': 'text/plain' });
    res.end('body');
  });
  const first = await f.fetch(publisher.url('/cond'));
  assert.equal(first.notModified, false);
  assert.equal(first.etag, '"v1"');
  assert.match(String(seen['user-agent']), /^Tidings\//);
  const second = await f.fetch(publisher.url('/cond'), { etag: first.etag, lastModified: first.lastModified });
  assert.equal(second.notModified, true);
  assert.equal(seen['if-modified-since'], 'Fri, 20 Nov 2026 07:00:00 GMT');
});

test('charset comes from BOM, header, XML declaration or meta', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true });
  t.after(() => f.close());
  const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Caf\xe9</title></rss>', 'latin1');
  publisher.set('/cs/xml', { type: 'application/xml', body: latin1 });
  assert.match(bodyText(await f.fetch(publisher.url('/cs/xml'))), /Café/);
  publisher.set('/cs/header', { type: 'text/html; charset=windows-1252', body: Buffer.from('<p>\x93quoted\x94</p>', 'latin1') });
  assert.match(bodyText(await f.fetch(publisher.url('/cs/header'))), /“quoted”/);
  publisher.set('/cs/meta', { type: 'text/html', body: Buffer.concat([Buffer.from('<meta charset="iso-8859-15"><p>'), Buffer.from([0xa4]), Buffer.from('</p>')]) });
  assert.match(bodyText(await f.fetch(publisher.url('/cs/meta'))), /€/);
  publisher.set('/cs/bom', { type: 'text/html; charset=iso-8859-1', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>naïve</p>')]) });
  assert.match(bodyText(await f.fetch(publisher.url('/cs/bom'))), /naïve/);
});

test('a server that never answers times out', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true, headersTimeoutMs: 300 });
  t.after(() => f.close());
  publisher.set('/hang', () => {
    /* never responds */
  });
  await rejectsWith(f.fetch(publisher.url('/hang')), 'timeout');
});

test('429 with Retry-After is reported as rate_limited and carries the header', async (t) => {
  const f = new Fetcher({ allowPrivateNetworks: true });
  t.after(() => f.close());
  publisher.set('/busy', { status: 429, body: 'slow down', headers: { 'retry-after': '120' } });
  const err = await rejectsWith(f.fetch(publisher.url('/busy')), 'rate_limited');
  assert.equal(err.retryAfter, '120');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../src/accounts/passwords.js';
import { SignInThrottle, addressKey } from '../src/accounts/signInThrottle.js';
import { parseCookies } from '../src/server/auth.js';
import { buildApp } from '../src/server/app.js';
import { testPipeline } from './support/pipeline.js';
import { signedIn } from './support/webSession.js';

type Res = { statusCode: number; headers: Record<string, unknown>; body: string };
const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'long enough password';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** An app with the user ada, and a sign-in form post from any address. */
async function signInApp(t: { after(fn: () => unknown): void }, throttle?: SignInThrottle) {
  const tp = await testPipeline();
  t.after(() => tp.close());
  await tp.store.createUser({ name: 'ada', passwordHash: await hashPassword(PASSWORD), isAdmin: true, now: '2026-01-01T00:00:00Z' });
  const app = buildApp({ store: tp.store, config: tp.p.config, ...(throttle ? { signInThrottle: throttle } : {}) });
  t.after(() => app.close());
  const page = (await app.inject({ method: 'GET', url: '/login' })) as unknown as Res;
  const token = parseCookies(String(page.headers['set-cookie']).split(';')[0]).tidings_form!;
  const post = (password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/login', remoteAddress, headers: { 'content-type': FORM, cookie: `tidings_form=${token}` }, payload: form({ _csrf: token, name: 'ada', password }) }) as unknown as Promise<Res>;
  return { tp, app, post };
}

const burst = (n: number, one: (i: number) => Promise<Res>) => Promise.all(Array.from({ length: n }, (_, i) => one(i)));
const count = (rs: Res[], status: number) => rs.filter((r) => r.statusCode === status).length;

test('a burst of 100 concurrent wrong passwords gets at most 5 password checks; the rest are told when to retry', async (t) => {
  const { post } = await signInApp(t);
  // The right password rides at the end of the burst, as an attacker's lucky guess would.
  const rs = await burst(100, (i) => post(i === 99 ? PASSWORD : `wrong guess ${i}`, '10.0.0.66'));
  assert.ok(count(rs, 401) <= 5, `${count(rs, 401)} passwords were checked`);
  assert.equal(count(rs, 303), 0, 'the guess after the limit does not sign in');
  assert.equal(count(rs, 429), 100 - count(rs, 401));
  const refused = rs.find((r) => r.statusCode === 429)!;
  assert.ok(Number(refused.headers['retry-after']) > 0);
  assert.match(refused.body, /Too many failed attempts from your address\. Try again in \d+ (?:seconds?|minutes?)\./);
});

test('the owner signs in from a new address while their account is attacked from others', async (t) => {
  const { post } = await signInApp(t, new SignInThrottle({ delayUnderAttackMs: 20 }));
  for (const attacker of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
    const rs = await burst(20, (i) => post(`wrong guess ${i}`, attacker));
    assert.ok(count(rs, 401) <= 5, `${attacker}: ${count(rs, 401)} checks`);
  }
  // The account is under attack now: a further address gets a smaller allowance…
  const late = await burst(10, (i) => post(`wrong guess ${i}`, '10.0.0.5'));
  assert.ok(count(late, 401) <= 2, `${count(late, 401)} checks from a fresh attacker`);
  // …but the right password from an address that has not failed still opens the door.
  const owner = await post(PASSWORD, '192.0.2.7');
  assert.equal(owner.statusCode, 303, owner.body);
  assert.match(String(owner.headers['set-cookie']), /tidings_session=/);
  assert.equal((await post(PASSWORD, '10.0.0.1')).statusCode, 429, 'an attacking address stays throttled');
});

test('guesses at the current password while changing it are reserved before they are checked', async (t) => {
  const { tp, app } = await signInApp(t);
  const s = await signedIn(tp.store, 'ada');
  const rs = await burst(20, (i) =>
    app.inject({ method: 'POST', url: '/account/password', remoteAddress: '10.0.0.7', headers: { cookie: s.cookie, 'content-type': FORM }, payload: form({ _csrf: s.csrf, current: `guess ${i} guess`, password: 'y'.repeat(12), confirm: 'y'.repeat(12) }) }) as unknown as Promise<Res>,
  );
  assert.ok(count(rs, 403) <= 5, `${count(rs, 403)} checks`);
  assert.equal(count(rs, 429), 20 - count(rs, 403));
  assert.ok(rs.filter((r) => r.statusCode === 429).every((r) => Number(r.headers['retry-after']) > 0));
});

test('the throttle stays bounded under 100k distinct keys without forgetting an active attacker', () => {
  const throttle = new SignInThrottle();
  const fail = (account: string, address: string) => {
    const r = throttle.reserve(account, address);
    if (!r.throttled) r.ticket.failed();
    return r.throttled;
  };
  for (let i = 0; i < 5; i++) fail('ada', '203.0.113.5');
  let peak = 0;
  for (let i = 0; i < 100_000; i++) {
    fail(`user${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    peak = Math.max(peak, throttle.size);
    if (i % 500 === 0) assert.equal(fail('ada', '203.0.113.5'), true, `attacker forgotten after ${i} other keys`);
  }
  assert.ok(peak <= 50_000, `${peak} counters`);
  assert.equal(fail('ada', '203.0.113.5'), true);
});

test('an app\'s API token: right ones run side by side without holding places; wrong ones count and then refuse', async () => {
  const throttle = new SignInThrottle();
  const gates: Array<() => void> = [];
  const slowCheck = (ok: boolean) => () => new Promise<string | null>((resolve) => gates.push(() => resolve(ok ? 'ada' : null)));
  // 20 concurrent checks of a right token: none is refused while the others are in flight
  const right = Array.from({ length: 20 }, () => throttle.attemptSecret('ada', '198.51.100.7', slowCheck(true)));
  for (const open of gates.splice(0)) open();
  assert.deepEqual((await Promise.all(right)).map((r) => (r.throttled ? 'throttled' : r.value)), new Array(20).fill('ada'));
  // wrong tokens are failures: after five, even the right one waits
  for (let i = 0; i < 5; i++) assert.deepEqual(await throttle.attemptSecret('ada', '198.51.100.7', async () => null), { throttled: false, value: null });
  const refused = await throttle.attemptSecret('ada', '198.51.100.7', async () => 'ada');
  assert.equal(refused.throttled, true);
  // and they count for the web sign-in too: one throttle
  assert.equal(throttle.reserve('ada', '198.51.100.7').throttled, true);
});

test('one host is one address: IPv6 by /64, IPv4-mapped as IPv4', () => {
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:ffff::9'));
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('::ffff:192.0.2.1'), '192.0.2.1');
  const throttle = new SignInThrottle();
  for (let i = 0; i < 5; i++) {
    const r = throttle.reserve('ada', `2001:db8::${i + 1}`);
    assert.equal(r.throttled, false);
    if (!r.throttled) r.ticket.failed();
  }
  assert.equal(throttle.reserve('ada', '2001:db8::99').throttled, true, 'a new address in the same /64 is the same client');
});

/** Sends raw bytes to the app on a real socket; resolves with what came back once the server closed it. */
function rawExchange(port: number, head: string, trickle: string | null): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let timer: NodeJS.Timeout | undefined;
    // The body would take 30 s to arrive at this pace; the server must not wait that long.
    const giveUp = setTimeout(() => finish(false), 10_000);
    const finish = (closed: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ data, closed });
    };
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(head);
      let i = 0;
      if (trickle) timer = setInterval(() => !socket.destroyed && socket.write(trickle[i++ % trickle.length]!), 30);
    });
  });
}

async function listening(t: { after(fn: () => unknown): void }, limits: Record<string, number>): Promise<{ app: FastifyInstance; port: number }> {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = buildApp({ store: tp.store, config: { ...tp.p.config, httpLimits: limits } });
  t.after(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : 0 };
}

test('slow bodies and slow headers are cut at the request time limit', async (t) => {
  const { port } = await listening(t, { requestTimeoutMs: 400, headersTimeoutMs: 400 });
  const body = await rawExchange(port, `POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\nContent-Length: 1000\r\n\r\n`, 'a');
  assert.ok(body.closed, 'the trickling body was cut');
  assert.match(body.data, /^HTTP\/1\.1 408 /);
  const headers = await rawExchange(port, 'GET /login HTTP/1.1\r\n', 'X-Slow: 1\r\n');
  assert.ok(headers.closed, 'the trickling headers were cut');
  assert.ok((await rawExchange(port, '', null)).closed, 'a connection that says nothing is closed');
});

test('connections beyond the cap are refused', async (t) => {
  const { port } = await listening(t, { maxConnections: 2 });
  const held = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
  })));
  const third = await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', null);
  held.forEach((s) => s.destroy());
  assert.equal(third.data, '', 'no answer to the third connection');
  assert.ok(third.closed);
});

test('bodies are small except where a document is uploaded; without a session no body is read at all', async (t) => {
  const { tp, app } = await signInApp(t);
  const s = await signedIn(tp.store, 'ada');
  const big = (kb: number) => form({ _csrf: s.csrf, opml: 'x'.repeat(kb * 1024) });
  const signIn = (await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': FORM }, payload: big(20) })) as unknown as Res;
  assert.equal(signIn.statusCode, 413, 'the sign-in form takes a few KiB');
  const renamed = (await app.inject({ method: 'POST', url: '/feeds/1/edit', headers: { 'content-type': FORM, cookie: s.cookie }, payload: big(200) })) as unknown as Res;
  assert.equal(renamed.statusCode, 413, 'ordinary forms take 64 KiB');
  const imported = (await app.inject({ method: 'POST', url: '/feeds/import', headers: { 'content-type': FORM, cookie: s.cookie }, payload: big(200) })) as unknown as Res;
  assert.notEqual(imported.statusCode, 413, 'an OPML import may be larger');
  const stranger = (await app.inject({ method: 'POST', url: '/feeds/import', headers: { 'content-type': FORM }, payload: big(2048) })) as unknown as Res;
  assert.equal(stranger.statusCode, 401, 'refused before its body is read');
});

test('private pages and API answers are not stored by caches; assets are', async (t) => {
  const { tp, app } = await signInApp(t);
  const s = await signedIn(tp.store, 'ada');
  for (const url of ['/', '/feeds', '/account', '/search?q=x', '/login']) {
    const r = (await app.inject({ method: 'GET', url, headers: { cookie: s.cookie } })) as unknown as Res;
    assert.equal(r.headers['cache-control'], 'no-store', url);
  }
  for (const url of ['/api/v1/me', '/api/v1/openapi.json', '/api/v1/nope']) {
    assert.equal(((await app.inject({ method: 'GET', url })) as unknown as Res).headers['cache-control'], 'no-store', url);
  }
  const moved = (await app.inject({ method: 'GET', url: '/static/app.css' })) as unknown as Res;
  assert.equal(moved.statusCode, 302, 'the old name sends browsers to the hashed one');
  const hashed = String(moved.headers.location);
  assert.match(hashed, /^\/static\/app\.[0-9a-f]{12}\.css$/);
  assert.equal(((await app.inject({ method: 'GET', url: hashed })) as unknown as Res).headers['cache-control'], 'public, max-age=31536000, immutable');
});

test('cookies are Secure when the public address is https, even behind a plain-http proxy', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  await tp.store.createUser({ name: 'ada', passwordHash: await hashPassword(PASSWORD), isAdmin: true, now: '2026-01-01T00:00:00Z' });
  const cookies = async (publicUrl: string | null) => {
    const app = buildApp({ store: tp.store, config: { ...tp.p.config, publicUrl } });
    t.after(() => app.close());
    const page = (await app.inject({ method: 'GET', url: '/login' })) as unknown as Res;
    const formCookie = String(page.headers['set-cookie']);
    const token = parseCookies(formCookie.split(';')[0]).tidings_form!;
    const r = (await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': FORM, cookie: `tidings_form=${token}` }, payload: form({ _csrf: token, name: 'ada', password: PASSWORD }) })) as unknown as Res;
    assert.equal(r.statusCode, 303);
    return [formCookie, String(r.headers['set-cookie'])];
  };
  for (const c of await cookies('https://news.example')) assert.match(c, /; Secure$/);
  for (const c of await cookies(null)) assert.doesNotMatch(c, /Secure/);
});

test('every API route answers 401 without credentials, before validating the request', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  t.after(() => app.close());
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    if (r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json') for (const m of [r.method].flat()) routes.push({ method: m, url: r.url });
  });
  await app.ready();
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), url: `/api/v1${p.replace(/\{(\w+)\}/g, ':$1')}` })));
  const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
  assert.deepEqual(documented.map(key).filter((k) => !routes.map(key).includes(k)), [], 'documented routes exist');
  assert.ok(routes.length >= 13, `${routes.length} routes`);
  for (const r of routes) {
    // Wrong in every way validation could notice: bad id, unknown query field, invalid body.
    const url = `${r.url.replace(/:\w+/g, 'not-a-number')}?unknown=1`;
    const res = await app.inject({ method: r.method as 'GET', url, headers: { 'content-type': 'application/json' }, ...(r.method === 'GET' || r.method === 'HEAD' ? {} : { payload: '{"bogus": true' }) });
    assert.equal(res.statusCode, 401, `${key(r)}: ${res.body}`);
    if (r.method !== 'HEAD') assert.equal(res.json().error.code, 'unauthorized', key(r));
  }
});

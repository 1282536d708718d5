import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../src/accounts/passwords.js';
import { parseCookies, safeNext } from '../src/server/auth.js';
import { buildApp } from '../src/server/app.js';
import { testPipeline } from './support/pipeline.js';
import { runCli } from './support/cli.js';
import { freshDatabase } from './support/stores.js';

type Res = { statusCode: number; headers: Record<string, unknown>; body: string };
const cookiesOf = (r: Res): Record<string, string> => {
  const raw = r.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  return parseCookies(list.map((c) => String(c).split(';')[0]).join('; '));
};
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

test('passwords are scrypt hashes with salt; only the right password verifies', async () => {
  const h = await hashPassword('correct horse battery');
  assert.match(h, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.notEqual(h, await hashPassword('correct horse battery'), 'salted');
  assert.equal(await verifyPassword('correct horse battery', h), true);
  assert.equal(await verifyPassword('correct horse batterY', h), false);
  assert.equal(await verifyPassword('x', 'plain'), false);
});

test('redirect targets stay on this site', () => {
  assert.equal(safeNext('/articles/1?x=2'), '/articles/1?x=2');
  for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', undefined, '/\u0000x']) assert.equal(safeNext(bad), '/');
});

test('first visit from this machine creates the administrator; strangers are turned away', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  const app = buildApp({ store: tp.store, config: tp.p.config });
  t.after(() => app.close());
  const first = (await app.inject({ method: 'GET', url: '/' })) as unknown as Res;
  assert.equal(first.statusCode, 303);
  assert.equal(first.headers.location, '/setup');
  const stranger = (await app.inject({ method: 'GET', url: '/', remoteAddress: '10.1.2.3' })) as unknown as Res;
  assert.equal(stranger.statusCode, 403);
  assert.match(stranger.body, /tidings users add/);
  assert.equal(((await app.inject({ method: 'POST', url: '/setup', remoteAddress: '10.1.2.3', headers: { 'content-type': FORM }, payload: form({ name: 'eve', password: 'long enough password' }) })) as unknown as Res).statusCode, 403);

  const setup = (await app.inject({ method: 'GET', url: '/setup' })) as unknown as Res;
  const formCookie = cookiesOf(setup).tidings_form!;
  assert.ok(formCookie);
  assert.match(setup.body, new RegExp(`name="_csrf" value="${formCookie}"`));
  const noToken = (await app.inject({ method: 'POST', url: '/setup', headers: { 'content-type': FORM }, payload: form({ name: 'ada', password: 'long enough password' }) })) as unknown as Res;
  assert.equal(noToken.statusCode, 403);
  const weak = (await app.inject({ method: 'POST', url: '/setup', headers: { 'content-type': FORM, cookie: `tidings_form=${formCookie}` }, payload: form({ _csrf: formCookie, name: 'ada', password: 'short' }) })) as unknown as Res;
  assert.equal(weak.statusCode, 400);
  const ok = (await app.inject({ method: 'POST', url: '/setup', headers: { 'content-type': FORM, cookie: `tidings_form=${formCookie}` }, payload: form({ _csrf: formCookie, name: 'ada', password: 'long enough password' }) })) as unknown as Res;
  assert.equal(ok.statusCode, 303);
  const setCookie = String((Array.isArray(ok.headers['set-cookie']) ? ok.headers['set-cookie'] : [ok.headers['set-cookie']]).find((c) => String(c).startsWith('tidings_session=')));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  const session = cookiesOf(ok).tidings_session!;
  const home = (await app.inject({ method: 'GET', url: '/', headers: { cookie: `tidings_session=${session}` } })) as unknown as Res;
  assert.equal(home.statusCode, 200);
  assert.match(home.body, /<a href="\/account">ada<\/a> <button type="submit">Sign out<\/button>/);
  assert.equal((await tp.store.listUsers())[0]!.isAdmin, true);
  assert.equal(((await app.inject({ method: 'GET', url: '/setup' })) as unknown as Res).headers.location, '/login', 'set-up happens once');
});

test('sign in, throttling of wrong passwords, CSRF on every change, sign out ends the session', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  await tp.store.createUser({ name: 'ada', passwordHash: await hashPassword('long enough password'), isAdmin: true, now: '2026-01-01T00:00:00Z' });
  const app = buildApp({ store: tp.store, config: tp.p.config });
  t.after(() => app.close());
  const worker = (await app.inject({ method: 'GET', url: '/sw.js' })) as unknown as Res;
  assert.equal(worker.statusCode, 200, 'the service worker loads without a session');
  assert.match(String(worker.headers['content-type']), /^text\/javascript/);
  assert.match(String(worker.headers['content-security-policy']), /worker-src 'self'/);
  const gate = (await app.inject({ method: 'GET', url: '/feeds' })) as unknown as Res;
  assert.equal(gate.statusCode, 303);
  assert.equal(gate.headers.location, '/login?next=%2Ffeeds');
  const page = (await app.inject({ method: 'GET', url: '/login?next=%2Ffeeds' })) as unknown as Res;
  const token = cookiesOf(page).tidings_form!;
  const post = (fields: Record<string, string>, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/login', remoteAddress, headers: { 'content-type': FORM, cookie: `tidings_form=${token}` }, payload: form({ _csrf: token, ...fields }) }) as unknown as Promise<Res>;
  assert.equal((await post({ name: 'ada', password: 'wrong wrong wrong' })).statusCode, 401);
  assert.equal((await post({ name: 'nobody', password: 'wrong wrong wrong' })).statusCode, 401);
  const good = await post({ name: 'ada', password: 'long enough password', next: 'https://evil.example/' });
  assert.equal(good.statusCode, 303);
  assert.equal(good.headers.location, '/', 'no open redirect');
  const session = cookiesOf(good).tidings_session!;
  const cookie = `tidings_session=${session}`;
  const feeds = (await app.inject({ method: 'GET', url: '/feeds', headers: { cookie } })) as unknown as Res;
  assert.equal(feeds.statusCode, 200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(feeds.body)![1]!;

  // state changes need the session's form token, and no foreign Origin
  assert.equal(((await app.inject({ method: 'POST', url: '/logout', headers: { cookie, 'content-type': FORM }, payload: '' })) as unknown as Res).statusCode, 403);
  assert.equal(((await app.inject({ method: 'POST', url: '/logout', headers: { cookie, 'content-type': FORM, origin: 'https://evil.example' }, payload: form({ _csrf: csrf }) })) as unknown as Res).statusCode, 403);
  const out = (await app.inject({ method: 'POST', url: '/logout', headers: { cookie, 'content-type': FORM }, payload: form({ _csrf: csrf }) })) as unknown as Res;
  assert.equal(out.statusCode, 303);
  assert.equal(out.headers['clear-site-data'], '"cache", "storage"', 'pages kept for offline reading go too');
  assert.equal(((await app.inject({ method: 'GET', url: '/feeds', headers: { cookie } })) as unknown as Res).statusCode, 303, 'the old cookie opens nothing');

  // five failures from one address lock it out for a while, even with the right password
  for (let i = 0; i < 5; i++) await post({ name: 'ada', password: `wrong ${i} wrong wrong` }, '127.0.0.9');
  assert.equal((await post({ name: 'ada', password: 'long enough password' }, '127.0.0.9')).statusCode, 429);
});

test('changing the password needs the current one, and signs out the other sessions', async (t) => {
  const tp = await testPipeline();
  t.after(() => tp.close());
  await tp.store.createUser({ name: 'ada', passwordHash: await hashPassword('long enough password'), isAdmin: true, now: '2026-01-01T00:00:00Z' });
  const app = buildApp({ store: tp.store, config: tp.p.config });
  t.after(() => app.close());
  const signIn = async (password: string): Promise<{ cookie: string; csrf: string } | null> => {
    const page = (await app.inject({ method: 'GET', url: '/login' })) as unknown as Res;
    const token = cookiesOf(page).tidings_form!;
    const r = (await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': FORM, cookie: `tidings_form=${token}` }, payload: form({ _csrf: token, name: 'ada', password }) })) as unknown as Res;
    if (r.statusCode !== 303) return null;
    const cookie = `tidings_session=${cookiesOf(r).tidings_session!}`;
    const account = (await app.inject({ method: 'GET', url: '/account', headers: { cookie } })) as unknown as Res;
    assert.match(account.body, /action="\/account\/password"/);
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(account.body)![1]! };
  };
  const laptop = (await signIn('long enough password'))!;
  const phone = (await signIn('long enough password'))!;
  const change = (s: { cookie: string; csrf: string }, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/account/password', headers: { cookie: s.cookie, 'content-type': FORM }, payload: form({ _csrf: s.csrf, ...fields }) }) as unknown as Promise<Res>;

  assert.equal(((await app.inject({ method: 'POST', url: '/account/password', headers: { cookie: laptop.cookie, 'content-type': FORM }, payload: form({ current: 'long enough password', password: 'a new long secret', confirm: 'a new long secret' }) })) as unknown as Res).statusCode, 403, 'no form token');
  const wrong = await change(laptop, { current: 'not my password', password: 'a new long secret', confirm: 'a new long secret' });
  assert.equal(wrong.statusCode, 403);
  assert.match(wrong.body, /current password is wrong/);
  const differ = await change(laptop, { current: 'long enough password', password: 'a new long secret', confirm: 'a new long secreT' });
  assert.equal(differ.statusCode, 400);
  const weak = await change(laptop, { current: 'long enough password', password: 'short', confirm: 'short' });
  assert.equal(weak.statusCode, 400);
  assert.match(weak.body, /at least 10 characters/);
  assert.ok(await signIn('long enough password'), 'nothing changed yet');

  const ok = await change(laptop, { current: 'long enough password', password: 'a new long secret', confirm: 'a new long secret' });
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /Password changed\. Signed out 2 other sessions\./);
  assert.equal(((await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: laptop.cookie } })) as unknown as Res).statusCode, 200, 'the session that changed it stays');
  assert.equal(((await app.inject({ method: 'GET', url: '/feeds', headers: { cookie: phone.cookie } })) as unknown as Res).statusCode, 303, 'other sessions end');
  assert.equal(await signIn('long enough password'), null, 'the old password opens nothing');
  assert.ok(await signIn('a new long secret'));

  // guessing through a borrowed session hits the sign-in throttle
  for (let i = 0; i < 5; i++) await change(laptop, { current: `guess ${i} guess guess`, password: 'x'.repeat(12), confirm: 'x'.repeat(12) });
  assert.equal((await change(laptop, { current: 'a new long secret', password: 'y'.repeat(12), confirm: 'y'.repeat(12) })).statusCode, 429);
});

test('tidings users add / list', async () => {
  const db = (await freshDatabase()).args;
  const add = await runCli(['users', 'add', 'ada', '--password-stdin', ...db], { input: 'long enough password\n' });
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stderr, /created administrator ada/);
  const second = await runCli(['users', 'add', 'bob', '--password-stdin', ...db], { input: 'another long password\n' });
  assert.match(second.stderr, /created user bob/);
  const dup = await runCli(['users', 'add', 'bob', '--password-stdin', ...db], { input: 'another long password\n' });
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /^error\[conflict\]/);
  const weak = await runCli(['users', 'add', 'cy', '--password-stdin', ...db], { input: 'short\n' });
  assert.match(weak.stderr, /^error\[invalid_input\]: a password needs at least 10 characters/);
  const list = JSON.parse((await runCli(['users', 'list', '--json', ...db])).stdout) as Array<{ name: string; isAdmin: boolean }>;
  assert.deepEqual(list.map((u) => [u.name, u.isAdmin]), [['ada', true], ['bob', false]]);
});

test('tidings users passwd sets a forgotten password and ends the sessions of that user', async () => {
  const dbAt = await freshDatabase();
  const db = dbAt.args;
  assert.equal((await runCli(['users', 'add', 'ada', '--password-stdin', ...db], { input: 'long enough password\n' })).code, 0);
  const { openStore } = await import('../src/store/openStore.js');
  const store = await openStore(dbAt.location);
  const ada = (await store.getUserByName('ada'))!;
  await store.createSession({ userId: ada.id, tokenHash: 'h1', csrfToken: 'c', now: '2026-01-01T00:00:00Z', expiresAt: '2099-01-01T00:00:00Z' });
  await store.close();
  const r = await runCli(['users', 'passwd', 'ada', '--password-stdin', ...db], { input: 'brand new password\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /password of ada changed; 1 session ended/);
  const after = await openStore(dbAt.location);
  assert.equal(await verifyPassword('brand new password', (await after.getUserByName('ada'))!.passwordHash), true);
  assert.equal(await after.getSession('h1', '2026-06-01T00:00:00Z'), null);
  await after.close();
  const missing = await runCli(['users', 'passwd', 'zed', '--password-stdin', ...db], { input: 'brand new password\n' });
  assert.match(missing.stderr, /^error\[not_found\]: no user named zed/);
});

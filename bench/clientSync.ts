/**
 * A full sync of a 100,000-article account as feed-reader apps do it, against `tidings serve`
 * in its own process on a SQLite store filled with synthetic articles:
 *  - Google Reader: ClientLogin, every `stream/items/ids` page, then `stream/items/contents`
 *    in batches of ids (as Reeder and Liferea do);
 *  - Fever: the `items&since_id` walk, 50 per call (the protocol's page);
 *  - Miniflux: the `/v1/entries` walk by id.
 * Reports wall time, the server's peak RSS and the largest single response. Goal (issue 10):
 * under 60 s per full sync, no response over 5 MB. Used by `npm run bench -- sync`
 * (BENCH_SYNC_ARTICLES, default 100000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { openSqliteStore } from '../src/store/sqlite/openSqlite.js';
import { newSecret, secretHash } from '../src/accounts/tokens.js';
import { formatIso } from '../src/text/dates.js';
import { feverApiKey, feverKeyHash } from '../src/accounts/feverKey.js';
import { fillStore } from './webLatency.js';
import { startServe, type ServeProcess } from './serveProcess.js';

export interface SyncRow {
  protocol: string;
  items: number;
  requests: number;
  seconds: number;
  largestResponseKb: number;
  serverPeakRssMb: number;
}

/** One client's view of the server: counts requests and keeps the largest answer's size. */
class SyncClient {
  requests = 0;
  largest = 0;
  private readonly pool: Pool;

  constructor(readonly origin: string) {
    this.pool = new Pool(origin, { connections: 1 });
  }

  async call(method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
    const res = await this.pool.request({ method, path: url, headers, ...(body === undefined ? {} : { body }) });
    const buf = Buffer.from(await res.body.arrayBuffer());
    this.requests++;
    this.largest = Math.max(this.largest, buf.length);
    return { status: res.statusCode, text: buf.toString('utf8') };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function googleReaderSync(c: SyncClient, name: string, token: string): Promise<number> {
  const login = await c.call('POST', '/accounts/ClientLogin', FORM, new URLSearchParams({ Email: name, Passwd: token }).toString());
  const auth = /^Auth=(.+)$/m.exec(login.text)?.[1];
  if (login.status !== 200 || !auth) throw new Error(`ClientLogin answered ${login.status}: ${login.text.slice(0, 200)}`);
  const headers = { authorization: `GoogleLogin auth=${auth}` };
  const ids: string[] = [];
  let continuation = '';
  do {
    const q = new URLSearchParams({ s: 'user/-/state/com.google/reading-list', n: '10000', output: 'json', ...(continuation ? { c: continuation } : {}) });
    const page = await c.call('GET', `/reader/api/0/stream/items/ids?${q}`, headers);
    if (page.status !== 200) throw new Error(`stream/items/ids answered ${page.status}`);
    const json = JSON.parse(page.text) as { itemRefs?: Array<{ id: string }>; continuation?: string };
    for (const ref of json.itemRefs ?? []) ids.push(ref.id);
    continuation = json.continuation ?? '';
  } while (continuation);
  let items = 0;
  for (let i = 0; i < ids.length; i += 250) {
    const form = new URLSearchParams({ output: 'json' });
    for (const id of ids.slice(i, i + 250)) form.append('i', id);
    const page = await c.call('POST', '/reader/api/0/stream/items/contents', { ...headers, ...FORM }, form.toString());
    if (page.status !== 200) throw new Error(`stream/items/contents answered ${page.status}`);
    items += (JSON.parse(page.text) as { items: unknown[] }).items.length;
  }
  return items;
}

async function feverSync(c: SyncClient, apiKey: string): Promise<number> {
  let since = 0;
  let items = 0;
  for (;;) {
    const page = await c.call('POST', `/fever/?api&items&since_id=${since}`, FORM, new URLSearchParams({ api_key: apiKey }).toString());
    const json = JSON.parse(page.text) as { auth?: number; items?: Array<{ id: number }> };
    if (json.auth !== 1) throw new Error(`Fever refused the key: ${page.text.slice(0, 200)}`);
    if (!json.items?.length) return items;
    items += json.items.length;
    since = Math.max(...json.items.map((it) => it.id));
  }
}

async function minifluxSync(c: SyncClient, token: string): Promise<number> {
  const headers = { 'x-auth-token': token };
  let after = 0;
  let items = 0;
  for (;;) {
    const page = await c.call('GET', `/v1/entries?order=id&direction=asc&limit=250&after_entry_id=${after}`, headers);
    if (page.status !== 200) throw new Error(`/v1/entries answered ${page.status}: ${page.text.slice(0, 200)}`);
    const json = JSON.parse(page.text) as { entries: Array<{ id: number }> };
    if (!json.entries.length) return items;
    items += json.entries.length;
    after = Math.max(...json.entries.map((e) => e.id));
  }
}

/** The bench reader's credentials: an API token, and a Fever password's key. */
async function credentials(dbPath: string): Promise<{ name: string; token: string; feverKey: string }> {
  const store = await openSqliteStore(dbPath);
  try {
    const user = (await store.getUserByName('bench'))!;
    const token = newSecret();
    const now = formatIso(Date.now());
    await store.createApiToken({ userId: user.id, tokenHash: secretHash(token), name: 'bench', now });
    const password = 'fever bench password';
    await store.setFeverKey({ userId: user.id, keyHash: feverKeyHash(user.name, password), userName: user.name, now });
    return { name: user.name, token, feverKey: feverApiKey(user.name, password) };
  } finally {
    await store.close();
  }
}

async function timed(protocol: string, serve: ServeProcess, walk: (c: SyncClient) => Promise<number>): Promise<SyncRow> {
  const client = new SyncClient(serve.origin);
  const t0 = performance.now();
  try {
    const items = await walk(client);
    return {
      protocol,
      items,
      requests: client.requests,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      largestResponseKb: Math.round(client.largest / 1024),
      serverPeakRssMb: Math.round(serve.peakRssMb()),
    };
  } finally {
    await client.close();
  }
}

export async function measureClientSync(n: number): Promise<SyncRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-sync-'));
  const dbPath = path.join(dir, 'bench.db');
  await fillStore(dbPath, n);
  const cred = await credentials(dbPath);
  const rows: SyncRow[] = [];
  // A fresh server per protocol, so each peak RSS is that protocol's own.
  const walks: Array<[string, (c: SyncClient) => Promise<number>]> = [
    ['Google Reader (ids + contents)', (c) => googleReaderSync(c, cred.name, cred.token)],
    ['Fever (items since_id)', (c) => feverSync(c, cred.feverKey)],
    ['Miniflux (entries after id)', (c) => minifluxSync(c, cred.token)],
  ];
  try {
    for (const [protocol, walk] of walks) {
      const serve = await startServe(dbPath);
      try {
        rows.push(await timed(protocol, serve, walk));
      } finally {
        await serve.stop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

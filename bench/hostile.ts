/**
 * `npm run bench -- hostile` (issue 8, "Measure"):
 *  - /healthz latency while `tidings serve` (own process, scheduler on, fresh SQLite file)
 *    refreshes 20 hostile feeds and their pages, next to a refresh of 20 clean feeds.
 *    The publishers run in a process of their own (hostilePublisher.ts). A probe here asks
 *    /healthz every 10 ms over one keep-alive connection until the scheduler says every
 *    feed is done, or a time cap. Latencies count from when each 10 ms probe was due, so
 *    a frozen loop weighs as long as it lasts, not as one slow answer.
 *  - River (signed-in first page) at 100k articles under 64 and 256 connections (autocannon).
 * Goals: /healthz p99 under 50 ms during the hostile refresh; river p99 under 200 ms at 64.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import autocannon from 'autocannon';
import { Client } from 'undici';
import { openSqliteStore } from '../src/store/sqlite/openSqlite.js';
import { formatIso } from '../src/text/dates.js';
import type { WorkerStatus } from '../src/ingest/jobHandlers.js';
import type { EventLoopDelay } from '../src/server/monitoring.js';
import { startServe, type ServeProcess } from './serveProcess.js';
import { percentile, startReaderServer } from './webLatency.js';

const PROBE_MS = 10;
const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Publisher { name: string; url: string }

export interface HealthRow {
  refresh: string;
  probes: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  failedProbes: number;
  /** Seconds until the scheduler had refreshed every feed; null when the cap came first. */
  doneS: number | null;
  survived: boolean;
  peakRssMb: number;
  /** serve's own event-loop delay over the run, from its last /healthz answer. */
  loopDelay: EventLoopDelay | null;
}

export interface OutcomeRow { input: string; feed: string; articles: number; pageErrors: string }

export interface RiverRow { articles: number; connections: number; requests: number; p50: number; p90: number; p99: number; max: number; reqPerS: number; failed: number }

export interface HostileResults {
  /** The machine's 1-minute load average when the part started: other work on it shows in every number. */
  loadAverage: number;
  health: HealthRow[];
  outcomes: OutcomeRow[];
  river: RiverRow[];
}

export async function measureHostile(opts: { capS: number; articles: number; riverS: number; connections: number[] }): Promise<HostileResults> {
  const loadAverage = os.loadavg()[0]!;
  const publisher = spawn(process.execPath, [path.join(HERE, 'hostilePublisher.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await readline.createInterface({ input: publisher.stdout! })[Symbol.asyncIterator]().next();
    const feeds = JSON.parse(String(line.value)) as { hostile: Publisher[]; clean: Publisher[] };
    const clean = await refreshUnderProbe('20 clean feeds', feeds.clean, opts.capS);
    const hostile = await refreshUnderProbe('20 hostile feeds', feeds.hostile, opts.capS);
    publisher.kill();
    const river = await riverUnderLoad(opts.articles, opts.connections, opts.riverS);
    return { loadAverage, health: [clean.row, hostile.row], outcomes: hostile.outcomes, river };
  } finally {
    publisher.kill();
  }
}

async function refreshUnderProbe(label: string, feeds: Publisher[], capS: number): Promise<{ row: HealthRow; outcomes: OutcomeRow[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-hostile-'));
  const dbPath = path.join(dir, 'bench.db');
  try {
    await subscribeAll(dbPath, feeds);
    // The fetch limit is shortened alike for both runs so a trickling publisher ends within the cap.
    const serve = await startServe(dbPath, { scheduler: true, env: { TIDINGS_ALLOW_PRIVATE_NETWORKS: 'true', TIDINGS_FETCH_TIMEOUT_MS: '20000' } });
    const probe = await probeHealth(serve, feeds.length, capS * 1000);
    const peakRssMb = serve.peakRssMb();
    const survived = serve.exited() === null;
    await serve.stop(2000);
    const lat = probe.latencies.sort((a, b) => a - b);
    const row: HealthRow = {
      refresh: label, probes: probe.probes, failedProbes: probe.failed, doneS: probe.doneMs === null ? null : probe.doneMs / 1000, survived, peakRssMb, loopDelay: probe.loopDelay,
      p50: percentile(lat, 0.5), p90: percentile(lat, 0.9), p99: percentile(lat, 0.99), max: lat[lat.length - 1] ?? 0,
    };
    return { row, outcomes: readOutcomes(dbPath, feeds) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Straight into the store, as `tidings add` ends: subscribing would fetch and parse each feed once more. */
async function subscribeAll(dbPath: string, feeds: Publisher[]): Promise<void> {
  const store = await openSqliteStore(dbPath);
  const now = formatIso(Date.now());
  for (const [i, f] of feeds.entries()) {
    await store.addFeed({ url: f.url, siteUrl: null, title: null, section: null, sourceName: `Bench ${i + 1}`, sourceNameFrom: 'feed', sourceHomepage: null, sourceOverride: null, sectionOverride: null, intervalSeconds: 1800, now });
  }
  await store.close();
}

interface Probe { latencies: number[]; probes: number; failed: number; doneMs: number | null; loopDelay: EventLoopDelay | null }

async function probeHealth(serve: ServeProcess, feeds: number, capMs: number): Promise<Probe> {
  const client = new Client(serve.origin);
  const latencies: number[] = [];
  let probes = 0;
  let failed = 0;
  let loopDelay: EventLoopDelay | null = null;
  const t0 = performance.now();
  try {
    while (performance.now() - t0 < capMs && serve.exited() === null) {
      const start = performance.now();
      let status: WorkerStatus | null = null;
      try {
        const res = await client.request({ method: 'GET', path: '/healthz', signal: AbortSignal.timeout(Math.max(1, Math.ceil(capMs - (start - t0)))) });
        const health = (await res.body.json()) as { workers: WorkerStatus | null; eventLoopDelay?: EventLoopDelay };
        status = health.workers;
        loopDelay = health.eventLoopDelay ?? loopDelay;
        if (res.statusCode !== 200) failed++;
      } catch {
        failed++;
      }
      const end = performance.now();
      probes++;
      // The probes a 10 ms timer would have fired meanwhile all wait until now.
      for (let due = start; due < end; due += PROBE_MS) latencies.push(end - due);
      if (status && status.refreshed >= feeds && status.active === 0) return { latencies, probes, failed, doneMs: end - t0, loopDelay };
      await new Promise((r) => setTimeout(r, Math.max(0, start + PROBE_MS - performance.now())));
    }
    return { latencies, probes, failed, doneMs: null, loopDelay };
  } finally {
    await client.destroy();
  }
}

/** What became of each input: the feed's own status and the codes its pages failed with. */
function readOutcomes(dbPath: string, feeds: Publisher[]): OutcomeRow[] {
  const db = new BetterSqlite3(dbPath);
  try {
    const feedRow = db.prepare('select id, last_fetched_at, last_status, last_error_code from feed where url = ?');
    const articles = db.prepare(`select count(*) as n, group_concat(distinct substr(a.extract_error, 1, instr(a.extract_error, ':') - 1)) as codes
      from article_feed af join article a on a.id = af.article_id where af.feed_id = ?`);
    return feeds.map((f) => {
      const r = feedRow.get(f.url) as { id: number; last_fetched_at: string | null; last_status: string; last_error_code: string | null };
      const a = articles.get(r.id) as { n: number; codes: string | null };
      const feed = r.last_fetched_at === null ? 'not refreshed in time' : r.last_error_code ? `error[${r.last_error_code}]` : r.last_status;
      return { input: f.name, feed, articles: a.n, pageErrors: a.codes ?? '' };
    });
  } finally {
    db.close();
  }
}

async function riverUnderLoad(n: number, connections: number[], seconds: number): Promise<RiverRow[]> {
  const reader = await startReaderServer(n);
  const load = (c: number, duration: number) => autocannon({ url: `${reader.origin}/`, headers: { cookie: reader.cookie }, connections: c, duration, timeout: 30 });
  try {
    await load(8, 2); // warm-up: compiled code and a warm page cache, as a running instance has
    const rows: RiverRow[] = [];
    for (const c of connections) {
      const r = await load(c, seconds);
      const l = r.latency;
      rows.push({ articles: n, connections: c, requests: r.requests.total, p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, reqPerS: r.requests.average, failed: r.errors + r.timeouts + r.non2xx });
    }
    return rows;
  } finally {
    await reader.close();
  }
}

/**
 * `npm run bench`: Tidings against named peers, in one process, on the same inputs.
 *  - feed parsing: parseFeed vs rss-parser, feedsmith, @rowanmanning/feed-parser on the
 *    real-world feeds of ../shared/corpus (when present) and on a generated large feed;
 *  - extraction: extractArticle (linkedom + Readability + our clean-up), in the extraction
 *    pool's thread and in process, vs plain @mozilla/readability on jsdom and on linkedom,
 *    on the corpus article pages.
 *  - web: reader latency of `tidings serve` at scale (webLatency.ts);
 *  - hostile: /healthz during a hostile refresh and the river under load (hostile.ts);
 *  - scale: feeds refreshed per minute on SQLite, PostgreSQL and its workers, and reader
 *    latency on PostgreSQL beside SQLite (scale.ts; BENCH_SCALE_* shrink it);
 *  - sync: a full sync of a 100,000-article account through Google Reader, Fever and
 *    Miniflux (clientSync.ts; BENCH_SYNC_ARTICLES).
 *  - search: search cost by prefix length on the ECB+ news texts of ../shared, SQLite and
 *    PostgreSQL (searchPrefix.ts; BENCH_SEARCH_ARTICLES, default 100,000).
 * CPU time (process.cpuUsage), after a warm-up, best of several rounds, no forced GC.
 * Parts: `npm run bench -- hostile` (or BENCH_PARTS=hostile,web) runs only those; all by default.
 * Results go to stdout as tables and to bench/results/latest.json (a partial run keeps the
 * other parts' last results).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { extractArticle } from '../src/extract/extractArticle.js';
import { ExtractionPool } from '../src/extract/extractionPool.js';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { generateLargeFeed } from './largeFeed.js';
import { feedParsers } from './feedPeers.js';
import { f1Score, pageCounts } from './extractionScore.js';
import { decodeBody } from '../src/text/charset.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = process.env.TIDINGS_SHARED ?? path.resolve(root, '..', 'shared');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  // Warm-up, untimed, for every contender alike: until ~1 s of CPU has gone into it, so
  // the optimizing compiler (which runs on other threads and counts as CPU time) is done.
  const warmStart = cpuMs();
  for (let i = 0; i < 200 && cpuMs() - warmStart < WARMUP_MS; i++) await fn();
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = cpuMs();
    await fn();
    best = Math.min(best, cpuMs() - t0);
  }
  return best;
}

function listFiles(dir: string, pred: (f: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, pred));
    else if (pred(p)) out.push(p);
  }
  return out.sort();
}

interface Row { suite: string; name: string; mb: number; ms: number; mbPerS: number; itemsPerS: number; failed: number; ratio?: string; peakRssMb?: number }

async function benchFeeds(label: string, docs: string[]): Promise<Row[]> {
  const parsers = await feedParsers();
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  // A small suite is run several times per timed round so that a round lasts long enough
  // for CPU-time granularity and GC timing not to decide the result.
  const reps = Math.min(20, Math.max(1, Math.ceil(20e6 / bytes)));
  const rows: Row[] = [];
  for (const p of parsers) {
    let items = 0;
    let failed = 0;
    const ms = await timeIt(async () => {
      items = 0;
      failed = 0;
      for (let r = 0; r < reps; r++) {
        for (const d of docs) {
          try {
            items += await p.parse(d);
          } catch {
            failed++;
          }
        }
      }
    });
    const mb = (bytes * reps) / 1e6;
    rows.push({ suite: label, name: p.name, mb, ms, mbPerS: mb / (ms / 1000), itemsPerS: items / (ms / 1000), failed: failed / reps });
  }
  const fastestPeer = Math.max(...rows.filter((r) => !r.name.startsWith('tidings')).map((r) => r.mbPerS));
  for (const r of rows) r.ratio = `${(r.mbPerS / fastestPeer).toFixed(2)}× fastest peer`;
  return rows;
}

interface ExtractRow { name: string; pagesPerS: number; p50: number; p95: number; max: number; failed: number; ratio?: string; f1?: number }

async function benchExtract(pages: Array<{ html: string; url: string; truth?: string }>): Promise<ExtractRow[]> {
  const { Readability } = await import('@mozilla/readability');
  const { JSDOM, VirtualConsole } = await import('jsdom');
  const quiet = new VirtualConsole(); // jsdom reports every CSS it cannot parse; not our concern here
  const { parseHTML } = await import('linkedom');
  // One thread, as the refresh runs it: the pool's heap settings are part of the product.
  // process.cpuUsage counts every thread of the process, so the worker's time is measured.
  const pool = new ExtractionPool({ threads: 1 });
  // Each contender returns the article text, scored against the benchmark's ground truth.
  const contenders: Array<{ name: string; run: (html: string, url: string) => string | Promise<string> }> = [
    { name: 'tidings (extraction pool, 1 thread)', run: async (h, u) => (await pool.extract(h, u)).text },
    { name: 'tidings (in process)', run: (h, u) => extractArticle(h, u).text },
    { name: 'readability on jsdom', run: (h, u) => new Readability(new JSDOM(h, { url: u, virtualConsole: quiet }).window.document).parse()?.textContent ?? '' },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    { name: 'readability on linkedom', run: (h) => new Readability((parseHTML(h) as any).document).parse()?.textContent ?? '' },
  ];
  const out: ExtractRow[] = [];
  for (const c of contenders) {
    // Warm-up, untimed, the same for every contender: compiled code, not the JIT, is measured.
    for (const p of pages.slice(0, 30)) {
      try {
        await c.run(p.html, p.url);
      } catch {
        /* scored below */
      }
    }
    const times: number[] = [];
    let failed = 0;
    const scored: Array<{ tp: number; fp: number; fn: number }> = [];
    const t0 = cpuMs();
    for (const p of pages) {
      const s = cpuMs();
      let text = '';
      try {
        text = await c.run(p.html, p.url);
      } catch {
        failed++;
      }
      times.push(cpuMs() - s);
      if (p.truth !== undefined) scored.push(pageCounts(text, p.truth));
    }
    const total = cpuMs() - t0;
    times.sort((a, b) => a - b);
    out.push({
      name: c.name, pagesPerS: pages.length / (total / 1000), p50: times[Math.floor(times.length * 0.5)] ?? 0, p95: times[Math.floor(times.length * 0.95)] ?? 0, max: times[times.length - 1] ?? 0, failed,
      ...(scored.length ? { f1: f1Score(scored).f1 } : {}),
    });
  }
  await pool.close();
  const jsdom = out.find((o) => o.name.includes('jsdom'))!;
  const linkedom = out.find((o) => o.name === 'readability on linkedom')!;
  for (const o of out) o.ratio = `${(o.pagesPerS / jsdom.pagesPerS).toFixed(2)}× jsdom, ${(o.pagesPerS / linkedom.pagesPerS).toFixed(2)}× linkedom`;
  return out;
}

function table(rows: Array<Record<string, unknown>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1)) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => fmt(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => fmt(r[c]))))].join('\n');
}

type Results = Record<string, unknown>;

async function feedsPart(results: Results): Promise<void> {
  const realDir = path.join(shared, 'corpus', 'realworld-feeds');
  const realDocs = listFiles(realDir, (f) => /\.(xml|rss|atom|json)$/.test(f) && !f.endsWith('expectations.json')).map((f) => fs.readFileSync(f, 'utf8'));
  const feedRows: Row[] = [];
  if (realDocs.length) feedRows.push(...(await benchFeeds(`real-world feeds (${realDocs.length} files)`, realDocs)));
  else console.log(`real-world feeds: skipped (${realDir} not found)`);
  const sizeMb = Number(process.env.BENCH_LARGE_FEED_MB ?? 50);
  const large = generateLargeFeed(sizeMb * 1e6);
  const largeRows = await benchFeeds(`generated ${sizeMb} MB RSS feed`, [large]);
  // Peak memory needs a fresh process per parser: in one process the first parser's peak
  // would hide the others'.
  const largeFile = path.join(os.tmpdir(), `tidings-bench-${process.pid}.xml`);
  fs.writeFileSync(largeFile, large);
  for (const r of largeRows) {
    const child = spawnSync(process.execPath, ['--expose-gc', path.join(path.dirname(fileURLToPath(import.meta.url)), 'peakRss.js'), r.name, largeFile], { encoding: 'utf8' });
    try {
      r.peakRssMb = (JSON.parse(child.stdout) as { peakMb: number }).peakMb;
    } catch {
      r.peakRssMb = Number.NaN;
    }
  }
  fs.rmSync(largeFile, { force: true });
  feedRows.push(...largeRows);
  console.log('\nFeed parsing (CPU time, one warm-up then best of rounds, no forced GC; peak RSS in a fresh process per parser)\n');
  console.log(table(feedRows.map((r) => ({ suite: r.suite, parser: r.name, 'MB/s': r.mbPerS, 'items/s': Math.round(r.itemsPerS), failed: r.failed, 'peak RSS MB': r.peakRssMb ?? '', ratio: r.ratio }))));
  results.feeds = feedRows;
}

async function extractPart(results: Results): Promise<void> {
  const pageFiles = [
    ...listFiles(path.join(shared, 'corpus', 'readability', 'test-pages'), (f) => f.endsWith('source.html')),
    ...listFiles(path.join(shared, 'corpus', 'article-extraction-benchmark', 'html'), (f) => f.endsWith('.html.gz')),
  ];
  if (!pageFiles.length) {
    console.log('\narticle extraction: skipped (../shared/corpus not found)');
    return;
  }
  const truthFile = path.join(shared, 'corpus', 'article-extraction-benchmark', 'ground-truth.json');
  const truth = fs.existsSync(truthFile) ? (JSON.parse(fs.readFileSync(truthFile, 'utf8')) as Record<string, { articleBody?: string; url?: string }>) : {};
  const pages = pageFiles.map((f) => {
    const id = path.basename(f).replace(/\.html\.gz$/, '');
    const t = truth[id];
    return {
      html: decodeBody(f.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(f)) : fs.readFileSync(f)).text,
      url: t?.url ?? 'http://fakehost/test/page.html',
      ...(t?.articleBody !== undefined ? { truth: t.articleBody } : {}),
    };
  });
  const rows = await benchExtract(pages);
  const scoredPages = pages.filter((p) => p.truth !== undefined).length;
  console.log(`\nArticle extraction (${pages.length} corpus pages, CPU time; F1 on the ${scoredPages} article-extraction-benchmark pages)\n`);
  console.log(table(rows.map((r) => ({ extractor: r.name, 'pages/s': r.pagesPerS, 'p50 ms': r.p50, 'p95 ms': r.p95, 'max ms': r.max, failed: r.failed, F1: r.f1 === undefined ? '' : r.f1.toFixed(3), ratio: r.ratio }))));
  results.extract = rows;
}

async function webPart(results: Results): Promise<void> {
  const { measureLatency } = await import('./webLatency.js');
  const sizes = (process.env.BENCH_ARTICLES ?? '100000,1000000').split(',').map(Number).filter((x) => x > 0);
  const latency = [];
  for (const n of sizes) latency.push(...(await measureLatency(n, Number(process.env.BENCH_REQUESTS ?? 1000))));
  console.log('\nReader latency (tidings serve on SQLite in its own process, 8 concurrent clients on loopback)\n');
  console.log(table(latency.map((r) => ({ articles: r.articles, endpoint: r.endpoint, requests: r.requests, 'p50 ms': r.p50, 'p99 ms': r.p99, 'req/s': r.reqPerS, 'serve CPU µs/req': Math.round(r.cpuUsPerRequest) }))));
  console.log(`load average (1 min, ${os.cpus().length} cores) at the end: ${os.loadavg()[0]!.toFixed(1)}`);
  results.latency = latency;
}

async function hostilePart(results: Results): Promise<void> {
  const { measureHostile } = await import('./hostile.js');
  const r = await measureHostile({
    capS: Number(process.env.BENCH_HOSTILE_CAP_S ?? 90),
    articles: Number(process.env.BENCH_RIVER_ARTICLES ?? 100_000),
    riverS: Number(process.env.BENCH_RIVER_SECONDS ?? 10),
    connections: (process.env.BENCH_RIVER_CONNECTIONS ?? '64,256').split(',').map(Number).filter((x) => x > 0),
  });
  const ms = (x: number) => Math.round(x * 10) / 10;
  console.log(`\nload average of the machine (1 min, ${os.cpus().length} cores) when the part started: ${r.loadAverage.toFixed(1)}`);
  console.log('\n/healthz while tidings serve refreshes (probe every 10 ms, latency from when each probe was due; goal: hostile p99 < 50 ms)\n');
  console.log(table(r.health.map((h) => ({ refresh: h.refresh, probes: h.probes, 'p50 ms': ms(h.p50), 'p90 ms': ms(h.p90), 'p99 ms': ms(h.p99), 'max ms': ms(h.max), 'failed probes': h.failedProbes, 'all refreshed after s': h.doneS ?? 'cap reached', survived: h.survived ? 'yes' : 'NO', 'peak RSS MB': Math.round(h.peakRssMb), 'loop delay p99/max ms': h.loopDelay ? `${h.loopDelay.p99Ms}/${h.loopDelay.maxMs}` : 'n/a' }))));
  console.log('\nWhat became of each hostile input (feed status, articles stored, codes of failed pages)\n');
  console.log(table(r.outcomes.map((o) => ({ input: o.input, feed: o.feed, articles: o.articles, 'page errors': o.pageErrors }))));
  console.log('\nRiver, signed in, first page, under load (autocannon; goal: p99 < 200 ms at 64 connections)\n');
  console.log(table(r.river.map((x) => ({ articles: x.articles, connections: x.connections, requests: x.requests, 'p50 ms': x.p50, 'p90 ms': x.p90, 'p99 ms': x.p99, 'max ms': x.max, 'req/s': x.reqPerS, failed: x.failed }))));
  results.hostile = r;
}

async function scalePart(results: Results): Promise<void> {
  const { measureScale, scaleOptionsFromEnv } = await import('./scale.js');
  const o = scaleOptionsFromEnv();
  const r = await measureScale(o);
  const load = r.loadAverage.map((x) => x.toFixed(1)).join(', ');
  console.log(`\nload average of the machine (1, 5, 15 min; ${r.cores} cores) when the part started: ${load}`);
  console.log(`\nFeeds refreshed per minute, end to end (publisher farm on 127.0.0.1 in its own process: 20-item RSS 2.0 feeds, gzip, ETag/Last-Modified;`);
  console.log(`${o.feedsPerHost} feeds per publisher host:port, one per host with full text; ${o.concurrency} feeds at once per process; goal ≥ 10,000/min without full text)\n`);
  const secs = (x: number | null) => (x === null ? '-' : x.toFixed(1));
  console.log(table(r.throughput.map((t) => ({
    setup: t.setup, feeds: t.feeds, 'full text': t.fullText ? 'yes' : 'no', round: t.round, s: secs(t.seconds),
    'feeds/min': t.feedsPerMinute === null ? '-' : Math.round(t.feedsPerMinute), failed: t.failed, articles: t.articles, note: t.note,
  }))));
  console.log('\nReader latency, SQLite and PostgreSQL (tidings serve in its own process, 8 concurrent clients on loopback)\n');
  console.log(table(r.latency.map((x) => ({ store: x.store ?? 'sqlite', articles: x.articles, endpoint: x.endpoint, requests: x.requests, 'p50 ms': x.p50, 'p99 ms': x.p99, 'req/s': x.reqPerS }))));
  results.scale = r;
}

async function syncPart(results: Results): Promise<void> {
  const { measureClientSync } = await import('./clientSync.js');
  const n = Number(process.env.BENCH_SYNC_ARTICLES ?? 100_000);
  const rows = await measureClientSync(n);
  console.log(`\nA full sync of a ${n.toLocaleString('en')}-article account by each client protocol (tidings serve in its own process on SQLite; goal: < 60 s, no response over 5 MB)\n`);
  console.log(table(rows.map((r) => ({ protocol: r.protocol, items: r.items, requests: r.requests, s: r.seconds, 'largest response KB': r.largestResponseKb, 'server peak RSS MB': r.serverPeakRssMb }))));
  results.sync = rows;
}

/**
 * Stories: placing N synthetic articles as `tidings stories rebuild` does, in a child
 * process of its own (time, peak RSS), and the cost of placing one article at 100 k and N
 * stored. Goals (issue 11): rebuild of 1 M under 10 minutes, p99 under 5 ms at 1 M.
 */
async function storiesPart(results: Results): Promise<void> {
  const n = Number(process.env.BENCH_STORIES_ARTICLES ?? 1_000_000);
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(path.dirname(fileURLToPath(import.meta.url)), 'storiesRebuild.js'), String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`stories bench failed: ${child.stderr}`);
  type Placement = { stored: number; p50Ms: number; p99Ms: number; p50CpuMs: number; p99CpuMs: number; maxCpuMs: number };
  type Memory = { stored: number; rssMb: number; heapMb: number; arrayBuffersMb: number };
  const r = JSON.parse(child.stdout) as { articles: number; seconds: number; cpuSeconds: number; storiesOpened: number; peakRssMb: number; memory: Memory[]; quality: { p: number; r: number; f1: number }; placement: Placement[] };
  console.log(`\nStories: ${n.toLocaleString('en')} synthetic articles placed in arrival order as a rebuild does (clustering, copies, merge passes; no database, no entities), one process\n`);
  console.log(table([{ articles: r.articles, s: r.seconds.toFixed(1), 'CPU s': r.cpuSeconds.toFixed(1), 'articles/s': Math.round(r.articles / r.seconds), 'stories opened': r.storiesOpened, 'peak RSS MB': Math.round(r.peakRssMb), 'goal (1 M)': '< 600 s' }]));
  const q = r.quality;
  console.log(`\nStories against the synthetic events (pairwise): P ${q.p.toFixed(3)} R ${q.r.toFixed(3)} F1 ${q.f1.toFixed(3)}`);
  if (r.memory.length) console.log('\nMemory while placing (after a full collection)\n');
  if (r.memory.length) console.log(table(r.memory.map((m) => ({ stored: m.stored, 'RSS MB': Math.round(m.rssMb), 'heap used MB': Math.round(m.heapMb), 'array buffers MB': Math.round(m.arrayBuffersMb) }))));
  console.log('\nPlacing one article (1,000 placements after this many stored; goal p99 < 5 ms at 1 M)\n');
  // CPU time beside wall time: on a loaded machine wall time counts other processes' turns.
  const ms = (x: number) => x.toFixed(3);
  console.log(table(r.placement.map((p) => ({ stored: p.stored, 'p50 ms': ms(p.p50Ms), 'p99 ms': ms(p.p99Ms), 'p50 CPU ms': ms(p.p50CpuMs), 'p99 CPU ms': ms(p.p99CpuMs), 'max CPU ms': ms(p.maxCpuMs) }))));
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  results.stories = r;
}

/** The river folded by story against the same page unfolded, at BENCH_FOLD_ARTICLES stored articles (riverFold.ts). */
async function foldPart(results: Results): Promise<void> {
  const { measureFold } = await import('./riverFold.js');
  const n = Number(process.env.BENCH_FOLD_ARTICLES ?? 100_000);
  const r = await measureFold(n, Number(process.env.BENCH_FOLD_RUNS ?? 30));
  console.log(`\nRiver folded by story: ${n.toLocaleString('en')} articles in synthetic stories, one reader, query time in the store (load average ${r.loadAverage.map((x) => x.toFixed(2)).join(' ')})\n`);
  const ms = (x: number) => (Number.isNaN(x) ? '' : x.toFixed(2));
  console.log(table(r.rows.map((x) => ({ store: x.store, query: x.query, 'folded p50 ms': ms(x.foldedP50Ms), 'unfolded p50 ms': ms(x.unfoldedP50Ms), 'folded/unfolded': ms(x.ratio) }))));
  results.fold = r;
}

/** Words and prefixes on real news text, both stores (searchPrefix.ts); skipped without ../shared. */
async function searchPart(results: Results): Promise<void> {
  const { measureSearchPrefix, searchDocsPath } = await import('./searchPrefix.js');
  const docs = searchDocsPath(shared);
  if (!fs.existsSync(docs)) {
    console.log(`\nsearch prefixes: skipped (${docs} not found)`);
    return;
  }
  const n = Number(process.env.BENCH_SEARCH_ARTICLES ?? 100_000);
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const rows = await measureSearchPrefix(n, docs);
  console.log(`\nSearch by prefix length: the 982 ECB+ news texts repeated to ${n.toLocaleString('en')} articles, 50 hits loaded, medians of 30 (load average ${load} at the start)`);
  console.log('SQLite runs in this process (CPU ms is the search); PostgreSQL\'s work is in the wall time\n');
  console.log(table(rows.map((r) => ({ store: r.store, query: r.text, hits: r.hits, 'wall ms': r.medianMs, 'CPU ms': r.cpuMs }))));
  results.search = { articles: n, rows };
}

const PARTS = { feeds: feedsPart, extract: extractPart, web: webPart, hostile: hostilePart, scale: scalePart, sync: syncPart, stories: storiesPart, fold: foldPart, search: searchPart };
type Part = keyof typeof PARTS;

/** `npm run bench -- hostile web`, or BENCH_PARTS=hostile,web; all parts when none is named. */
function selectedParts(): Part[] {
  const fromArgs = process.argv.slice(2);
  // BENCH_ONLY is the older name, kept so existing scripts still work.
  const asked = fromArgs.length ? fromArgs : (process.env.BENCH_PARTS ?? process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const known = Object.keys(PARTS);
  const unknown = asked.filter((p) => !known.includes(p));
  if (unknown.length) throw new Error(`unknown bench part ${unknown.join(', ')}; the parts are ${known.join(', ')}`);
  return (asked.length ? known.filter((p) => asked.includes(p)) : known) as Part[];
}

async function main(): Promise<void> {
  const parts = selectedParts();
  const outDir = path.join(root, 'bench', 'results');
  const outFile = path.join(outDir, 'latest.json');
  // A run of some parts updates theirs and keeps the others' last results.
  const results: Results = fs.existsSync(outFile) ? (JSON.parse(fs.readFileSync(outFile, 'utf8')) as Results) : {};
  Object.assign(results, { node: process.version, date: new Date().toISOString(), parts });
  for (const part of parts) await PARTS[part](results);
  console.log(`\npeak RSS of the whole run: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(results, null, 2));
}

await main();

import http from 'node:http';
import os from 'node:os';
import { loadConfig, type TidingsConfig } from '../config.js';
import type { Store, ServerLease } from '../store/store.js';
import type { FetchCommand, FetchProgress, FetchResult } from '../ingest/fetchCommands.js';
import { TidingsError, type ErrorCode } from '../model/errors.js';
import { formatIso } from '../text/dates.js';
import { terminalLine } from '../render/terminalText.js';

type DbOptions = { db?: string | undefined; databaseUrl?: string | undefined };

/**
 * Runs a command that fetches where fetching belongs. While a `tidings serve` runs on the same
 * database it owns fetching: the command is handed to it (server/commandChannel.ts) and runs
 * with the server's settings, so a CLI and a server never fetch the same feeds with different
 * rules. Without a live server the command runs here. A server that is live but cannot be
 * reached (another machine, not answering) makes the command refuse, naming that server.
 */
export async function runFetch(
  opts: DbOptions,
  build: (store: Store, config: TidingsConfig) => Promise<FetchCommand>,
  progress: (e: FetchProgress) => void,
): Promise<FetchResult> {
  const config = loadConfig(process.env, opts);
  const { openStore } = await import('../store/openStore.js');
  const store = await openStore({ dbPath: config.dbPath, databaseUrl: config.databaseUrl });
  let command: FetchCommand;
  let server: ServerLease | null;
  try {
    command = await build(store, config);
    server = await liveServer(store);
    if (!server) return await runHere(store, config, command, progress);
  } finally {
    await store.close();
  }
  return handOver(server, command, progress);
}

async function runHere(store: Store, config: TidingsConfig, command: FetchCommand, progress: (e: FetchProgress) => void): Promise<FetchResult> {
  const { createPipeline, closePipeline } = await import('../ingest/pipeline.js');
  const { runFetchCommand } = await import('../ingest/fetchCommands.js');
  const p = createPipeline(store, config);
  try {
    return await runFetchCommand(p, command, progress);
  } finally {
    await closePipeline(p);
  }
}

/** The freshest server lease still beating (one of a process that died on this machine does not count). */
export async function liveServer(store: Store): Promise<ServerLease | null> {
  const { HEARTBEAT_MS, LEASE_MISSED_BEATS } = await import('../store/serverLeases.js');
  const leases = await store.liveServerLeases(formatIso(Date.now() - HEARTBEAT_MS * LEASE_MISSED_BEATS));
  return leases.find((l) => l.host !== os.hostname() || processAlive(l.pid)) ?? null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it lives, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function describeServer(l: ServerLease): string {
  return `pid ${l.pid} on ${l.host}, ${l.address}`;
}

function handOver(server: ServerLease, command: FetchCommand, progress: (e: FetchProgress) => void): Promise<FetchResult> {
  const named = describeServer(server);
  if (server.host !== os.hostname()) {
    return Promise.reject(new TidingsError('server_running', `a Tidings server owns fetching on this database (${named}): run this command on ${server.host}, or stop that server first`));
  }
  process.stderr.write(`handing this to the running server (${terminalLine(named)}); its settings apply\n`);
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(command);
    const req = http.request({ host: '127.0.0.1', port: server.commandPort, path: '/commands', method: 'POST', headers: { authorization: `Bearer ${server.secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    req.on('error', (err) => reject(new TidingsError('server_running', `a Tidings server owns fetching on this database (${named}) but did not take the work (${err.message}); try again, or stop that server first`)));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new TidingsError('server_running', `the Tidings server (${named}) refused the work (HTTP ${res.statusCode})`));
        return;
      }
      let buffered = '';
      let settled = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
          const msg = JSON.parse(buffered.slice(0, i)) as { progress?: FetchProgress; result?: FetchResult; error?: { code: string; message: string; choices?: unknown } };
          buffered = buffered.slice(i + 1);
          if (msg.progress) progress(msg.progress);
          settled ||= !!(msg.result || msg.error);
          if (msg.result) resolve(msg.result);
          else if (msg.error) reject(Object.assign(new TidingsError(msg.error.code as ErrorCode, msg.error.message), msg.error.choices ? { choices: msg.error.choices } : {}));
        }
      });
      res.on('end', () => {
        if (!settled) reject(new TidingsError('server_running', `the Tidings server (${named}) stopped before the work was done`));
      });
    });
    req.end(body);
  });
}

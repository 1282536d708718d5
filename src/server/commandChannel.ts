import http from 'node:http';
import os from 'node:os';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Store } from '../store/store.js';
import { HEARTBEAT_MS } from '../store/serverLeases.js';
import type { Pipeline } from '../ingest/pipeline.js';
import { newSecret } from '../accounts/tokens.js';
import { asTidingsError } from '../model/errors.js';
import { formatIso } from '../text/dates.js';
import { logError } from '../log/loggedError.js';
import { logger } from '../log/logger.js';
import type { FetchCommand } from '../ingest/fetchCommands.js';

/** Largest command a CLI sends (an OPML file inside JSON). */
const MOST_BYTES = 20 * 1024 * 1024;

export interface CommandChannel {
  port: number;
  stop(): Promise<void>;
}

/**
 * One process owns fetching: a running `tidings serve` registers itself in the database
 * (store/serverLeases.ts) and listens on a loopback port of its own for the work of CLI
 * commands that fetch (`refresh`, `add`, `recheck`, `import`), which it runs with its
 * pipeline and settings, streaming progress back as JSON lines. Loopback only, and only for
 * a caller holding the secret in the lease row: whoever can read the database can do this
 * work anyway. The lease goes when the server stops; a crashed one stops beating.
 */
export async function startCommandChannel(opts: { store: Store; pipeline: Pipeline; address: string; heartbeatMs?: number }): Promise<CommandChannel> {
  const secret = newSecret();
  const server = http.createServer((req, res) => void answer(opts.pipeline, secret, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const id = randomUUID();
  const started = formatIso(Date.now());
  const beat = () => opts.store.saveServerLease({ id, pid: process.pid, host: os.hostname(), address: opts.address, commandPort: port, secret, startedAt: started, heartbeatAt: formatIso(Date.now()) });
  await beat();
  const timer = setInterval(() => void beat().catch((err: unknown) => logError(err, 'renewing the server lease failed')), opts.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  return {
    port,
    async stop() {
      clearInterval(timer);
      await opts.store.removeServerLease(id).catch((err: unknown) => logError(err, 'removing the server lease failed'));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function answer(p: Pipeline, secret: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (req.method !== 'POST' || req.url !== '/commands' || !sameSecret(given, secret)) {
    res.writeHead(403).end();
    return;
  }
  let command: FetchCommand;
  try {
    command = JSON.parse(await readBody(req)) as FetchCommand;
  } catch {
    res.writeHead(400).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
  logger().info({ command: command.kind }, 'running a CLI command for it');
  try {
    const { runFetchCommand } = await import('../ingest/fetchCommands.js');
    line({ result: await runFetchCommand(p, command, (progress) => line({ progress })) });
  } catch (err) {
    const e = asTidingsError(err);
    if (e.code === 'internal') logError(err, 'a CLI command failed in the server', { command: command.kind });
    const choices = (err as { choices?: unknown }).choices;
    line({ error: { code: e.code, message: e.message, ...(choices ? { choices } : {}) } });
  }
  res.end();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MOST_BYTES) {
        reject(new Error('command too large'));
        req.destroy();
      } else parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

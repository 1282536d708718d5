/**
 * `tidings serve` in a process of its own, as the benches measure it: the load generator
 * and the publisher must never share its event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServeProcess {
  origin: string;
  child: ChildProcess;
  /** Exit code or signal once the process has ended, else null. */
  exited(): string | null;
  /** Highest resident set size of the process so far (Linux), in MB; NaN elsewhere. */
  peakRssMb(): number;
  /** CPU time (user + system, every thread) the process has used so far (Linux), in ms; NaN elsewhere. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL if it has not ended after graceMs (a frozen loop never sees SIGTERM). */
  stop(graceMs?: number): Promise<void>;
}

const READY_MS = 60_000;

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'tidings.js');

/** On the SQLite file dbPath, or on PostgreSQL when opts.databaseUrl is given; opts.args go after `serve`'s own. */
export async function startServe(dbPath: string, opts: { scheduler?: boolean; env?: Record<string, string>; databaseUrl?: string; args?: string[] } = {}): Promise<ServeProcess> {
  const store = opts.databaseUrl ? ['--database-url', opts.databaseUrl] : ['--db', dbPath];
  // e.g. BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profiles of serve's threads.
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, BIN, 'serve', ...store, '--port', '0', ...(opts.scheduler ? [] : ['--no-scheduler']), ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: serveEnv(opts.env) });
  let exit: string | null = null;
  const ended = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve();
    }),
  );
  // Only the tail is kept: enough to say why it died, without growing through a long run.
  let tail = '';
  let notReady: NodeJS.Timeout | undefined;
  const origin = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      tail = (tail + d).slice(-8192);
      const m = /serving on (http:\/\/[\d.:]+)/.exec(tail);
      if (m) resolve(m[1]!);
    });
    void ended.then(() => reject(new Error(`serve exited (${exit}): ${tail}`)));
    // A serve that never says it is ready must fail the bench, not hang it.
    notReady = setTimeout(() => {
      if (exit === null) child.kill('SIGKILL');
      reject(new Error(`serve did not start within ${READY_MS / 1000} s: ${tail}`));
    }, READY_MS);
  }).finally(() => clearTimeout(notReady));
  return {
    origin,
    child,
    exited: () => exit,
    peakRssMb: () => peakRssMb(child.pid),
    cpuMs: () => cpuMs(child.pid),
    async stop(graceMs = 3000) {
      if (exit !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await ended;
      clearTimeout(timer);
    },
  };
}

/**
 * The line that says serve is ready ("serving on …") is logged at info: under a quieter
 * TIDINGS_LOG_LEVEL (the scale bench asks for warn) it never came, startServe waited for
 * it forever, and the scale bench hung in its worker rows while the processes it had
 * started went on refreshing.
 */
function serveEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const merged = { ...process.env, ...env };
  if (!['trace', 'debug', 'info'].includes(merged.TIDINGS_LOG_LEVEL ?? 'info')) merged.TIDINGS_LOG_LEVEL = 'info';
  return merged;
}

function peakRssMb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/PID/stat: 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;

function cpuMs(pid: number | undefined): number {
  try {
    // The command name may hold spaces and parentheses: fields are counted after its last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

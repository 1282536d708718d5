import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './cli.js';

/**
 * Debian's newsboat as a sync client of a Tidings server on 127.0.0.1. Each instance has its
 * own HOME, config and cache files; every run has a time limit and is stopped by its PID.
 * The mode is the protocol it speaks (`urls-source`): add a mode by adding its config lines.
 */
export type NewsboatMode = 'feedhq' | 'miniflux';

export interface NewsboatAccount {
  mode: NewsboatMode;
  /** The server's base URL, no trailing slash. */
  url: string;
  login: string;
  password: string;
}

const CONFIG: Record<NewsboatMode, (a: NewsboatAccount) => string[]> = {
  // Without show-special-feeds "no" it also fetches three feeds from the internet.
  feedhq: (a) => ['urls-source "feedhq"', `feedhq-url "${a.url}"`, `feedhq-login "${a.login}"`, `feedhq-password "${a.password}"`, 'feedhq-show-special-feeds "no"', 'feedhq-min-items 20'],
  // The trailing slash is what users type; newsboat then asks for `//v1/…`, which the server folds.
  miniflux: (a) => ['urls-source "miniflux"', `miniflux-url "${a.url}/"`, `miniflux-login "${a.login}"`, `miniflux-password "${a.password}"`],
};

/** Why the client cannot run here, or null when it can. */
export function newsboatMissing(): string | null {
  for (const bin of ['newsboat', 'tmux']) {
    if (spawnSync(bin, ['-V'], { stdio: 'ignore' }).error) return `${bin} is not installed (apt-get install newsboat tmux)`;
  }
  return null;
}

/** One command line's time limit: reloads fetch every feed from the local server. */
const RUN_LIMIT_MS = 60_000;

export class Newsboat {
  readonly dir = tempDir('tidings-newsboat-');
  private readonly home = path.join(this.dir, 'home');
  private readonly config = path.join(this.dir, 'config');
  private readonly urls = path.join(this.dir, 'urls');

  constructor(account: NewsboatAccount) {
    fs.mkdirSync(this.home, { recursive: true });
    fs.writeFileSync(this.config, [...CONFIG[account.mode](account), 'download-timeout 10', 'confirm-exit no', ''].join('\n'));
    fs.writeFileSync(this.urls, '');
  }

  /** A cache file of this client's; a new name is a fresh client that knows nothing yet. */
  cache(name: string): string {
    return path.join(this.dir, `${name}.db`);
  }

  private args(cache: string): string[] {
    return ['-C', this.config, '-u', this.urls, '-c', this.cache(cache)];
  }

  /** `newsboat -x reload`: syncs the cache with the server (prints nothing on success). */
  async reload(cache: string): Promise<void> {
    const r = await this.run([...this.args(cache), '-x', 'reload', '-l', '6', '-d', path.join(this.dir, `${cache}.log`)]);
    if (r.code !== 0) throw new Error(`newsboat reload exited ${r.code}: ${r.output}`);
  }

  /** Unread articles in the cache (`-x print-unread` counts the cache only). */
  async unread(cache: string): Promise<number> {
    const r = await this.run([...this.args(cache), '-x', 'print-unread']);
    const m = /(\d+) unread articles?/.exec(r.output);
    if (!m) throw new Error(`newsboat print-unread said: ${r.output}`);
    return Number(m[1]);
  }

  /** The interactive client in a tmux session of its own, on this cache. */
  async open(cache: string): Promise<NewsboatScreen> {
    const socket = path.join(this.dir, 'tmux.sock');
    const command = ['newsboat', ...this.args(cache)].map(shellQuote).join(' ');
    const r = spawnSync('tmux', ['-S', socket, 'new-session', '-d', '-P', '-F', '#{pane_pid}', '-x', '120', '-y', '40', `exec ${command}`], { env: this.env(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux could not start newsboat: ${r.stderr}`);
    return new NewsboatScreen(socket, Number(r.stdout.trim()));
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, HOME: this.home, TERM: 'xterm', LANG: 'C.UTF-8' };
  }

  private run(args: string[]): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('newsboat', args, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const limit = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), RUN_LIMIT_MS);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(limit);
        resolve({ code, output: output.trim() });
      });
    });
  }
}

/** newsboat's screen in tmux: send keys, read the screen, stop it. */
export class NewsboatScreen {
  constructor(private readonly socket: string, readonly pid: number) {}

  keys(...keys: string[]): void {
    spawnSync('tmux', ['-S', this.socket, 'send-keys', ...keys]);
  }

  text(): string {
    return spawnSync('tmux', ['-S', this.socket, 'capture-pane', '-p'], { encoding: 'utf8' }).stdout ?? '';
  }

  /** Waits until the screen shows `re` (newsboat draws asynchronously); throws with the screen after `ms`. */
  async waitFor(re: RegExp, ms = 20_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const screen = this.text();
      if (re.test(screen)) return screen;
      if (Date.now() > end) throw new Error(`newsboat never showed ${re}; the screen:\n${screen}`);
      await sleep(100);
    }
  }

  /** Stops newsboat by its PID, then this session's own tmux server. */
  stop(): void {
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

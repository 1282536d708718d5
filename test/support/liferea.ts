import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.js';
import { until } from './until.js';

/**
 * Debian's Liferea as a Google Reader API client: its own HOME, an X display of its own
 * (Xvfb) and its own D-Bus session, stopped by PID. Its feed list is written before the
 * first start, with one "Google Reader API" source pointing at the server.
 */
export interface LifereaAccount {
  /** The server's base URL, no trailing slash. */
  url: string;
  username: string;
  password: string;
}

const NEEDED = ['liferea', 'Xvfb', 'dbus-run-session', 'dbus-send', 'xdotool'];

/** Why the client cannot run here, or null when it can. */
export function lifereaMissing(): string | null {
  const path = (process.env.PATH ?? '').split(':');
  const missing = NEEDED.filter((bin) => !path.some((dir) => fs.existsSync(`${dir}/${bin}`)));
  return missing.length ? `${missing.join(', ')} not installed (apt-get install liferea xvfb xauth dbus-x11 xdotool)` : null;
}

/** How long Liferea is given to exit on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Sends a signal to a process that may be gone already. */
function signal(pid: number, name: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

/** Whether the child has exited (now or within `ms`). */
function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Past this, the client is stopped whatever the test is doing. */
const LIFETIME_MS = 120_000;

export class Liferea {
  readonly dir = tempDir('tidings-liferea-');
  private readonly home = path.join(this.dir, 'home');
  private xvfb: ChildProcess | null = null;
  private display = '';
  private lifereaPid = 0;
  private session: ChildProcess | null = null;
  private bus = '';
  private lifetime: NodeJS.Timeout | null = null;

  constructor(account: LifereaAccount) {
    const config = path.join(this.home, '.config', 'liferea');
    fs.mkdirSync(config, { recursive: true });
    for (const d of ['.cache', '.local/share']) fs.mkdirSync(path.join(this.home, d), { recursive: true });
    const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    fs.writeFileSync(
      path.join(config, 'feedlist.opml'),
      `<?xml version="1.0"?>\n<opml version="1.0"><head><title>Liferea Feed List Export</title></head><body>\n` +
        `<outline title="Tidings" text="Tidings" type="source" sourceType="fl_google_reader" id="tidings" xmlUrl="${attr(account.url)}" username="${attr(account.username)}" password="${attr(account.password)}" updateInterval="-1"/>\n` +
        `</body></opml>\n`,
    );
  }

  /** Starts Xvfb on a display it picks itself, then Liferea in a D-Bus session of its own. */
  async start(): Promise<void> {
    this.display = await this.startXvfb();
    const busFile = path.join(this.dir, 'bus');
    const pidFile = path.join(this.dir, 'liferea.pid');
    // The shell writes the session's bus address and its own PID, then becomes Liferea (exec): that PID is Liferea's.
    const script = `echo "$DBUS_SESSION_BUS_ADDRESS" > '${busFile}'; echo $$ > '${pidFile}'; exec liferea --disable-plugins`;
    const log = fs.openSync(path.join(this.dir, 'liferea.log'), 'w');
    const child = spawn('dbus-run-session', ['--', 'sh', '-c', script], { env: this.env(), cwd: this.dir, stdio: ['ignore', log, log], detached: false });
    child.on('error', () => {});
    this.session = child;
    this.lifetime = setTimeout(() => void this.stop(), LIFETIME_MS);
    await until('Liferea to start', () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 20_000);
    this.lifereaPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    this.bus = fs.readFileSync(busFile, 'utf8').trim();
    await until('Liferea on D-Bus', () => this.call('Ping') !== null, 30_000);
  }

  /** Unread items as Liferea counts them (it ignores the server's read state: test what it sends, not this). */
  unreadItems(): number | null {
    const out = this.call('GetUnreadItems');
    const m = out && /int32 (\d+)/.exec(out);
    return m ? Number(m[1]) : null;
  }

  /** "Next unread" (Ctrl+N) in the main window: Liferea shows that item and marks it read. */
  nextUnread(): void {
    const win = spawnSync('xdotool', ['search', '--onlyvisible', '--name', 'Liferea'], { env: this.xEnv(), encoding: 'utf8' }).stdout.trim().split('\n')[0];
    if (!win) throw new Error('no Liferea window on the display');
    // No window manager runs on the display: focus the window directly; GTK ignores synthetic (--window) key events.
    spawnSync('xdotool', ['windowfocus', '--sync', win], { env: this.xEnv() });
    spawnSync('xdotool', ['key', 'ctrl+n'], { env: this.xEnv() });
  }

  log(): string {
    return fs.readFileSync(path.join(this.dir, 'liferea.log'), 'utf8');
  }

  /**
   * Stops Liferea, then Xvfb, each by its PID. Liferea blocks SIGTERM (GLib reads it on a
   * thread) and has been seen to hang on it at exit, which kept the test process (and CI)
   * waiting on its D-Bus session for ever: past a grace period it is killed.
   */
  async stop(): Promise<void> {
    if (this.lifetime) clearTimeout(this.lifetime);
    this.lifetime = null;
    const session = this.session;
    this.session = null;
    signal(this.lifereaPid, 'SIGTERM');
    if (session && !(await exited(session, STOP_GRACE_MS))) {
      signal(this.lifereaPid, 'SIGKILL');
      if (!(await exited(session, STOP_GRACE_MS))) signal(session.pid ?? 0, 'SIGKILL');
    }
    signal(this.xvfb?.pid ?? 0, 'SIGTERM');
    this.lifereaPid = 0;
    this.xvfb = null;
  }

  private call(method: string): string | null {
    const r = spawnSync('dbus-send', ['--session', '--print-reply', '--reply-timeout=5000', '--dest=org.gnome.feed.Reader', '/org/gnome/feed/Reader', `org.gnome.feed.Reader.${method}`], { env: { ...this.env(), DBUS_SESSION_BUS_ADDRESS: this.bus }, encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? r.stdout : null;
  }

  /** Xvfb writes the display it chose to the descriptor given with -displayfd. */
  private async startXvfb(): Promise<string> {
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    this.xvfb = xvfb;
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('Xvfb did not start')), 15_000);
      (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(`:${out.trim()}`);
        }
      });
      xvfb.on('error', reject);
    });
  }

  private xEnv(): NodeJS.ProcessEnv {
    return { ...process.env, DISPLAY: this.display };
  }

  private env(): NodeJS.ProcessEnv {
    const h = this.home;
    return { PATH: process.env.PATH, HOME: h, XDG_CONFIG_HOME: `${h}/.config`, XDG_CACHE_HOME: `${h}/.cache`, XDG_DATA_HOME: `${h}/.local/share`, DISPLAY: this.display, LANG: 'C.UTF-8', NO_AT_BRIDGE: '1' };
  }
}

import { terminalLine, terminalText } from '../render/terminalText.js';

/**
 * A progress bar on stderr. On a terminal it redraws one line; elsewhere (CI logs, pipes)
 * it prints a line per finished step so the log still tells how far it got.
 */
export class ProgressBar {
  private done = 0;
  private readonly tty: boolean;
  private lastDraw = 0;
  constructor(private total: number, private readonly label: string, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = !!out.isTTY;
  }

  tick(raw: string): void {
    this.done++;
    const note = terminalLine(raw);
    if (this.tty) this.draw(note);
    else this.out.write(`[${this.done}/${this.total}] ${note}\n`);
  }

  setTotal(total: number): void {
    this.total = total;
  }

  private draw(note: string): void {
    const now = Date.now();
    if (now - this.lastDraw < 50 && this.done < this.total) return;
    this.lastDraw = now;
    const width = 28;
    const ratio = this.total ? this.done / this.total : 1;
    const filled = Math.round(ratio * width);
    const cols = this.out.columns ?? 100;
    const line = `${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.done}/${this.total} ${note}`;
    this.out.write(`\r\u001b[2K${line.slice(0, cols - 1)}`);
  }

  finish(summary: string): void {
    if (this.tty) this.out.write('\r\u001b[2K');
    this.out.write(`${terminalText(summary)}\n`);
  }
}

/** Progress bars by name, fed by fetch work run here or in the server (cli/handover.ts). */
export class ProgressBars {
  private readonly bars = new Map<string, ProgressBar>();

  on = (e: { bar: string; total: number } | { bar: string; note: string }): void => {
    const bar = this.get(e.bar);
    if ('total' in e) bar.setTotal(e.total);
    else bar.tick(e.note);
  };

  get(name: string): ProgressBar {
    let bar = this.bars.get(name);
    if (!bar) this.bars.set(name, (bar = new ProgressBar(0, name)));
    return bar;
  }
}

/**
 * Caps how many requests run at once against one host, and how soon one may start after
 * the previous, so no publisher sees a burst from us. The task learns how long it waited
 * (for a slot and for the spacing), so callers can keep that out of their time limits.
 */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly nextStart = new Map<string, number>();
  constructor(private readonly perHost: number, private readonly spacingMs = 0) {}

  async run<T>(host: string, task: (queueWaitMs: number) => Promise<T>): Promise<T> {
    const queued = Date.now();
    await this.acquire(host);
    if (this.spacingMs > 0) await this.spaced(host);
    try {
      return await task(Date.now() - queued);
    } finally {
      this.release(host);
    }
  }

  /**
   * Claims the next start time when it has come, not in advance: a timer that fires late
   * (a busy event loop) must not let the next start follow at once.
   */
  private async spaced(host: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      const at = this.nextStart.get(host) ?? 0;
      if (at <= now) {
        this.nextStart.set(host, now + this.spacingMs);
        if (this.nextStart.size > 10_000) this.pruneSpacing(now);
        return;
      }
      await new Promise((r) => setTimeout(r, at - now));
    }
  }

  private acquire(host: string): Promise<void> {
    const n = this.active.get(host) ?? 0;
    if (n < this.perHost) {
      this.active.set(host, n + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const q = this.waiting.get(host) ?? [];
      q.push(resolve);
      this.waiting.set(host, q);
    });
  }

  private pruneSpacing(now: number): void {
    for (const [h, t] of this.nextStart) if (t < now) this.nextStart.delete(h);
  }

  private release(host: string): void {
    const q = this.waiting.get(host);
    const next = q?.shift();
    if (next) {
      if (q!.length === 0) this.waiting.delete(host);
      next(); // hand the slot over directly
      return;
    }
    const n = (this.active.get(host) ?? 1) - 1;
    if (n <= 0) this.active.delete(host);
    else this.active.set(host, n);
  }
}

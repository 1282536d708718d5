/** Caps how many requests run at once against one host, so no publisher sees a burst from us. */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();
  constructor(private readonly perHost: number) {}

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(host);
    try {
      return await task();
    } finally {
      this.release(host);
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

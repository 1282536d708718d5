/**
 * When a feed is checked next. After success: its interval, raised by what the feed asks
 * (RSS <ttl>). After failure: exponential back-off with jitter, capped (24 h by default),
 * so a dead feed costs little and a briefly broken one recovers soon.
 */
export function nextCheckAfterSuccess(now: Date, intervalSeconds: number, ttlMinutes: number | null): Date {
  const seconds = Math.min(24 * 3600, Math.max(intervalSeconds, (ttlMinutes ?? 0) * 60));
  return new Date(now.getTime() + seconds * 1000);
}

export function backoffSeconds(errorCount: number, intervalSeconds: number, maxSeconds: number, random: () => number = Math.random): number {
  const base = Math.min(maxSeconds, Math.max(60, intervalSeconds) * 2 ** Math.max(0, errorCount - 1));
  const jitter = 0.8 + 0.4 * random(); // ±20 % spreads retries of feeds that failed together
  return Math.min(maxSeconds, Math.round(base * jitter));
}

export function nextCheckAfterFailure(now: Date, errorCount: number, intervalSeconds: number, maxSeconds: number, retryAfterSeconds?: number | null): Date {
  let seconds = backoffSeconds(errorCount, intervalSeconds, maxSeconds);
  if (retryAfterSeconds && retryAfterSeconds > seconds) seconds = Math.min(maxSeconds, retryAfterSeconds);
  return new Date(now.getTime() + seconds * 1000);
}

/** Retry-After as seconds from now: either a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((t - now.getTime()) / 1000));
}

/**
 * When a feed is checked next.
 *
 * After success: the interval adapts to how often the feed publishes (half the typical gap
 * between its recent items), bounded to 5 min–24 h, and is only ever raised by what the
 * publisher asks for (RSS <ttl>, <sy:updatePeriod>, Cache-Control max-age, Expires).
 * After failure: exponential back-off with jitter, capped at 24 h, or later when the
 * server says Retry-After; a feed that keeps failing keeps being tried at the cap and is
 * shown as failing, never dropped.
 */
export const MIN_INTERVAL_SECONDS = 5 * 60;
export const MAX_INTERVAL_SECONDS = 24 * 3600;

export interface PublisherHints {
  ttlMinutes?: number | null;
  syndicationSeconds?: number | null;
  cacheMaxAgeSeconds?: number | null;
  expiresInSeconds?: number | null;
  /** While a WebSub hub pushes, polling is only the safety net: this is its floor. */
  pushFloorSeconds?: number | null;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Half the median gap between the most recent dated items; null when fewer than two. */
export function observedInterval(published: Array<string | null>, now: Date): number | null {
  const times = published
    .map((p) => (p ? Date.parse(p) : Number.NaN))
    .filter((t) => Number.isFinite(t) && t <= now.getTime() + 3600_000)
    .sort((a, b) => b - a)
    .slice(0, 10);
  if (times.length < 2) return null;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push((times[i - 1]! - times[i]!) / 1000);
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  // A feed whose newest item is old gets checked less often, whatever its past rhythm.
  const silence = (now.getTime() - times[0]!) / 1000;
  return Math.max(median / 2, silence / 4);
}

/** Cache-Control max-age / s-maxage and Expires, in seconds from now. */
export function cacheHints(headers: Record<string, string>, now: Date): Pick<PublisherHints, 'cacheMaxAgeSeconds' | 'expiresInSeconds'> {
  const cc = headers['cache-control'] ?? '';
  const maxAge = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)/i.exec(cc)?.[1];
  const expires = headers['expires'] ? Date.parse(headers['expires']) : Number.NaN;
  return {
    cacheMaxAgeSeconds: maxAge ? Number(maxAge) : null,
    expiresInSeconds: Number.isFinite(expires) ? Math.round((expires - now.getTime()) / 1000) : null,
  };
}

/** The feed's own rhythm, kept between refreshes: no publisher hint is folded into it. */
export function baseInterval(observed: number | null, previous: number): number {
  return Math.round(clamp(observed ?? previous, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS));
}

/** The interval actually waited: the feed's rhythm, raised by the hints of this response. */
export function intervalAfterSuccess(observed: number | null, previous: number, hints: PublisherHints): number {
  let interval = baseInterval(observed, previous);
  const floor = Math.max(
    (hints.ttlMinutes ?? 0) * 60,
    hints.syndicationSeconds ?? 0,
    hints.cacheMaxAgeSeconds ?? 0,
    hints.expiresInSeconds ?? 0,
    hints.pushFloorSeconds ?? 0,
  );
  interval = Math.min(MAX_INTERVAL_SECONDS, Math.max(interval, floor));
  return Math.round(interval);
}

/** ±5 % so that feeds added together do not stay in lock-step forever. */
export function nextCheckAfterSuccess(now: Date, intervalSeconds: number, random: () => number = Math.random): Date {
  const jittered = intervalSeconds * (0.95 + 0.1 * random());
  return new Date(now.getTime() + Math.round(jittered) * 1000);
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

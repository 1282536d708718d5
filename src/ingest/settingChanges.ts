import type { TidingsConfig } from '../config.js';
import { logger } from '../log/logger.js';
import { formatIso } from '../text/dates.js';
import type { Pipeline } from './pipeline.js';
import { nextRecheck } from './revisionPolicy.js';
import { scheduleSpanSeconds } from './recheckOnDemand.js';

const SCHEDULE_KEY = 'recheck_schedule';
const FETCH_KEY = 'fetch_settings';

/** Fetch settings whose change can turn a failure into a success, with the failure codes they cause. */
const FAILURES_BY_SETTING: Record<string, readonly string[]> = {
  allowPrivateNetworks: ['blocked_address'],
  maxBytes: ['too_large'],
  totalTimeoutMs: ['timeout'],
  userAgent: ['http_error', 'rate_limited'],
};

function fetchSettings(config: TidingsConfig): Record<string, unknown> {
  const f = config.fetch;
  return { allowPrivateNetworks: !!f.allowPrivateNetworks, maxBytes: f.maxBytes ?? null, totalTimeoutMs: f.totalTimeoutMs ?? null, userAgent: f.userAgent ?? null };
}

export interface SettingChanges {
  /** Articles whose next re-check the new schedule set again. */
  replanned: number;
  /** Feeds retried at once because the setting that failed them changed. */
  retried: number[];
}

/**
 * At a server's start: the settings in effect apply to what is stored. A changed
 * TIDINGS_RECHECK_SCHEDULE plans every stored re-check again; a changed fetch setting makes
 * the feeds it failed (e.g. blocked_address while private networks were off) due at once.
 * Each setting is remembered in the store, so only a change acts; the first start records.
 */
export async function applySettingChanges(p: Pipeline): Promise<SettingChanges> {
  const out: SettingChanges = { replanned: 0, retried: [] };
  const schedule = JSON.stringify(p.config.recheckSchedule);
  const oldSchedule = await p.store.getSetting(SCHEDULE_KEY);
  if (oldSchedule !== null && oldSchedule !== schedule) out.replanned = await replan(p);
  if (oldSchedule !== schedule) await p.store.setSetting(SCHEDULE_KEY, schedule);

  const now = fetchSettings(p.config);
  const raw = await p.store.getSetting(FETCH_KEY);
  const before = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  if (before) {
    const codes = Object.keys(now).filter((k) => before[k] !== now[k]).flatMap((k) => FAILURES_BY_SETTING[k] ?? []);
    out.retried = await p.store.retryFeedsFailedWith(codes, formatIso(p.now().getTime()));
  }
  if (raw !== JSON.stringify(now)) await p.store.setSetting(FETCH_KEY, JSON.stringify(now));
  if (out.replanned || out.retried.length) logger().info({ replanned: out.replanned, retried: out.retried.length }, 'settings changed since the last start: re-checks planned again, feeds they failed retried');
  return out;
}

function replan(p: Pipeline): Promise<number> {
  const now = p.now();
  const since = formatIso(now.getTime() - scheduleSpanSeconds(p.config.recheckSchedule) * 1000);
  return p.store.replanRechecks(since, (publishedAt) => {
    const next = nextRecheck(publishedAt, now, p.config.recheckSchedule);
    return next ? formatIso(next.getTime()) : null;
  });
}

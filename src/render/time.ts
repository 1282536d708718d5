/** Times as the reading format shows them: `YYYY-MM-DD HH:MM:SS` in the configured zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Formatted times by zone and instant: a river page shows the same hundred times to every
 * request, and formatToParts is the costliest step of rendering it. Bounded: the oldest
 * entry goes when it is full.
 */
const formatted = new Map<string, string>();
const FORMATTED_MAX = 10_000;

export function formatLocalTime(iso: string, timeZone = 'UTC'): string {
  const key = `${timeZone} ${iso}`;
  let out = formatted.get(key);
  if (out === undefined) {
    out = formatUncached(iso, timeZone);
    if (formatted.size >= FORMATTED_MAX) formatted.delete(formatted.keys().next().value!);
    formatted.set(key, out);
  }
  return out;
}

function formatUncached(iso: string, timeZone: string): string {
  // UTC needs no zone rules: the ISO form says it (formatToParts was a tenth of an article page).
  if (timeZone === 'UTC') {
    const utc = new Date(iso).toISOString();
    if (utc.length === 24 && utc >= '1000') return `${utc.slice(0, 10)} ${utc.slice(11, 19)}`;
  }
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    // Intl throws RangeError for an unknown zone: that is the answer, not a failure.
    return false;
  }
}

/** How long ago, in words: `just now`, `1 minute ago`, `5 hours ago`, `3 days ago`, `2 months ago`. */
export function relativeAge(iso: string, now: Date): string {
  const seconds = Math.floor((now.getTime() - Date.parse(iso)) / 1000);
  if (seconds < 0) {
    return seconds > -60 ? 'just now' : `in ${unit(-seconds)}`;
  }
  if (seconds < 60) return 'just now';
  return `${unit(seconds)} ago`;
}

function unit(seconds: number): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (seconds < 3600) return plural(Math.floor(seconds / 60), 'minute');
  if (seconds < 86400) return plural(Math.floor(seconds / 3600), 'hour');
  const days = Math.floor(seconds / 86400);
  if (days < 30) return plural(days, 'day');
  if (days < 365) return plural(Math.floor(days / 30), 'month');
  return plural(Math.floor(days / 365), 'year');
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day, weekday and clock time of an instant in a zone. */
function localDay(at: Date, timeZone: string) {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    dayFormatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  // Days since the epoch of the local calendar day: differences count midnights, not 24 h spans.
  return { year, month, day, serial: Date.UTC(year, month - 1, day) / 86_400_000, weekday: parts.weekday!, clock: `${parts.hour}:${parts.minute}` };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The day of an instant as a reader says it, in their zone: `14:05` today, `yesterday`,
 * a weekday within the last week, `3 Nov` within the year, `3 Nov 2025` before (and for a
 * day after today: a clock that ran ahead is shown as the date it says).
 */
export function relativeDay(iso: string, now: Date, timeZone = 'UTC'): string {
  const then = localDay(new Date(iso), timeZone);
  const today = localDay(now, timeZone);
  const days = today.serial - then.serial;
  if (days === 0) return then.clock;
  if (days === 1) return 'yesterday';
  if (days > 1 && days < 7) return then.weekday;
  const date = `${then.day} ${MONTHS[then.month - 1]}`;
  return then.year === today.year ? date : `${date} ${then.year}`;
}

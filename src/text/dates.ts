/**
 * Feed dates in every form publishers send them (RFC 822 and its sloppy cousins, W3C-DTF /
 * ISO 8601, a few others) → `YYYY-MM-DDTHH:MM:SSZ`. A date that carries no zone is UTC.
 */
const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 60, cet: 60, cest: 120, met: 60, mest: 120, eet: 120, eest: 180, msk: 180,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  ast: -240, adt: -180, akst: -540, akdt: -480, hst: -600, nzst: 720, nzdt: 780, aest: 600, aedt: 660,
  acst: 570, awst: 480, jst: 540, kst: 540, ist: 330, sgt: 480, hkt: 480,
  // North American zones written without their S/D letter: read as standard time.
  at: -240, et: -300, ct: -360, mt: -420, pt: -480,
  // RFC 822 military zones (their signs were famously specified backwards; treat as UTC offsets as written)
  a: -60, m: -720, n: 60, y: 720,
};

// Feeds repeat one date under several names (pubDate read as published and as updated).
let lastInput = '';
let lastOutput: string | null = null;

export function parseDate(input: string | null | undefined): string | null {
  if (!input) return null;
  if (input === lastInput) return lastOutput;
  lastOutput = parseDateUncached(input);
  lastInput = input;
  return lastOutput;
}

const MONTH3: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

/** "Thu, 27 Mar 2025 21:15:07 +0000" / "… GMT": the form most RSS feeds use, read without regexes. */
function fastRfc822(s: string): number | null {
  if (s.length !== 31 && s.length !== 29) return null;
  if (s.charCodeAt(3) !== 44 || s.charCodeAt(4) !== 32 || s.charCodeAt(7) !== 32 || s.charCodeAt(11) !== 32 || s.charCodeAt(16) !== 32 || s.charCodeAt(19) !== 58 || s.charCodeAt(22) !== 58 || s.charCodeAt(25) !== 32) return null;
  const num = (from: number, len: number) => {
    let n = 0;
    for (let i = from; i < from + len; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return n;
  };
  const mo = MONTH3[s.slice(8, 11)];
  const day = num(5, 2), y = num(12, 4), h = num(17, 2), mi = num(20, 2), sec = num(23, 2);
  if (!mo || day < 0 || y < 0 || h < 0 || mi < 0 || sec < 0) return null;
  let off = 0;
  if (s.length === 31) {
    const sign = s.charCodeAt(26);
    const hh = num(27, 2), mm = num(29, 2);
    if ((sign !== 43 && sign !== 45) || hh < 0 || mm < 0) return null;
    off = (sign === 45 ? -1 : 1) * (hh * 60 + mm);
  } else if (s.slice(26) !== 'GMT' && s.slice(26) !== 'UTC') return null;
  return utc(y, mo, day, h, mi, sec, off, true);
}

/** The longest date text read ("Thursday, 27 September 2025 …" needs under 80): a bound for the patterns below. */
const DATE_MAX_CHARS = 200;

function parseDateUncached(input: string): string | null {
  const fast = fastRfc822(input);
  if (fast !== null) return formatIso(fast);
  const s = input.trim().replace(/\s+/g, ' ');
  if (!s || s.length > DATE_MAX_CHARS) return null;
  let ms = parseIsoReduced(s);
  if (ms === undefined) ms = parseDatabaseStyle(s);
  if (ms === undefined) ms = parseW3c(s);
  if (ms === undefined) ms = parseRfc822(s);
  if (ms === undefined) ms = parseLocalized(s);
  if (ms === undefined) ms = parseLoose(s);
  if (ms === null || !Number.isFinite(ms)) return null;
  return formatIso(ms);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

// Years 1000–9999, the years formatIso writes as four digits.
const ISO_MIN_MS = Date.UTC(1000, 0, 1);
const ISO_END_MS = Date.UTC(10000, 0, 1);
const DAY_MS = 86_400_000;

export function formatIso(ms: number): string {
  if (!(ms >= ISO_MIN_MS && ms < ISO_END_MS)) return formatIsoByDate(ms);
  // Calendar fields by integer arithmetic (days to civil date, proleptic Gregorian as
  // Date is), written as one flat string: no Date per call, and no tree of concatenations
  // kept with every item for as long as its feed is.
  const t = Math.trunc(ms); // as Date's TimeClip reads a fraction
  const days = Math.floor(t / DAY_MS);
  const secs = Math.floor((t - days * DAY_MS) / 1000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(secs / 3600);
  const mi = Math.floor((secs % 3600) / 60);
  const sec = secs % 60;
  const digit = (n: number) => 48 + (Math.floor(n) % 10);
  return String.fromCharCode(
    digit(year / 1000), digit(year / 100), digit(year / 10), digit(year), 45, digit(month / 10), digit(month), 45, digit(day / 10), digit(day), 84,
    digit(h / 10), digit(h), 58, digit(mi / 10), digit(mi), 58, digit(sec / 10), digit(sec), 90,
  );
}

/** formatIso outside the four-digit years (and for what is not a time at all). */
function formatIsoByDate(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 1000 || y > 9999) return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return `${y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z`;
}

/**
 * A UTC instant from calendar fields. A time of day past its range (25:14, 10:61, 10:14:61)
 * carries into the next unit, as feedparser documents for "bogus W3CDTF"; a day past the
 * month's end is refused unless `rollDay` (RFC 822's "31 Jun" is 1 July there).
 */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0, offsetMinutes = 0, rollDay = false): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 99 || mi > 99 || sec > 99) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (!rollDay && new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null; // 30 February
  return ms - offsetMinutes * 60_000;
}

function offsetOf(zone: string | undefined): number | null {
  if (!zone) return 0;
  const z = zone.trim();
  // regex-safe: anchored, a few characters at most
  const m = /^(?:GMT|UTC|UT)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(z);
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    const hh = Number(m[2]);
    const mm = Number(m[3] ?? 0);
    if (m[3] === undefined && m[2]!.length > 2) return null;
    return sign * (hh * 60 + mm);
  }
  const named = ZONES[z.toLowerCase()];
  return named === undefined ? null : named;
}

function year2(y: string): number {
  const n = Number(y);
  if (y.length === 2) return n < 50 ? 2000 + n : 1900 + n;
  if (y.length === 3) return 1900 + n;
  return n;
}

// 2025-03-27T21:15:07.123+01:00, 2025-03-27, 2025-03, 2025, 20250327T211507Z, 2025-03-27 21:15
const W3C =
  // regex-safe: anchored; dates over DATE_MAX_CHARS are refused before any pattern runs
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T ](\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?)?)?)?$/;

// ISO 8601's other date forms: two-digit years after a hyphen (-25-03, -2503, -25-03-27),
// yymmdd (250327) and ordinal dates (2025-086, 2025086, 25086). Dates only: no time part.
// regex-safe: anchored, fixed-length digit groups
const ISO_TWO_DIGIT_YEAR = /^-(\d{2})-?(\d{2})(?:-?(\d{2}))?$/;
// regex-safe: anchored, fixed-length digit groups
const ISO_YYMMDD = /^(\d{2})(\d{2})(\d{2})$/;
// regex-safe: anchored, fixed-length digit groups
const ISO_ORDINAL = /^(\d{4}-?|\d{2})(\d{3})$/;

function parseIsoReduced(s: string): number | null | undefined {
  let m = ISO_TWO_DIGIT_YEAR.exec(s) ?? ISO_YYMMDD.exec(s);
  if (m) return utc(year2(m[1]!.replace('-', '')), Number(m[2]), m[3] ? Number(m[3]) : 1);
  m = ISO_ORDINAL.exec(s);
  if (!m) return undefined;
  const y = year2(m[1]!.replace('-', ''));
  const day = Number(m[2]);
  const daysInYear = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365;
  if (day < 1 || day > daysInYear) return null;
  return Date.UTC(y, 0, day);
}

function parseW3c(s: string): number | null | undefined {
  const m = W3C.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  const off = offsetOf(m[7]);
  if (off === null) return null;
  return utc(y, mo, d, m[4] ? Number(m[4]) : 0, m[5] ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, off);
}

// [Thu,] 27 Mar 2025 21:15[:07] [+0000|GMT|EST]  (also "27-Mar-2025", "Mar 27 2025", missing comma)
const RFC822 =
  // regex-safe: anchored; dates over DATE_MAX_CHARS are refused before any pattern runs
  /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2,4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*([A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}:?\d{2}|[+-]\d{4})?\s*(?:\([^)]*\))?$/i;
const US_STYLE =
  // regex-safe: anchored; dates over DATE_MAX_CHARS are refused before any pattern runs
  /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}),?(?:\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*([A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}:?\d{2})?$/i;
// asctime: Thu Mar 27 21:15:07 2025
// regex-safe: anchored; dates over DATE_MAX_CHARS are refused before any pattern runs
const ASCTIME = /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(?:([A-Za-z]{1,5}|[+-]\d{4})\s+)?(\d{4})$/;

// undefined: not this form; null: this form, but an impossible date.
function parseRfc822(s: string): number | null | undefined {
  let m = RFC822.exec(s);
  if (m) {
    const mo = MONTHS[m[2]!.toLowerCase()];
    if (!mo) return null;
    const off = offsetOf(m[7]);
    if (off === null) return null;
    return utc(year2(m[3]!), mo, Number(m[1]), m[4] ? Number(m[4]) : 0, m[5] ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, off, true);
  }
  m = US_STYLE.exec(s);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase()];
    if (!mo) return null;
    let h = m[4] ? Number(m[4]) : 0;
    if (m[7]) {
      const pm = m[7].toLowerCase() === 'pm';
      if (h === 12) h = pm ? 12 : 0;
      else if (pm) h += 12;
    }
    const off = offsetOf(m[8]);
    if (off === null) return null;
    return utc(Number(m[3]), mo, Number(m[2]), h, m[5] ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, off);
  }
  m = ASCTIME.exec(s);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase()];
    const off = offsetOf(m[6]);
    if (!mo || off === null) return null;
    return utc(Number(m[7]), mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), off);
  }
  return undefined;
}

// 2004-07-08 23:56:58[.0]: an MS SQL timestamp, a space before the time and no zone. Read
// as UTC like every other zone-less time here: feedparser documents it as Korean local time
// (UTC+9, the blog hosts that once sent it), which would move most publishers' times 9 h.
// regex-safe: anchored, fixed-length digit groups
const MSSQL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?$/;
// Fri, 2006/09/15 08:19:53 EDT: Perforce's changelog feeds
// regex-safe: anchored, fixed literals between short digit groups
const PERFORCE = /^(?:[A-Za-z]{3},? )?(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) ([A-Za-z]{1,5}|[+-]\d{4})$/;

function parseDatabaseStyle(s: string): number | null | undefined {
  // Cheap guards first: most dates here are W3C-DTF (a "T" at 10) and have no slash.
  let m = s.charCodeAt(10) === 32 ? MSSQL.exec(s) : null;
  if (m) return utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), 0);
  m = s.includes('/') ? PERFORCE.exec(s) : null;
  if (!m) return undefined;
  const off = offsetOf(m[7]);
  return off === null ? null : utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), off);
}

// ---- localized forms feedparser documents (Korean blog hosts, Greek and Hungarian feeds) ----

const KST = 540; // Korean sites write their local time (UTC+9) without saying so.
// 2004년 05월 28일 01:31:15 (OnBlog)
// regex-safe: anchored; fixed literals between the digit groups, input capped at DATE_MAX_CHARS
const KOREAN_ONBLOG = /^(\d{4})\uB144\s*(\d{1,2})\uC6D4\s*(\d{1,2})\uC77C\s+(\d{1,2}):(\d{2}):(\d{2})$/;
// 2004-05-25 오후 11:23:17 (Nate): 오전 is a.m., 오후 p.m.
// regex-safe: anchored; fixed literals between the digit groups, input capped at DATE_MAX_CHARS
const KOREAN_NATE = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\uC624\uC804|\uC624\uD6C4)\s+(\d{1,2}):(\d{2}):(\d{2})$/;

// Greek month abbreviations without accents, lower case; June and July need four letters.
const GREEK_MONTHS: Array<[string, number]> = [
  ['\u03b9\u03b1\u03bd', 1], ['\u03c6\u03b5\u03b2', 2], ['\u03bc\u03b1\u03c1', 3], ['\u03b1\u03c0\u03c1', 4], ['\u03bc\u03b1\u03b9', 5],
  ['\u03b9\u03bf\u03c5\u03bd', 6], ['\u03b9\u03bf\u03bd', 6], ['\u03b9\u03bf\u03c5\u03bb', 7], ['\u03b9\u03bf\u03bb', 7],
  ['\u03b1\u03c5\u03b3', 8], ['\u03c3\u03b5\u03c0', 9], ['\u03bf\u03ba\u03c4', 10], ['\u03bd\u03bf\u03b5', 11], ['\u03b4\u03b5\u03ba', 12],
];
const HUNGARIAN_MONTHS = ['janu\u00e1r', 'febru\u00e1r', 'm\u00e1rcius', '\u00e1prilis', 'm\u00e1jus', 'j\u00fanius', 'j\u00falius', 'augusztus', 'szeptember', 'okt\u00f3ber', 'november', 'december'];
// Κυρ, 11 Ιούλ 2004 12:00:00 EST: a Greek weekday and month around an RFC 822 date
// regex-safe: anchored; the runs are separated by required spaces or digits, input capped
const GREEK_RFC822 = /^(?:[\u0370-\u03ff\u1f00-\u1fff]+,?\s+)?(\d{1,2})\s+([\u0370-\u03ff\u1f00-\u1fff]+)\.?\s+(\d{2,4})(\s.*)?$/;
// 2004-július-13T9:15-05:00: W3C-DTF with the Hungarian month name
// regex-safe: anchored; a letter run between two literal hyphens, input capped
const HUNGARIAN_W3C = /^(\d{4})-([a-z\u00e1\u00e9\u00ed\u00f3\u00f6\u0151\u00fa\u00fc\u0171]+)-(\d{1,2})(T.*)?$/i;

function greekMonth(word: string): number | undefined {
  const plain = word.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return GREEK_MONTHS.find(([prefix]) => plain.startsWith(prefix))?.[1];
}

function parseLocalized(s: string): number | null | undefined {
  let m = KOREAN_ONBLOG.exec(s);
  if (m) return utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), KST);
  m = KOREAN_NATE.exec(s);
  if (m) {
    const h = Number(m[5]) % 12 + (m[4] === '\uC624\uD6C4' ? 12 : 0);
    return utc(Number(m[1]), Number(m[2]), Number(m[3]), h, Number(m[6]), Number(m[7]), KST);
  }
  m = GREEK_RFC822.exec(s);
  if (m) {
    const mo = greekMonth(m[2]!);
    return mo ? parseRfc822(`${m[1]} ${Object.keys(MONTH3)[mo - 1]} ${m[3]}${m[4] ?? ''}`) ?? null : null;
  }
  m = HUNGARIAN_W3C.exec(s);
  if (m) {
    const mo = HUNGARIAN_MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
    if (!mo) return null;
    // The hour may come with one digit: W3C-DTF wants two.
    const time = (m[4] ?? '').replace(/^T(\d)(?=:)/, 'T0$1');
    return parseW3c(`${m[1]}-${pad2(mo)}-${pad2(Number(m[3]))}${time}`) ?? null;
  }
  return undefined;
}

function parseLoose(s: string): number | null {
  // Last resort: the engine's parser, but only when the string names its zone, since a
  // zoneless string would be read in the server's local time.
  if (!/(?:Z|[+-]\d{2}:?\d{2}|GMT|UTC)\s*$/i.test(s)) {
    const t = Date.parse(`${s} UTC`);
    return Number.isNaN(t) ? null : t;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/**
 * A search bound a person or client gave: a calendar day (YYYY-MM-DD, UTC; as the end of a
 * range it takes that whole day in) or an ISO 8601 time with its zone. Null for anything
 * else, 31 February included, so the caller can say why instead of finding nothing.
 */
export function searchBound(input: string, end: boolean): string | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  if (day) {
    const ms = utc(Number(day[1]), Number(day[2]), Number(day[3]));
    return ms === null ? null : formatIso(end ? ms + 86400_000 : ms);
  }
  // regex-safe: anchored, callers cap the input at 40 characters, and no two runs can overlap.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/.test(input)) return null;
  const ms = Date.parse(input);
  return Number.isFinite(ms) ? formatIso(ms) : null;
}

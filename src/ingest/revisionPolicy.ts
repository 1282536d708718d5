import { diffWords } from 'diff';

/**
 * When a stored article is read again from its page, and which changes count.
 *
 * Re-checks thin out with age: every 15 minutes in the first hour after publication,
 * hourly until 6 hours, every 6 hours until a day, daily until a week, then never
 * (TIDINGS_RECHECK_SCHEDULE="15m<1h,1h<6h,6h<1d,1d<7d" changes it).
 */
export interface RecheckStep {
  everySeconds: number;
  untilAgeSeconds: number;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

function seconds(spec: string): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(spec.trim());
  if (!m) throw new Error(`not a duration: "${spec}" (use e.g. 15m, 6h, 1d)`);
  return Number(m[1]) * UNIT[m[2]!]!;
}

export function parseRecheckSchedule(spec: string): RecheckStep[] {
  const steps = spec
    .split(',')
    .filter((s) => s.trim())
    .map((part) => {
      const [every, until] = part.split('<');
      if (!every || !until) throw new Error(`recheck step "${part}" must read EVERY<UNTIL, e.g. 1h<6h`);
      return { everySeconds: seconds(every), untilAgeSeconds: seconds(until) };
    });
  return steps.sort((a, b) => a.untilAgeSeconds - b.untilAgeSeconds);
}

export const DEFAULT_RECHECK_SCHEDULE: RecheckStep[] = parseRecheckSchedule('15m<1h,1h<6h,6h<1d,1d<7d');

/** The next time to read the article again, or null when it is old enough to be left alone. */
export function nextRecheck(publishedAt: string, now: Date, schedule: RecheckStep[] = DEFAULT_RECHECK_SCHEDULE): Date | null {
  const published = Date.parse(publishedAt);
  const age = (now.getTime() - (Number.isFinite(published) ? Math.min(published, now.getTime()) : now.getTime())) / 1000;
  const step = schedule.find((s) => age < s.untilAgeSeconds);
  if (!step) return null;
  return new Date(now.getTime() + step.everySeconds * 1000);
}

/** Words of a text: what a reader would call the same text whatever its spacing. */
function words(text: string): string[] {
  return text.normalize('NFC').split(/\s+/).filter(Boolean);
}

/**
 * A change worth a revision: the title changed, or words changed in a real paragraph.
 * Whitespace, and changes confined to short lines (a rotating "Related: …" or "Read more"
 * box, a "Updated 5 minutes ago" stamp) are not.
 */
export function significantChange(before: { title: string; text: string }, after: { title: string; text: string }): boolean {
  if (words(before.title).join(' ') !== words(after.title).join(' ')) return true;
  const para = (t: string) => t.split(/\n+/).map((p) => words(p).join(' ')).filter((p) => p.split(' ').length >= 8);
  const a = para(before.text).join('\n');
  const b = para(after.text).join('\n');
  if (a === b) return false;
  return diffWords(a, b).some((part) => (part.added || part.removed) && /[\p{L}\p{N}]/u.test(part.value));
}

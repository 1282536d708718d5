import { diffWords } from 'diff';
import { DEFAULT_RECHECK_SCHEDULE, type RecheckStep } from '../model/recheckSchedule.js';

/*
 * When a stored article is read again from its page (the schedule by age is
 * model/recheckSchedule.ts), and which changes count as a revision.
 */

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

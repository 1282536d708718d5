/**
 * How often a stored article's page is read again, by its age: every 15 minutes in the first
 * hour after publication, hourly until 6 hours, every 6 hours until a day, daily until a
 * week, then never (TIDINGS_RECHECK_SCHEDULE="15m<1h,1h<6h,6h<1d,1d<7d" changes it).
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


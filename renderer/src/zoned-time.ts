/**
 * Wall-clock parts of an instant in a named IANA time zone, and back. Pure (Intl only), so parsing and
 * tick labels can be tested in any zone regardless of the machine's own.
 */

export interface WallTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone: callers pass zones Intl itself reported.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `epochMs`. */
export function wallTime(epochMs: number, timeZone: string): WallTime {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(epochMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second!, ms: ((epochMs % 1000) + 1000) % 1000 };
}

const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);

/**
 * The instant whose wall clock in `timeZone` reads `w`. A time skipped by a DST jump lands after the
 * jump; a repeated one takes its first occurrence.
 */
export function epochOfWall(w: WallTime, timeZone: string): number {
  const target = asUtc(w);
  // The zone's offset at a nearby instant, refined once: enough for any real zone's transitions.
  let guess = target - (asUtc(wallTime(target, timeZone)) - target);
  guess = target - (asUtc(wallTime(guess, timeZone)) - guess);
  const earlier = guess - 3600_000;
  return asUtc(wallTime(earlier, timeZone)) === target ? earlier : guess;
}

/** `YYYY-MM-DD` of the wall date in `timeZone`. */
export function wallDate(epochMs: number, timeZone: string): string {
  const w = wallTime(epochMs, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

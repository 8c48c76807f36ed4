/** Parsing what the user types into the align box. Pure: the time zone is always passed in. */
import { epochOfWall, wallTime, type WallTime } from '../../zoned-time.ts';

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  min: 60e9,
  h: 3600e9,
  d: 86400e9,
};

/**
 * An offset → ns, or null: a signed sum of amounts with units (`+2.5s`, `-300ms`, `+1h`, `-2d 3h`:
 * the sign applies to the whole sum), or a bare number of seconds (`-0.5`). Units: ns, us/µs, ms, s,
 * m/min, h, d.
 */
export function parseOffset(text: string): number | null {
  const m = /^\s*([-+−]?)\s*(.*?)\s*$/.exec(text)!;
  const body = m[2]!;
  const sign = m[1] === '-' || m[1] === '−' ? -1 : 1;
  const num = '(\\d+(?:\\.\\d*)?|\\.\\d+)';
  const bare = new RegExp(`^${num}$`).exec(body);
  if (bare) return sign * Number(bare[1]) * 1e9;
  const term = new RegExp(`${num}\\s*(ns|us|µs|ms|min|s|m|h|d)(?![a-zµ])\\s*`, 'y');
  let total = 0;
  let pos = 0;
  while (pos < body.length) {
    term.lastIndex = pos;
    const t = term.exec(body);
    if (!t) return null;
    total += Number(t[1]) * UNIT_NS[t[2]!]!;
    pos = term.lastIndex;
  }
  return pos === 0 ? null : sign * total;
}

/**
 * An offset as the box shows it, in the units parseOffset reads back exactly: `-11d 16h 19m 45.397s`,
 * `+2.5s`, `0s`. Seconds keep every nanosecond there is (trailing zeros dropped).
 */
export function formatOffset(ns: number): string {
  if (ns === 0) return '0s';
  let rest = Math.abs(Math.round(ns));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400e9], ['h', 3600e9], ['m', 60e9]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest > 0 || parts.length === 0) parts.push(`${(rest / 1e9).toFixed(9).replace(/\.?0+$/, '')}s`);
  return `${ns < 0 ? '-' : '+'}${parts.join(' ')}`;
}

/**
 * A full date-time → epoch ms, or null. ISO 8601 with a zone (`2026-11-22T19:46:31.5Z`,
 * `…+01:00`) is that instant; without one (`2026-11-22T19:46:31`, or the shown format
 * `2026-11-22 19:46:31.500`) it is read on the wall clock of `timeZone`. Milliseconds precision.
 */
export function parseDateTime(text: string, timeZone: string): number | null {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i.exec(text);
  if (!m) return null;
  const w: WallTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
    ms: Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')),
  };
  if (!validWall(w)) return null;
  const zone = m[8];
  if (!zone) return epochOfWall(w, timeZone);
  const utc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
  if (/^z$/i.test(zone)) return utc;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const mins = Number(z[2]) * 60 + Number(z[3] ?? 0);
  if (Number(z[2]) > 23 || Number(z[3] ?? 0) > 59) return null;
  return utc - (z[1] === '-' ? -1 : 1) * mins * 60_000;
}

function validWall(w: WallTime): boolean {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  // Day within its month (no 2026-02-30).
  return new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDate() === w.day;
}

/** Where a time of day is put on the calendar. */
export interface ClockContext {
  /** The source's current start (epoch ms): its date is kept unless `near` is given. */
  currentMs: number;
  timeZone: string;
  /**
   * For a source whose date is only estimated (a file mtime after a copy can be days off): the
   * session's evidence span (epoch ms). The time of day then takes the date, among the span's days and
   * one day either side, that puts it nearest the span (inside it when possible; the earlier on a tie).
   */
  near?: { startMs: number; endMs: number };
}

/** "HH:MM(:SS(.mmm))" → epoch ms on the date chosen by `ctx`, or null. */
export function parseTimeOfDay(text: string, ctx: ClockContext): number | null {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3}))?)?\s*$/.exec(text);
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  const ms = Number((m[4] ?? '0').padEnd(3, '0'));
  const at = (day: WallTime) => epochOfWall({ ...day, hour: h, minute: mi, second: s, ms }, ctx.timeZone);
  if (!ctx.near) return at(wallTime(ctx.currentMs, ctx.timeZone));
  const { startMs, endMs } = ctx.near;
  const distance = (t: number) => (t < startMs ? startMs - t : t > endMs ? t - endMs : 0);
  let best: number | null = null;
  // Calendar days from the one before the span's first to the one after its last (noon steps dodge DST).
  const first = wallTime(startMs, ctx.timeZone);
  for (let i = -1; ; i++) {
    const day = wallTime(Date.UTC(first.year, first.month - 1, first.day + i, 12), 'UTC');
    const t = at(day);
    if (best === null || distance(t) < distance(best)) best = t;
    if (t > endMs + 86400_000 || i > 400) break;
  }
  return best;
}

/** What the "starts at" box holds: a full date-time, else a time of day. */
export function parseStartAt(text: string, ctx: ClockContext): number | null {
  return parseDateTime(text, ctx.timeZone) ?? parseTimeOfDay(text, ctx);
}

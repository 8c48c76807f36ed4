/** Parsing what the user types into the offset editor. Pure. */

/** "+1.25" / "-0.5" / "3" seconds → ns, or null. */
export function parseOffsetSeconds(text: string): number | null {
  const m = /^\s*([-+−]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*s?\s*$/.exec(text);
  if (!m) return null;
  const v = Number(m[2]) * 1e9;
  return m[1] === '-' || m[1] === '−' ? -v : v;
}

/** "HH:MM:SS(.mmm)" on the day of `day` (local time) → that Date, or null. */
export function parseClockOn(text: string, day: Date): Date | null {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?\s*$/.exec(text);
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  const d = new Date(day.getTime());
  d.setHours(h, mi, s, Number((m[4] ?? '0').padEnd(3, '0')));
  return d;
}

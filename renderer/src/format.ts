/** Display formatting for times, durations, sizes and counts. */

/** Wall-clock Date of a point on the session axis. */
export function axisToDate(originEpochNs: string, axisNs: number): Date {
  // Keep the origin's sub-millisecond part (µs precision), then round to the nearest ms: a tick at a
  // round wall-clock time must not print as …499.
  const originMs = Number(BigInt(originEpochNs) / 1_000n) / 1_000;
  return new Date(Math.round(originMs + axisNs / 1e6));
}

export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** HH:MM:SS.mmm in the local time zone. */
export function formatClock(d: Date, withMs = true): string {
  const s = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
}

export function formatDateTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(d)}`;
}

export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 60e9) return `${(ns / 60e9).toFixed(1)} min`;
  if (a >= 1e9) return `${(ns / 1e9).toFixed(a >= 10e9 ? 1 : 2)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(a >= 10e6 ? 1 : 2)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

export function formatBytes(n: number): string {
  const a = Math.abs(n);
  if (a >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (a >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (a >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A value in a pprof unit: nanoseconds → time, bytes → sizes, counts with separators. */
/** Time units a profile may name, in ns (Go's are nanoseconds; legacy Java contention is microseconds). */
const TIME_UNIT_NS: Record<string, number> = { nanoseconds: 1, microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };
/** Byte units a profile may name (legacy heap profiles' `resolution`), in bytes. */
const BYTE_UNIT: Record<string, number> = { bytes: 1, kilobytes: 2 ** 10, megabytes: 2 ** 20, gigabytes: 2 ** 30 };

/** A profile value in its unit: time and bytes scaled, any other named unit printed after the number. */
export function formatValue(v: number, unit: string): string {
  const ns = TIME_UNIT_NS[unit];
  if (ns !== undefined) return formatDuration(v * ns);
  const b = BYTE_UNIT[unit];
  if (b !== undefined) return formatBytes(v * b);
  return unit && unit !== 'count' ? `${formatCount(v)} ${unit}` : formatCount(v);
}

/**
 * A Go function name without its package's directory path, as pprof's labels read:
 * `net/http.(*persistConn).readLoop` → `http.(*persistConn).readLoop`,
 * `github.com/a/b/c.F` → `c.F`. The full name belongs in a tooltip.
 */
export function shortFunctionName(name: string): string {
  // The package path ends at the first '.' after the last '/' that precedes any '(' or '.'-method part.
  const paren = name.indexOf('(');
  const head = paren >= 0 ? name.slice(0, paren) : name;
  const slash = head.lastIndexOf('/');
  return slash >= 0 ? name.slice(slash + 1) : name;
}

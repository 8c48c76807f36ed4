/**
 * The trace timeline's time scale (pure): ns ↔ px over the plot area, zoom about a point and pan kept
 * inside the trace, and axis ticks labelled in human units as time since the trace's start (as `go
 * tool trace` and Perfetto label them). Times are the trace's own clock (SourceNs as plain numbers).
 */

export interface Span {
  startNs: number;
  endNs: number;
}

/** The plot: a window of time drawn over `w` px starting at `x0`. */
export interface Viewport extends Span {
  x0: number;
  w: number;
}

/** The narrowest window: a few ns over the plot, so single events read at nanosecond resolution. */
export const MIN_SPAN_NS = 20;

export const xOf = (v: Viewport, ns: number): number => v.x0 + ((ns - v.startNs) / (v.endNs - v.startNs)) * v.w;
export const nsOf = (v: Viewport, px: number): number => v.startNs + ((px - v.x0) / v.w) * (v.endNs - v.startNs);
/** ns per CSS pixel. */
export const nsPerPx = (v: Viewport): number => (v.endNs - v.startNs) / Math.max(1, v.w);

/** `win` kept inside `bounds` (same length when it fits, else the whole bounds). */
export function clampSpan(win: Span, bounds: Span): Span {
  const len = win.endNs - win.startNs;
  const full = bounds.endNs - bounds.startNs;
  if (len >= full) return { startNs: bounds.startNs, endNs: bounds.endNs };
  const start = Math.min(Math.max(win.startNs, bounds.startNs), bounds.endNs - len);
  return { startNs: start, endNs: start + len };
}

/** Zoom by `factor` (< 1 in, > 1 out) keeping `centerNs` under the same pixel. */
export function zoomAt(win: Span, factor: number, centerNs: number, bounds: Span, minSpan = MIN_SPAN_NS): Span {
  const len = win.endNs - win.startNs;
  const next = Math.min(bounds.endNs - bounds.startNs, Math.max(minSpan, len * factor));
  const f = len > 0 ? (centerNs - win.startNs) / len : 0.5;
  const start = centerNs - f * next;
  return clampSpan({ startNs: start, endNs: start + next }, bounds);
}

export function panBy(win: Span, deltaNs: number, bounds: Span): Span {
  return clampSpan({ startNs: win.startNs + deltaNs, endNs: win.endNs + deltaNs }, bounds);
}

/** A window around `[a, b]` with `pad` of its length on each side (at least MIN_SPAN_NS long). */
export function around(a: number, b: number, pad: number, bounds: Span): Span {
  const len = Math.max(MIN_SPAN_NS, b - a);
  return clampSpan({ startNs: a - len * pad, endNs: a + len * (1 + pad) }, bounds);
}

/** A 1/2/5 × 10^k step (ns, ≥ 1) giving about `target` ticks over `span`. */
export function niceStep(span: number, target: number): number {
  const raw = Math.max(1, span / Math.max(1, target));
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(1, m * p);
  return 10 * p;
}

const UNITS: { ns: number; name: string }[] = [
  { ns: 1e9, name: 's' },
  { ns: 1e6, name: 'ms' },
  { ns: 1e3, name: 'µs' },
  { ns: 1, name: 'ns' },
];

/** The unit a step reads best in: the largest one it is a whole multiple of or bigger than. */
function unitFor(stepNs: number): { ns: number; name: string } {
  return UNITS.find((u) => stepNs >= u.ns) ?? UNITS[3]!;
}

/** `ns` in the unit of `stepNs`, with just the decimals that step needs ("1.25 s", "340 µs"). */
export function formatAt(ns: number, stepNs: number): string {
  const u = unitFor(stepNs);
  const decimals = Math.max(0, Math.ceil(-Math.log10(stepNs / u.ns) - 1e-9));
  return `${(ns / u.ns).toFixed(decimals)} ${u.name}`;
}

export interface AxisTicks {
  stepNs: number;
  ticks: { ns: number; label: string }[];
  /**
   * When labels since the trace start would be too long to read (zoomed to µs deep into a trace), ticks
   * read as offsets ("+200 ns") from this base, which the axis shows once ("2.503 124 s").
   */
  base: { ns: number; label: string } | null;
}

const MAX_LABEL = 9;

/** Ticks for a window drawn `widthPx` wide, labelled as time since `originNs` (the trace's start). */
export function axisTicks(win: Span, widthPx: number, originNs: number): AxisTicks {
  const stepNs = niceStep(win.endNs - win.startNs, Math.max(2, Math.floor(widthPx / 110)));
  const first = Math.ceil((win.startNs - originNs) / stepNs) * stepNs + originNs;
  const at: number[] = [];
  for (let t = first; t <= win.endNs && at.length < 1000; t += stepNs) at.push(t);
  const plain = at.map((t) => formatAt(t - originNs, stepNs));
  if (plain.every((l) => l.length <= MAX_LABEL)) return { stepNs, ticks: at.map((ns, i) => ({ ns, label: plain[i]! })), base: null };
  // Offsets from the last round value before the window, in the step's unit.
  const big = stepNs * 1000;
  const baseNs = Math.floor((win.startNs - originNs) / big) * big + originNs;
  return {
    stepNs,
    ticks: at.map((ns) => ({ ns, label: `+${formatAt(ns - baseNs, stepNs)}` })),
    base: { ns: baseNs, label: formatPrecise(baseNs - originNs) },
  };
}

/** A time since the trace's start at full precision, digits grouped by three ("2.503 124 500 s"). */
export function formatPrecise(ns: number): string {
  const neg = ns < 0;
  const whole = Math.round(Math.abs(ns));
  const s = Math.floor(whole / 1e9);
  const frac = String(whole % 1e9).padStart(9, '0').replace(/0+$/, '');
  const groups = frac.match(/.{1,3}/g) ?? [];
  return `${neg ? '-' : ''}${s}${groups.length ? `.${groups.join(' ')}` : ''} s`;
}

/**
 * "What changed" for profile series: the functions whose delta grew most in the selection. A series
 * window's delta (profile-series.ts) is turned into a RATE per function — flat value per second of
 * the window (block / mutex delay: seconds blocked per second, i.e. goroutines blocked there on
 * average; allocs: bytes or objects per second; goroutines: goroutines gained per second) — so a
 * window of two intervals compares with a baseline of five. The baseline is the intervals the
 * baseline ranges use, less those of the selection (the boundary rule makes them share an edge).
 *
 * A row's score is its change as a share of the series' activity in both windows (|Δ rate| over the
 * sum of both windows' total rates): the category mixes series of different units (bytes/s next to
 * s/s), and a share ranks them together; mergeWhatChanged's noise floor then keeps movers of 5 % and more.
 */
import type { ChangeRow } from '../what-changed.ts';
import { seriesWindow, type ProfileSeriesInfo, type SeriesWindow } from './profile-series.ts';

/** The intervals (by their end member's index, 1-based like the UI) a window uses. */
function intervalsOf(w: SeriesWindow): number[] {
  const out: number[] = [];
  for (let k = w.from + 1; k <= w.to; k++) out.push(k);
  return out;
}

/**
 * The baseline as runs of consecutive intervals (one subtraction each): the intervals the pieces
 * use, without the selection's.
 */
export function baselineRuns(times: readonly number[], a: SeriesWindow, pieces: readonly { startNs: number; endNs: number }[]): SeriesWindow[] {
  const inA = new Set(intervalsOf(a));
  const used = new Set<number>();
  for (const p of pieces) {
    const w = seriesWindow(times, p);
    if (w) for (const k of intervalsOf(w)) if (!inA.has(k)) used.add(k);
  }
  const ks = [...used].sort((x, y) => x - y);
  const runs: SeriesWindow[] = [];
  for (const k of ks) {
    const last = runs[runs.length - 1];
    if (last && last.to === k - 1) last.to = k;
    else runs.push({ from: k - 1, to: k });
  }
  return runs;
}

/** Duration (ns) of the windows, from the members' axis times. */
export function windowsNs(series: ProfileSeriesInfo, ws: readonly SeriesWindow[]): number {
  return ws.reduce((a, w) => a + (series.members[w.to]!.atNs - series.members[w.from]!.atNs), 0);
}

/** How a rate of `unit` per second reads. */
export function rateUnit(unit: string): string {
  if (unit === 'nanoseconds') return 's/s';
  if (unit === 'count') return '/s';
  return `${unit}/s`;
}

/** A rate per second of the window; delay in s/s (goroutines blocked on average). */
function rate(value: number, unit: string, ns: number): number {
  const perSecond = (value / ns) * 1e9;
  return unit === 'nanoseconds' ? perSecond / 1e9 : perSecond;
}

export interface WindowFlat {
  /** Flat value per function over the window(s). */
  flat: ReadonlyMap<string, number>;
  /** Axis ns the window(s) cover. */
  ns: number;
}

/**
 * The mover rows of one series: per function, its rate in the selection's window (`a`) against the
 * baseline's (`b`; null when the baseline uses no interval of its own). `sourceId` is the snapshot
 * whose flame graph shows the selection's delta (the window's end), so a row opens it there.
 */
export function seriesMoverRows(series: ProfileSeriesInfo, sourceId: string, unit: string, a: WindowFlat, b: WindowFlat | null): ChangeRow[] {
  if (!(a.ns > 0)) return [];
  const fns = new Set([...a.flat.keys(), ...(b ? b.flat.keys() : [])]);
  const total = (w: WindowFlat) => {
    let t = 0;
    for (const v of w.flat.values()) t += Math.abs(v);
    return rate(t, unit, w.ns);
  };
  const activity = total(a) + (b && b.ns > 0 ? total(b) : 0);
  const out: ChangeRow[] = [];
  for (const fn of fns) {
    const ra = rate(a.flat.get(fn) ?? 0, unit, a.ns);
    const rb = b && b.ns > 0 ? rate(b.flat.get(fn) ?? 0, unit, b.ns) : null;
    const delta = rb === null ? null : ra - rb;
    out.push({
      category: 'profile-delta',
      sourceId,
      key: `${series.id}|${fn}`,
      label: `${fn} [${series.kind}, ${rateUnit(unit)}]`,
      function: fn,
      unit: rateUnit(unit),
      a: { mean: ra, first: null, last: null, samples: a.ns },
      b: rb === null ? null : { mean: rb, first: null, last: null, samples: b!.ns },
      delta,
      growth: null,
      score: delta === null || activity === 0 ? 0 : Math.abs(delta) / activity,
    });
  }
  return out;
}

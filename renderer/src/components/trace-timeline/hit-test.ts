/**
 * What is under the pointer (pure): a lane's slice, a GC mark, a task/region span, a log mark, a CPU
 * sample column or a counter's value, from the last window answer and the row layout. Slices narrower
 * than a few pixels are still hit (the nearest within `slopPx`), so single events can be picked.
 */
import type { LaneSlices, TimelineWindow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { laneKey, rowAt, SPAN_H, GOROUTINE_H, type Row } from './lane-layout.ts';
import { nsOf, nsPerPx, type Viewport } from './time-scale.ts';

export type Hit =
  | { kind: 'slice'; row: Row; lane: LaneSlices; i: number }
  | { kind: 'gc'; i: number }
  | { kind: 'span'; i: number }
  | { kind: 'log'; i: number }
  | { kind: 'cpu'; i: number }
  | { kind: 'counter'; row: Row; t: number; v: number };

/** Index of the slice of `s` at `ns`, or the nearest one within `slopNs`; -1 none. Slices are in time order. */
export function sliceAt(s: Pick<LaneSlices, 'start' | 'end'>, ns: number, slopNs: number): number {
  const { start, end } = s;
  // Last slice starting at or before ns.
  let lo = 0;
  let hi = start.length - 1;
  let k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (start[mid]! <= ns) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (k >= 0 && end[k]! >= ns) return k;
  // Between slices: the closer neighbour, if within the slop.
  const dPrev = k >= 0 ? ns - end[k]! : Infinity;
  const dNext = k + 1 < start.length ? start[k + 1]! - ns : Infinity;
  if (Math.min(dPrev, dNext) > slopNs) return -1;
  return dPrev <= dNext ? k : k + 1;
}

/** Index of the last point at or before `ns` of a step series; -1 before the first. */
export function stepAt(t: readonly number[], ns: number): number {
  let lo = 0;
  let hi = t.length - 1;
  let k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]! <= ns) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return k;
}

export interface HitInput {
  win: TimelineWindow;
  lanes: ReadonlyMap<string, LaneSlices>;
  rows: readonly Row[];
  vp: Viewport;
  /** Content y (scroll included). */
  y: number;
  x: number;
  slopPx?: number;
  /** Row of each task span (lane-layout.ts taskLevels). */
  taskLevel?: readonly number[];
}

export function hitTest({ win, lanes, rows, vp, x, y, slopPx = 3, taskLevel }: HitInput): Hit | null {
  if (x < vp.x0 || x > vp.x0 + vp.w) return null;
  const row = rowAt(rows, y);
  if (!row) return null;
  const ns = nsOf(vp, x);
  const slop = slopPx * nsPerPx(vp);
  const near = (t: number) => Math.abs(t - ns) <= slop;
  switch (row.kind) {
    case 'gc': {
      const i = sliceAt(win.gc, ns, slop);
      return i >= 0 ? { kind: 'gc', i } : null;
    }
    case 'cpu': {
      const i = stepAt(win.cpuSamples.t, ns + slop);
      return i >= 0 && ns - win.cpuSamples.t[i]! <= 2 * slop ? { kind: 'cpu', i } : null;
    }
    case 'tasks': {
      const depth = Math.floor((y - row.top - 1) / SPAN_H);
      const logI = win.logs.findIndex((l) => near(l.t));
      if (logI >= 0) return { kind: 'log', i: logI };
      const i = win.spans.findIndex((s, k) => s.kind === 'task' && (taskLevel?.[k] ?? s.depth) === depth && s.start - slop <= ns && s.end + slop >= ns);
      return i >= 0 ? { kind: 'span', i } : null;
    }
    case 'gcount':
    case 'heap': {
      const series = row.kind === 'heap' ? win.heap : win.goroutineCount;
      const i = stepAt(series.t, ns);
      return i >= 0 ? { kind: 'counter', row, t: series.t[i]!, v: series.v[i]! } : null;
    }
    case 'proc':
    case 'thread':
    case 'goroutine': {
      const lane = lanes.get(laneKey(row.lane!));
      if (row.kind === 'goroutine' && y - row.top >= GOROUTINE_H) {
        // The region levels under a goroutine's states.
        const depth = Math.floor((y - row.top - GOROUTINE_H) / 7);
        const i = win.spans.findIndex((s) => s.kind === 'region' && s.g === row.lane!.id && s.depth === depth && s.start - slop <= ns && s.end + slop >= ns);
        if (i >= 0) return { kind: 'span', i };
      }
      if (row.kind === 'goroutine') {
        const logI = win.logs.findIndex((l) => l.g === row.lane!.id && near(l.t));
        if (logI >= 0 && y - row.top < 6) return { kind: 'log', i: logI };
      }
      if (!lane) return null;
      const i = sliceAt(lane, ns, slop);
      return i >= 0 ? { kind: 'slice', row, lane, i } : null;
    }
    default:
      return null;
  }
}

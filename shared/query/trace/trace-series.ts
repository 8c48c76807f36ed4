/**
 * Timeline tracks of a Go execution trace, binned for drawing: goroutines by state (time-weighted
 * average count per bucket, for a stacked track), the live heap, and GC / stop-the-world bands.
 * All times are model ns (the source's own axis); every result is a few typed arrays.
 */
import { HEAP_LIVE_METRICS, type TraceModel } from '../../model/trace.ts';
import type { TimeRange } from './trace-blocking.ts';
import { firstPosFrom, transitionIndex, upperBound } from './transition-index.ts';

/** Track order of `goroutineStateSeries` rows. */
export const SERIES_STATES = ['running', 'runnable', 'waiting', 'syscall'] as const;
/** GoState number → row in SERIES_STATES (-1: not drawn). */
const ROW_OF_STATE = [-1, -1, 1, 0, 2, 3];

export interface BinnedAxis {
  startNs: number;
  bucketNs: number;
  buckets: number;
}

export interface GoroutineStateSeries extends BinnedAxis {
  states: readonly string[];
  /** Row-major [state][bucket]: average number of goroutines in that state over the bucket. */
  values: Float64Array;
}

function axis(model: TraceModel, range: TimeRange | undefined, buckets: number): BinnedAxis {
  const startNs = range ? range.startNs : model.startNs;
  const endNs = range ? range.endNs : model.endNs;
  const n = Math.max(1, Math.min(1_000_000, Math.floor(buckets)));
  return { startNs, bucketNs: Math.max(endNs - startNs, 1) / n, buckets: n };
}

/**
 * Goroutines by state over time. A goroutine counts in a state from the transition into it until
 * its next transition (time before its first transition in the trace is not counted). A range walks
 * only the transitions inside it (the timeline asks for the visible window).
 */
export function goroutineStateSeries(model: TraceModel, range: TimeRange | undefined, buckets: number): GoroutineStateSeries {
  const ax = axis(model, range, buckets);
  const { startNs, bucketNs, buckets: n } = ax;
  const endNs = startNs + bucketNs * n;
  const ns = SERIES_STATES.length;
  // A level change of +1/-1 at time x: full buckets after x get `step`, x's own bucket a part.
  const step = new Float64Array(ns * (n + 1));
  const part = new Float64Array(ns * n);
  const change = (row: number, x: number, d: number): void => {
    if (row < 0 || x >= endNs) return;
    if (x <= startNs) {
      step[row * (n + 1)]! += d;
      return;
    }
    const k = Math.min(n - 1, Math.floor((x - startNs) / bucketNs));
    const bucketEnd = startNs + (k + 1) * bucketNs;
    part[row * n + k]! += (d * (bucketEnd - x)) / bucketNs;
    step[row * (n + 1) + k + 1]! += d;
  };
  const gs = model.goroutines;
  const cur = new Int8Array(gs.count).fill(-1);
  const tr = model.transitions;
  let from = 0;
  const ix = transitionIndex(model);
  if (ix.sorted && startNs > model.startNs) {
    // A window: each goroutine's state when it opens comes from the index (its last transition at or
    // before the start), and the walk covers the window's transitions only. The same sums as a walk
    // from the first transition: those before the start only ever added whole ±1s to the opening level.
    from = upperBound(tr.t, tr.count, startNs);
    for (let g = 0; g < gs.count; g++) {
      const p = firstPosFrom(ix, g, from) - 1;
      if (p < ix.gStart[g]!) continue;
      const row = ROW_OF_STATE[tr.to[ix.byG[p]!]!] ?? -1;
      cur[g] = row;
      if (row >= 0) step[row * (n + 1)]! += 1;
    }
  }
  for (let i = from; i < tr.count; i++) {
    const g = tr.g[i]!;
    const t = tr.t.at(i);
    if (t >= endNs) break;
    const row = ROW_OF_STATE[tr.to[i]!] ?? -1;
    if (cur[g] === row) continue;
    if (cur[g]! >= 0) change(cur[g]!, t, -1);
    change(row, t, +1);
    cur[g] = row;
  }
  const values = new Float64Array(ns * n);
  for (let s = 0; s < ns; s++) {
    let level = 0;
    for (let k = 0; k < n; k++) {
      level += step[s * (n + 1) + k]!;
      values[s * n + k] = level + part[s * n + k]!;
    }
  }
  return { ...ax, states: SERIES_STATES, values };
}

export interface HeapSeries extends BinnedAxis {
  /** Live heap bytes at the end of each bucket (NaN before the first sample). */
  last: Float64Array;
  /** Largest sample inside each bucket (NaN when none fell in it). */
  max: Float64Array;
}

/** The live heap (`/memory/classes/heap/objects:bytes`, or `/gc/heap/live:bytes` for old traces). */
export function heapSeries(model: TraceModel, range: TimeRange | undefined, buckets: number): HeapSeries {
  const ax = axis(model, range, buckets);
  const { startNs, bucketNs, buckets: n } = ax;
  const m = model.metrics;
  const ids = new Set<number>();
  m.names.forEach((name, i) => {
    if (HEAP_LIVE_METRICS.includes(name)) ids.add(i);
  });
  const last = new Float64Array(n).fill(NaN);
  const max = new Float64Array(n).fill(NaN);
  let carry = NaN;
  let k = 0;
  for (let i = 0; i < m.count; i++) {
    if (!ids.has(m.metric[i]!)) continue;
    const t = m.t.at(i);
    const v = m.value[i]!;
    if (t < startNs) {
      carry = v;
      continue;
    }
    const b = Math.floor((t - startNs) / bucketNs);
    if (b >= n) break;
    while (k < b) last[k++] = carry;
    carry = v;
    if (!(max[b]! >= v)) max[b] = v;
  }
  while (k < n) last[k++] = carry;
  // Buckets up to the last sample end with the carried value; later ones too (heap stays put).
  return { ...ax, last, max };
}

export interface Bands {
  /** Pairs [start, end] clipped to the range, flattened. */
  gc: Float64Array;
  stw: Float64Array;
}

/** GC mark phases and stop-the-world pauses overlapping the range, clipped to it. */
export function gcBands(model: TraceModel, range?: TimeRange): Bands {
  const lo = range ? range.startNs : model.startNs;
  const hi = range ? range.endNs : model.endNs;
  const pick = (start: Float64Array, end: Float64Array, count: number): Float64Array => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = start[i]! === start[i]! ? start[i]! : model.startNs;
      const e = end[i]! === end[i]! ? end[i]! : model.endNs;
      if (e < lo || s > hi) continue;
      out.push(Math.max(s, lo), Math.min(e, hi));
    }
    return Float64Array.from(out);
  };
  return {
    gc: pick(model.gcCycles.start, model.gcCycles.end, model.gcCycles.count),
    stw: pick(model.stw.start, model.stw.end, model.stw.count),
  };
}

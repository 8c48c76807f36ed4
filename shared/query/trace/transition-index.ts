/**
 * An index over a trace's goroutine transitions, built once per model and kept beside it (WeakMap):
 * range queries binary-search where a range starts instead of walking 13 M transitions from the
 * beginning, and per-goroutine queries (lanes, the state a goroutine is in when a range starts) read
 * one goroutine's transitions directly.
 *
 *   byG     transition rows grouped by goroutine row, table order inside each group:
 *           goroutine row g owns byG[gStart[g] .. gStart[g + 1])
 *   sorted  transition times never decrease (Go's event order is time order); when false, range
 *           queries fall back to walking from the first transition
 */
import type { TimeColumn } from '../../model/time-column.ts';
import type { GoTransitionTable, TraceModel } from '../../model/trace.ts';

export interface TransitionIndex {
  sorted: boolean;
  byG: Int32Array;
  gStart: Int32Array;
  /** Goroutine row → the first row with the same goroutine id (ids repeat only in malformed input). */
  canonRow: Int32Array;
  uniqueIds: boolean;
  /** Goroutine id → its first row. */
  rowOfId: Map<number, number>;
}

const cache = new WeakMap<GoTransitionTable, TransitionIndex>();

export function transitionIndex(model: TraceModel): TransitionIndex {
  const tr = model.transitions;
  const nG = model.goroutines.count;
  const hit = cache.get(tr);
  if (hit && hit.byG.length === tr.count && hit.gStart.length === nG + 1) return hit;
  const T = tr.t;
  const G = tr.g;
  const n = tr.count;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (!(T.at(i) >= T.at(i - 1))) {
      sorted = false;
      break;
    }
  }
  // Counting sort by goroutine row (stable, so each group stays in table order).
  const gStart = new Int32Array(nG + 1);
  for (let i = 0; i < n; i++) gStart[G[i]! + 1]!++;
  for (let g = 0; g < nG; g++) gStart[g + 1]! += gStart[g]!;
  const fill = gStart.slice(0, nG);
  const byG = new Int32Array(n);
  for (let i = 0; i < n; i++) byG[fill[G[i]!]!++] = i;
  const canonRow = new Int32Array(nG);
  const rowOfId = new Map<number, number>();
  let uniqueIds = true;
  for (let g = 0; g < nG; g++) {
    const id = model.goroutines.id[g]!;
    const first = rowOfId.get(id);
    if (first === undefined) {
      rowOfId.set(id, g);
      canonRow[g] = g;
    } else {
      uniqueIds = false;
      canonRow[g] = first;
    }
  }
  const ix: TransitionIndex = { sorted, byG, gStart, canonRow, uniqueIds, rowOfId };
  cache.set(tr, ix);
  return ix;
}

/** The first i in [0, n) with t(i) >= x (n when none); NaN x gives 0, as a walk from the start. */
export function lowerBound(t: TimeColumn, n: number, x: number): number {
  return t.lowerBound(x, 0, n);
}

/** The first i in [0, n) with t(i) > x (n when none). */
export function upperBound(t: TimeColumn, n: number, x: number): number {
  return t.upperBound(x, 0, n);
}

/** Position in goroutine row g's part of byG of its first transition with table index >= i. */
export function firstPosFrom(ix: TransitionIndex, g: number, i: number): number {
  let a = ix.gStart[g]!;
  let b = ix.gStart[g + 1]!;
  const byG = ix.byG;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (byG[m]! < i) a = m + 1;
    else b = m;
  }
  return a;
}

/** Position in goroutine row g's part of byG of its first transition at a time > x (times sorted). */
export function firstPosAfterTime(ix: TransitionIndex, t: TimeColumn, g: number, x: number): number {
  let a = ix.gStart[g]!;
  let b = ix.gStart[g + 1]!;
  const byG = ix.byG;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (t.at(byG[m]!) <= x) a = m + 1;
    else b = m;
  }
  return a;
}

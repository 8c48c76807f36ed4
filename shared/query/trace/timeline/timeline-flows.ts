/**
 * Wake-up flows: goroutine A made B runnable (an unblock or a creation) at t, B next ran at toRunT.
 * Read from the model's wakers table (GoTransitionTable.wakers: the transition rows into Runnable
 * with the waker's goroutine row), indexed once per model by waker and by woken goroutine so that a
 * window of a few lanes reads only their flows.
 */
import { G_RUNNING, type TraceModel } from '../../../model/trace.ts';
import { transitionIndex } from '../transition-index.ts';
import { NO_PROC_ID } from './timeline-index.ts';
import type { WakeFlow } from './timeline-types.ts';

/** Wakers rows (indexes into wakers.at) grouped by goroutine row, in time order inside each group. */
interface Grouping {
  rows: Int32Array;
  start: Int32Array;
}

interface FlowIndex {
  byWaker: Grouping;
  byWoken: Grouping;
}

const cache = new WeakMap<TraceModel, FlowIndex>();

function group(n: number, nG: number, keyOf: (k: number) => number): Grouping {
  const start = new Int32Array(nG + 2);
  for (let k = 0; k < n; k++) start[keyOf(k) + 2]!++;
  for (let g = 0; g <= nG; g++) start[g + 1]! += start[g]!;
  const rows = new Int32Array(n);
  const fill = start.slice(0, nG + 1);
  // Key -1 (no waker) goes to slot 0; goroutine row g to slot g + 1.
  for (let k = 0; k < n; k++) rows[fill[keyOf(k) + 1]!++] = k;
  return { rows, start: start.subarray(1) };
}

function flowIndex(model: TraceModel): FlowIndex | null {
  const w = model.transitions.wakers;
  if (!w) return null;
  const hit = cache.get(model);
  if (hit) return hit;
  const nG = model.goroutines.count;
  const g = model.transitions.g;
  const ix: FlowIndex = {
    byWaker: group(w.at.length, nG, (k) => w.by[k]!),
    byWoken: group(w.at.length, nG, (k) => g[w.at[k]!]!),
  };
  cache.set(model, ix);
  return ix;
}

/** The rows of goroutine row `row` in a grouping (row -1: the flows without a waker). */
function groupRows(gr: Grouping, row: number): [number, number] {
  return [gr.start[row]!, gr.start[row + 1]!];
}

/** When goroutine row `row` next runs after transition `j` (NaN: never in the trace). */
export function nextRunAfter(model: TraceModel, row: number, j: number): number {
  const ix = transitionIndex(model);
  const tr = model.transitions;
  let a = ix.gStart[row]!;
  let b = ix.gStart[row + 1]!;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (ix.byG[m]! <= j) a = m + 1;
    else b = m;
  }
  for (let p = a; p < ix.gStart[row + 1]!; p++) {
    const i = ix.byG[p]!;
    if (tr.to[i] === G_RUNNING && tr.from[i] !== G_RUNNING) return tr.t.at(i);
  }
  return NaN;
}

/** The flow of wakers row k. */
export function flowOf(model: TraceModel, k: number): WakeFlow {
  const tr = model.transitions;
  const w = tr.wakers!;
  const j = w.at[k]!;
  const by = w.by[k]!;
  const p = tr.p ? tr.p[j]! : NO_PROC_ID;
  const toRow = tr.g[j]!;
  return {
    t: tr.t.at(j),
    fromG: by >= 0 ? model.goroutines.id[by]! : -1,
    toG: model.goroutines.id[toRow]!,
    fromP: p === NO_PROC_ID ? -1 : p,
    toRunT: nextRunAfter(model, toRow, j),
  };
}

/** Wakers rows [a, b) of a grouping part whose time is in [lo, hi) (rows in time order). */
function timeSlice(model: TraceModel, rows: Int32Array, a: number, b: number, lo: number, hi: number): [number, number] {
  const w = model.transitions.wakers!;
  const T = model.transitions.t;
  const first = (x: number) => {
    let l = a;
    let r = b;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (T.at(w.at[rows[m]!]!) < x) l = m + 1;
      else r = m;
    }
    return l;
  };
  return [first(lo), first(hi)];
}

/**
 * Flows whose wake-up is in [lo, hi), in time order, at most `limit`; `omitted` counts the rest.
 * All flows (goroutineIds null), or those with either end among `goroutineIds`: all when they fit,
 * else `limit` spread evenly over the window (then, for asked goroutines, a wake-up between two of
 * them that was not read may be counted twice in `omitted`).
 */
export function wakeFlows(model: TraceModel, lo: number, hi: number, goroutineIds: number[] | null, limit: number): { flows: WakeFlow[]; omitted: number } {
  const ix = flowIndex(model);
  const w = model.transitions.wakers;
  if (!ix || !w) return { flows: [], omitted: 0 };
  const T = model.transitions.t;
  const picked = new Set<number>();
  let total = 0;
  if (goroutineIds === null) {
    // wakers.at ascends and transitions are in time order: the window is one slice of it.
    const first = (x: number) => {
      let l = 0;
      let r = w.at.length;
      while (l < r) {
        const m = (l + r) >>> 1;
        if (T.at(w.at[m]!) < x) l = m + 1;
        else r = m;
      }
      return l;
    };
    const a = first(lo);
    const b = first(hi);
    total = b - a;
    // All when they fit, else `limit` spread evenly over the window (never only its first moments).
    const step = total > limit ? total / limit : 1;
    for (let x = 0; x < total && picked.size < limit; x += step) picked.add(a + Math.floor(x));
  } else {
    // Per asked goroutine, its flows as waker and as woken are each a slice of a time-ordered group:
    // counted by binary search, read whole when few, else `limit` of them evenly spread over the window.
    const rowOf = transitionIndex(model).rowOfId;
    // Each side reads its share of the limit (a little more, as the sides overlap).
    const perSide = Math.max(16, Math.ceil(limit / Math.max(1, goroutineIds.length)));
    for (const id of goroutineIds) {
      const row = rowOf.get(id);
      if (row === undefined) continue;
      for (const gr of [ix.byWaker, ix.byWoken]) {
        const [a0, b0] = groupRows(gr, row);
        const [a, b] = timeSlice(model, gr.rows, a0, b0, lo, hi);
        const n = b - a;
        const step = n > perSide ? n / perSide : 1;
        for (let x = 0; x < n; x += step) {
          const k = gr.rows[a + Math.floor(x)]!;
          if (picked.has(k)) total--;
          else picked.add(k);
        }
        total += n;
      }
    }
  }
  if (picked.size > limit && goroutineIds !== null) {
    // Several lanes' flows: keep `limit` spread evenly over time.
    const all = [...picked].sort((x, y) => x - y);
    picked.clear();
    for (let x = 0; x < all.length && picked.size < limit; x += all.length / limit) picked.add(all[Math.floor(x)]!);
  }
  const keep = [...picked].sort((x, y) => x - y).slice(0, limit);
  return { flows: keep.map((k) => flowOf(model, k)), omitted: total - keep.length };
}

/** Wakers rows of flows woken by goroutine row `row` in [lo, hi), and the one that woke it last before `t` (-1). */
export function flowsOfGoroutine(model: TraceModel, row: number, lo: number, hi: number): { woke: number[]; wokenBefore: (t: number) => number } | null {
  const ix = flowIndex(model);
  const w = model.transitions.wakers;
  if (!ix || !w) return null;
  const [a0, b0] = groupRows(ix.byWaker, row);
  const [a, b] = timeSlice(model, ix.byWaker.rows, a0, b0, lo, hi);
  const woke = Array.from(ix.byWaker.rows.subarray(a, b));
  const wokenBefore = (t: number): number => {
    const [c0, d0] = groupRows(ix.byWoken, row);
    // The last wake-up at or before t.
    const [, d] = timeSlice(model, ix.byWoken.rows, c0, d0, -Infinity, t);
    let m = d;
    while (m < d0 && model.transitions.t.at(w.at[ix.byWoken.rows[m]!]!) <= t) m++;
    return m > c0 ? ix.byWoken.rows[m - 1]! : -1;
  };
  return { woke, wokenBefore };
}
